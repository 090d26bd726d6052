"""Joining (M1), profiles, membership changes and eligibility through membership's API, on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine
from sqlalchemy import select

from hubkit import clock
from hubkit.db import Tenant
from hubkit.events import new_event
from hubkit.testing import make_principal
from hubkit.unit_of_work import UnitOfWork
from membership.domain.due_diligence import DEFAULT_CHECKLIST
from membership.service_layer.eligibility import review_all

CONSORTIUM = uuid.uuid4()
MANAGER = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)
TODAY = clock.today()


@pytest.fixture
def manager(sign):
    return {"Authorization": sign(MANAGER, "membership")}


def register(client, headers, **details):
    body = {"name": f"Joining Trust {uuid.uuid4().hex[:6]}", "legal_form": "cio"} | details
    response = client.post("/organisations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def provide_everything(client, headers, org_id, *, expires_on=None, verify=True, verified_on=None):
    for requirement in DEFAULT_CHECKLIST:
        evidence = {"provided_on": (TODAY - dt.timedelta(days=3)).isoformat()}
        if requirement.needs_expiry:
            evidence["expires_on"] = (expires_on or TODAY + dt.timedelta(days=300)).isoformat()
        if requirement.needs_cover:
            evidence["cover_pence"] = 500_000_000
        response = client.put(f"/organisations/{org_id}/due-diligence/{requirement.kind}", json=evidence,
                              headers=headers)
        assert response.status_code == 200, response.get_json()
        if verify:
            response = client.post(f"/organisations/{org_id}/due-diligence/{requirement.kind}/verification",
                                   json={"verified_on": (verified_on or TODAY).isoformat(),
                                         "verified_by": "Dee Diligence"},
                                   headers=headers)
            assert response.status_code == 200, response.get_json()


def published(app, event_type: str) -> list[dict]:
    db = app.extensions["hubkit.db"]
    with db.session(None) as session:
        rows = session.execute(select(db.kit.outbox.c.payload).where(db.kit.outbox.c.event_type == event_type)
                               .order_by(db.kit.outbox.c.seq))
        return [json.loads(payload) for payload in rows.scalars()]


def decide(app, org_id: str, request_id: str, outcome: str = "approved") -> bool:
    """Deliver governance's decision event as the consumer would."""
    event = new_event("governance.decision.made", subject=f"decision/{uuid.uuid4()}", consortium_id=CONSORTIUM,
                      actor="user:board", correlation_id="test", data={
                          "decision_id": uuid.uuid4(), "request_id": request_id, "kind": "membership_application",
                          "subject": f"organisation/{org_id}", "outcome": outcome, "note": ""})
    return app.extensions["hubkit.applier"].apply(event)


def test_m1_application_goes_from_draft_through_due_diligence_to_the_boards_decision(app, client, manager):
    org = register(client, manager)
    assert org["status"] == "applicant"
    early = client.post(f"/organisations/{org['id']}/application", json={}, headers=manager)
    assert early.status_code == 409  # a draft cannot go to the board

    submitted = client.post(f"/organisations/{org['id']}/application/submission", json={}, headers=manager)
    assert submitted.get_json()["status"] == "in_due_diligence"
    refused = client.post(f"/organisations/{org['id']}/application", json={}, headers=manager)
    body = refused.get_json()
    assert refused.status_code == 409 and body["type"].endswith(":M1")
    assert "Governing document is missing" in body["detail"] and "Safeguarding policy is missing" in body["detail"]

    provide_everything(client, manager, org["id"])
    checklist = client.get(f"/organisations/{org['id']}/due-diligence", headers=manager).get_json()
    assert checklist["complete"] and {i["verified_by"] for i in checklist["items"]} == {"Dee Diligence"}
    put = client.post(f"/organisations/{org['id']}/application", json={}, headers=manager)
    assert put.status_code == 202 and put.get_json()["status"] == "awaiting_decision"
    request = [e for e in published(app, "membership.decision.requested") if e["data"]["organisation_id"] == org["id"]]
    assert len(request) == 1

    assert decide(app, org["id"], request[0]["data"]["request_id"]) is True
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "active"
    # The same decision again, or a second decision on the decided request, changes nothing.
    assert decide(app, org["id"], request[0]["data"]["request_id"], "rejected") is True  # recorded, ignored
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "active"
    history = client.get(f"/organisations/{org['id']}/history", headers=manager).get_json()
    assert [h["to_status"] for h in history] == ["applicant", "in_due_diligence", "awaiting_decision", "active"]
    assert history[-1]["decision_id"] is not None


