"""Finance's date rules at their edges: F1's budget years, invoice months and timesheet weeks."""
from __future__ import annotations

import datetime as dt

import pytest

from finance.domain import budgets, time as time_rules


def test_f1_the_budget_year_turns_on_1_april_and_a_leap_day_belongs_to_the_year_before():
    assert budgets.financial_year_of(dt.date(2027, 3, 31)) == 2026
    assert budgets.financial_year_of(dt.date(2027, 4, 1)) == 2027
    assert budgets.financial_year_of(dt.date(2028, 2, 29)) == 2027
    assert budgets.financial_year_of(dt.date(2026, 12, 31)) == budgets.financial_year_of(dt.date(2027, 1, 1))
    assert budgets.year_bounds(2027) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert budgets.year_label(2099) == "2099-00"


def test_invoice_months_run_from_the_first_to_the_last_day_whatever_their_length():
    assert time_rules.parse_month("2028-02") == dt.date(2028, 2, 1)
    assert time_rules.next_month(dt.date(2028, 2, 1)) == dt.date(2028, 3, 1)
    assert time_rules.next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert time_rules.month_start(dt.date(2028, 2, 29)) == dt.date(2028, 2, 1)
    for bad in ("2027-13", "2027-00", "27-01", "2027-1"):
        with pytest.raises(ValueError):
            time_rules.parse_month(bad)


def test_h4_a_week_runs_monday_to_sunday_across_a_new_year():
    assert time_rules.week_start(dt.date(2027, 1, 3)) == dt.date(2026, 12, 28)  # a Sunday: the week began in 2026
    assert time_rules.week_start(dt.date(2027, 1, 4)) == dt.date(2027, 1, 4)  # a Monday
    assert time_rules.week_start(dt.date(2028, 2, 29)) == dt.date(2028, 2, 28)
