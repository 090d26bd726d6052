"""The hub's clock: instants are UTC; calendar days ("today", the day a meeting is on) are the consortium's own.

A UK consortium's day is London's, not UTC's: at 23:30 UTC in summer it is already tomorrow in London. Every
service and the gateway count days in one time zone, `HUB_DISPLAY_TIME_ZONE` (default Europe/London), set once
by the app factory from its settings; the stored times stay UTC.
"""
from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Europe/London"
_zone: dt.tzinfo = ZoneInfo(DEFAULT_TIME_ZONE)


def use_time_zone(zone: dt.tzinfo) -> None:
    """Count calendar days in `zone` from now on (called by the app factories with the configured zone)."""
    global _zone
    _zone = zone


def utcnow() -> dt.datetime:
    """Now, as an aware UTC instant."""
    return dt.datetime.now(dt.timezone.utc)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day an aware instant falls on in the hub's time zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: use aware UTC times")
    return moment.astimezone(_zone).date()


def local_datetime(moment: dt.datetime) -> dt.datetime:
    """An aware instant as people in the hub's time zone read it (a meeting's time in a message)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: use aware UTC times")
    return moment.astimezone(_zone)


def today() -> dt.date:
    """Today's date in the hub's time zone."""
    return local_date(utcnow())


def start_of_day(day: dt.date) -> dt.datetime:
    """The UTC instant a calendar day begins in the hub's time zone (for ranges such as 'meetings in 2027')."""
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone).astimezone(dt.timezone.utc)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it has no such day (31 January + 1 -> 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(starts_on: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` from `starts_on`: the day before the anniversary.

    When the anniversary does not exist (a term from 29 February ending in a common year) the term runs to the end
    of that month, so 29 Feb 2028 + 12 months ends on 28 Feb 2029, not 27 Feb (G6 chairs' years, P1 periods).
    """
    anniversary = add_months(starts_on, months)
    if anniversary.day != starts_on.day:  # clipped to the month's last day: no such anniversary
        return anniversary
    return anniversary - dt.timedelta(days=1)
