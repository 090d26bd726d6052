"""Hours as typed (H4): one reading for the gateway's timesheet grid and finance's domain (hubkit.hours)."""
from __future__ import annotations

import pytest

from hubkit.hours import parse_hours


@pytest.mark.parametrize("typed, minutes", [
    ("7.5", 450), ("7:30", 450), ("7,25", 435), ("", 0), (" ", 0), (None, 0), (":45", 45), ("8", 480),
    (".25", 15), ("0", 0), ("0:00", 0), ("12:05", 725), ("7.2500", 435), ("999.75", 59985),
    ("7.3", 438),  # a whole number of minutes: whether it is quarter hours is the week's rule (finance's domain)
])
def test_h4_hours_typed_as_decimals_or_hours_and_minutes(typed, minutes):
    assert parse_hours(typed) == minutes


@pytest.mark.parametrize("typed", ["seven", "abc", "-1", "+1", "1e3", "1e400", "nan", "inf", "7:x", ".", "1000",
                                   "7.12345", "123:00", "7..5", "7 30"])
def test_h4_what_is_not_written_as_hours_is_refused_in_words(typed):
    with pytest.raises(ValueError, match="Write hours as 7.5 or 7:30."):
        parse_hours(typed)


@pytest.mark.parametrize("typed", ["7.333", "7.3333", "0.001", "7.33"])
def test_h4_hours_that_are_not_whole_minutes_are_refused(typed):
    with pytest.raises(ValueError, match="quarter hours"):
        parse_hours(typed)