def test_m1_an_expired_or_unverified_item_keeps_the_application_from_the_board(client, manager):
    org = register(client, manager)
    client.post(f"/organisations/{org['id']}/application/submission", json={}, headers=manager)
    provide_everything(client, manager, org["id"], expires_on=TODAY - dt.timedelta(days=1),
                       verified_on=TODAY - dt.timedelta(days=3))  # verified while current; expired since
    refused = client.post(f"/organisations/{org['id']}/application", json={}, headers=manager).get_json()
    assert "Public liability insurance has expired" in refused["detail"]
    client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": (TODAY + dt.timedelta(days=365)).isoformat(),
        "cover_pence": 1_000_000_00})
    refused = client.post(f"/organisations/{org['id']}/application", json={}, headers=manager).get_json()
    assert "Public liability insurance is not verified" in refused["detail"]


def test_m1_insurance_without_expiry_or_cover_is_refused_and_future_verification_is_422(client, manager):
    org = register(client, manager)
    no_cover = client.put(f"/organisations/{org['id']}/due-diligence/employers_liability", headers=manager,
                          json={"provided_on": TODAY.isoformat(), "expires_on": "2027-01-01"})
    assert no_cover.status_code == 409 and "cover" in no_cover.get_json()["detail"]
    client.put(f"/organisations/{org['id']}/due-diligence/governing_document", headers=manager,
               json={"provided_on": TODAY.isoformat()})
    future = client.post(f"/organisations/{org['id']}/due-diligence/governing_document/verification",
                         headers=manager, json={"verified_on": (TODAY + dt.timedelta(days=2)).isoformat()})
    assert future.status_code == 422 and "verified_on" in future.get_json()["errors"]
    unknown = client.put(f"/organisations/{org['id']}/due-diligence/horoscope", headers=manager,
                         json={"provided_on": TODAY.isoformat()})
    assert unknown.status_code == 404


def test_m1_an_expired_certificate_cannot_be_verified_as_current_evidence(client, manager):
    org = register(client, manager)
    path = f"/organisations/{org['id']}/due-diligence/public_liability"
    client.put(path, headers=manager, json={"provided_on": (TODAY - dt.timedelta(days=400)).isoformat(),
                                            "expires_on": (TODAY - dt.timedelta(days=35)).isoformat(),
                                            "cover_pence": 500_000_000})
    refused = client.post(f"{path}/verification", headers=manager,
                          json={"verified_on": TODAY.isoformat(), "verified_by": "Morgan Manager"})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith(":M1") and "expired" in refused.get_json()["detail"]
    item = next(i for i in client.get(f"/organisations/{org['id']}/due-diligence", headers=manager).get_json()["items"]
                if i["kind"] == "public_liability")
    assert item["verified_on"] is None  # nothing written
    client.put(path, headers=manager, json={"provided_on": TODAY.isoformat(), "cover_pence": 500_000_000,
                                            "expires_on": (TODAY + dt.timedelta(days=365)).isoformat()})
    renewed = client.post(f"{path}/verification", headers=manager,
                          json={"verified_on": TODAY.isoformat(), "verified_by": "Morgan Manager"})
    assert renewed.status_code == 200, renewed.get_json()


def test_a_consortium_can_make_a_checklist_item_optional(client, manager, sign):
    response = client.put("/due-diligence/checklist/equality_policy", json={"required": False}, headers=manager)
    assert {i["kind"]: i["required"] for i in response.get_json()}["equality_policy"] is False
    other = {"Authorization": sign(make_principal(("consortium_manager",)), "membership")}
    theirs = client.get("/due-diligence/checklist", headers=other).get_json()
    assert {i["kind"]: i["required"] for i in theirs}["equality_policy"] is True  # per consortium
    client.put("/due-diligence/checklist/equality_policy", json={"required": True}, headers=manager)


