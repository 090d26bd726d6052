"""The rules of a member acting for themselves (issue 14 item 2), without a database: whose seat, one vote a seat,
the show of hands beside the votes cast, and who records for the others."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit.domain import NotAllowed, RuleViolation

from governance.domain.bodies import SeatTerm
from governance.domain.meetings import (Ballot, Holding, check_own_ballot, check_records_for_others, seat_held_by,
                                        with_hands_shown)

DAY = dt.date(2026, 3, 10)


def holding(seat_id, role, account, starts=dt.date(2026, 1, 1), ends=None):
    return Holding(seat_id, account, SeatTerm(role, f"Person {seat_id}", starts, ends))


def test_the_seat_held_is_the_accounts_on_the_day_a_voting_seat_before_an_office_without_a_vote():
    seats = [holding("s", "secretary", "ann"), holding("m", "member", "ann"), holding("b", "member", "bob")]
    assert seat_held_by(seats, "ann", DAY, "Board").seat_id == "m"
    assert seat_held_by(seats[:1], "ann", DAY, "Board").seat_id == "s"
    with pytest.raises(RuleViolation, match="do not hold a seat on Board for 10 March 2026"):
        seat_held_by([holding("m", "member", "ann", ends=dt.date(2026, 3, 9))], "ann", DAY, "Board")
    with pytest.raises(RuleViolation):
        seat_held_by([holding("x", "member", None)], "", DAY, "Board")  # a seat without an account is nobody's


def test_one_vote_per_seat_a_replay_is_nothing_new_another_vote_is_refused():
    assert check_own_ballot(None, "for") is True
    assert check_own_ballot("for", "for") is False
    with pytest.raises(RuleViolation, match="votes once"):
        check_own_ballot("for", "against")


def test_the_show_of_hands_counts_beside_the_votes_cast_never_against_them():
    cast = {"a": "for"}
    assert with_hands_shown(cast, [Ballot("a", "for"), Ballot("b", "against")]) == [Ballot("a", "for"),
                                                                                    Ballot("b", "against")]
    with pytest.raises(RuleViolation, match="already cast its own vote"):
        with_hands_shown(cast, [Ballot("a", "against")])
    with pytest.raises(RuleViolation, match="No votes"):
        with_hands_shown({}, [])


def test_only_the_chair_or_secretary_records_for_the_others():
    check_records_for_others("chair", "Board", "a show of hands")
    check_records_for_others("secretary", "Board", "a show of hands")
    for role in (None, "member"):
        with pytest.raises(NotAllowed, match="Board's chair or secretary"):
            check_records_for_others(role, "Board", "a show of hands")
