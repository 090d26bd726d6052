"""The rules of a member acting for themselves (issue 14 item 2), without a database: whose seat, one vote a seat,
the show of hands beside the votes cast, and who records for the others."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit.domain import NotAllowed, RuleViolation

from governance.domain.bodies import SeatTerm
from governance.domain.meetings import (Ballot, Holding, VotingSeat, check_own_ballot, check_records_for_others,
                                        own_vote_seat, sees_business, seat_held_by, vote_open_to, with_hands_shown)

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


def test_g2_g7_g12_the_vote_open_to_a_seat_holder_is_the_one_my_vote_casts():
    """domain.meetings.vote_open_to is own_vote_seat without the refusal: the summary's "votes open to you" and
    my-vote are one rule. A member present votes for their seat; a deputy for the seat they represent that day; a
    member represented by a deputy, absent, co-opted (G2), declared (G12) or excluded (C5, G7) has no vote open."""
    seats = {s.seat_id: s for s in (VotingSeat("m", "member"), VotingSeat("r", "member"), VotingSeat("c", "co_opted"),
                                    VotingSeat("d", "deputy", "r"), VotingSeat("ch", "chair"))}
    attendance = {"m": "present", "r": "deputy", "c": "present", "ch": "present"}
    cases = {("m", (), ()): "m", ("d", (), ()): "r", ("r", (), ()): None, ("c", (), ()): None,
             ("m", ("m",), ()): None, ("ch", (), ("ch",)): None, ("d", ("r",), ()): None}
    for (seat, declared, excluded), expected in cases.items():
        assert vote_open_to(seats[seat], seats, attendance, declared, excluded) == expected, seat
        if expected is None:
            with pytest.raises(RuleViolation):
                own_vote_seat(seats[seat], seats, attendance, declared, excluded)
        else:
            assert own_vote_seat(seats[seat], seats, attendance, declared, excluded) == expected
    assert vote_open_to(seats["m"], seats, {}, (), ()) is None  # not recorded present: no vote yet


def test_staff_see_every_bodys_business_others_only_a_body_where_a_seat_names_them_that_day():
    seats = [holding("m", "member", "mel", ends=dt.date(2026, 3, 31))]
    assert sees_business(True, [], "anyone", DAY)
    assert sees_business(False, seats, "mel", DAY)
    assert not sees_business(False, seats, "mel", dt.date(2026, 4, 1))  # after her term
    assert not sees_business(False, seats, "someone-else", DAY)
    assert not sees_business(False, [holding("x", "member", None)], None, DAY)


def test_g4_a_lapsed_seat_holds_until_the_day_before_it_lapsed():
    import datetime as dt

    from governance.domain.bodies import lapsed_term_end

    day = dt.date(2031, 1, 15)
    assert lapsed_term_end(None, None) is None
    assert lapsed_term_end(day, None) == day
    assert lapsed_term_end(None, day) == day - dt.timedelta(days=1)
    assert lapsed_term_end(day - dt.timedelta(days=10), day) == day - dt.timedelta(days=10)  # ended sooner
