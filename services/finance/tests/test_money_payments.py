"""Income, the management fee and subcontractor payments (F2, F4): schedules from contracts' events, payment by
results released once, variations that never pay twice, payment runs and their exports."""
from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import uuid
from decimal import Decimal
from pathlib import Path

from hubkit import clock

from money_fixtures import FUTURE, PAST, find_floats, mh  # noqa: F401


# --- income and the management fee ---------------------------------------------------------------

def test_f4_an_award_keeps_the_income_schedule_and_the_fee_top_slice_rounded_once(mh):
    contract_id = mh.award(value_pence=1_234_567, basis_points=750, schedule=[
        {"due_on": "2027-07-30", "amount_pence": 333_333}, {"due_on": "2027-10-30", "amount_pence": 333_333},
        {"due_on": "2028-01-30", "amount_pence": 567_901}])
    contract = mh.call("GET", f"/income/contracts/{contract_id}", headers=mh.board)
    # 1,234,567 x 750 / 10,000 = 92,592.525 pence -> 92,593 (once, half up)
    assert contract["fee_pence"] == 92_593
    assert contract["value_pence"] == 1_234_567 and contract["fee_basis_points"] == 750
    shares = [i["fee_pence"] for i in contract["instalments"]]
    assert sum(shares) == 92_593  # each instalment's share; the shares add up exactly
    assert [i["amount_pence"] for i in contract["instalments"]] == [333_333, 333_333, 567_901]
    assert contract["scheduled_pence"] == 1_234_567


def test_f2_an_award_told_twice_is_one_contract_and_opens_one_contract_cost_code(mh):
    contract_id = mh.award()
    mh.award(contract_id=contract_id)  # a second event with the same fact
    listed = [c for c in mh.call("GET", "/income/contracts") if c["contract_id"] == str(contract_id)]
    assert len(listed) == 1 and len(listed[0]["instalments"]) == 2
    assert listed[0]["fee_pence"] == 3_600_000  # £450,000 x 8%
    codes = [c for c in mh.call("GET", "/cost-codes") if c["kind"] == "contract"]
    assert len(codes) == 1 and codes[0]["title"] == "Contract: Wellbeing hubs"


def test_f4_income_received_posts_income_and_fee_to_the_ledger_once(mh):
    contract_id = mh.award(value_pence=1_000_000, basis_points=1000,
                           schedule=[{"due_on": "2026-07-01", "amount_pence": 1_000_000}])
    instalment = mh.call("GET", f"/income/contracts/{contract_id}")["instalments"][0]
    mh.call("POST", f"/income/instalments/{instalment['id']}/received", {"received_on": "2026-07-03"},
            headers=mh.manager, status=403)
    mh.call("POST", f"/income/instalments/{instalment['id']}/received", {"received_on": "2026-07-03"})
    mh.call("POST", f"/income/instalments/{instalment['id']}/received", {"received_on": "2026-07-04"}, status=409)
    ledger = mh.call("GET", "/money/ledger", headers=mh.board)
    assert sorted((p["category"], p["amount_pence"]) for p in ledger) == [("income", 1_000_000),
                                                                       ("management_fee", 100_000)]


def test_income_is_not_for_member_staff(mh):
    mh.award()
    mh.call("GET", "/income/contracts", headers=mh.member_a, status=403)


# --- schedules, holds and releases ------------------------------------------------------------------

def test_f2_a_subcontract_gives_a_schedule_date_based_due_payment_by_results_held(mh):
    period = uuid.uuid4()
    data = mh.issue(mh.subcontract_data(schedule=[
        mh.by_date(500_000, PAST), mh.by_date(250_000, FUTURE), mh.by_results(1_000_000, period)]))
    schedule = mh.schedule(data)
    states = {i["amount_pence"]: i for i in schedule["instalments"]}
    assert states[500_000]["status"] == "released"
    assert states[250_000]["status"] == "scheduled" and "Becomes due" in states[250_000]["reason"]
    assert states[1_000_000]["status"] == "held"
    assert "waits for the accepted return" in states[1_000_000]["reason"]
    assert schedule["held_pence"] == 1_000_000
    released = mh.outbox("finance.payment.released")
    assert [e["data"]["amount_pence"] for e in released] == [500_000]  # the date-based one, already due


