"""The home page's rules in finance (issue 14 item 1): last month, the weeks a person may still owe."""
from __future__ import annotations

import datetime as dt

from finance.domain import summary as rules


def test_h4_last_month_is_the_month_before_todays_across_a_year_end():
    assert rules.last_month(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert rules.last_month(dt.date(2027, 3, 31)) == dt.date(2027, 2, 1)


def test_the_weeks_owed_are_last_week_and_this_week_by_their_mondays_until_submitted():
    sunday = dt.date(2027, 6, 13)
    assert rules.owed_weeks(sunday) == [dt.date(2027, 5, 31), dt.date(2027, 6, 7)]
    assert rules.owed_weeks(sunday + dt.timedelta(days=1)) == [dt.date(2027, 6, 7), dt.date(2027, 6, 14)]
    assert [rules.week_owed(s) for s in (None, "draft", "rejected", "submitted", "approved")] == [
        True, True, True, False, False]
