"""A run of one partition's events, applied in one transaction (EventApplier.apply_run): a set-wise handler takes
every event of its consortium it can at once, each subject keeps its order, and the outcome is one-by-one's."""
from __future__ import annotations

import collections
import dataclasses
import uuid

import pytest
from sqlalchemy import select

from hubkit.consumer import EventApplier, EventHandlers
from hubkit.db import Database
from hubkit.events import Envelope, new_event
from hubkit.read_copies import subscribe_organisation_copy
from hubkit.testing import EventsFlowBase, Note, OrganisationCopy, service_settings

CONSORTIUM, ANOTHER_CONSORTIUM = uuid.uuid4(), uuid.uuid4()
TOPIC = "hub.membership"


def joining(name: str, consortium: uuid.UUID = CONSORTIUM) -> list[Envelope]:
    """An organisation's events as a member joins: registered, application submitted, capabilities updated (a
    rule of the consuming service's own, one event at a time), activated."""
    org_id = uuid.uuid4()
    organisation = {"organisation_id": org_id, "name": name, "legal_form": "charity"}

    def event(type_: str, **data) -> Envelope:
        return new_event(type_, subject=f"organisation/{org_id}", consortium_id=consortium, actor="user:someone",
                         correlation_id=uuid.uuid4().hex, producer="membership", data={**organisation, **data})

    return [event("membership.organisation.registered", status="applicant"),
            event("membership.application.submitted", status="in_due_diligence"),
            event("membership.capability.updated", status="in_due_diligence", service_categories=["advice"],
                  areas_served=["E09000001"], eligible_for_new_work=True),
            event("membership.member.activated", status="active")]


def note_capabilities(uow, event):
    uow.session.add(Note(text=f"capabilities of {event.data['name']}"))


class Consuming:
    """A consuming service's database and its applier, counting the events each set-wise call is given."""

    def __init__(self, databases, public_key):
        self.db = Database(databases.create("batches"), EventsFlowBase.kit)
        EventsFlowBase.metadata.create_all(self.db.engine)
        settings = service_settings("contracts", self.db.url, "127.0.0.1:1", public_key)
        handlers = EventHandlers()
        subscribe_organisation_copy(handlers, OrganisationCopy)
        handlers.on("membership.capability.updated")(note_capabilities)
        self.set_wise_calls: list[int] = []
        for subscription in list(handlers.by_type.values()):
            if subscription.many:
                handlers.by_type[subscription.event_type] = dataclasses.replace(
                    subscription, many=self._counted(subscription.many))
        self.applier = EventApplier(self.db, settings, handlers)
        with self.db.engine.begin() as connection:
            connection.execute(self.db.kit.consumer_position.insert().values(
                consumer="contracts", topic=TOPIC, partition=0, topic_id="t", next_offset=0))

    def _counted(self, many):
        shared = self.__dict__.setdefault("_shared", {})
        if many not in shared:
            def counted(uow, events):
                self.set_wise_calls.append(len(events))
                many(uow, events)
            shared[many] = counted
        return shared[many]

    def state(self) -> dict:
        kit = self.db.kit
        with self.db.session(None) as session:
            copies = sorted((c.id, c.name, c.status, c.updated_at) for c in session.execute(
                select(OrganisationCopy).execution_options(hubkit_all_tenants=True)).scalars())
            notes = sorted(session.execute(select(Note.text).execution_options(hubkit_all_tenants=True)).scalars())
            inbox = set(session.execute(select(kit.inbox.c.event_id)).scalars())
            audit = collections.Counter(session.execute(select(
                kit.audit_entry.c.entity, kit.audit_entry.c.action, kit.audit_entry.c.correlation_id,
                kit.audit_entry.c.actor)).all())
        return {"copies": copies, "notes": notes, "inbox": inbox, "audit": audit}


@pytest.fixture
def consuming(databases, token_keys):
    made = []

    def make() -> Consuming:
        made.append(Consuming(databases, token_keys[1]))
        return made[-1]

    yield make
    for c in made:
        c.db.dispose()


def interleaved(*lifecycles: list[Envelope]) -> list[Envelope]:
    """Each organisation's events in turn, as a partition holds several organisations' (their order kept)."""
    return [event for lifecycle in lifecycles for event in lifecycle]


def test_a_set_wise_handler_takes_every_event_it_can_at_once_and_each_subject_keeps_its_order(consuming):
    a, b, c, other = joining("A Trust"), joining("B Trust"), joining("C Trust"), joining("D Trust", ANOTHER_CONSORTIUM)
    run = interleaved(a, b, other, c)
    groups = consuming().applier._set_wise_groups(run)

    assert [[e.id for e in group] for group in groups] == [[e.id for e in group] for group in [
        [a[0], a[1], b[0], b[1], c[0], c[1]],  # every copy made at once, before the first capability update
        [a[2]], [b[2]],  # one at a time, in order
        [other[0], other[1]],  # another consortium's copies: a unit of work of their own
        [other[2]], [c[2]],
        [a[3], b[3], c[3]],  # the activations, after each one's capability update
        [other[3]],
    ]]
    applied = [e for group in groups for e in group]
    assert sorted(e.id for e in applied) == sorted(e.id for e in run)  # each once
    for lifecycle in (a, b, c, other):
        assert [e for e in applied if e.subject == lifecycle[0].subject] == lifecycle  # each subject in its order
    singles = [e for e in run if e.type == "membership.capability.updated"]
    assert [e for e in applied if e.type == "membership.capability.updated"] == singles


def test_a_mixed_run_ends_as_one_by_one_application_would_each_event_audited_as_its_own(consuming):
    run = interleaved(*(joining(f"Trust {n}") for n in range(12)), joining("Elsewhere", ANOTHER_CONSORTIUM))
    batched, one_by_one = consuming(), consuming()

    assert batched.applier.apply_run(run, (TOPIC, 0, len(run))) == len(run)
    for event in run:
        assert one_by_one.applier.apply(event, (TOPIC, 0, len(run)))

    assert batched.set_wise_calls == [24, 2, 12]  # copies made, the other consortium's, the activations
    state, expected = batched.state(), one_by_one.state()
    for what in ("copies", "notes", "inbox"):
        assert state[what] == expected[what], what
    assert len(state["notes"]) == 13 and all(c[2] == "active" for c in state["copies"])
    # the rule applied one event at a time is audited as its own event
    assert {(entity, action, correlation_id) for (entity, action, correlation_id, _) in state["audit"]
            if entity == "Note"} == {("Note", "create", e.correlation_id) for e in run
                                     if e.type == "membership.capability.updated"}
    assert sum(n for (entity, action, _, _), n in state["audit"].items()
               if (entity, action) == ("OrganisationCopy", "create")) == 13
    # and so is each event of a set-wise call: its own row, actor and correlation id, as one by one (it was one row
    # per copy, by the batch's first event)
    assert state["audit"] == expected["audit"]
    assert {(correlation_id, actor) for (entity, action, correlation_id, actor) in state["audit"]
            if entity == "OrganisationCopy"} == {(e.correlation_id, f"event:{e.type}") for e in run
                                                 if e.type != "membership.capability.updated"}
    # applying the run again changes nothing: every event is in the inbox
    assert batched.applier.apply_run(run, (TOPIC, 0, len(run))) == 0
    assert batched.state() == state
