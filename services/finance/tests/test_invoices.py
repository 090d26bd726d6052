"""Recharge invoices (H4, F4): who recharges, lines traced to entries, exact sums, gap-free numbers, credit notes."""
from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hubkit.testing import make_principal

from time_fixtures import MONDAY, th  # noqa: F401


def _month_of_time(th, staff, weeks=2, grid=None):
    return [th.approved_week(staff, MONDAY + dt.timedelta(days=7 * w), grid) for w in range(weeks)]


def test_h4_the_host_recharges_approved_chargeable_time_with_lines_per_code_and_person(th):
    th.hub_model("outsourced_to_member")
    th.organisation(th.host, "Leeds CVS")
    priya, sam = th.staff("Priya Shah"), th.staff("Sam Patel")
    th.rate(priya["id"])                                   # £30.00 an hour
    th.rate(sam["id"], salary_pence=2_400_000, on_costs_pence=480_000, on_costs_percent=None)  # 28,800x1.25/1500
    grid = {(0, "hub-bidding"): 450, (1, "hub-finance"): 135, (2, "employer-own-work"): 300}
    _month_of_time(th, priya, 2, grid)
    _month_of_time(th, sam, 1, grid)
    unapproved = th.week(sam, MONDAY + dt.timedelta(days=7), grid)  # saved, never approved: not invoiced
    assert unapproved["status"] == "draft"
    draft = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert draft["status"] == "draft" and draft["number"] is None and draft["issuer_name"] == "Leeds CVS"
    lines = {(line["staff_name"], line["cost_code"]): line for line in draft["lines"]}
    assert set(lines) == {("Priya Shah", "hub-bidding"), ("Priya Shah", "hub-finance"),
                          ("Sam Patel", "hub-bidding"), ("Sam Patel", "hub-finance")}
    assert lines[("Priya Shah", "hub-bidding")]["minutes"] == 900
    assert lines[("Priya Shah", "hub-bidding")]["net_pence"] == 45000
    assert len(lines[("Priya Shah", "hub-bidding")]["entry_ids"]) == 2
    assert lines[("Sam Patel", "hub-finance")]["rate_pence"] == 2400
    assert lines[("Sam Patel", "hub-finance")]["net_pence"] == 5400  # 2.25 h x £24
    # nothing is invoiced twice: a second draft for the month finds nothing left
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 409)


def test_f4_each_line_is_its_entries_minutes_times_rate_rounded_once_and_lines_sum_to_the_total(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"], salary_pence=2_345_678, on_costs_percent="13.8", overhead_percent="17.5",
            productive_hours="1642.5")
    rate = th.call("GET", f"/staff/{staff['id']}/rates")[0]["hourly_rate_pence"]
    exact = Decimal(2_345_678) * Decimal("1.138") * Decimal("1.175") / Decimal("1642.5")
    assert rate == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)) == 1910
    _month_of_time(th, staff, 3, {(d, code): 15 * (d + 1) * (3 if code == "hub-bidding" else 5)
                                  for d in range(5) for code in ("hub-bidding", "hub-governance")})
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    total_entries = 0
    for line in invoice["lines"]:
        entries = th.call("GET", f"/invoices/{invoice['id']}/lines/{line['id']}/entries")
        assert sorted(e["id"] for e in entries) == sorted(line["entry_ids"])
        minutes = sum(e["minutes"] for e in entries)
        assert minutes == line["minutes"]
        assert line["net_pence"] == int((Decimal(minutes) * line["rate_pence"] / 60).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))
        assert line["vat_pence"] == int((Decimal(line["net_pence"]) / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        total_entries += len(entries)
    assert total_entries == 3 * 10
    assert invoice["net_pence"] == sum(line["net_pence"] for line in invoice["lines"])
    assert invoice["vat_pence"] == sum(line["vat_pence"] for line in invoice["lines"])
    assert invoice["total_pence"] == invoice["net_pence"] + invoice["vat_pence"]
    assert all(isinstance(v, int) for v in (invoice["net_pence"], invoice["vat_pence"], invoice["total_pence"]))
    # a line that is not this invoice's, or no id at all, is a clear 404 on either database (never a 500)
    for line_id in (uuid.uuid4(), "not-a-line", invoice["id"]):
        missing = th.call("GET", f"/invoices/{invoice['id']}/lines/{line_id}/entries", status=404)
        assert missing["status"] == 404


def test_h4_vat_treatment_is_configuration_per_issuer(th):
    th.organisation(th.host, "Leeds CVS")  # an issuer is an organisation finance knows (issue 12 item 3)
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    th.call("PUT", f"/invoices/issuers/{th.host}", {"vat_treatment": "exempt", "prefix": "LCVS-"})
    th.call("PUT", f"/invoices/issuers/{th.host}", {"vat_treatment": "zero"}, 422)
    th.call("PUT", f"/invoices/issuers/{th.host}", {"vat_treatment": "exempt"}, 403, th.manager)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert invoice["vat_treatment"] == "exempt" and invoice["vat_pence"] == 0
    assert invoice["total_pence"] == invoice["net_pence"] == 5 * 450 * 3000 // 60
    issued = th.call("POST", f"/invoices/{invoice['id']}/issue")
    assert issued["number"] == "LCVS-00001"


def test_h4_nobody_recharges_a_central_staff_team_and_in_an_outsourced_hub_only_the_host(th):
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    response = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 409)
    assert "hub model" in response["detail"]
    th.hub_model("central_staff_team")
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 409)
    th.hub_model("outsourced_to_member")
    member_staff = th.staff("Member Person", kind="member")
    th.rate(member_staff["id"])
    _month_of_time(th, member_staff, 1)
    response = th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": "2026-10"}, 409)
    assert response["type"].endswith(":H4")
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)


