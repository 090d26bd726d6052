"""Writes that are safe to retry: finance's API under an Idempotency-Key (hubkit.idempotency), e.g. an approval
whose answer was lost (the gateway said 502) sent again."""
from __future__ import annotations

import uuid

from time_fixtures import MONDAY, th  # noqa: F401


def _submitted_week(th) -> dict:
    manager_staff = th.staff("Mo Manager", kind="consortium", user_id=th.manager_user)
    staff = th.staff(line_manager_id=manager_staff["id"])
    th.rate(staff["id"])
    sheet = th.week(staff)
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    return sheet


def _keyed(headers: dict, key: str) -> dict:
    return {**headers, "Idempotency-Key": key}


def test_an_approval_retried_with_its_key_gets_the_same_200_not_409_and_is_approved_once(th):
    sheet, key = _submitted_week(th), str(uuid.uuid4())
    approve = f"/timesheets/{sheet['id']}/approve"
    first = th.client.post(approve, headers=_keyed(th.finance, key))
    assert first.status_code == 200, first.get_data(as_text=True)
    retry = th.client.post(approve, headers=_keyed(th.finance, key))
    assert retry.status_code == 200
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(th.outbox("finance.timesheet.approved")) == 1
    # without the key, approving again is still refused as before
    th.call("POST", approve, status=409)


def test_the_same_key_with_another_body_is_refused_with_422_and_changes_nothing(th):
    staff, key = th.staff(), str(uuid.uuid4())
    week = f"/timesheets/staff/{staff['id']}/weeks/{MONDAY.isoformat()}"
    codes = th.codes

    def entries(minutes):
        return {"entries": [{"day": MONDAY.isoformat(), "cost_code_id": codes["hub-bidding"], "minutes": minutes}]}

    saved = th.client.put(week, json=entries(450), headers=_keyed(th.person(staff), key))
    assert saved.status_code == 200
    changed = th.client.put(week, json=entries(60), headers=_keyed(th.person(staff), key))
    assert changed.status_code == 422
    assert changed.mimetype == "application/problem+json"
    assert "Idempotency-Key" in changed.get_json()["errors"]
    assert th.call("GET", week, headers=th.person(staff))["total_minutes"] == 450


def test_another_user_with_the_same_key_gets_their_own_answer_not_the_first_users(th):
    sheet, key = _submitted_week(th), str(uuid.uuid4())
    approve = f"/timesheets/{sheet['id']}/approve"
    assert th.client.post(approve, headers=_keyed(th.finance, key)).status_code == 200
    by_the_manager = th.client.post(approve, headers=_keyed(th.manager, key))
    assert by_the_manager.status_code == 409  # already approved: the manager's own request, judged afresh
    assert "Idempotent-Replayed" not in by_the_manager.headers


def test_a_new_staff_member_posted_twice_with_one_key_is_recorded_once_with_one_location(th):
    key = str(uuid.uuid4())
    body = {"name": f"Once Only {uuid.uuid4().hex[:6]}", "employer_kind": "consortium", "organisation_id": None,
            "user_id": uuid.uuid4().hex, "line_manager_id": None}
    first = th.client.post("/staff", json=body, headers=_keyed(th.finance, key))
    again = th.client.post("/staff", json=body, headers=_keyed(th.finance, key))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert [s["name"] for s in th.call("GET", "/staff")].count(body["name"]) == 1


def test_the_openapi_document_names_the_header_on_finances_writes(th):
    spec = th.client.get("/openapi.json").get_json()
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    assert ref in spec["paths"]["/timesheets/{sheet_id}/approve"]["post"]["parameters"]
    assert ref not in spec["paths"]["/timesheets/{sheet_id}"]["get"].get("parameters", [])

