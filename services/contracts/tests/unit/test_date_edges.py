"""P1's reporting periods at their edges: month ends, leap days and a year's turn."""
from __future__ import annotations

import datetime as dt

from contracts.domain import performance
from contracts.domain.contracts import reporting_periods


def test_p1_a_contract_from_31_january_reports_monthly_without_gaps_or_overlaps():
    periods = reporting_periods(dt.date(2028, 1, 31), dt.date(2028, 5, 30), "monthly")
    # a month from 31 January runs to the end of February (it has no 31st), as G6's terms do
    assert [(p.starts_on, p.ends_on) for p in periods][:3] == [
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)), (dt.date(2028, 3, 1), dt.date(2028, 3, 30)),
        (dt.date(2028, 3, 31), dt.date(2028, 4, 30))]
    # no gaps and no overlaps, and the last period is cut at the contract's end
    assert all(b.starts_on == a.ends_on + dt.timedelta(days=1) for a, b in zip(periods, periods[1:]))
    assert periods[-1].ends_on == dt.date(2028, 5, 30)


def test_p1_quarters_from_a_leap_day_and_returns_due_in_the_next_year():
    periods = reporting_periods(dt.date(2028, 2, 29), dt.date(2029, 2, 28))
    assert [p.ends_on for p in periods] == [dt.date(2028, 5, 28), dt.date(2028, 8, 28), dt.date(2028, 11, 28),
                                            dt.date(2029, 2, 28)]
    assert periods[2].return_due_on == dt.date(2028, 12, 18)
    assert reporting_periods(dt.date(2026, 10, 1), dt.date(2026, 12, 31))[0].return_due_on == dt.date(2027, 1, 20)


def test_p1_a_return_on_its_due_day_is_on_time_and_the_day_after_is_late():
    due = dt.date(2027, 1, 20)
    assert not performance.is_late(due, due)
    assert performance.is_late(due + dt.timedelta(days=1), due)