def test_f2_an_accepted_return_releases_payment_by_results_exactly_once_even_when_told_twice(mh):
    period = uuid.uuid4()
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_results(1_000_000, period)]))
    accepted = mh.return_event(data, period, accepted=True)
    assert mh.deliver(accepted) is True
    assert mh.deliver(accepted) is False  # the same event delivered twice: the inbox drops it
    # a second, different accepted event for the same return (and one for the period) changes nothing
    again = mh.return_event(data, period, accepted=True, return_id=accepted.data["return_id"])
    assert mh.deliver(again) is True
    assert mh.deliver(mh.return_event(data, period, accepted=True)) is True
    [instalment] = mh.schedule(data)["instalments"]
    assert instalment["status"] == "released" and instalment["period_label"] == "2026-27 Q1"
    assert instalment["released_by_return_id"] == str(accepted.data["return_id"])
    events = [e for e in mh.outbox("finance.payment.released")
              if e["data"]["instalment_id"] == instalment["instalment_id"]]
    assert len(events) == 1
    assert events[0]["data"]["release"] == "on_accepted_return" and events[0]["data"]["amount_pence"] == 1_000_000
    # and it can be put in exactly one payment run
    mh.call("POST", "/payment-runs", {"instalment_ids": [instalment["id"]], "pay_on": "2026-12-01"}, 201)
    mh.call("POST", "/payment-runs", {"instalment_ids": [instalment["id"]], "pay_on": "2026-12-01"}, 409)


def test_f2_payment_stays_held_while_the_return_is_queried_then_released_when_accepted(mh):
    period = uuid.uuid4()
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_results(700_000, period)]))
    mh.deliver(mh.return_event(data, period, accepted=False, comment="Attach the register"))
    [held] = mh.schedule(data)["instalments"]
    assert held["status"] == "held" and "queried (Attach the register)" in held["reason"]
    run = mh.call("POST", "/payment-runs", {"instalment_ids": [held["id"]], "pay_on": "2026-12-01"}, 409)
    assert run["type"] == "urn:consortium-hub:rule:F2"
    mh.deliver(mh.return_event(data, period, accepted=True))
    [released] = mh.schedule(data)["instalments"]
    assert released["status"] == "released"
    # a late query after acceptance does not take the payment back
    mh.deliver(mh.return_event(data, period, accepted=False))
    assert mh.schedule(data)["instalments"][0]["status"] == "released"
    assert len(mh.outbox("finance.payment.released")) == 1


def test_f2_a_return_accepted_before_the_schedule_is_known_releases_the_instalment_when_it_arrives(mh):
    period = uuid.uuid4()
    data = mh.subcontract_data(schedule=[mh.by_results(300_000, period)])
    mh.deliver(mh.return_event(data, period, accepted=True))
    mh.issue(data)
    assert mh.schedule(data)["instalments"][0]["status"] == "released"


def test_f2_a_variation_replaces_the_schedule_but_never_pays_twice(mh):
    period = uuid.uuid4()
    first, second, third = mh.by_date(500_000, PAST), mh.by_date(400_000, FUTURE), mh.by_results(900_000, period)
    data = mh.issue(mh.subcontract_data(schedule=[first, second, third]))
    paid = next(i for i in mh.schedule(data)["instalments"] if i["amount_pence"] == 500_000)
    run = mh.call("POST", "/payment-runs", {"instalment_ids": [paid["id"]], "pay_on": "2026-12-01"}, 201)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    mh.call("POST", f"/payment-runs/{run['id']}/paid", {"paid_on": "2026-12-01"})
    # the varied schedule: the paid instalment re-stated with another amount, the second dropped, a new one added
    varied_first = dict(first, amount_pence=650_000)
    new = mh.by_date(200_000, PAST)
    mh.vary(data, [varied_first, dict(third, amount_pence=950_000), new])
    by_id = {i["instalment_id"]: i for i in mh.schedule(data)["instalments"]}
    assert by_id[first["instalment_id"]]["status"] == "paid"
    assert by_id[first["instalment_id"]]["amount_pence"] == 500_000  # kept as paid, not re-paid at 650,000
    assert by_id[second["instalment_id"]]["status"] == "withdrawn"
    assert "Extra outreach" in by_id[second["instalment_id"]]["reason"]
    assert by_id[third["instalment_id"]]["amount_pence"] == 950_000
    assert by_id[third["instalment_id"]]["status"] == "held"
    assert by_id[new["instalment_id"]]["status"] == "released"
    # the paid instalment can never go into another run
    answer = mh.call("POST", "/payment-runs", {"instalment_ids": [paid["id"]], "pay_on": "2026-12-02"}, 409)
    assert "never paid twice" in answer["detail"]
    # the same variation delivered again as another event changes nothing
    assert mh.schedule(data)["scheduled_pence"] == 500_000 + 950_000 + 200_000


