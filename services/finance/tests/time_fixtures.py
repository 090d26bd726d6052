"""Fixtures for the shared-staff time tests (H4, F3, F4): `th`, one consortium's view of finance's time API.

Imported by the test modules (`from time_fixtures import *`), beside the suite's conftest.py.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from hubkit.events import new_event
from hubkit.testing import make_principal

MONDAY = dt.date(2026, 10, 5)  # a Monday in October 2026


class TimeHub:
    """One consortium with a host organisation, a finance officer, a manager and two shared staff users."""

    def __init__(self, app, client, sign):
        self.app, self.client, self.sign = app, client, sign
        self.consortium = uuid.uuid4()
        self.host = uuid.uuid4()
        self.member_org = uuid.uuid4()
        self.finance_user, self.manager_user = uuid.uuid4().hex, uuid.uuid4().hex
        self.finance = self.as_(("finance_officer",), self.finance_user)
        self.manager = self.as_(("consortium_manager",), self.manager_user)
        self._codes: dict | None = None
        self._known: set = set()  # organisations announced to finance (an employer must be one: issue 12 item 3)

    def as_(self, roles, user_id=None, organisation_id=None) -> dict:
        principal = make_principal(tuple(roles), consortium_id=self.consortium, organisation_id=organisation_id,
                                   user_id=user_id or uuid.uuid4().hex)
        return {"Authorization": self.sign(principal, "finance")}

    def call(self, method: str, path: str, body=None, status: int = 200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers or self.finance)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        return response.get_json(silent=True)

    def apply(self, type_: str, data: dict, subject: str = "test/1") -> bool:
        """Deliver an event to finance's consumer as the broker would (inbox and all)."""
        event = new_event(type_, subject=subject, data=data, consortium_id=self.consortium, actor="user:test",
                          correlation_id="test")
        return self.app.extensions["hubkit.applier"].apply(event)

    def organisation(self, org_id, name) -> None:
        self._known.add(str(org_id))
        self.apply("membership.organisation.registered", {
            "organisation_id": str(org_id), "name": name, "legal_form": "cio", "status": "active",
            "charity_number": None, "company_number": None, "postcode": "LS1 1AA"}, f"organisation/{org_id}")

    def hub_model(self, model="outsourced_to_member", host=None) -> None:
        host = self.host if host is None and model.startswith("outsourced") else host
        self.apply("governance.hub_model.changed", {
            "model": model, "previous_model": None, "effective_from": "2026-01-01",
            "decision_id": str(uuid.uuid4()), "host_organisation_id": str(host) if host else None},
            f"hub/{self.consortium}")

    @property
    def codes(self) -> dict:
        if self._codes is None:
            self._codes = {c["code"]: c["id"] for c in self.call("GET", "/cost-codes")}
        return self._codes

    def staff(self, name="Priya Shah", kind="host", organisation_id=None, user_id=None, line_manager_id=None) -> dict:
        org = organisation_id if organisation_id is not None else (self.host if kind == "host" else
                                                                    self.member_org if kind == "member" else None)
        if org is not None and str(org) not in self._known:  # an employer finance knows (issue 12 item 3)
            self.organisation(org, "Leeds CVS" if org == self.host else f"Employer {str(org)[:8]}")
        return self.call("POST", "/staff", {
            "name": name, "employer_kind": kind, "organisation_id": str(org) if org else None,
            "user_id": user_id or uuid.uuid4().hex,
            "line_manager_id": line_manager_id}, 201)

    def rate(self, staff_id, effective_from="2026-01-01", salary_pence=3_000_000, on_costs_percent="20",
             overhead_percent="25", productive_hours="1500", status=201, **extra) -> dict:
        body = {"effective_from": effective_from, "salary_pence": salary_pence, "on_costs_percent": on_costs_percent,
                "overhead_percent": overhead_percent, "productive_hours": productive_hours} | extra
        return self.call("POST", f"/staff/{staff_id}/rates", body, status)

    def person(self, staff: dict) -> dict:
        """Headers of the person the staff record is linked to: a member user of their employer, or, for the
        consortium's own staff, a consortium manager."""
        if staff["organisation_id"] is None:
            return self.as_(("consortium_manager",), staff["user_id"])
        return self.as_(("member_user",), staff["user_id"], uuid.UUID(staff["organisation_id"]))

    def week(self, staff: dict, monday=MONDAY, grid=None, status=200, headers=None) -> dict:
        """Save a week; grid maps (day offset, code) -> minutes (default: 7.5 h of bidding Monday to Friday)."""
        grid = grid if grid is not None else {(d, "hub-bidding"): 450 for d in range(5)}
        entries = [{"day": (monday + dt.timedelta(days=d)).isoformat(), "cost_code_id": self.codes[code],
                    "minutes": minutes} for (d, code), minutes in grid.items()]
        return self.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{monday.isoformat()}", {"entries": entries},
                         status, headers or self.person(staff))

    def approved_week(self, staff: dict, monday=MONDAY, grid=None) -> dict:
        sheet = self.week(staff, monday, grid)
        self.call("POST", f"/timesheets/{sheet['id']}/submit", headers=self.person(staff))
        return self.call("POST", f"/timesheets/{sheet['id']}/approve")

    def outbox(self, event_type: str) -> list[dict]:
        db = self.app.extensions["hubkit.db"]
        with db.session(None) as session:
            payloads = session.execute(select(db.kit.outbox.c.payload).where(
                db.kit.outbox.c.event_type == event_type, db.kit.outbox.c.consortium_id == self.consortium)).scalars()
            return [json.loads(p) for p in payloads]


@pytest.fixture
def th(app, client, sign) -> TimeHub:
    return TimeHub(app, client, sign)


__all__ = ["MONDAY", "TimeHub", "th"]
