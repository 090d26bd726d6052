"""Bids over HTTP: lead, tasks, delivery partners and their shares, pricing with the hub's fee, documents,
submission (contracts.bid.submitted) and the commissioner's outcome."""
from __future__ import annotations

import io
import uuid
from pathlib import Path

from pipeline_fixtures import days, make_pipeline, pipeline  # noqa: F401

PDF = b"%PDF-1.7\n% method statement\n" + b"0" * 2000


def upload(pipeline, bid_id, content=PDF, filename="method-statement.pdf", kind="method_statement", headers=None):
    return pipeline.raw("POST", f"/bids/{bid_id}/documents", headers=headers,
                        data={"kind": kind, "file": (io.BytesIO(content), filename)},
                        content_type="multipart/form-data")


def test_a_bid_is_built_submitted_and_won(pipeline):
    northfield, wharfedale = pipeline.member("Northfield Advice Centre"), pipeline.member("Wharfedale Carers")
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid = pipeline.bid(oid, lead_name="Priya Shah", lead_organisation_id=northfield)
    bid_id = bid["bid"]["id"]
    assert bid["lead_organisation_name"] == "Northfield Advice Centre" and bid["editable"] and bid["can_submit"]

    task = pipeline.call("POST", f"/bids/{bid_id}/tasks", {"title": "Method statement", "owner": "Priya Shah",
                                                           "due_on": days(7)}, 201)
    pipeline.call("POST", f"/bids/{bid_id}/tasks", {"title": "Social value", "owner": "Tom Okafor",
                                                    "due_on": days(5)}, 201)
    done = pipeline.call("PATCH", f"/bids/{bid_id}/tasks/{task['id']}", {"done": True})
    assert done["done"] is True and done["done_on"] is not None
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 45_000_000, "management_fee_basis_points": 800})
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": northfield, "share_pence": 24_000_000,
                                                       "outputs": ["300 people helped a year"]}, 201)
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": wharfedale, "share_pence": 17_000_000}, 201)
    uploaded = upload(pipeline, bid_id)
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    assert uploaded.get_json()["content_type"] == "application/pdf"

    view = pipeline.call("GET", f"/bids/{bid_id}")
    assert view["pricing"] == {"price_pence": 45_000_000, "management_fee_basis_points": 800,
                               "management_fee_pence": 3_600_000, "available_to_partners_pence": 41_400_000,
                               "partners_share_pence": 41_000_000, "unallocated_pence": 400_000}
    assert [t["title"] for t in view["tasks"]] == ["Social value", "Method statement"]  # open first, soonest first
    assert [p["organisation_name"] for p in view["partners"]] == ["Northfield Advice Centre", "Wharfedale Carers"]
    download = pipeline.raw("GET", f"/bids/{bid_id}/documents/{view['documents'][0]['id']}/content")
    assert download.data == PDF and "method-statement.pdf" in download.headers["Content-Disposition"]

    submitted = pipeline.call("POST", f"/bids/{bid_id}/submission")
    assert submitted["opportunity"]["stage"] == "submitted" and submitted["bid"]["submitted_at"]
    assert not submitted["editable"]
    [event] = pipeline.outbox("contracts.bid.submitted")
    assert event["subject"] == f"bid/{bid_id}"
    assert event["data"]["price_pence"] == 45_000_000 and event["data"]["management_fee_basis_points"] == 800
    assert sorted(p["share_pence"] for p in event["data"]["partners"]) == [17_000_000, 24_000_000]
    pipeline.call("POST", f"/bids/{bid_id}/submission", status=409)  # once
    pipeline.call("POST", f"/bids/{bid_id}/tasks", {"title": "Late", "owner": "x", "due_on": days(1)}, 409)

    won = pipeline.call("POST", f"/bids/{bid_id}/outcome", {
        "outcome": "won", "feedback": "Strong local partnership.",
        "scores": [{"criterion": "Quality", "score": 52, "max_score": 60},
                   {"criterion": "Price", "score": 30, "max_score": 40}]})
    assert won["opportunity"]["stage"] == "won" and won["bid"]["outcome"] == "won"
    assert won["bid"]["scores"][0] == {"criterion": "Quality", "score": 52, "max_score": 60}
    moves = pipeline.outbox("contracts.opportunity.stage_changed")
    assert [m["data"]["stage"] for m in moves] == ["qualifying", "go_no_go_requested", "bidding", "submitted", "won"]
    pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "lost"}, 409)  # recorded once


