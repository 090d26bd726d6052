"""The hub's days are London's (or the configured zone's), whatever UTC says; the test clock can be moved."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hubkit import clock
from hubkit.testing import TEST_CLOCKS, clock_of_the_day, resolve_clock

UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def _london():
    clock.use_time_zone(ZoneInfo(clock.DEFAULT_TIME_ZONE))
    yield
    clock.use_time_zone(ZoneInfo(clock.DEFAULT_TIME_ZONE))


def test_late_on_a_summer_evening_in_utc_it_is_already_tomorrow_in_london():
    assert clock.local_date(dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC)) == dt.date(2027, 7, 1)
    with time_machine.travel(dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == dt.date(2027, 7, 1)


def test_new_years_eve_at_23_30_utc_is_still_the_old_year_in_london():
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == dt.date(2026, 12, 31)
        assert clock.utcnow().tzinfo is not None


def test_days_begin_at_london_midnight_on_both_sides_of_the_clock_changes():
    # last Sunday of March 2027: clocks go forward at 01:00 UTC; the next day begins at 23:00 UTC
    assert clock.start_of_day(dt.date(2027, 3, 28)) == dt.datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert clock.start_of_day(dt.date(2027, 3, 29)) == dt.datetime(2027, 3, 28, 23, 0, tzinfo=UTC)
    # last Sunday of October 2027: clocks go back; that day is 25 hours long
    assert clock.start_of_day(dt.date(2027, 11, 1)) - clock.start_of_day(dt.date(2027, 10, 31)) \
        == dt.timedelta(hours=25)
    assert clock.local_date(dt.datetime(2027, 10, 30, 23, 30, tzinfo=UTC)) == dt.date(2027, 10, 31)


def test_the_zone_is_configuration():
    clock.use_time_zone(ZoneInfo("Pacific/Auckland"))
    assert clock.local_date(dt.datetime(2027, 1, 1, 11, 30, tzinfo=UTC)) == dt.date(2027, 1, 2)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        clock.local_date(dt.datetime(2027, 1, 1, 12, 0))


def test_the_sweep_covers_the_edges_the_rules_have_and_each_day_picks_one():
    days = {name: dt.datetime.fromisoformat(value) for name, value in TEST_CLOCKS.items()}
    assert days["leap-day"].date() == dt.date(2028, 2, 29)
    assert (days["new-years-eve"].month, days["new-years-eve"].day, days["new-years-eve"].hour) == (12, 31, 23)
    assert (days["new-years-day"].month, days["new-years-day"].day) == (1, 1)
    for name, month in (("uk-clocks-forward", 3), ("uk-clocks-back", 10)):  # the last Sunday, just before 01:00 UTC
        moment = days[name]
        assert moment.month == month and moment.weekday() == 6 and (moment + dt.timedelta(days=7)).month != month
    assert days["monday"].weekday() == 0 and days["sunday"].weekday() == 6
    summer = days["summer-midnight"]
    assert summer.day == 30 and clock.local_date(summer) == dt.date(summer.year, 7, 1)
    week = {clock_of_the_day(dt.date(2027, 1, 1) + dt.timedelta(days=n)) for n in range(len(TEST_CLOCKS))}
    assert week == set(TEST_CLOCKS)  # in turn, every one
    assert resolve_clock("leap-day") == ("leap-day", days["leap-day"])
