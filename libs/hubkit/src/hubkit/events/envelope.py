"""The fixed event envelope (DESIGN.md) plus `consortium_id`, and the schema registry by (type, version)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from typing import Any, Container

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

TYPE_PATTERN = re.compile(r"^(membership|contracts|finance|governance)\.[a-z_]+\.[a-z_]+$")
_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}


class EventValidationError(ValueError):
    """An event's envelope or data does not match its schema."""

    def __init__(self, message: str, errors: Any = None):
        super().__init__(f"{message}: {errors}" if errors else message)
        self.errors = errors


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerate envelope fields added later

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(TYPE_PATTERN))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=dt.timezone.utc)
    producer = fields.String(required=True)
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    actor = fields.String(required=True)
    correlation_id = fields.String(required=True)
    causation_id = fields.String(load_default=None, allow_none=True)
    consortium_id = fields.UUID(required=True)
    data = fields.Dict(required=True)


class EventData(Schema):
    """Base for one event version's data; consumers ignore fields they do not know."""

    class Meta:
        unknown = EXCLUDE


def event_data(type_: str, version: int = 1):
    """Class decorator registering the data schema of one event type and version."""

    def register(cls: type[Schema]) -> type[Schema]:
        if not TYPE_PATTERN.match(type_):
            raise ValueError(f"bad event type {type_!r}: use <service>.<entity>.<past-tense verb>")
        _SCHEMAS[(type_, version)] = cls
        cls.event_type, cls.event_version = type_, version  # type: ignore[attr-defined]
        return cls

    return register


def data_schema_for(type_: str, version: int) -> type[Schema] | None:
    return _SCHEMAS.get((type_, version))


def registered_types() -> list[tuple[str, int]]:
    return sorted(_SCHEMAS)


@dataclasses.dataclass(frozen=True)
class Envelope:
    id: uuid.UUID
    type: str
    version: int
    occurred_at: dt.datetime
    producer: str
    subject: str
    actor: str
    correlation_id: str
    causation_id: str | None
    consortium_id: uuid.UUID
    data: dict

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def subject_id(self) -> str:
        """The id part of `kind/<id>` subjects."""
        return self.subject.split("/", 1)[-1]

    def to_json(self) -> str:
        return json.dumps(ENVELOPE_SCHEMA.dump(dataclasses.asdict(self)), sort_keys=True)


ENVELOPE_SCHEMA = EnvelopeSchema()  # schemas are reusable; making one per message was most of parsing
_DATA_SCHEMAS: dict[tuple[str, int, bool], Schema] = {}


def _data_schema(type_: str, version: int, strict: bool) -> Schema | None:
    """One schema instance per event type, version and strictness: building one costs more than a load."""
    key = (type_, version, strict)
    if key not in _DATA_SCHEMAS:
        schema_cls = data_schema_for(type_, version)
        if schema_cls is None:
            return None
        _DATA_SCHEMAS[key] = schema_cls(unknown=RAISE if strict else EXCLUDE)
    return _DATA_SCHEMAS[key]


def _validated_data(type_: str, version: int, data: dict, *, strict: bool) -> dict:
    schema = _data_schema(type_, version, strict)
    if schema is None:
        raise EventValidationError(f"no schema for {type_} v{version}")
    try:
        return schema.dump(schema.load(data))
    except ValidationError as exc:
        raise EventValidationError(f"{type_} v{version} data is invalid", exc.messages) from exc


def new_event(type_: str, *, subject: str, data: dict, consortium_id: uuid.UUID, actor: str, correlation_id: str,
              causation_id: str | None = None, version: int = 1, producer: str | None = None) -> Envelope:
    """Build an event, validating its data strictly: a producer may not send what its schema lacks."""
    return Envelope(
        id=uuid.uuid4(), type=type_, version=version, occurred_at=dt.datetime.now(dt.timezone.utc),
        producer=producer or type_.split(".", 1)[0], subject=subject, actor=actor,
        correlation_id=correlation_id, causation_id=causation_id, consortium_id=consortium_id,
        data=_validated_data(type_, version, data, strict=True),
    )


_ENVELOPE_TEXTS = ("producer", "actor", "correlation_id")


def _envelope_at_once(payload: dict) -> dict | None:
    """What ENVELOPE_SCHEMA.load(payload) answers, for an envelope as producers write it (every field there, of its
    JSON type); None for anything else, which the schema then loads or refuses with its messages. The schema's
    checks written out: a tenth of its cost, and most of what a consumer spends on an event before applying it."""
    try:
        type_, version, subject, causation_id, data, occurred_at, id_, consortium_id = (
            payload["type"], payload["version"], payload["subject"], payload.get("causation_id"), payload["data"],
            payload["occurred_at"], payload["id"], payload["consortium_id"])
        if not (type(type_) is str and TYPE_PATTERN.match(type_) and type(version) is int and version >= 1
                and type(subject) is str and 1 <= len(subject) <= 300 and type(data) is dict
                and (causation_id is None or type(causation_id) is str) and type(occurred_at) is str
                and type(id_) is str and type(consortium_id) is str
                and all(type(payload[name]) is str for name in _ENVELOPE_TEXTS)):
            return None
        occurred = dt.datetime.fromisoformat(occurred_at)  # as fields.AwareDateTime reads it
        if occurred.tzinfo is None or occurred.utcoffset() is None:
            occurred = occurred.replace(tzinfo=dt.timezone.utc)
        return {"id": uuid.UUID(id_), "type": type_, "version": version, "occurred_at": occurred,
                "producer": payload["producer"], "subject": subject, "actor": payload["actor"],
                "correlation_id": payload["correlation_id"], "causation_id": causation_id,
                "consortium_id": uuid.UUID(consortium_id), "data": dict(data)}
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def _load_envelope(payload: dict) -> dict:
    envelope = _envelope_at_once(payload)
    if envelope is not None:
        return envelope
    try:
        return ENVELOPE_SCHEMA.load(payload)
    except ValidationError as exc:
        raise EventValidationError("envelope is invalid", exc.messages) from exc


def parse_event(raw: bytes | str, types: Container[str] | None = None) -> Envelope | None:
    """Decode and validate a message from the broker; raise EventValidationError if malformed.

    With `types` (the types a consumer handles), an event of another type is None once its envelope is valid: its
    data, which nobody here reads, is not validated."""
    try:
        payload = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise EventValidationError("message is not JSON") from exc
    if not isinstance(payload, dict):
        raise EventValidationError("message is not a JSON object")
    envelope = _load_envelope(payload)
    if types is not None and envelope["type"] not in types:
        return None
    if data_schema_for(envelope["type"], envelope["version"]) is not None:
        envelope["data"] = _validated_data(envelope["type"], envelope["version"], envelope["data"], strict=False)
    return Envelope(**envelope)
