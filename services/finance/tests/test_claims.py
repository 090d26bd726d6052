"""Attendance claims (G11): a claim at the daily rate for each meeting attended (in person, or by deputy as
configured), none for one missed; travel costs with receipts; approval and payment through a payment run."""
from __future__ import annotations

import io
import uuid

from money_fixtures import mh  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%receipt\n"


def _claims(mh, headers=None, status=None) -> list[dict]:
    return mh.call("GET", "/claims" + (f"?status={status}" if status else ""), headers=headers)


def _expense(mh, claim_id, amount="1250", kind="rail", content=PNG, filename="ticket.png", headers=None,
             status=201):
    response = mh.client.open(f"/claims/{claim_id}/expenses", method="POST", headers=headers or mh.member_a,
                              content_type="multipart/form-data",
                              data={"kind": kind, "description": "Return train Leeds to York",
                                    "amount_pence": amount, "file": (io.BytesIO(content), filename)})
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    return response.get_json(silent=True)


def test_g11_a_meeting_attended_gives_one_claim_at_the_daily_rate_and_a_meeting_missed_none(mh):
    meeting_id, seat_id = mh.attendance("present")
    mh.attendance("absent", person="Ben Ode")
    mh.attendance("apologies", person="Cat Dee")
    mh.attendance("present", claimable=False, person="Co-opted Funder")  # a seat that may not claim
    [claim] = _claims(mh)
    assert claim["person_name"] == "Asha Patel" and claim["status"] == "open"
    assert claim["daily_rate_pence"] == 40_000 and claim["total_pence"] == 40_000
    assert claim["meeting_id"] == str(meeting_id) and claim["organisation_id"] == str(mh.org_a)
    # recorded again (a repeat or a second event with the same fact): still one claim
    mh.attendance("present", meeting_id=meeting_id, seat_id=seat_id)
    assert len(_claims(mh)) == 1
    [created] = mh.outbox("finance.claim.created")
    assert created["data"]["daily_rate_pence"] == 40_000 and created["data"]["claim_id"] == claim["id"]


def test_g11_a_deputys_attendance_is_claimable_only_where_configured(mh):
    mh.attendance("deputy", deputy_name="Dev Deputy")
    assert [c["attendance"] for c in _claims(mh)] == ["deputy"]
    mh.call("PUT", "/money/settings", {"deputy_may_claim": False})
    mh.attendance("deputy", deputy_name="Dev Deputy")
    assert len(_claims(mh)) == 1


def test_g11_the_daily_rate_is_configuration_and_a_change_applies_to_new_claims_only(mh):
    mh.attendance("present")
    mh.call("PUT", "/money/settings", {"claim_daily_rate_pence": 45_050}, headers=mh.manager, status=403)
    mh.call("PUT", "/money/settings", {"claim_daily_rate_pence": 45_050})
    mh.attendance("present", person="Ben Ode")
    rates = sorted(c["daily_rate_pence"] for c in _claims(mh))
    assert rates == [40_000, 45_050]


def test_g11_attendance_corrected_to_missed_withdraws_the_claim_and_back_to_attended_reopens_it(mh):
    meeting_id, seat_id = mh.attendance("present")
    mh.attendance("apologies", meeting_id=meeting_id, seat_id=seat_id)
    [claim] = _claims(mh)
    assert claim["status"] == "withdrawn" and "apologies" in claim["note"]
    mh.call("POST", f"/claims/{claim['id']}/approve", status=409)  # nothing to claim for a meeting missed
    mh.attendance("present", meeting_id=meeting_id, seat_id=seat_id)
    assert _claims(mh)[0]["status"] == "open"


