"""Finance's money lists are paged in SQL (issue 16): payment instalments, the ledger's postings, claims,
variations, payees, payment runs, budgets and income contracts. A page followed by its cursor goes on where the
first stopped (no row twice, none missed), in the order and with the filters the list always had, and each row as it
was shown when the whole list was read at once."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit.testing import follow_pages_in_sql

from money_fixtures import FUTURE, PAST, mh  # noqa: F401


def _two_at_a_time(mh, path: str, table: str, headers=None, **query) -> list[list[dict]]:
    """The list's pages, two rows a page: each page's rows follow the last page's, none twice, none left out
    (the whole list, read as one page, is the pages one after another), and the list's table is only ever read
    a page at a time (LIMIT in SQL), never whole."""
    pages = follow_pages_in_sql(mh.app, mh.client, path, table, headers=headers or mh.finance, limit=2, **query)
    rows = [row for page in pages for row in page]
    whole = mh.client.get(path, headers=headers or mh.finance, query_string=query).get_json()
    assert rows == whole
    assert len({row["id"] for row in rows}) == len(rows)
    return pages


def _paged_rows(mh, path: str, table: str, headers=None, **query) -> list[dict]:
    return [row for page in _two_at_a_time(mh, path, table, headers, **query) for row in page]


def test_payment_instalments_page_by_due_date_with_their_payees_names(mh):
    due = [FUTURE + dt.timedelta(days=days) for days in (90, 0, 30, 30, 60)]
    data = mh.issue(mh.subcontract_data(name="Calder Food Bank", schedule=[mh.by_date(1_000 * (i + 1), day)
                                                                           for i, day in enumerate(due)]))
    other = mh.issue(mh.subcontract_data(organisation_id=mh.org_b, name="Airedale Advice",
                                         schedule=[mh.by_date(7_000, FUTURE + dt.timedelta(days=45))]))
    pages = _two_at_a_time(mh, "/payments/instalments", "payment_instalment")
    assert [len(page) for page in pages] == [2, 2, 2]
    rows = [row for page in pages for row in page]
    assert [(r["due_on"], r["id"]) for r in rows] == sorted((r["due_on"], r["id"]) for r in rows)
    assert [r["organisation_name"] for r in rows if r["subcontract_id"] == other["subcontract_id"]] == [
        "Airedale Advice"]
    assert {r["organisation_name"] for r in rows if r["subcontract_id"] == data["subcontract_id"]} == {
        "Calder Food Bank"}
    assert _paged_rows(mh, "/payments/instalments", "payment_instalment", status="scheduled") == rows
    assert mh.call("GET", "/payments/instalments?status=paid") == []
    theirs = _paged_rows(mh, "/payments/instalments", "payment_instalment", mh.member_a)
    assert theirs == [r for r in rows if r["subcontract_id"] == data["subcontract_id"]]


def test_the_ledgers_postings_page_by_day_then_category(mh):
    for issued_on, total in (("2026-11-03", 648_000), ("2026-05-01", 12_000), ("2026-11-03", 24_000),
                             ("2027-01-10", 36_000), ("2027-04-01", 48_000)):
        invoice = {"invoice_id": str(uuid.uuid4()), "kind": "invoice", "number": f"INV-{total}",
                   "organisation_id": str(mh.org_a), "month": "2026-10-01", "issued_on": issued_on,
                   "due_on": "2027-06-01", "net_pence": total * 5 // 6, "vat_pence": total // 6,
                   "total_pence": total, "credits_invoice_id": None}
        mh.apply("finance.invoice.issued", invoice, f"invoice/{invoice['invoice_id']}")
    rows = _paged_rows(mh, "/money/ledger", "ledger_posting")
    assert [r["posted_on"] for r in rows] == ["2026-05-01", "2026-11-03", "2026-11-03", "2027-01-10", "2027-04-01"]
    assert rows == sorted(rows, key=lambda r: (r["posted_on"], r["category"], r["id"]))
    this_year = _paged_rows(mh, "/money/ledger", "ledger_posting", mh.board, year=2026)
    assert this_year == rows[:4]


def test_claims_page_newest_meeting_first_then_by_name(mh):
    for person in ("Cat Dee", "Asha Patel", "Ben Ode", "Asha Patel", "Dev Rao"):
        mh.attendance("present", person=person)
    mh.attendance("present", person="Eve Other", organisation_id=mh.org_b)
    rows = _paged_rows(mh, "/claims", "attendance_claim")
    assert [r["person_name"] for r in rows] == ["Asha Patel", "Asha Patel", "Ben Ode", "Cat Dee", "Dev Rao",
                                                "Eve Other"]
    assert rows[0]["id"] < rows[1]["id"]  # the same meeting day and name: by id
    assert _paged_rows(mh, "/claims", "attendance_claim", status="open") == rows
    theirs = _paged_rows(mh, "/claims", "attendance_claim", mh.member_a)
    assert theirs == [r for r in rows if r["person_name"] != "Eve Other"]


def test_variations_page_newest_first_of_a_budget_and_state(mh):
    this_year, next_year = mh.adopted_budget(2026), mh.adopted_budget(2027)
    made = []
    for budget, source, to, amount in ((this_year, "E2", "E1", 1_000), (next_year, "E2", "E1", 2_000),
                                       (this_year, "E1", "E2", 3_000), (this_year, "E4", "E3", 4_000),
                                       (this_year, "E3", "E1", 5_000)):
        made.append(mh.call("POST", "/variations", {
            "kind": "virement", "from_line_id": mh.line(budget, source)["id"],
            "line_id": mh.line(budget, to)["id"], "amount_pence": amount, "reason": "Move it"}, 201))
    mh.call("POST", f"/variations/{made[2]['id']}/approve")
    rows = _paged_rows(mh, "/variations", "budget_variation")
    assert {r["id"] for r in rows} == {v["id"] for v in made}
    assert rows == sorted(rows, key=lambda r: (r["requested_at"], r["id"]), reverse=True)
    of_this_year = _paged_rows(mh, "/variations", "budget_variation", budget_id=this_year["id"])
    assert of_this_year == [r for r in rows if r["id"] != made[1]["id"]]
    pending = _paged_rows(mh, "/variations", "budget_variation", mh.board, status="pending")
    assert pending == [r for r in rows if r["id"] != made[2]["id"]] and len(pending) == 4


def test_payees_page_by_name_member_staff_their_own(mh):
    names = {}
    for name in ("Calder Food Bank", "Airedale Advice", "Calder Food Bank", "Bramley Care", "Dales Trust"):
        organisation_id = uuid.uuid4()
        mh.issue(mh.subcontract_data(organisation_id=organisation_id, name=name,
                                     schedule=[mh.by_date(1_000, FUTURE)]))
        names[organisation_id] = name
        mh.call("PUT", f"/payments/payees/{organisation_id}",
                {"name": name, "sort_code": "20-00-00", "account_number": "55779911"})
    mh.issue(mh.subcontract_data(name="Own Advice", schedule=[mh.by_date(1_000, FUTURE)]))
    mh.call("PUT", f"/payments/payees/{mh.org_a}",
            {"name": "Own Advice", "sort_code": "12-34-56", "account_number": "12345678"})
    rows = _paged_rows(mh, "/payments/payees", "payee")
    assert [r["name"] for r in rows] == ["Airedale Advice", "Bramley Care", "Calder Food Bank", "Calder Food Bank",
                                         "Dales Trust", "Own Advice"]
    assert rows[2]["id"] < rows[3]["id"]  # the same name: by id
    assert _paged_rows(mh, "/payments/payees", "payee", mh.member_a) == [rows[-1]]


def test_payment_runs_page_the_latest_first_with_their_items(mh):
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(1_000 * (i + 1), PAST) for i in range(5)]))
    ids = [i["id"] for i in mh.schedule(data)["instalments"]]
    made = [mh.call("POST", "/payment-runs", {"instalment_ids": [i], "pay_on": PAST.isoformat()}, 201) for i in ids]
    mh.call("POST", f"/payment-runs/{made[1]['id']}/approve")
    rows = _paged_rows(mh, "/payment-runs", "payment_run")
    assert [r["number"] for r in rows] == sorted((r["number"] for r in made), reverse=True)
    assert [r["id"] for r in rows] == [r["id"] for r in reversed(made)]
    assert [item["payment_instalment_id"] for r in rows for item in r["items"]] == list(reversed(ids))
    assert {r["status"] for r in rows} == {"draft", "approved"}
    assert _paged_rows(mh, "/payment-runs", "payment_run", mh.board) == rows


def test_budgets_page_by_financial_year_with_their_lines_and_pending_variations(mh):
    made = {year: mh.adopted_budget(year) for year in (2027, 2025, 2026, 2028)}
    made[2024] = mh.call("POST", "/budgets", {"year": 2024, "title": "A draft"}, 201)
    variation = mh.call("POST", "/variations", {
        "kind": "virement", "from_line_id": mh.line(made[2026], "E2")["id"],
        "line_id": mh.line(made[2026], "E1")["id"], "amount_pence": 1_000, "reason": "Move it"}, 201)
    rows = _paged_rows(mh, "/budgets", "budget")
    assert [r["year"] for r in rows] == [2024, 2025, 2026, 2027, 2028]
    assert [r["id"] for r in rows] == [made[year]["id"] for year in (2024, 2025, 2026, 2027, 2028)]
    assert [[v["id"] for v in r["pending"]] for r in rows] == [[], [], [variation["id"]], [], []]
    assert rows[2]["lines"] == mh.call("GET", f"/budgets/{made[2026]['id']}")["lines"]
    assert _paged_rows(mh, "/budgets", "budget", mh.board) == rows


def test_income_contracts_page_by_start_then_title_with_their_schedules(mh):
    for title in ("Wellbeing hubs", "Advice lines", "Wellbeing hubs", "Youth work"):
        mh.award(title=title)
    earlier = uuid.uuid4()
    mh.apply("contracts.contract.awarded", {
        "contract_id": str(earlier), "opportunity_id": None, "title": "Zebra crossings",
        "commissioner_name": "Leeds City Council", "value_pence": 1_000_000, "management_fee_basis_points": 500,
        "starts_on": "2026-04-01", "ends_on": "2027-03-31", "payment_terms": "Quarterly in arrears",
        "income_schedule": [{"due_on": "2026-07-30", "amount_pence": 250_000}]}, f"contract/{earlier}")
    rows = _paged_rows(mh, "/income/contracts", "contract_income")
    assert [r["title"] for r in rows] == ["Zebra crossings", "Advice lines", "Wellbeing hubs", "Wellbeing hubs",
                                          "Youth work"]
    assert rows[2]["id"] < rows[3]["id"]  # the same start and title: by id
    assert rows[0]["contract_id"] == str(earlier) and rows[0]["scheduled_pence"] == 250_000
    assert [len(r["instalments"]) for r in rows] == [1, 2, 2, 2, 2]
    assert _paged_rows(mh, "/income/contracts", "contract_income", mh.board) == rows
