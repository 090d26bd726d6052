"""iCalendar text rules (RFC 5545), who stands in for the chair (G8), written resolutions (G2, G12), as plain functions."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit.domain import RuleViolation
from governance.domain import bodies, chairing, ical, resolutions

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_text_is_escaped_and_long_lines_fold_at_75_octets_without_splitting_a_character():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 100  # two octets each
    folded = ical.fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert ical.fold("SHORT:x") == "SHORT:x"


def test_times_are_written_in_utc():
    moment = dt.datetime(2026, 6, 1, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert ical.utc_stamp(moment) == "20260601T180000Z"
    text = ical.calendar("Board", [ical.CalendarEvent("m1@hub", moment, moment + dt.timedelta(hours=2), "Board")], NOW)
    assert "DTSTART:20260601T180000Z\r\n" in text and "DTSTAMP:20261123T090000Z\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")


def seat(name, role=bodies.MEMBER, present=True):
    return chairing.Candidate(name, name, role, present)


def test_g8_stand_ins_take_turns_and_only_members_present_in_person_stand_in():
    a, b, c = seat("a"), seat("b"), seat("c")
    assert chairing.suggest_stand_in([a, b, c], []) == a
    assert chairing.suggest_stand_in([a, b, c], ["a"]) == b
    assert chairing.suggest_stand_in([a, b, c], ["a", "b"]) == c
    assert chairing.suggest_stand_in([a, b, c], ["a", "b", "c", "b"]) == a  # least often, then least recently
    assert chairing.suggest_stand_in([a, seat("d", present=False)], ["a"]) == a  # no alternative: the same again
    assert chairing.suggest_stand_in([seat("x", bodies.CO_OPTED)], []) is None
    with pytest.raises(RuleViolation) as present_chair:
        chairing.check_chairing(a, chair_present=True)
    assert present_chair.value.rule == "G8"
    chairing.check_chairing(a, chair_present=False)
    chairing.check_chairing(seat("chair", bodies.CHAIR), chair_present=True)
    for not_allowed in (seat("x", bodies.CO_OPTED), seat("y", present=False)):
        with pytest.raises(RuleViolation):
            chairing.check_chairing(not_allowed, chair_present=False)


def test_written_answers_close_at_the_deadline_and_pass_with_more_than_half_of_those_entitled():
    deadline = NOW + dt.timedelta(days=7)
    resolutions.check_written_vote("open", bodies.MEMBER, "s", set(), deadline, NOW)
    with pytest.raises(RuleViolation, match="deadline"):
        resolutions.check_written_vote("open", bodies.MEMBER, "s", set(), deadline, deadline + dt.timedelta(seconds=1))
    with pytest.raises(RuleViolation) as g12:
        resolutions.check_written_vote("open", bodies.MEMBER, "s", {"s"}, deadline, NOW)
    assert g12.value.rule == "G12"
    with pytest.raises(RuleViolation) as g2:
        resolutions.check_written_vote("open", bodies.CO_OPTED, "s", set(), deadline, NOW)
    assert g2.value.rule == "G2"
    assert resolutions.outcome(4, {"a": "for", "b": "for"}) == "rejected"
    assert resolutions.outcome(4, {"a": "for", "b": "for", "c": "for"}) == "approved"
    with pytest.raises(RuleViolation):
        resolutions.check_close("open", 4, {"a": "for"}, deadline, NOW)
    resolutions.check_close("open", 4, {"a": "for"}, deadline, deadline + dt.timedelta(minutes=1))  # deadline passed
    resolutions.check_close("open", 4, {"a": "against", "b": "abstain"}, deadline, NOW)  # cannot pass any more