def test_partners_shares_may_not_exceed_the_price_less_the_hubs_fee(pipeline):
    a, b = pipeline.member("A Trust"), pipeline.member("B Trust")
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]
    # £100,000 at a 10% fee leaves £90,000 for partners.
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 10_000_000, "management_fee_basis_points": 1000})
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": a, "share_pence": 6_000_000}, 201)
    refused = pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": b, "share_pence": 3_000_001}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:bid_shares_within_price_less_fee"
    assert "£90,000" in refused["detail"]
    partner = pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": b, "share_pence": 3_000_000}, 201)
    # Raising the fee, cutting the price or raising a share would break it too.
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 10_000_000, "management_fee_basis_points": 1001},
                  409)
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 9_999_999, "management_fee_basis_points": 1000},
                  409)
    pipeline.call("PATCH", f"/bids/{bid_id}/partners/{partner['id']}", {"share_pence": 3_000_001}, 409)
    view = pipeline.call("GET", f"/bids/{bid_id}")
    assert view["pricing"]["price_pence"] == 10_000_000 and view["pricing"]["management_fee_basis_points"] == 1000
    assert view["pricing"]["unallocated_pence"] == 0
    assert sorted(p["share_pence"] for p in view["partners"]) == [3_000_000, 6_000_000]
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 10_000_000, "management_fee_basis_points": 10001},
                  422)
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 100.5, "management_fee_basis_points": 10}, 422)


def test_delivery_partners_are_active_eligible_members_named_once(pipeline):
    applicant = pipeline.member("Applicant Trust", status="applicant")
    expired = pipeline.member("Expired Insurance Trust", eligible=False)
    active = pipeline.member("Active Trust")
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]
    assert "not an active member" in pipeline.call("POST", f"/bids/{bid_id}/partners", {
        "organisation_id": applicant, "share_pence": 1}, 409)["detail"]
    assert "not eligible" in pipeline.call("POST", f"/bids/{bid_id}/partners", {
        "organisation_id": expired, "share_pence": 1}, 409)["detail"]
    assert "not a member" in pipeline.call("POST", f"/bids/{bid_id}/partners", {
        "organisation_id": str(uuid.uuid4()), "share_pence": 1}, 409)["detail"]
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": active, "share_pence": 1}, 201)
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": active, "share_pence": 2}, 409)
    pipeline.call("PATCH", f"/bids/{bid_id}", {"lead_organisation_id": applicant}, 409)
    partner = pipeline.call("GET", f"/bids/{bid_id}")["partners"][0]
    pipeline.call("DELETE", f"/bids/{bid_id}/partners/{partner['id']}", status=204)
    assert pipeline.call("GET", f"/bids/{bid_id}")["partners"] == []


def test_the_partners_offered_are_exactly_those_a_bid_accepts_even_after_one_becomes_ineligible(pipeline):
    """Eligibility everywhere at once (issue 12, item 4): the choices a bid's form offers come from the rule that
    accepts a partner (contracts.domain.bids.partner_refusal), not from a second copy of it."""
    applicant = pipeline.member("Applicant Trust", status="applicant")
    active = pipeline.member("Active Trust")
    insured = pipeline.member("Insured Trust")
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]

    def offered() -> list[str]:
        return [m["id"] for m in pipeline.call("GET", "/bids/partner-candidates?limit=200")]

    assert applicant not in offered() and {active, insured} <= set(offered())
    # Insured Trust's insurance lapses: membership says it is no longer eligible for new work.
    pipeline.deliver("membership.eligibility.changed", f"organisation/{insured}", {
        "organisation_id": insured, "name": "Insured Trust", "legal_form": "cio", "status": "active",
        "eligible_for_new_work": False, "reasons": ["Public liability insurance expired"]}, "membership")
    assert insured not in offered() and active in offered()
    for org_id in (applicant, insured):
        pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": org_id, "share_pence": 1}, 409)
    for org_id in offered():
        pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": org_id, "share_pence": 1}, 201)
    pipeline.call("GET", "/bids/partner-candidates", headers=pipeline.as_(("board_member",)), status=403)