def test_g11_travel_costs_are_added_with_a_receipt_and_accommodation_is_not_covered(mh):
    mh.attendance("present")
    [claim] = _claims(mh)
    with_travel = _expense(mh, claim["id"], amount="1250")
    assert with_travel["expenses_pence"] == 1_250 and with_travel["total_pence"] == 41_250
    [expense] = with_travel["expenses"]
    assert expense["receipt_filename"] == "ticket.png" and expense["receipt_content_type"] == "image/png"
    receipt = mh.client.get(f"/claims/{claim['id']}/expenses/{expense['id']}/receipt", headers=mh.member_a)
    assert receipt.status_code == 200 and receipt.data == PNG
    parking = _expense(mh, claim["id"], amount="300", kind="parking", content=PDF, filename="parking.pdf",
                       headers=mh.finance)
    assert parking["total_pence"] == 41_550
    # refused, and nothing kept
    answer = _expense(mh, claim["id"], kind="accommodation", status=409)
    assert answer["type"] == "urn:consortium-hub:rule:G11"
    _expense(mh, claim["id"], content=b"just some text", filename="receipt.txt", status=415)
    _expense(mh, claim["id"], content=b"", status=415)
    floaty = _expense(mh, claim["id"], amount="12.50", status=422)  # F4: pence, never a float
    assert "amount_pence" in floaty["errors"]
    _expense(mh, claim["id"], headers=mh.member_b, status=404)  # another organisation's claim is not there
    _expense(mh, claim["id"], headers=mh.board, status=403)
    assert mh.call("GET", f"/claims/{claim['id']}")["total_pence"] == 41_550


def test_g11_a_claim_is_approved_paid_in_a_run_once_and_posted_to_the_ledger(mh):
    mh.attendance("present")
    [claim] = _claims(mh)
    _expense(mh, claim["id"], amount="1999")
    mh.call("POST", "/payment-runs", {"claim_ids": [claim["id"]], "pay_on": "2026-12-01"}, 409)  # not approved
    mh.call("POST", f"/claims/{claim['id']}/approve", headers=mh.manager, status=403)
    approved = mh.call("POST", f"/claims/{claim['id']}/approve")
    assert approved["status"] == "approved" and approved["approved_by"].startswith("user:")
    mh.call("POST", f"/claims/{claim['id']}/approve", status=409)
    run = mh.call("POST", "/payment-runs", {"claim_ids": [claim["id"]], "pay_on": "2026-12-01"}, 201)
    assert run["total_pence"] == 41_999
    mh.call("POST", "/payment-runs", {"claim_ids": [claim["id"]], "pay_on": "2026-12-01"}, 409)  # never twice
    _expense(mh, claim["id"], amount="100", status=409)  # in a run: it no longer changes
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    bank = mh.call("GET", f"/payment-runs/{run['id']}/export?format=bank")
    assert [row[3] for row in bank["rows"]] == ["419.99"]
    mh.call("POST", f"/payment-runs/{run['id']}/paid", {"paid_on": "2026-12-02"})
    paid = mh.call("GET", f"/claims/{claim['id']}")
    assert paid["status"] == "paid" and paid["paid_on"] == "2026-12-02" and paid["run_number"] == run["number"]
    ledger = [p for p in mh.call("GET", "/money/ledger") if p["category"] == "attendance_claims"]
    assert [p["amount_pence"] for p in ledger] == [41_999]


def test_g11_a_new_cost_on_an_approved_claim_needs_approving_again_and_a_rejection_has_a_reason(mh):
    mh.attendance("present")
    mh.attendance("present", person="Ben Ode")
    first, second = sorted(_claims(mh), key=lambda c: c["person_name"])
    mh.call("POST", f"/claims/{first['id']}/approve")
    assert _expense(mh, first["id"])["status"] == "open"
    mh.call("POST", f"/claims/{second['id']}/reject", {}, 422)
    rejected = mh.call("POST", f"/claims/{second['id']}/reject", {"reason": "Not a consortium meeting"})
    assert rejected["status"] == "rejected" and rejected["note"] == "Not a consortium meeting"
    mh.call("POST", f"/claims/{second['id']}/approve", status=409)


def test_g11_member_staff_see_only_their_own_organisations_claims(mh):
    mh.attendance("present")
    mh.attendance("present", organisation_id=mh.org_b, person="Ben Ode")
    assert [c["person_name"] for c in _claims(mh, headers=mh.member_a)] == ["Asha Patel"]
    assert [c["person_name"] for c in _claims(mh, headers=mh.member_b)] == ["Ben Ode"]
    theirs = next(c for c in _claims(mh) if c["person_name"] == "Ben Ode")
    mh.call("GET", f"/claims/{theirs['id']}", headers=mh.member_a, status=404)
    mh.call("POST", f"/claims/{theirs['id']}/approve", headers=mh.member_b, status=403)  # nor approve their own
    assert len(_claims(mh, headers=mh.board)) == 2
    mh.call("GET", "/claims", headers=mh.as_(("member_user",)), status=403)  # no organisation yet
    other = mh.as_(("finance_officer",), consortium=uuid.uuid4())
    assert _claims(mh, headers=other) == []
