"""Read copies of organisations: events arriving late never overwrite newer state."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from importlib import resources

from sqlalchemy import select

from hubkit.db import Database, Tenant, declarative_base_for
from hubkit.events import parse_event
from hubkit.read_copies import MemberOrganisationCopy, apply_organisation_event, apply_organisation_events

Base = declarative_base_for("readcopies")


class Copy(MemberOrganisationCopy, Base):
    __tablename__ = "organisation_copy"


def load(name: str):
    return parse_event((resources.files("hubkit.events") / "examples" / f"{name}.v1.json").read_text())


def test_an_older_event_arriving_after_a_newer_one_changes_nothing(databases):
    db = Database(databases.create("readcopies"), Base.kit)
    Base.metadata.create_all(db.engine)
    registered, activated = load("membership.organisation.registered"), load("membership.member.activated")
    activated = dataclasses.replace(activated, occurred_at=registered.occurred_at + dt.timedelta(minutes=5))
    tenant = Tenant(registered.consortium_id)
    for event in (activated, registered):  # out of order
        with db.session(tenant) as session:
            apply_organisation_event(session, Copy, event)
            session.commit()
    with db.session(tenant) as session:
        copy = session.execute(select(Copy)).scalar_one()
    assert copy.status == "active"
    db.dispose()


def test_a_run_of_events_applied_set_wise_ends_as_the_same_events_applied_one_by_one(databases):
    """A consumer's batch applies organisation events together (one read of their copies); the copies must end
    exactly as if each event had been applied alone, in order, including late events and one organisation twice."""
    registered, activated = load("membership.organisation.registered"), load("membership.member.activated")
    other = dataclasses.replace(registered, id=uuid.uuid4(), data=registered.data | {
        "organisation_id": str(uuid.uuid4()), "name": "Second Trust"})
    late = dataclasses.replace(registered, id=uuid.uuid4(), data=registered.data | {"name": "Old Name"},
                               occurred_at=registered.occurred_at - dt.timedelta(days=1))
    renamed = dataclasses.replace(activated, id=uuid.uuid4(), occurred_at=registered.occurred_at + dt.timedelta(
        minutes=10), data=activated.data | {"name": "New Name"})
    run = [registered, other, dataclasses.replace(activated, occurred_at=registered.occurred_at + dt.timedelta(
        minutes=5)), late, renamed]
    tenant = Tenant(registered.consortium_id)

    def copies_after(apply) -> dict:
        db = Database(databases.create("readcopies"), Base.kit)
        Base.metadata.create_all(db.engine)
        with db.session(tenant) as session:
            apply(session)
            session.commit()
        with db.session(tenant) as session:
            result = {c.id: (c.name, c.status, c.eligible_for_new_work, c.updated_at)
                      for c in session.execute(select(Copy)).scalars()}
        db.dispose()
        return result

    def one_by_one(session):
        for event in run:
            apply_organisation_event(session, Copy, event)
            session.flush()

    set_wise = copies_after(lambda session: apply_organisation_events(session, Copy, run))
    assert set_wise == copies_after(one_by_one)
    assert sorted(name for name, *_ in set_wise.values()) == ["New Name", "Second Trust"]