def test_h4_in_a_virtual_hub_each_member_recharges_its_own_staff(th):
    th.hub_model("virtual_hub")
    member_staff = th.staff("Member Person", kind="member")
    th.rate(member_staff["id"])
    _month_of_time(th, member_staff, 1)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": "2026-10"}, 201)
    assert invoice["organisation_id"] == str(th.member_org)
    th.call("POST", "/invoices", {"organisation_id": str(uuid.uuid4()), "month": "2026-10"}, 422)


def test_hub_model_event_applied_twice_is_kept_once(th):
    decision = str(uuid.uuid4())
    data = {"model": "virtual_hub", "previous_model": None, "effective_from": "2026-01-01", "decision_id": decision,
            "host_organisation_id": None}
    assert th.apply("governance.hub_model.changed", data)
    assert th.apply("governance.hub_model.changed", data)  # another event id, the same decision
    assert th.call("GET", "/invoices/hub-model")["model"] == "virtual_hub"


def test_h4_draft_issued_paid_with_events_and_only_the_finance_officer_runs_invoices(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 403, th.manager)
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-13"}, 422)
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10", "extra": 1}, 422)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("POST", f"/invoices/{invoice['id']}/paid", {"paid_on": "2026-11-20"}, 409)
    th.call("POST", f"/invoices/{invoice['id']}/issue", headers=th.manager, status=403)
    issued = th.call("POST", f"/invoices/{invoice['id']}/issue")
    assert issued["status"] == "issued" and issued["number"] == "INV-00001"
    assert dt.date.fromisoformat(issued["due_on"]) - dt.date.fromisoformat(issued["issued_on"]) == dt.timedelta(30)
    th.call("POST", f"/invoices/{invoice['id']}/issue", status=409)
    th.call("DELETE", f"/invoices/{invoice['id']}", status=409)
    paid = th.call("POST", f"/invoices/{invoice['id']}/paid", {"paid_on": "2026-11-20"})
    assert paid["status"] == "paid"
    [issued_event] = th.outbox("finance.invoice.issued")
    assert issued_event["data"]["number"] == "INV-00001" and issued_event["data"]["total_pence"] == 135000
    assert th.outbox("finance.invoice.paid")[0]["data"]["paid_on"] == "2026-11-20"
    seen = th.call("GET", "/invoices", headers=th.manager)
    assert [i["number"] for i in seen] == ["INV-00001"]


def test_a_member_user_sees_only_their_own_organisations_invoices(th):
    th.hub_model("virtual_hub")
    mine, theirs = th.staff("Mine", kind="member"), th.staff("Theirs", kind="member", organisation_id=uuid.uuid4())
    for person in (mine, theirs):
        th.rate(person["id"])
        _month_of_time(th, person, 1)
    own = th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": "2026-10"}, 201)
    other = th.call("POST", "/invoices", {"organisation_id": theirs["organisation_id"], "month": "2026-10"}, 201)
    headers = th.person(mine)
    assert [i["id"] for i in th.call("GET", "/invoices", headers=headers)] == [own["id"]]
    th.call("GET", f"/invoices/{other['id']}", headers=headers, status=404)
    th.call("GET", f"/invoices/{own['id']}", headers=headers)
    th.call("POST", f"/invoices/{own['id']}/issue", headers=headers, status=403)


