"""The home page's rules in governance (issue 14 item 1): whose seat it is today, what calls for a declaration."""
from __future__ import annotations

import datetime as dt
import uuid

from governance.domain import summary as rules

DAY = dt.date(2027, 5, 4)


def test_a_seat_is_its_holders_while_its_term_runs_and_it_has_not_lapsed():
    assert rules.holds_seat("member", "Asha", DAY, None, None, DAY)
    assert rules.holds_seat("member", "Asha", DAY - dt.timedelta(days=30), DAY, None, DAY)
    assert not rules.holds_seat("member", "Asha", DAY + dt.timedelta(days=1), None, None, DAY)
    assert not rules.holds_seat("member", "Asha", DAY - dt.timedelta(days=30), DAY - dt.timedelta(days=1), None, DAY)
    assert not rules.holds_seat("member", "Asha", DAY - dt.timedelta(days=30), None, DAY, DAY)


def test_g4_a_lapsed_seat_is_its_holders_until_the_day_before_it_lapsed_as_the_meeting_rules_say():
    """One rule (domain.bodies.lapsed_term_end): the home page holds a lapsed seat as long as the meetings do."""
    started, lapsed = DAY - dt.timedelta(days=30), DAY
    assert rules.holds_seat("member", "Asha", started, None, lapsed, DAY - dt.timedelta(days=1))
    assert not rules.holds_seat("member", "Asha", started, None, lapsed, DAY)
    assert not rules.holds_seat("member", "Asha", started, DAY - dt.timedelta(days=5), lapsed,
                                DAY - dt.timedelta(days=1))  # its term ended sooner


def test_g12_an_item_about_the_seats_own_organisation_calls_for_its_declaration():
    own = uuid.uuid4()
    assert rules.concerns_organisation(f"organisation/{own}", own)
    assert not rules.concerns_organisation(f"organisation/{uuid.uuid4()}", own)
    assert not rules.concerns_organisation(f"organisation/{own}", None)
    assert not rules.concerns_organisation(None, own)