def test_profile_is_kept_with_maintained_lists_and_contacts(app, client, manager):
    org = register(client, manager, service_categories=["advice", "mental_health"], areas_served=["Leeds"],
                   diversity=["bme_led"], income_band="100k_1m", staff_count=12, volunteer_count=40,
                   contacts=[{"role": "main", "name": "Ann Main", "email": "ann@example.org"},
                             {"role": "safeguarding", "name": "Sam Safe"}],
                   quality_marks=[{"name": "Advice Quality Standard", "expires_on": "2027-06-30"}],
                   address_line_1="1 Park Row", town="Leeds", postcode="ls1 5ab")
    assert org["contacts"][0]["name"] == "Ann Main" and org["quality_marks"][0]["expires_on"] == "2027-06-30"
    changed = client.patch(f"/organisations/{org['id']}", json={"areas_served": ["Leeds", "Bradford"]},
                           headers=manager)
    assert changed.get_json()["areas_served"] == ["Bradford", "Leeds"]
    events = [e for e in published(app, "membership.organisation.updated") if e["data"]["organisation_id"] == org["id"]]
    assert len(events) == 1 and events[0]["data"]["changed"] == ["areas_served"]
    client.patch(f"/organisations/{org['id']}", json={"areas_served": ["Bradford", "Leeds"]}, headers=manager)
    assert len([e for e in published(app, "membership.organisation.updated")
                if e["data"]["organisation_id"] == org["id"]]) == 1  # nothing changed, nothing published


@pytest.mark.parametrize("bad,field", [
    ({"service_categories": ["astrology"]}, "service_categories"),
    ({"diversity": ["tall"]}, "diversity"),
    ({"income_band": "loads"}, "income_band"),
    ({"staff_count": -1}, "staff_count"),
    ({"contacts": [{"role": "main", "name": "A"}, {"role": "main", "name": "B"}]}, "contacts"),
    ({"contacts": [{"role": "main", "name": "A", "email": "not-an-email"}]}, "contacts"),
])
def test_profile_values_outside_the_lists_are_422_naming_the_field(client, manager, bad, field):
    org = register(client, manager)
    response = client.patch(f"/organisations/{org['id']}", json=bad, headers=manager)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_duplicate_charity_or_company_number_in_one_consortium_is_409(client, manager, sign):
    register(client, manager, charity_number="1122334", company_number="11223344")
    again = client.post("/organisations", json={"name": "Copycat", "legal_form": "charity",
                                                "charity_number": "1122334"}, headers=manager)
    assert again.status_code == 409
    other = {"Authorization": sign(make_principal(("consortium_manager",)), "membership")}
    elsewhere = client.post("/organisations", json={"name": "Same Charity Elsewhere", "legal_form": "charity",
                                                    "charity_number": "1122334"}, headers=other)
    assert elsewhere.status_code == 201  # another consortium on the same deployment


def test_member_staff_edit_their_own_profile_but_not_anothers(client, manager, sign):
    mine, theirs = register(client, manager), register(client, manager)
    member = {"Authorization": sign(make_principal(("member_user",), consortium_id=CONSORTIUM,
                                                   organisation_id=uuid.UUID(mine["id"])), "membership")}
    assert client.patch(f"/organisations/{mine['id']}", json={"staff_count": 3}, headers=member).status_code == 200
    assert client.patch(f"/organisations/{theirs['id']}", json={"staff_count": 3}, headers=member).status_code == 404
    assert client.post(f"/organisations/{mine['id']}/membership-changes", headers=member, json={
        "to_status": "withdrawn", "reason": "We are closing", "effective_on": TODAY.isoformat()}).status_code == 403


def activate(app, client, manager, **details):
    org = register(client, manager, **details)
    client.post(f"/organisations/{org['id']}/application/submission", json={}, headers=manager)
    provide_everything(client, manager, org["id"], expires_on=details.pop("_expires", None))
    client.post(f"/organisations/{org['id']}/application", json={}, headers=manager)
    request = [e for e in published(app, "membership.decision.requested") if e["data"]["organisation_id"] == org["id"]]
    decide(app, org["id"], request[0]["data"]["request_id"])
    return org


def test_suspension_and_reinstatement_are_kept_in_the_history_with_events(app, client, manager):
    org = activate(app, client, manager)
    suspended = client.post(f"/organisations/{org['id']}/membership-changes", headers=manager, json={
        "to_status": "suspended", "reason": "Safeguarding concern under review", "effective_on": TODAY.isoformat()})
    assert suspended.get_json()["status"] == "suspended"
    client.post(f"/organisations/{org['id']}/membership-changes", headers=manager, json={
        "to_status": "active", "reason": "Review closed", "effective_on": TODAY.isoformat()})
    history = client.get(f"/organisations/{org['id']}/history", headers=manager).get_json()
    assert [h["to_status"] for h in history][-2:] == ["suspended", "active"]
    assert history[-2]["reason"] == "Safeguarding concern under review" and history[-2]["actor"].startswith("user:")
    assert any(e["data"]["organisation_id"] == org["id"] for e in published(app, "membership.member.suspended"))
    assert any(e["data"]["organisation_id"] == org["id"] for e in published(app, "membership.member.reinstated"))


