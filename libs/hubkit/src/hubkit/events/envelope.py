"""The fixed event envelope (DESIGN.md) plus `consortium_id`, and the schema registry by (type, version)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from typing import Any

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


def parse_event(raw: bytes | str) -> Envelope:
    """Decode and validate a message from the broker; raise EventValidationError if malformed."""
    try:
        payload = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise EventValidationError("message is not JSON") from exc
    if not isinstance(payload, dict):
        raise EventValidationError("message is not a JSON object")
    try:
        envelope = ENVELOPE_SCHEMA.load(payload)
    except ValidationError as exc:
        raise EventValidationError("envelope is invalid", exc.messages) from exc
    if data_schema_for(envelope["type"], envelope["version"]) is not None:
        envelope["data"] = _validated_data(envelope["type"], envelope["version"], envelope["data"], strict=False)
    return Envelope(**envelope)