def test_one_bid_per_opportunity_or_lot(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    lot1 = pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 1, "title": "North"}, 201)
    lot2 = pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 2, "title": "South"}, 201)
    pipeline.bid(oid, lot_id=lot1["id"])
    pipeline.bid(oid, lot_id=lot2["id"])
    pipeline.bid(oid)
    pipeline.call("POST", f"/opportunities/{oid}/bids", {"lead_name": "Again", "lot_id": lot1["id"]}, 409)
    pipeline.call("POST", f"/opportunities/{oid}/bids", {"lead_name": "Again"}, 409)
    other = pipeline.opportunity()["opportunity"]["id"]
    refused = pipeline.call("POST", f"/opportunities/{other}/bids", {"lead_name": "X", "lot_id": lot1["id"]}, 422)
    assert list(refused["errors"]) == ["lot_id"]
    assert len(pipeline.call("GET", f"/opportunities/{oid}")["bids"]) == 3


def test_lot_bids_decide_the_opportunity_once_both_outcomes_are_in(pipeline):
    member = pipeline.member()
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bids = []
    for number in (1, 2):
        lot = pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": number, "title": f"Lot {number}"}, 201)
        bid_id = pipeline.bid(oid, lot_id=lot["id"])["bid"]["id"]
        pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 1_000_000, "management_fee_basis_points": 500})
        pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": member, "share_pence": 900_000}, 201)
        bids.append(bid_id)
    assert pipeline.call("POST", f"/bids/{bids[0]}/submission")["opportunity"]["stage"] == "submitted"
    pipeline.call("POST", f"/opportunities/{oid}/bids", {"lead_name": "Too late"}, 409)  # no new bids once in
    assert pipeline.call("POST", f"/bids/{bids[1]}/submission")["opportunity"]["stage"] == "submitted"
    assert len(pipeline.outbox("contracts.bid.submitted")) == 2
    first = pipeline.call("POST", f"/bids/{bids[0]}/outcome", {"outcome": "lost", "feedback": "Price too high."})
    assert first["opportunity"]["stage"] == "submitted"
    second = pipeline.call("POST", f"/bids/{bids[1]}/outcome", {"outcome": "won"})
    assert second["opportunity"]["stage"] == "won"


def test_a_bid_goes_in_only_priced_with_a_partner_and_after_the_board_said_go(pipeline):
    member = pipeline.member()
    oid = pipeline.opportunity()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]  # preparation may start before the board decides
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 1_000_000, "management_fee_basis_points": 0})
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": member, "share_pence": 1_000_000}, 201)
    refused = pipeline.call("POST", f"/bids/{bid_id}/submission", status=409)
    assert "go/no-go" in refused["detail"]
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    asked = pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {})
    pipeline.call("POST", f"/bids/{bid_id}/submission", status=409)  # still waiting for the board
    pipeline.board_decides(asked["opportunity"]["go_no_go_request_id"], "approved")
    unpriced = pipeline.to_bidding()["opportunity"]["id"]
    empty = pipeline.bid(unpriced)["bid"]["id"]
    assert "Price the bid" in pipeline.call("POST", f"/bids/{empty}/submission", status=409)["detail"]
    pipeline.call("PUT", f"/bids/{empty}/pricing", {"price_pence": 1_000, "management_fee_basis_points": 0})
    assert "partner" in pipeline.call("POST", f"/bids/{empty}/submission", status=409)["detail"]
    pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "won"}, 409)  # not submitted yet
    assert pipeline.call("POST", f"/bids/{bid_id}/submission")["opportunity"]["stage"] == "submitted"
    assert len(pipeline.outbox("contracts.bid.submitted")) == 1