def test_g5_expelling_without_the_partners_groups_decision_is_refused(app, client, manager):
    org = activate(app, client, manager)
    refused = client.post(f"/organisations/{org['id']}/membership-changes", headers=manager, json={
        "to_status": "expelled", "reason": "Persistent non-delivery", "effective_on": TODAY.isoformat()})
    assert refused.status_code == 409 and refused.get_json()["type"].endswith(":G5")


def test_expired_insurance_makes_a_member_ineligible_for_new_work_until_renewal_is_verified(app, client, manager):
    org = activate(app, client, manager)
    db = app.extensions["hubkit.db"]
    later = TODAY + dt.timedelta(days=301)  # the evidence expires after 300 days
    with UnitOfWork(db, Tenant(CONSORTIUM), actor="system:test", service="membership") as uow:
        review_all(uow, later)
    after = client.get(f"/organisations/{org['id']}", headers=manager).get_json()
    assert after["status"] == "active" and after["eligible_for_new_work"] is False
    changes = [e for e in published(app, "membership.eligibility.changed") if e["data"]["organisation_id"] == org["id"]]
    assert changes[-1]["data"]["eligible_for_new_work"] is False
    assert any("expired" in reason for reason in changes[-1]["data"]["reasons"])
    assert any(e["data"]["organisation_id"] == org["id"] for e in published(app, "membership.document.expired"))
    listed = client.get("/organisations?eligible=false", headers=manager).get_json()
    assert org["id"] in {o["id"] for o in listed}

    # The renewal counts once it is verified.
    client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": (later + dt.timedelta(days=365)).isoformat(),
        "cover_pence": 500_000_000})
    for kind in ("employers_liability", "professional_indemnity", "data_protection_registration"):
        client.put(f"/organisations/{org['id']}/due-diligence/{kind}", headers=manager, json={
            "provided_on": TODAY.isoformat(), "expires_on": (later + dt.timedelta(days=365)).isoformat(),
            "cover_pence": 500_000_000 if kind != "data_protection_registration" else None})
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["eligible_for_new_work"] is False
    for kind in ("public_liability", "employers_liability", "professional_indemnity", "data_protection_registration"):
        client.post(f"/organisations/{org['id']}/due-diligence/{kind}/verification", headers=manager,
                    json={"verified_on": TODAY.isoformat()})
    with UnitOfWork(db, Tenant(CONSORTIUM), actor="system:test", service="membership") as uow:
        review_all(uow, later)
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["eligible_for_new_work"] is True


def test_evidence_expiring_within_30_days_is_listed(client, manager):
    org = register(client, manager)
    client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": (TODAY + dt.timedelta(days=20)).isoformat(),
        "cover_pence": 100_000_000})
    soon = client.get("/due-diligence/expiring", headers=manager).get_json()
    assert any(i["organisation_id"] == org["id"] and i["kind"] == "public_liability" for i in soon)
    assert not any(i["organisation_id"] == org["id"]
                   for i in client.get("/due-diligence/expiring?within_days=10", headers=manager).get_json())


def test_directory_filters_by_category_area_and_diversity(client, manager):
    a = register(client, manager, service_categories=["youth"], areas_served=["Harrogate"], diversity=["rural"])
    register(client, manager, service_categories=["youth"], areas_served=["Leeds"])
    found = client.get("/organisations?service_category=youth&area=harrogate&diversity=rural",
                       headers=manager).get_json()
    assert [o["id"] for o in found] == [a["id"]]
    bad = client.get("/organisations?service_category=astrology", headers=manager)
    assert bad.status_code == 422 and "service_category" in bad.get_json()["errors"]


