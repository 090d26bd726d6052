"""No 500s, ever (issue 11): months and years no calendar holds are invalid fields (422), wherever finance reads
one (hubkit.fields.Month and Year), and nothing is written."""
from __future__ import annotations

import uuid

import pytest

from time_fixtures import th  # noqa: F401

IMPOSSIBLE_MONTHS = ["0000-10", "10000-01", "2026-00", "2026-13", "0999-12"]


@pytest.mark.parametrize("month", IMPOSSIBLE_MONTHS)
def test_a_month_no_calendar_holds_is_422_for_invoices_subsidy_and_write_offs(th, month):
    th.hub_model("outsourced_to_member")
    draft = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": month}, 422)
    assert "month" in draft["errors"]
    report = th.client.get("/subsidy", query_string={"month": month}, headers=th.finance)
    assert report.status_code == 422 and "month" in report.get_json()["errors"]
    write_off = th.call("POST", "/subsidy/write-offs", {"organisation_id": str(uuid.uuid4()), "month": month,
                                                        "reason": "Agreed at the board"}, 422)
    assert "month" in write_off["errors"]
    assert th.call("GET", "/invoices") == []


@pytest.mark.parametrize("year", [0, 10000, -1, 99999])
def test_a_year_no_calendar_holds_is_422_for_the_ledger_and_budgets(th, year):
    ledger = th.client.get("/money/ledger", query_string={"year": year}, headers=th.finance)
    assert ledger.status_code == 422 and "year" in ledger.get_json()["errors"]
    budget = th.call("POST", "/budgets", {"year": year}, 422)
    assert "year" in budget["errors"]
    assert th.call("GET", "/budgets") == []


def test_ordinary_months_and_years_still_answer(th):
    assert th.client.get("/subsidy", query_string={"month": "2026-10"}, headers=th.finance).status_code == 200
    assert th.client.get("/money/ledger", query_string={"year": 2026}, headers=th.finance).status_code == 200
