"""Governance's rules as plain functions: bodies and seats (G1, G2, G3, G6, G9), meetings (G4, G5, G7, G12, C5)."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit import clock
from hubkit.domain import RuleViolation
from governance.domain import bodies, meetings, routing
from governance.domain.bodies import SeatTerm
from governance.domain.meetings import Ballot, YearAttendance

PG = bodies.rules_for(bodies.PARTNERS_GROUP)
JAN = dt.date(2026, 1, 1)


def members(n: int) -> list[SeatTerm]:
    return [SeatTerm(bodies.MEMBER, f"Member {i}", JAN, None) for i in range(n)]


def test_g1_partners_group_takes_twelve_members_and_refuses_a_thirteenth():
    bodies.check_new_seat(PG, "Partners Group", members(11), bodies.MEMBER, "Twelfth", JAN, None)
    with pytest.raises(RuleViolation) as refused:
        bodies.check_new_seat(PG, "Partners Group", members(12), bodies.MEMBER, "Thirteenth", JAN, None)
    assert refused.value.rule == "G1" and "12" in refused.value.message


def test_g1_a_seat_that_has_ended_frees_its_place():
    ended = members(11) + [SeatTerm(bodies.MEMBER, "Gone", JAN, dt.date(2026, 3, 31))]
    bodies.check_new_seat(PG, "Partners Group", ended, bodies.MEMBER, "New", dt.date(2026, 4, 1), None)


def test_g1_below_six_members_is_flagged():
    assert "G1" in bodies.size_status(PG, members(5), JAN)
    assert bodies.size_status(PG, members(6), JAN) is None


def test_g2_three_co_opted_places_and_no_fourth():
    co_opted = [SeatTerm(bodies.CO_OPTED, f"Funder {i}", JAN, None) for i in range(3)]
    with pytest.raises(RuleViolation) as refused:
        bodies.check_new_seat(PG, "Partners Group", members(12) + co_opted, bodies.CO_OPTED, "Fourth", JAN, None)
    assert refused.value.rule == "G2"


def test_g2_co_opted_members_do_not_vote():
    with pytest.raises(RuleViolation) as refused:
        meetings.check_vote("s", bodies.CO_OPTED, {"s": meetings.PRESENT}, set(), set())
    assert refused.value.rule == "G2"


def test_g3_meetings_outside_four_to_six_a_year_are_flagged_and_the_board_meets_monthly():
    assert "G3" in bodies.meeting_frequency_status(PG, 3)
    assert "G3" in bodies.meeting_frequency_status(PG, 7)
    assert bodies.meeting_frequency_status(PG, 5) is None
    board = bodies.rules_for(bodies.MANAGEMENT_BOARD)
    assert (board.meetings_per_year_min, board.meetings_per_year_max) == (12, 12)


def test_g6_chair_serves_a_year_renewable_once_and_a_third_term_is_refused():
    first = bodies.check_new_seat(PG, "PG", [], bodies.CHAIR, "Ruth Okafor", JAN, None)
    assert first == dt.date(2026, 12, 31)
    terms = [SeatTerm(bodies.CHAIR, "Ruth Okafor", JAN, first)]
    second = bodies.check_new_seat(PG, "PG", terms, bodies.CHAIR, "Ruth Okafor", dt.date(2027, 1, 1), None)
    terms.append(SeatTerm(bodies.CHAIR, "Ruth Okafor", dt.date(2027, 1, 1), second))
    with pytest.raises(RuleViolation) as refused:
        bodies.check_new_seat(PG, "PG", terms, bodies.CHAIR, "ruth okafor", dt.date(2028, 1, 1), None)
    assert refused.value.rule == "G6"


def test_g6_a_chair_term_longer_than_a_year_is_refused():
    with pytest.raises(RuleViolation) as refused:
        bodies.check_new_seat(PG, "PG", [], bodies.CHAIR, "Ruth", JAN, dt.date(2027, 6, 30))
    assert refused.value.rule == "G6"


def test_g9_each_body_has_its_standing_items_and_they_can_be_configured():
    assert "Annual governance review" in PG.standing_items
    assert "Work reports" in bodies.rules_for(bodies.MANAGEMENT_BOARD).standing_items
    custom = bodies.rules_for(bodies.SUB_GROUP, {"standing_items": ["Pipeline"], "quorum": 2})
    assert custom.standing_items == ("Pipeline",)


def test_rules_that_contradict_themselves_are_refused():
    with pytest.raises(RuleViolation):
        bodies.rules_for(bodies.PARTNERS_GROUP, {"min_members": 8, "max_members": 6})


def test_quorum_counts_voting_members_present_or_by_deputy_only():
    roles = {"a": bodies.MEMBER, "b": bodies.MEMBER, "c": bodies.MEMBER, "d": bodies.CO_OPTED, "e": bodies.CHAIR}
    attendance = {"a": meetings.PRESENT, "b": meetings.BY_DEPUTY, "c": meetings.APOLOGIES, "d": meetings.PRESENT,
                  "e": meetings.PRESENT}
    with pytest.raises(RuleViolation, match="not quorate"):
        meetings.quorum_present(PG, attendance, roles)  # 3 voting present, quorum 4
    attendance["c"] = meetings.PRESENT
    assert meetings.quorum_present(PG, attendance, roles) == 4


def test_g5_expulsion_needs_fourteen_days_notice_at_the_partners_group():
    meeting_on = dt.date(2026, 6, 15)
    meetings.check_expulsion_notice(PG, meeting_on, dt.date(2026, 6, 1))
    with pytest.raises(RuleViolation) as refused:
        meetings.check_expulsion_notice(PG, meeting_on, dt.date(2026, 6, 5))  # 10 days
    assert refused.value.rule == "G5" and "10 days" in refused.value.message
    with pytest.raises(RuleViolation) as board:
        meetings.check_expulsion_notice(bodies.rules_for(bodies.MANAGEMENT_BOARD), meeting_on, dt.date(2026, 1, 1))
    assert board.value.rule == "G5"


def test_g12_a_member_with_a_declared_interest_does_not_vote():
    with pytest.raises(RuleViolation) as refused:
        meetings.check_vote("a", bodies.MEMBER, {"a": meetings.PRESENT}, {"a"}, set())
    assert refused.value.rule == "G12"


def test_c5_and_g7_who_leaves_the_discussion():
    assert meetings.excluded_from_discussion("chosen_provider", bodies.MEMBER, True)  # C5
    assert not meetings.excluded_from_discussion("business", bodies.MEMBER, True)
    assert meetings.excluded_from_discussion("about_chair", bodies.CHAIR, False)  # G7
    assert not meetings.excluded_from_discussion("about_chair", bodies.MEMBER, False)


def test_only_members_present_vote():
    with pytest.raises(RuleViolation, match="present"):
        meetings.check_vote("a", bodies.MEMBER, {"a": meetings.APOLOGIES}, set(), set())
    meetings.check_vote("a", bodies.MEMBER, {"a": meetings.BY_DEPUTY}, set(), set())


def test_simple_majority_and_two_thirds_and_a_tie_is_lost():
    ballots = [Ballot("a", "for"), Ballot("b", "for"), Ballot("c", "against"), Ballot("d", "abstain")]
    assert meetings.count_votes(PG, ballots) == ("approved", {"for": 2, "against": 1, "abstain": 1})
    assert meetings.count_votes(PG, ballots[1:3])[0] == "rejected"
    two_thirds = bodies.rules_for(bodies.PARTNERS_GROUP, {"majority": "two_thirds"})
    assert meetings.count_votes(two_thirds, ballots)[0] == "approved"
    assert meetings.count_votes(two_thirds, ballots + [Ballot("e", "against")])[0] == "rejected"
    with pytest.raises(RuleViolation, match="once"):
        meetings.count_votes(PG, [Ballot("a", "for"), Ballot("a", "against")])


def test_g4_member_lapses_after_missing_meetings():
    seats = [YearAttendance("kept", bodies.MEMBER, JAN, None, 4),
             YearAttendance("lapses", bodies.MEMBER, JAN, None, 3),
             YearAttendance("joined_mid_year", bodies.MEMBER, dt.date(2026, 7, 1), None, 1),
             YearAttendance("co_opted", bodies.CO_OPTED, JAN, None, 0)]
    assert [s.seat_id for s in meetings.lapsed_seats(PG, 2026, seats)] == ["lapses"]
    assert meetings.lapsed_seats(bodies.rules_for(bodies.MANAGEMENT_BOARD), 2026, seats) == []


def test_routing_is_configuration():
    assert "membership_application" in routing.KNOWN_KINDS
    routes = [("board", ("bid_go_no_go",)), ("pg", ("membership_application",))]
    assert routing.route("membership_application", routes) == "pg"
    assert not routing.is_known("buy_a_yacht", routes)
    assert routing.is_known("buy_a_yacht", routes + [("sub", ("buy_a_yacht",))])


def test_g6_a_chairs_year_is_a_calendar_year_even_in_a_leap_year():
    assert bodies.check_new_seat(PG, "PG", [], bodies.CHAIR, "Ruth", dt.date(2024, 1, 1), None) == dt.date(2024, 12, 31)


def test_g6_a_chair_term_starting_29_february_ends_28_february():
    # The anniversary (29 Feb 2025) does not exist: the term runs to the day before 1 March, not to 27 Feb.
    assert bodies.check_new_seat(PG, "PG", [], bodies.CHAIR, "Ruth", dt.date(2024, 2, 29), None) == dt.date(2025, 2, 28)
    assert clock.term_end(dt.date(2024, 2, 29), 48) == dt.date(2028, 2, 28)  # next leap year: the day before
    assert clock.term_end(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)  # no 31 Feb: to the month's end
    assert clock.term_end(dt.date(2026, 3, 15), 12) == dt.date(2027, 3, 14)
    with pytest.raises(RuleViolation) as refused:  # one day more is more than a year
        bodies.check_new_seat(PG, "PG", [], bodies.CHAIR, "Ruth", dt.date(2024, 2, 29), dt.date(2025, 3, 1))
    assert refused.value.rule == "G6"


def test_h1_a_hub_model_change_needs_an_approving_decision():
    from governance.domain import hub
    with pytest.raises(RuleViolation) as missing:
        hub.check_model_change(None, hub.VIRTUAL, None)
    assert missing.value.rule == "H1"
    with pytest.raises(RuleViolation):
        hub.check_model_change(None, hub.VIRTUAL, "rejected", "hub_model")
    hub.check_model_change(hub.VIRTUAL, hub.OUTSOURCED_TO_MEMBER, "approved", "hub_model")


def test_h1_only_a_decision_on_the_hub_model_changes_it_not_any_approved_decision():
    from governance.domain import hub
    for other_kind in ("motion", "budget_variation", "membership_application", None):
        with pytest.raises(RuleViolation) as wrong_kind:
            hub.check_model_change(None, hub.VIRTUAL, "approved", other_kind)
        assert wrong_kind.value.rule == "H1" and "hub model" in wrong_kind.value.message


def test_h2_ten_functions_each_delivered_by_someone_named():
    from governance.domain import hub
    assert len(hub.FUNCTIONS) == 10
    with pytest.raises(RuleViolation) as unnamed:
        hub.check_assignment("member_organisation", None, [])
    assert unnamed.value.rule == "H2"
    with pytest.raises(RuleViolation):
        hub.check_assignment("individuals", None, [])
    hub.check_assignment("host", None, [])


def test_h3_service_standards_belong_to_an_outsourced_hub():
    from governance.domain import hub
    with pytest.raises(RuleViolation) as refused:
        hub.check_service_standard(hub.CENTRAL_TEAM)
    assert refused.value.rule == "H3"
    hub.check_service_standard(hub.OUTSOURCED_EXTERNALLY)


def test_g10_the_yearly_governance_review_and_policy_reviews_are_flagged_when_overdue():
    from governance.domain import policies
    today = dt.date(2026, 11, 23)
    assert "G10" in policies.governance_review_due(None, today)
    assert "G10" in policies.governance_review_due(dt.date(2025, 11, 1), today)
    assert policies.governance_review_due(dt.date(2026, 1, 15), today) is None
    assert policies.review_overdue(dt.date(2026, 11, 22), today)
    assert not policies.review_overdue(today, today)
    with pytest.raises(RuleViolation):
        policies.check_review_dates(today, today)