def test_discarding_a_draft_frees_its_entries(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    draft = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("DELETE", f"/invoices/{draft['id']}", status=204)
    again = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert again["net_pence"] == draft["net_pence"]


def test_h4_a_credit_note_takes_the_next_number_and_frees_the_entries_for_a_correct_invoice(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    [sheet] = _month_of_time(th, staff, 1)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("POST", f"/invoices/{invoice['id']}/issue")
    th.call("POST", f"/invoices/{invoice['id']}/credit-note", {}, 422)
    note = th.call("POST", f"/invoices/{invoice['id']}/credit-note", {"reason": "Monday was half own work"}, 201)
    assert note["kind"] == "credit_note" and note["number"] == "INV-00002"
    assert note["total_pence"] == -invoice["total_pence"]
    assert sorted(sum((line["entry_ids"] for line in note["lines"]), [])) == sorted(
        sum((line["entry_ids"] for line in invoice["lines"]), []))
    assert th.call("GET", f"/invoices/{invoice['id']}")["status"] == "credited"
    th.call("POST", f"/invoices/{invoice['id']}/credit-note", {"reason": "twice"}, 409)
    monday = next(e for e in sheet["entries"] if e["day"] == MONDAY.isoformat())
    th.call("POST", f"/timesheets/{sheet['id']}/corrections", {
        "entry_id": monday["id"], "reason": "Half was own work", "minutes": 225}, 201)
    fixed = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert fixed["net_pence"] == invoice["net_pence"] - 225 * 3000 // 60
    reissued = th.call("POST", f"/invoices/{fixed['id']}/issue")
    assert reissued["number"] == "INV-00003"


def test_h4_two_finance_officers_issuing_at_the_same_moment_get_unique_consecutive_numbers(th, app):
    th.hub_model("virtual_hub")
    people = [th.staff(f"Person {i}", kind="member") for i in range(6)]
    drafts = []
    for i, person in enumerate(people):
        th.rate(person["id"])
        th.approved_week(person, MONDAY + dt.timedelta(days=7 * (i % 4)) if i < 4 else
                         dt.date(2026, 11, 2) + dt.timedelta(days=7 * (i - 4)))
    for month in ("2026-10", "2026-11"):
        drafts.append(th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": month}, 201))
    # more drafts: the same organisation, further months of time
    for week in range(3):
        monday = dt.date(2026, 12, 7) + dt.timedelta(days=7 * week) if week < 2 else dt.date(2027, 1, 4)
        th.approved_week(people[0], monday)
    for month in ("2026-12", "2027-01"):
        drafts.append(th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": month}, 201))
    officers = [th.as_(("finance_officer",)), th.as_(("finance_officer",))]
    barrier = threading.Barrier(len(drafts))
    results, errors = {}, []

    def issue(index, draft):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/invoices/{draft['id']}/issue", headers=officers[index % 2])
        if response.status_code != 200:
            errors.append(response.get_data(as_text=True))
        else:
            results[draft["id"]] = response.get_json()["number"]

    threads = [threading.Thread(target=issue, args=(i, d)) for i, d in enumerate(drafts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results.values()) == [f"INV-{n:05d}" for n in range(1, len(drafts) + 1)]


def test_another_consortiums_invoice_is_not_found(th, app, client, sign):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    stranger = {"Authorization": sign(make_principal(("finance_officer",)), "finance")}
    th.call("GET", f"/invoices/{invoice['id']}", headers=stranger, status=404)
    th.call("POST", f"/invoices/{invoice['id']}/issue", headers=stranger, status=404)


def test_h4_an_invoice_follows_the_hub_model_in_effect_in_its_month(th):
    th.apply("governance.hub_model.changed", {
        "model": "virtual_hub", "previous_model": None, "effective_from": "2026-01-01",
        "decision_id": str(uuid.uuid4()), "host_organisation_id": None})
    th.apply("governance.hub_model.changed", {
        "model": "central_staff_team", "previous_model": "virtual_hub", "effective_from": "2026-11-01",
        "decision_id": str(uuid.uuid4()), "host_organisation_id": None})
    staff = th.staff("Member Person", kind="member")
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    th.approved_week(staff, dt.date(2026, 11, 2))
    th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": "2026-10"}, 201)
    th.call("POST", "/invoices", {"organisation_id": str(th.member_org), "month": "2026-11"}, 409)


def test_a_member_user_not_yet_linked_to_an_organisation_sees_no_staff_or_invoices(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 1)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    unlinked = th.as_(("member_user",))
    th.call("GET", "/invoices", headers=unlinked, status=403)
    th.call("GET", f"/invoices/{invoice['id']}", headers=unlinked, status=403)
    th.call("GET", "/staff", headers=unlinked, status=403)


def test_h4_two_drafts_at_the_same_moment_never_take_the_same_entries(th, app):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    _month_of_time(th, staff, 2)
    barrier = threading.Barrier(2)
    answers = []

    def draft():
        client = app.test_client()
        barrier.wait()
        response = client.post("/invoices", json={"organisation_id": str(th.host), "month": "2026-10"},
                               headers=th.finance)
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=draft) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [201, 409]
    made = next(body for status, body in answers if status == 201)
    assert made["net_pence"] == 10 * 450 * 3000 // 60