def test_f2_the_payee_has_placeholder_bank_details_until_the_finance_officer_sets_them(mh):
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(100, PAST)]))
    [payee] = [p for p in mh.call("GET", "/payments/payees") if p["organisation_id"] == data["organisation_id"]]
    assert payee["sort_code"] == "00-00-00" and payee["details_confirmed"] is False
    mh.call("PUT", f"/payments/payees/{data['organisation_id']}",
            {"name": "Northfield Advice", "sort_code": "123456", "account_number": "1234"}, 422)
    bad = mh.client.put(f"/payments/payees/{data['organisation_id']}", headers=mh.finance,
                        json={"name": "N", "sort_code": "12-34-56", "account_number": "12345678x"})
    assert bad.status_code == 422 and "account_number" in bad.get_json()["errors"]
    mh.call("PUT", f"/payments/payees/{data['organisation_id']}",
            {"name": "Northfield Advice", "sort_code": "12-34-56", "account_number": "12345678"}, headers=mh.manager,
            status=403)
    done = mh.call("PUT", f"/payments/payees/{data['organisation_id']}",
                   {"name": "Northfield Advice", "sort_code": "12-34-56", "account_number": "12345678"})
    assert done["details_confirmed"] is True


# --- payment runs and exports -----------------------------------------------------------------------

def _released(mh, amounts, organisation_id=None, name="Northfield Advice Centre"):
    data = mh.issue(mh.subcontract_data(organisation_id=organisation_id, name=name,
                                        schedule=[mh.by_date(a, PAST) for a in amounts]))
    return data, [i["id"] for i in mh.schedule(data)["instalments"]]


def test_f2_a_payment_run_is_selected_approved_exported_and_paid_with_exact_amounts(mh):
    _, first = _released(mh, [123_457, 1])
    other, second = _released(mh, [99_999_999], organisation_id=mh.org_b, name="Seacroft Together")
    mh.call("PUT", f"/payments/payees/{mh.org_b}",
            {"name": "Seacroft Together CIO", "sort_code": "20-00-00", "account_number": "55779911"})
    run = mh.call("POST", "/payment-runs", {"instalment_ids": first + second, "pay_on": "2026-12-01"}, 201)
    assert run["status"] == "draft" and run["total_pence"] == 123_457 + 1 + 99_999_999
    statuses = {i["status"] for i in mh.call("GET", "/payments/instalments") if i["id"] in first + second}
    assert statuses == {"in_run"}
    mh.call("GET", f"/payment-runs/{run['id']}/export", status=409)  # not approved: no bank file
    mh.call("POST", f"/payment-runs/{run['id']}/approve", headers=mh.board, status=403)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    bank = mh.call("GET", f"/payment-runs/{run['id']}/export?format=bank")
    assert bank["header"] == ["Payee name", "Sort code", "Account number", "Amount", "Reference"]
    amounts = [row[3] for row in bank["rows"]]
    assert sorted(amounts) == ["0.01", "1234.57", "999999.99"]
    # F4: the file's amounts are the pence exactly, every one, and the total too
    assert sum(Decimal(a) * 100 for a in amounts) == Decimal(run["total_pence"])
    assert all(Decimal(a) * 100 == Decimal(int(Decimal(a) * 100)) for a in amounts)
    seacroft = next(row for row in bank["rows"] if row[0] == "Seacroft Together CIO")
    assert seacroft[1:3] == ["20-00-00", "55779911"]
    placeholder = next(row for row in bank["rows"] if row[0] == "Northfield Advice Centre")
    assert placeholder[1:3] == ["00-00-00", "00000000"]
    # written as CSV, read back: still exact
    out = io.StringIO()
    csv.writer(out).writerows([bank["header"], *bank["rows"]])
    back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sum(int(Decimal(r["Amount"]) * 100) for r in back) == run["total_pence"]
    paid = mh.call("POST", f"/payment-runs/{run['id']}/paid", {"paid_on": "2026-12-02"})
    assert paid["status"] == "paid"
    again = mh.call("POST", f"/payment-runs/{run['id']}/paid", {"paid_on": "2026-12-03"}, status=409)
    assert "already paid" in again["detail"]
    ledger = [p for p in mh.call("GET", "/money/ledger") if p["category"] == "subcontractor_payments"]
    assert sum(p["amount_pence"] for p in ledger) == run["total_pence"] and len(ledger) == 3
    assert {i["status"] for i in mh.call("GET", "/payments/instalments") if i["id"] in first + second} == {"paid"}


def test_f4_xero_bills_import_carries_each_payment_exactly(mh):
    _, ids = _released(mh, [150_075, 33])
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": "2026-12-01"}, 201)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    xero = mh.call("GET", f"/payment-runs/{run['id']}/export?format=xero_bills", headers=mh.finance)
    header = xero["header"]
    for column in ("*ContactName", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "*Description", "*Quantity",
                   "*UnitAmount", "*AccountCode", "*TaxType"):
        assert column in header
    rows = [dict(zip(header, row)) for row in xero["rows"]]
    assert sorted(r["*UnitAmount"] for r in rows) == ["0.33", "1500.75"]
    due = max(dt.date(2026, 12, 1), clock.today())  # paid on 1 December, but never due before the bill's date
    assert all(r["*Quantity"] == "1" and r["*DueDate"] == due.strftime("%d/%m/%Y") for r in rows)
    assert len({r["*InvoiceNumber"] for r in rows}) == 2  # one bill each, numbered uniquely
    assert sum(Decimal(r["*UnitAmount"]) * 100 for r in rows) == run["total_pence"]


