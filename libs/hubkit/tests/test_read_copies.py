"""Read copies of organisations: events arriving late never overwrite newer state."""
from __future__ import annotations

import dataclasses
import datetime as dt
from importlib import resources

from sqlalchemy import select

from hubkit.db import Database, Tenant, declarative_base_for
from hubkit.events import parse_event
from hubkit.read_copies import MemberOrganisationCopy, apply_organisation_event

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
