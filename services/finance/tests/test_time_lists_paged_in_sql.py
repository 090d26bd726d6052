"""Finance's time lists are paged in SQL (issue 16): a person's rates, the cost codes, an invoice line's
entries and the write-offs. A page followed by its cursor goes on where the first stopped (no row twice, none missed), in the order
and with the filters the list always had, and each row as it was shown when the whole list was read at once."""
from __future__ import annotations

import datetime as dt
import re

from hubkit.testing import follow_pages, follow_pages_in_sql, statements_run
from time_fixtures import MONDAY, th  # noqa: F401


def _whole_and_paged(th, path: str, pages: list[list[dict]], headers=None, **query) -> list[dict]:
    rows = [row for page in pages for row in page]
    assert rows == th.client.get(path, headers=headers or th.finance, query_string=query).get_json()
    assert len({row["id"] for row in rows}) == len(rows)
    return rows


def _paged_rows(th, path: str, table: str, headers=None, **query) -> list[dict]:
    """The list read two rows a page, the list's table read only a page at a time (LIMIT in SQL)."""
    pages = follow_pages_in_sql(th.app, th.client, path, table, headers=headers or th.finance, limit=2, **query)
    return _whole_and_paged(th, path, pages, headers, **query)


def test_f3_a_persons_rates_page_oldest_first_of_that_person_only(th):
    staff, other = th.staff(), th.staff("Sam Lee")
    for day, salary in (("2026-04-01", 3_200_000), ("2025-01-01", 2_800_000), ("2026-01-01", 3_000_000),
                        ("2027-04-01", 3_400_000), ("2025-04-01", 2_900_000)):
        th.rate(staff["id"], effective_from=day, salary_pence=salary)
    th.rate(other["id"], effective_from="2025-06-01", salary_pence=9_000_000)
    rows = _paged_rows(th, f"/staff/{staff['id']}/rates", "staff_rate")
    assert [r["effective_from"] for r in rows] == ["2025-01-01", "2025-04-01", "2026-01-01", "2026-04-01",
                                                   "2027-04-01"]
    assert [r["salary_pence"] for r in rows] == [2_800_000, 2_900_000, 3_000_000, 3_200_000, 3_400_000]
    assert [r["salary_pence"] for r in _paged_rows(th, f"/staff/{other['id']}/rates", "staff_rate")] == [9_000_000]


def test_cost_codes_page_by_kind_then_code_read_a_page_at_a_time(th):
    for code in ("zz-late", "aa-early", "mm-middle"):
        th.call("POST", "/cost-codes", {"code": code, "title": code.title(), "chargeable": True}, 201)
    with statements_run(th.app) as seen:
        pages = follow_pages(th.client, "/cost-codes", headers=th.finance, limit=2)
    rows = _whole_and_paged(th, "/cost-codes", pages)
    assert len(rows) == 14 and [len(page) for page in pages] == [2] * 7
    assert rows == sorted(rows, key=lambda r: (r["kind"], r["code"], r["id"]))
    assert [r["code"] for r in rows if r["kind"] == "hub_function"] == sorted(
        r["code"] for r in rows if r["code"].startswith("hub-"))
    reads = [statement for statement in seen if re.search(r"\bFROM cost_code\b", statement)]
    listed = [statement for statement in reads if "ORDER BY" in statement]
    assert len(listed) == len(pages) and all("LIMIT" in statement for statement in listed), reads
    # the rest: whether the seeded codes are there yet (on first use), one read of those eleven codes a request
    assert len(reads) == 2 * len(pages), reads
    for headers in (th.manager, th.as_(("member_user",), organisation_id=th.member_org)):
        assert _whole_and_paged(th, "/cost-codes", follow_pages(th.client, "/cost-codes", headers=headers, limit=5),
                                headers) == rows


def test_f4_an_invoice_lines_entries_page_by_day(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    for week in (1, 0, 2):  # saved out of order: listed by day all the same
        th.approved_week(staff, MONDAY + dt.timedelta(days=7 * week), {
            (d, code): 30 * (d + 1) for d in range(5) for code in ("hub-bidding", "hub-finance")})
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert len(invoice["lines"]) == 2
    for line in invoice["lines"]:
        path = f"/invoices/{invoice['id']}/lines/{line['id']}/entries"
        rows = _paged_rows(th, path, "time_entry")
        assert sorted(r["id"] for r in rows) == sorted(line["entry_ids"]) and len(rows) == 15
        assert [r["day"] for r in rows] == sorted(r["day"] for r in rows)
        assert {r["cost_code_id"] for r in rows} == {th.codes[line["cost_code"]]}
        assert sum(r["minutes"] for r in rows) == line["minutes"]
        host_staff = th.as_(("member_user",), organisation_id=th.host)
        assert _paged_rows(th, path, "time_entry", host_staff) == rows


def test_h4_write_offs_page_newest_first(th):
    th.hub_model("outsourced_to_member")
    host_staff, member_staff = th.staff(), th.staff("Sam Lee", kind="member")
    made = []
    for staff, organisation_id in ((host_staff, th.host), (member_staff, th.member_org)):
        th.rate(staff["id"])
        for weeks in (0, 5, 10):  # October, November and December
            monday = MONDAY + dt.timedelta(days=7 * weeks)
            th.approved_week(staff, monday)
            made.append(th.call("POST", "/subsidy/write-offs", {
                "organisation_id": str(organisation_id), "month": monday.strftime("%Y-%m"),
                "reason": f"Given in kind {len(made)}"}, 201, th.manager))
    rows = _paged_rows(th, "/subsidy/write-offs", "subsidy_write_off")
    assert {r["id"] for r in rows} == {w["id"] for w in made} and len(rows) == 6
    assert [(r["written_off_at"], r["id"]) for r in rows] == sorted(
        ((r["written_off_at"], r["id"]) for r in rows), reverse=True)
    assert [r["reason"] for r in rows] == [w["reason"] for w in sorted(
        made, key=lambda w: (w["written_off_at"], w["id"]), reverse=True)]
    assert _paged_rows(th, "/subsidy/write-offs", "subsidy_write_off", th.manager) == rows
