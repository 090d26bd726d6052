"""Membership's summary for the home pages (issue 14 item 1): evidence expiring within M1's thresholds, counted
and listed soonest first, for the consortium's staff and for a member organisation's own staff only."""
from __future__ import annotations

import datetime as dt
import uuid

import time_machine

from hubkit import clock
from hubkit.testing import make_principal

CONSORTIUM = uuid.uuid4()


def _headers(sign, roles=("consortium_manager",), organisation_id=None, consortium_id=CONSORTIUM):
    return {"Authorization": sign(make_principal(roles, consortium_id=consortium_id,
                                                 organisation_id=organisation_id), "membership")}


def _register(client, headers):
    response = client.post("/organisations", headers=headers,
                           json={"name": f"Summary Trust {uuid.uuid4().hex[:6]}", "legal_form": "cio"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _provide(client, headers, org_id, kind, provided_on, expires_on):
    response = client.put(f"/organisations/{org_id}/due-diligence/{kind}", headers=headers, json={
        "provided_on": provided_on.isoformat(), "expires_on": expires_on.isoformat(), "cover_pence": 100_000_000})
    assert response.status_code == 200, response.get_json()


def _summary(client, headers):
    response = client.get("/summary", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_m1_summary_counts_evidence_expiring_within_30_7_and_0_days_and_expired_soonest_first(client, sign):
    today = clock.today()
    manager = _headers(sign)
    first, second = _register(client, manager), _register(client, manager)
    long_ago = today - dt.timedelta(days=400)
    _provide(client, manager, first["id"], "public_liability", long_ago, today + dt.timedelta(days=20))
    _provide(client, manager, first["id"], "employers_liability", long_ago, today + dt.timedelta(days=5))
    _provide(client, manager, first["id"], "professional_indemnity", long_ago, today + dt.timedelta(days=200))
    _provide(client, manager, second["id"], "public_liability", long_ago, today)
    _provide(client, manager, second["id"], "employers_liability", long_ago, today - dt.timedelta(days=3))

    found = _summary(client, manager)
    expiring = found["evidence_expiring"]
    assert found["today"] == today.isoformat()
    assert (expiring["count"], expiring["within_30"], expiring["within_7"], expiring["today"],
            expiring["expired"]) == (4, 3, 2, 1, 1)
    assert [(i["title"], i["about"], i["due_on"]) for i in expiring["items"]] == [
        ("Employers' liability insurance", second["name"], (today - dt.timedelta(days=3)).isoformat()),
        ("Public liability insurance", second["name"], today.isoformat()),
        ("Employers' liability insurance", first["name"], (today + dt.timedelta(days=5)).isoformat()),
        ("Public liability insurance", first["name"], (today + dt.timedelta(days=20)).isoformat())]
    assert expiring["items"][0]["parent_id"] == second["id"]

    # member staff see their own organisation's evidence only; another consortium sees none of it
    member = _summary(client, _headers(sign, ("member_user",), uuid.UUID(first["id"])))["evidence_expiring"]
    assert (member["count"], {i["about"] for i in member["items"]}) == (2, {first["name"]})
    elsewhere = _summary(client, _headers(sign, consortium_id=uuid.uuid4()))["evidence_expiring"]
    assert (elsewhere["count"], elsewhere["items"]) == (0, [])

    # the clock moved on: a fortnight later the 20-day certificate is within a week, the 5-day one has expired
    later = dt.datetime.combine(today + dt.timedelta(days=14), dt.time(12), tzinfo=dt.timezone.utc)
    with time_machine.travel(later):
        moved = _summary(client, _headers(sign))["evidence_expiring"]
    assert (moved["within_30"], moved["within_7"], moved["expired"]) == (1, 1, 3)


def test_m1_summary_is_refused_to_member_staff_without_an_organisation(client, sign):
    response = client.get("/summary", headers=_headers(sign, ("member_user",)))
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
