"""Governance's date rules at their edges: year ends, leap days and the days the UK clocks change."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit import clock
from hubkit.domain import RuleViolation
from governance.domain import bodies, meetings
from governance.domain.meetings import YearAttendance

PG = bodies.rules_for(bodies.PARTNERS_GROUP)


def test_g5_fourteen_days_notice_is_counted_in_calendar_days_across_the_spring_clock_change():
    # 14 March to 28 March 2027 holds a 23-hour day: still 14 days' notice
    meetings.check_expulsion_notice(PG, dt.date(2027, 3, 28), dt.date(2027, 3, 14))
    with pytest.raises(RuleViolation) as short:
        meetings.check_expulsion_notice(PG, dt.date(2027, 3, 28), dt.date(2027, 3, 15))
    assert short.value.rule == "G5" and "13 days" in short.value.message


def test_g5_notice_given_in_december_for_a_january_meeting_and_on_a_leap_day():
    meetings.check_expulsion_notice(PG, dt.date(2027, 1, 14), dt.date(2026, 12, 31))
    meetings.check_expulsion_notice(PG, dt.date(2028, 3, 14), dt.date(2028, 2, 29))
    with pytest.raises(RuleViolation):
        meetings.check_expulsion_notice(PG, dt.date(2028, 3, 13), dt.date(2028, 2, 29))


def test_g4_a_year_is_reviewed_from_the_first_of_january_not_on_new_years_eve():
    with pytest.raises(RuleViolation) as early:
        meetings.check_review_year(2026, dt.date(2026, 12, 31))
    assert early.value.rule == "G4"
    meetings.check_review_year(2026, dt.date(2027, 1, 1))


def test_g4_only_members_in_office_from_1_january_to_31_december_are_judged_on_the_year():
    seats = [YearAttendance("whole_year", bodies.MEMBER, dt.date(2028, 1, 1), dt.date(2028, 12, 31), 3),
             YearAttendance("from_2_january", bodies.MEMBER, dt.date(2028, 1, 2), None, 0),
             YearAttendance("left_30_december", bodies.MEMBER, dt.date(2027, 1, 1), dt.date(2028, 12, 30), 0)]
    assert [s.seat_id for s in meetings.lapsed_seats(PG, 2028, seats)] == ["whole_year"]


def test_g6_a_chair_appointed_on_the_last_day_of_a_month_serves_to_the_day_before_the_anniversary():
    assert clock.term_end(dt.date(2026, 12, 31), 12) == dt.date(2027, 12, 30)
    assert clock.term_end(dt.date(2027, 3, 1), 12) == dt.date(2028, 2, 29)  # a leap year's last day of February
    assert clock.term_end(dt.date(2028, 2, 29), 24) == dt.date(2030, 2, 28)
    assert clock.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
