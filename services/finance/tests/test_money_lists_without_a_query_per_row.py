"""A money list's cost does not grow a query per row of its page (issue 16): payment runs read every run's items in
one query, variations the lines and budgets they name in one, budgets their lines, the ledger's actuals, their
pending variations and those variations' lines each once for the page. A page of one row and a page of several
make the same number of SQL statements, and each row is as its own endpoint shows it."""
from __future__ import annotations

import uuid

from hubkit.testing import statements_run

from money_fixtures import PAST, mh  # noqa: F401


def _statements(mh, path: str, **query) -> tuple[int, list[dict]]:
    """The SQL statements one GET of the list makes (on the app's engine), and its rows."""
    with statements_run(mh.app) as seen:
        answer = mh.client.get(path, headers=mh.finance, query_string=query)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return len(seen), answer.get_json()


def _same_cost_for_one_row_and_many(mh, path: str, rows: int) -> list[dict]:
    one, first = _statements(mh, path, limit=1)
    many, page = _statements(mh, path, limit=rows)
    assert len(first) == 1 and len(page) == rows
    assert page[0] == first[0]
    assert many == one, f"{path}: {one} statements for a page of 1 row, {many} for a page of {rows}"
    return page


def test_payment_runs_read_every_runs_items_in_one_query(mh):
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(1_000 * (i + 1), PAST) for i in range(5)]))
    ids = [i["id"] for i in mh.schedule(data)["instalments"]]
    made = [mh.call("POST", "/payment-runs", {"instalment_ids": chosen, "pay_on": PAST.isoformat()}, 201)
            for chosen in (ids[:2], ids[2:3], ids[3:])]
    mh.call("POST", f"/payment-runs/{made[1]['id']}/approve")
    rows = _same_cost_for_one_row_and_many(mh, "/payment-runs", 3)
    assert [r["id"] for r in rows] == [r["id"] for r in reversed(made)]
    assert [len(r["items"]) for r in rows] == [2, 1, 2]
    for row in rows:
        assert row == mh.call("GET", f"/payment-runs/{row['id']}")
        assert [item["reference"] for item in row["items"]] == sorted(item["reference"] for item in row["items"])


def test_variations_read_the_lines_and_budgets_they_name_in_one_query(mh):
    this_year, next_year = mh.adopted_budget(2026), mh.adopted_budget(2027)
    for budget, source, to, amount in ((this_year, "E2", "E1", 1_000), (next_year, "E2", "E1", 2_000),
                                       (this_year, "E4", "E3", 3_000), (next_year, "E4", "E3", 4_000)):
        mh.call("POST", "/variations", {
            "kind": "virement", "from_line_id": mh.line(budget, source)["id"],
            "line_id": mh.line(budget, to)["id"], "amount_pence": amount, "reason": "Move it"}, 201)
    rows = _same_cost_for_one_row_and_many(mh, "/variations", 4)
    assert {r["budget_id"] for r in rows} == {this_year["id"], next_year["id"]}
    for row in rows:
        assert row == mh.call("GET", f"/variations/{row['id']}")


def test_budgets_read_their_lines_actuals_and_pending_variations_once_a_page(mh):
    made = [mh.adopted_budget(year) for year in (2026, 2027)]
    for budget, amount in zip(made, (1_000, 2_000)):
        for source, to in (("E2", "E1"), ("E4", "E3")):
            mh.call("POST", "/variations", {
                "kind": "virement", "from_line_id": mh.line(budget, source)["id"],
                "line_id": mh.line(budget, to)["id"], "amount_pence": amount, "reason": "Move it"}, 201)
    for issued_on, total in (("2026-11-03", 648_000), ("2027-05-01", 12_000), ("2028-01-10", 36_000)):
        invoice = {"invoice_id": str(uuid.uuid4()), "kind": "invoice", "number": f"INV-{total}",
                   "organisation_id": str(mh.org_a), "month": "2026-10-01", "issued_on": issued_on,
                   "due_on": "2028-06-01", "net_pence": total * 5 // 6, "vat_pence": total // 6,
                   "total_pence": total, "credits_invoice_id": None}
        mh.apply("finance.invoice.issued", invoice, f"invoice/{invoice['invoice_id']}")
    rows = _same_cost_for_one_row_and_many(mh, "/budgets", 2)
    assert [r["id"] for r in rows] == [b["id"] for b in made]
    assert [len(r["pending"]) for r in rows] == [2, 2]
    assert [mh.line(r, "E4")["actual_pence"] for r in rows] == [648_000, 48_000]
    for row in rows:
        assert row == mh.call("GET", f"/budgets/{row['id']}")