def test_m2_capability_at_registration_and_its_changes_are_published_for_the_register(app, client, manager):
    org = register(client, manager, service_categories=["advice"], areas_served=["Leeds"])
    client.patch(f"/organisations/{org['id']}", headers=manager, json={
        "capacity": "Two more advisers from April",
        "past_contracts": [{"title": "Welfare rights", "commissioner": "Leeds City Council", "value_pence": 12_000_000,
                            "year": 2025}]})
    client.patch(f"/organisations/{org['id']}", headers=manager, json={"staff_count": 9})  # not capability
    updates = [e for e in published(app, "membership.capability.updated") if e["data"]["organisation_id"] == org["id"]]
    assert [u["data"]["service_categories"] for u in updates] == [["advice"], ["advice"]]  # registered, then changed
    assert updates[0]["data"]["past_contracts"] == []
    assert updates[1]["data"]["past_contracts"][0]["value_pence"] == 12_000_000
    bare = register(client, manager)  # nothing it can deliver yet: nothing for the register
    assert bare["id"] not in {e["data"]["organisation_id"] for e in published(app, "membership.capability.updated")}
    bad = client.patch(f"/organisations/{org['id']}", headers=manager, json={
        "past_contracts": [{"title": "X", "commissioner": "Y", "value_pence": -5, "year": 2025}]})
    assert bad.status_code == 422 and "past_contracts" in bad.get_json()["errors"]


def test_m1_evidence_expiring_30_june_is_expired_at_23_30_utc_that_night_as_london_is_already_in_july(app, client, sign):
    # the clock moved deliberately: the daily review runs just after midnight in London, 23:30 UTC
    with time_machine.travel(dt.datetime(2027, 6, 30, 12, 0, tzinfo=dt.timezone.utc)):
        manager = {"Authorization": sign(MANAGER, "membership")}
        org = register(client, manager)
        client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
            "provided_on": "2026-07-01", "expires_on": "2027-06-30", "cover_pence": 100_000_000})
        due_today = client.get("/due-diligence/expiring?within_days=0", headers=manager).get_json()
        assert [i["expires_on"] for i in due_today if i["organisation_id"] == org["id"]] == ["2027-06-30"]
    with time_machine.travel(dt.datetime(2027, 6, 30, 23, 30, tzinfo=dt.timezone.utc)):
        manager = {"Authorization": sign(MANAGER, "membership")}
        assert not [i for i in client.get("/due-diligence/expiring?within_days=0", headers=manager).get_json()
                    if i["organisation_id"] == org["id"]]
        with UnitOfWork(app.extensions["hubkit.db"], Tenant(CONSORTIUM), actor="system:test",
                        service="membership") as uow:
            review_all(uow, clock.today())
    expired = [e["data"] for e in published(app, "membership.document.expired")
               if e["data"]["organisation_id"] == org["id"]]
    assert [(e["kind"], e["expires_on"]) for e in expired] == [("public_liability", "2027-06-30")]


def test_m1_expiring_evidence_is_announced_at_30_7_and_0_days_once_each(app, client, sign):
    # the clock moved deliberately, day by day, over the evidence's last month
    start = dt.datetime.combine(TODAY, dt.time(12, 0), tzinfo=dt.timezone.utc)
    expires_on = TODAY + dt.timedelta(days=40)
    manager = {"Authorization": sign(MANAGER, "membership")}
    org = register(client, manager)
    client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": expires_on.isoformat(), "cover_pence": 100_000_000})
    for days in (0, 9, 10, 11, 20, 32, 33, 33, 38, 40, 40):  # 33 and 40 twice: a review run twice the same day
        with time_machine.travel(start + dt.timedelta(days=days)):
            with UnitOfWork(app.extensions["hubkit.db"], Tenant(CONSORTIUM), actor="system:test",
                            service="membership") as uow:
                review_all(uow, clock.today())
    warned = [(e["data"]["within_days"], e["data"]["expires_on"]) for e in published(app, "membership.document.expiring")
              if e["data"]["organisation_id"] == org["id"]]
    assert warned == [(30, expires_on.isoformat()), (7, expires_on.isoformat()), (0, expires_on.isoformat())]

    # A renewal's new expiry date is warned of afresh; a review that missed the 30- and 7-day marks says 7 once.
    renewed = expires_on + dt.timedelta(days=20)
    client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": renewed.isoformat(), "cover_pence": 100_000_000})
    for days in (55, 56):
        with time_machine.travel(start + dt.timedelta(days=days)):
            with UnitOfWork(app.extensions["hubkit.db"], Tenant(CONSORTIUM), actor="system:test",
                            service="membership") as uow:
                review_all(uow, clock.today())
    warned = [(e["data"]["within_days"], e["data"]["expires_on"]) for e in published(app, "membership.document.expiring")
              if e["data"]["organisation_id"] == org["id"] and e["data"]["expires_on"] == renewed.isoformat()]
    assert warned == [(7, renewed.isoformat())]
