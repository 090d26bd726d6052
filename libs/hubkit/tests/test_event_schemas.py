"""The event contract: envelope, per-version schemas, golden examples, and what each consumer claims."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from hubkit.events import EventValidationError, new_event, parse_event, registered_types

EXAMPLES = resources.files("hubkit.events") / "examples"


def example(type_: str, version: int) -> str:
    return (EXAMPLES / f"{type_}.v{version}.json").read_text()


@pytest.mark.parametrize("type_,version", registered_types())
def test_every_event_version_has_a_golden_example_that_still_loads(type_, version):
    event = parse_event(example(type_, version))
    assert (event.type, event.version) == (type_, version)
    assert parse_event(event.to_json()) == event  # round-trips through the wire format


def test_consumers_tolerate_fields_they_do_not_know():
    payload = json.loads(example("governance.decision.made", 1))
    payload["added_later"] = True
    payload["data"]["added_later_too"] = 1
    event = parse_event(json.dumps(payload))
    assert "added_later_too" not in event.data


@pytest.mark.parametrize("mutate,field", [
    (lambda p: p.pop("consortium_id"), "consortium_id"),
    (lambda p: p.update(type="Membership.Thing"), "type"),
    (lambda p: p["data"].update(outcome="maybe"), "outcome"),
    (lambda p: p["data"].pop("request_id"), "request_id"),
])
def test_malformed_events_are_refused_naming_the_field(mutate, field):
    payload = json.loads(example("governance.decision.made", 1))
    mutate(payload)
    with pytest.raises(EventValidationError) as refused:
        parse_event(json.dumps(payload))
    assert field in str(refused.value)


ENVELOPE_VARIANTS = [
    ("as producers write it", lambda p: None),
    ("no causation_id", lambda p: p.pop("causation_id", None)),
    ("a causation_id", lambda p: p.update(causation_id="abc")),
    ("a field added later", lambda p: p.update(added_later=[1])),
    ("a naive occurred_at", lambda p: p.update(occurred_at="2026-03-01T10:00:00")),
    ("occurred_at in another zone", lambda p: p.update(occurred_at="2026-03-01T10:00:00+05:30")),
    ("version as text", lambda p: p.update(version="1")),
    ("version as a float", lambda p: p.update(version=1.0)),
    ("version true", lambda p: p.update(version=True)),
    ("version 0", lambda p: p.update(version=0)),
    ("an id that is no UUID", lambda p: p.update(id="not-a-uuid")),
    ("a consortium_id of braces", lambda p: p.update(consortium_id="{" + p["consortium_id"] + "}")),
    ("an empty subject", lambda p: p.update(subject="")),
    ("a subject too long", lambda p: p.update(subject="x" * 301)),
    ("a bad type", lambda p: p.update(type="membership.Thing")),
    ("a null actor", lambda p: p.update(actor=None)),
    ("a number for producer", lambda p: p.update(producer=3)),
    ("data a list", lambda p: p.update(data=[])),
    ("no data", lambda p: p.pop("data")),
    ("occurred_at not a date", lambda p: p.update(occurred_at="yesterday")),
]


@pytest.mark.parametrize("name,mutate", ENVELOPE_VARIANTS, ids=[v[0] for v in ENVELOPE_VARIANTS])
def test_the_envelope_read_at_once_answers_as_its_schema_does(name, mutate):
    """The consumer's quick reading of an envelope (most of its cost per event) gives what the schema gives, and
    leaves to the schema whatever it does not take exactly as the schema would."""
    from marshmallow import ValidationError

    from hubkit.events.envelope import ENVELOPE_SCHEMA, _envelope_at_once

    payload = json.loads(example("governance.decision.made", 1))
    mutate(payload)
    payload = json.loads(json.dumps(payload))
    quick = _envelope_at_once(payload)
    try:
        schema = ENVELOPE_SCHEMA.load(payload)
    except ValidationError:
        assert quick is None
    else:
        assert quick is None or quick == schema
    if name == "as producers write it":
        assert quick is not None  # the common case never reaches the schema


def test_a_consumer_reads_no_data_of_a_type_it_does_not_handle():
    payload = json.loads(example("governance.decision.made", 1))
    payload["data"].pop("request_id")  # invalid data, of a type not handled here
    assert parse_event(json.dumps(payload), types={"membership.organisation.registered"}) is None
    with pytest.raises(EventValidationError):
        parse_event(json.dumps(payload), types={"governance.decision.made"})
    payload["type"] = "Governance.Bad"  # an envelope that is not one is refused whatever the types
    with pytest.raises(EventValidationError):
        parse_event(json.dumps(payload), types={"membership.organisation.registered"})


def test_a_producer_cannot_send_data_its_schema_lacks():
    with pytest.raises(EventValidationError):
        new_event("governance.decision.made", subject="decision/x", consortium_id=__import__("uuid").uuid4(),
                  actor="system", correlation_id="c", data={"outcome": "approved", "surprise": 1})


SERVICES = ("membership", "contracts", "finance", "governance")


@pytest.mark.parametrize("service", SERVICES)
def test_every_consumer_handles_each_version_it_claims(service):
    """Each subscription's claimed versions have schemas, and their golden examples decode for it."""
    from importlib import import_module

    definition = import_module(f"{service}.app").SERVICE
    for subscription in definition.handlers.by_type.values():
        for version in subscription.versions:
            assert (subscription.event_type, version) in registered_types()
            event = parse_event(example(subscription.event_type, version))
            assert event.type == subscription.event_type
