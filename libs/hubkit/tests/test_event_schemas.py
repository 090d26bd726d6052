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