def test_f4_payment_runs_made_at_the_same_moment_get_unique_consecutive_numbers(mh):
    _, ids = _released(mh, [1_000 + n for n in range(4)])
    barrier = threading.Barrier(len(ids))
    numbers, errors = [], []

    def make_run(instalment_id):
        client = mh.client.application.test_client()
        barrier.wait()
        response = client.post("/payment-runs", json={"instalment_ids": [instalment_id], "pay_on": "2026-12-01"},
                               headers=mh.finance)
        (numbers if response.status_code == 201 else errors).append(
            response.get_json().get("number") if response.status_code == 201 else response.get_data(as_text=True))

    threads = [threading.Thread(target=make_run, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(numbers) == [1, 2, 3, 4]


def test_f2_a_draft_run_can_be_discarded_and_its_payments_chosen_again(mh):
    _, ids = _released(mh, [10_000])
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": "2026-12-01"}, 201)
    mh.call("DELETE", f"/payment-runs/{run['id']}", status=204)
    assert mh.call("GET", "/payments/instalments?status=released")[0]["id"] == ids[0]
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": "2026-12-01"}, 201)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    mh.call("DELETE", f"/payment-runs/{run['id']}", status=409)


def test_a_payment_run_needs_something_in_it_and_well_formed_input(mh):
    answer = mh.call("POST", "/payment-runs", {"instalment_ids": [], "pay_on": "2026-12-01"}, 422)
    assert "instalment_ids" in answer["errors"]
    answer = mh.call("POST", "/payment-runs", {"instalment_ids": ["not-a-uuid"], "pay_on": "2026-12-01"}, 422)
    assert "instalment_ids" in answer["errors"]
    answer = mh.call("POST", "/payment-runs", {"instalment_ids": [str(uuid.uuid4())]}, 422)
    assert "pay_on" in answer["errors"]
    mh.call("GET", "/payment-runs", headers=mh.member_a, status=403)
    mh.call("GET", "/payment-runs/not-a-run", status=404)


def test_f2_release_due_releases_date_based_instalments_once_their_day_comes(mh):
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(5_000, FUTURE)]))
    assert mh.call("POST", "/payments/release-due")["released"] == 0
    assert mh.schedule(data)["instalments"][0]["status"] == "scheduled"
    mh.call("POST", "/payments/release-due", headers=mh.manager, status=403)


# --- who sees what ------------------------------------------------------------------------------------

def test_member_staff_see_only_their_own_organisations_payments(mh):
    mine = mh.issue(mh.subcontract_data(schedule=[mh.by_date(1_000, PAST)]))
    theirs = mh.issue(mh.subcontract_data(organisation_id=mh.org_b, schedule=[mh.by_date(2_000, PAST)]))
    listed = mh.call("GET", "/payments/subcontracts", headers=mh.member_a)
    assert [s["subcontract_id"] for s in listed] == [mine["subcontract_id"]]
    mh.call("GET", f"/payments/subcontracts/{theirs['subcontract_id']}", headers=mh.member_a, status=404)
    assert {i["amount_pence"] for i in mh.call("GET", "/payments/instalments", headers=mh.member_a)} == {1_000}
    assert [p["organisation_id"] for p in mh.call("GET", "/payments/payees", headers=mh.member_a)] == [
        str(mh.org_a)]
    overview = mh.call("GET", "/money/overview", headers=mh.member_a)
    assert overview["payments"] == {"released": {"count": 1, "pence": 1_000}}
    assert overview["income_due_pence"] == 0 and overview["pending_variations"] == 0
    no_org = mh.as_(("member_user",))
    mh.call("GET", "/payments/subcontracts", headers=no_org, status=403)
    other_consortium = mh.as_(("finance_officer",), consortium=uuid.uuid4())
    mh.call("GET", f"/payments/subcontracts/{mine['subcontract_id']}", headers=other_consortium, status=404)
    assert mh.call("GET", "/payments/subcontracts", headers=mh.board)  # the board reads every schedule


def test_f4_no_floats_in_the_overview_and_amounts_refuse_floats(mh):
    mh.award()
    mh.issue(mh.subcontract_data(schedule=[mh.by_date(1_234, PAST)]))
    overview = mh.call("GET", "/money/overview")
    assert not find_floats(overview)
    assert overview["fee_pence"] == 3_600_000 and overview["payments"]["released"]["pence"] == 1_234
    answer = mh.call("PUT", "/money/settings", {"variation_threshold_pence": 500000.5}, 422)
    assert "variation_threshold_pence" in answer["errors"]
