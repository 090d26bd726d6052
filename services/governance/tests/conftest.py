"""Governance's test fixtures: the app, and `hub`, one consortium's view of the API."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import contextlib

import pytest
import time_machine
from sqlalchemy import select

from hubkit import clock
from hubkit.testing import golden_event, make_principal, service_app_fixture
from governance.app import SERVICE

app = service_app_fixture(SERVICE)

SEATED_FROM = "2025-01-01"


class Hub:
    """One consortium's view of the governance API, as a consortium manager unless told otherwise."""

    def __init__(self, app, client, sign, roles=("consortium_manager",)):
        self.app, self.client, self.sign = app, client, sign
        self.consortium = uuid.uuid4()
        self.roles = roles

    @property
    def headers(self) -> dict:
        """Signed on each call, so a test that moves the clock to a meeting keeps a live token."""
        return self.as_(self.roles)

    def as_(self, roles, username: str = "tester", organisation_id=None) -> dict:
        """A caller of this consortium; member staff (`member_user`) are linked to `organisation_id`."""
        return {"Authorization": self.sign(make_principal(tuple(roles), consortium_id=self.consortium,
                                                          organisation_id=organisation_id and uuid.UUID(
                                                              str(organisation_id)),
                                                          username=username), "governance")}

    def organisation(self) -> str:
        """An organisation on membership's register, as governance learns it: membership's event applied."""
        organisation_id = str(uuid.uuid4())
        event = golden_event("membership.organisation.registered", consortium_id=self.consortium,
                             subject=f"organisation/{organisation_id}", data={"organisation_id": organisation_id})
        assert self.app.extensions["hubkit.applier"].apply(event)
        return organisation_id

    def call(self, method: str, path: str, body=None, status: int = 200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers or self.headers)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    def body(self, kind="partners_group", name=None, rules=None, members=6) -> dict:
        body = self.call("POST", "/bodies", {"kind": kind, "name": name or kind.replace("_", " ").title(),
                                             "rules": rules or {}}, 201)
        body["member_seats"] = [self.seat(body["id"], "member", f"Member {i}") for i in range(members)]
        return body

    def secretary(self, body_id, account: str = "tester") -> dict:
        """The caller's account becomes the body's secretary: records the show of hands and declarations made
        aloud for the members (no vote, not counted in G1)."""
        return self.seat(body_id, "secretary", "Sam Secretary", account=account)

    def seat(self, body_id, role, person_name, status=201, **extra) -> dict:
        seat = {"role": role, "person_name": person_name, "starts_on": SEATED_FROM} | extra
        if role in ("member", "deputy") and "organisation_id" not in extra:
            seat["organisation_id"] = self.organisation()
        return self.call("POST", f"/bodies/{body_id}/seats", seat, status)

    def meeting(self, body_id, starts_at: dt.datetime | None = None, notice_given_on: dt.date | None = None) -> dict:
        starts_at = starts_at or dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
        notice = notice_given_on or starts_at.date() - dt.timedelta(days=21)
        return self.call("POST", f"/bodies/{body_id}/meetings", {
            "starts_at": starts_at.isoformat(), "notice_given_on": notice.isoformat()}, 201)

    def held_meeting(self, body_id, hours_ago: int = 2) -> dict:
        """A meeting that has started today (a few hours ago, or at midnight), so what happened can be recorded."""
        starts_at = max(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours_ago),
                        clock.start_of_day(clock.today()))
        return self.meeting(body_id, starts_at=starts_at)

    @staticmethod
    @contextlib.contextmanager
    def once_started(meeting: dict):
        """The clock moved to a minute after the meeting starts (and ticking), to record what happened at it."""
        starts_at = dt.datetime.fromisoformat(meeting["starts_at"])
        with time_machine.travel(starts_at + dt.timedelta(minutes=1), tick=True):
            yield

    def attend(self, meeting_id, seat_id, status="present", **extra) -> dict:
        return self.call("POST", f"/meetings/{meeting_id}/attendance",
                         {"seat_id": seat_id, "status": status} | extra)

    def item(self, meeting_id, title, kind="business", notified_on=None) -> dict:
        meeting = self.call("POST", f"/meetings/{meeting_id}/agenda-items",
                            {"title": title, "kind": kind, "notified_on": notified_on}, 201)
        return meeting["agenda"][-1]

    def outbox(self, event_type: str) -> list[dict]:
        kit = self.app.extensions["hubkit.db"].kit
        with self.app.extensions["hubkit.db"].session(None) as session:
            payloads = session.execute(select(kit.outbox.c.payload).where(
                kit.outbox.c.event_type == event_type, kit.outbox.c.consortium_id == self.consortium)).scalars()
            return [json.loads(p) for p in payloads]


@pytest.fixture
def make_hub(app, client, sign):
    """make_hub(roles) -> a Hub for a new consortium of its own."""
    return lambda roles=("consortium_manager",): Hub(app, client, sign, roles)


@pytest.fixture
def hub(make_hub) -> Hub:
    return make_hub()