def test_outcome_scores_above_their_maximum_are_refused_and_a_loss_loses_the_opportunity(pipeline):
    member = pipeline.member()
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]
    pipeline.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 1_000_000, "management_fee_basis_points": 700})
    pipeline.call("POST", f"/bids/{bid_id}/partners", {"organisation_id": member, "share_pence": 900_000}, 201)
    pipeline.call("POST", f"/bids/{bid_id}/submission")
    refused = pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "won", "scores": [
        {"criterion": "Quality", "score": 61, "max_score": 60}]}, 422)
    assert "scores" in refused["errors"]
    pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "maybe"}, 422)
    pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "won", "scores": [
        {"criterion": "Quality", "score": -1, "max_score": 60}]}, 422)
    assert pipeline.call("GET", f"/bids/{bid_id}")["bid"]["outcome"] is None
    lost = pipeline.call("POST", f"/bids/{bid_id}/outcome", {"outcome": "lost", "feedback": "Second of four.",
                                                             "scores": [{"criterion": "Quality", "score": 40,
                                                                         "max_score": 60}]})
    assert lost["opportunity"]["stage"] == "lost" and lost["bid"]["feedback"] == "Second of four."
    assert pipeline.outbox("contracts.opportunity.stage_changed")[-1]["data"]["stage"] == "lost"


def test_bid_documents_are_checked_by_content_and_kept_whole(pipeline):
    oid = pipeline.to_bidding()["opportunity"]["id"]
    bid_id = pipeline.bid(oid)["bid"]["id"]
    assert upload(pipeline, bid_id, content=b"MZ\x90\x00 not a document", filename="virus.pdf").status_code == 415
    assert upload(pipeline, bid_id, content=b"", filename="empty.pdf").status_code == 415
    assert upload(pipeline, bid_id, kind="shopping_list").status_code == 422
    as_json = pipeline.raw("POST", f"/bids/{bid_id}/documents", json={"kind": "other"})
    assert as_json.status_code == 415
    docx = upload(pipeline, bid_id, content=b"PK\x03\x04 word", filename="../../pricing.docx", kind="pricing_schedule")
    assert docx.status_code == 201 and docx.get_json()["filename"] == "pricing.docx"
    assert [d["kind"] for d in pipeline.call("GET", f"/bids/{bid_id}")["documents"]] == ["pricing_schedule"]
    assert pipeline.raw("GET", f"/bids/{bid_id}/documents/{uuid.uuid4()}/content").status_code == 404


def test_roles_and_tenancy_for_bids(make_pipeline):
    ours, theirs = make_pipeline(), make_pipeline()
    oid = theirs.to_bidding()["opportunity"]["id"]
    bid_id = theirs.bid(oid)["bid"]["id"]
    task = theirs.call("POST", f"/bids/{bid_id}/tasks", {"title": "Draft", "owner": "Jo", "due_on": days(3)}, 201)
    ours.call("GET", f"/bids/{bid_id}", status=404)
    ours.call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 1, "management_fee_basis_points": 0}, 404)
    ours.call("PATCH", f"/bids/{bid_id}/tasks/{task['id']}", {"done": True}, 404)
    ours.call("POST", f"/opportunities/{oid}/bids", {"lead_name": "Us"}, 404)
    assert upload(ours, bid_id).status_code == 404
    # A task of another bid is not found through this one.
    other_bid = theirs.bid(theirs.to_bidding()["opportunity"]["id"])["bid"]["id"]
    theirs.call("PATCH", f"/bids/{other_bid}/tasks/{task['id']}", {"done": True}, 404)
    for role in ("board_member", "finance_officer"):
        reader = theirs.as_((role,))
        assert theirs.call("GET", f"/bids/{bid_id}", headers=reader)["bid"]["id"] == bid_id
        theirs.call("POST", f"/bids/{bid_id}/tasks", {"title": "x", "owner": "y", "due_on": days(1)}, 403,
                    headers=reader)
        assert upload(theirs, bid_id, headers=reader).status_code == 403
    member = theirs.as_(("member_user",), organisation_id=uuid.uuid4())
    theirs.call("GET", f"/bids/{bid_id}", status=403, headers=member)
    theirs.call("POST", f"/bids/{bid_id}/submission", status=403, headers=member)
    bad = theirs.raw("POST", f"/bids/{bid_id}/tasks", data="{", content_type="application/json")
    assert bad.status_code == 400
    assert theirs.call("POST", f"/bids/{bid_id}/tasks", {"title": "x", "owner": "y", "due_on": "soon"},
                       422)["errors"]["due_on"]
