"""Fair allocation's rules as plain functions (C1-C7): route, invitations, declarations, panel, servicing,
criteria, scale, award by weighted score and the recorded tie-break."""
from __future__ import annotations

import datetime as dt
import uuid
from fractions import Fraction

import pytest

from contracts.domain import allocation as a
from hubkit.domain import RuleViolation

ORG_A, ORG_B, ORG_C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)


def person(name, role=a.MEMBER, org=None):
    return a.PanelPerson(name, role, org, {ORG_A: "Alpha", ORG_B: "Beta", ORG_C: "Gamma"}.get(org))


def good_panel():
    return [person("Lee", a.LEAD_MEMBER, ORG_C), person("Sam", a.HUB_STAFF), person("Dr Ray", a.OUTSIDE_EXPERT)]


# --- C1 and C6: the route ----------------------------------------------------------------------------

def test_c1_open_competition_is_the_route_unless_the_partners_group_approves_a_chosen_provider():
    assert a.route_after_decision(a.APPROVED) == a.CHOSEN_PROVIDER
    assert a.route_after_decision(a.REJECTED) == a.OPEN


def test_c1_a_chosen_provider_is_asked_for_once_before_eois_open_and_must_be_an_active_eligible_member():
    a.check_chosen_provider_request(a.DECLARATIONS, a.OPEN, pending=False, provider_is_active_member=True)
    for status, route, pending, active in [(a.EOIS_OPEN, a.OPEN, False, True), (a.DECLARATIONS, a.OPEN, True, True),
                                           (a.DECLARATIONS, a.CHOSEN_PROVIDER, False, True),
                                           (a.DECLARATIONS, a.OPEN, False, False)]:
        with pytest.raises(RuleViolation) as refused:
            a.check_chosen_provider_request(status, route, pending, active)
        assert refused.value.rule == "C1"


def test_c1_eois_cannot_open_while_the_chosen_provider_question_is_pending_or_approved():
    with pytest.raises(RuleViolation, match="not yet answered") as refused:
        a.check_eois_can_open(a.DECLARATIONS, a.OPEN, True, True, 2)
    assert refused.value.rule == "C1"
    with pytest.raises(RuleViolation) as refused:
        a.check_eois_can_open(a.DECLARATIONS, a.CHOSEN_PROVIDER, False, True, 2)
    assert refused.value.rule == "C1"
    a.check_eois_can_open(a.DECLARATIONS, a.OPEN, False, True, 2)


def test_c1_only_a_chosen_provider_round_has_a_provider_to_assess():
    with pytest.raises(RuleViolation) as refused:
        a.check_specification_assessment(a.OPEN, a.DECLARATIONS)
    assert refused.value.rule == "C1"
    a.check_specification_assessment(a.CHOSEN_PROVIDER, a.DECLARATIONS)


def test_c6_a_chosen_provider_failing_the_specification_reverts_the_round_to_open_competition():
    assert a.route_after_specification_check(False) == a.OPEN
    assert a.route_after_specification_check(True) == a.CHOSEN_PROVIDER


def test_c4_the_timetable_runs_declarations_then_eois_then_the_decision():
    day = dt.date(2026, 12, 1)
    a.check_timetable({"declarations_close_on": day, "eois_close_on": day, "decision_by": None})
    with pytest.raises(a.Unprocessable, match="cannot be before") as refused:
        a.check_timetable({"declarations_close_on": day, "eois_close_on": day - dt.timedelta(days=1)})
    assert refused.value.field == "eois_close_on"
    with pytest.raises(a.Unprocessable) as refused:
        a.check_timetable({"declarations_close_on": day, "decision_by": day - dt.timedelta(days=1)})
    assert refused.value.field == "decision_by"


# --- invitations and who may express interest -------------------------------------------------------

def test_invitations_go_to_members_whose_register_matches_a_category_and_an_area():
    assert a.can_deliver(["Advice", "mental_health"], ["Leeds", "Bradford"], ["mental_health"], ["leeds"])
    assert not a.can_deliver(["advice"], ["Leeds"], ["mental_health"], ["Leeds"])
    assert not a.can_deliver(["mental_health"], ["York"], ["mental_health"], ["Leeds"])
    assert a.can_deliver(["mental_health"], ["York"], ["mental_health"], [])  # no areas named: no area filter
    assert a.may_be_invited("active", True)
    assert not a.may_be_invited("active", False) and not a.may_be_invited("suspended", True)


@pytest.mark.parametrize("known,status,eligible,invited,declared,round_status,rule", [
    (False, None, None, False, False, a.EOIS_OPEN, "allocation_eligibility"),
    (True, "lapsed", True, True, True, a.EOIS_OPEN, "allocation_eligibility"),
    (True, "active", False, True, True, a.EOIS_OPEN, "allocation_eligibility"),
    (True, "active", True, False, True, a.EOIS_OPEN, "allocation_eligibility"),
    (True, "active", True, True, True, a.DECLARATIONS, "allocation_round"),
    (True, "active", True, True, False, a.EOIS_OPEN, "C2"),
])
def test_eois_come_only_from_invited_active_eligible_members_that_declared(known, status, eligible, invited,
                                                                           declared, round_status, rule):
    with pytest.raises(RuleViolation) as refused:
        a.check_may_express_interest(known, status, eligible, invited, declared, round_status)
    assert refused.value.rule == rule
    # The offer (a member's view of the round) is judged by the same rule as the acceptance.
    assert a.eoi_refusal(known, status, eligible, invited, declared, round_status).rule == rule


def test_c4_a_round_is_offered_exactly_when_an_eoi_would_be_accepted():
    assert a.eoi_refusal(True, "active", True, True, True, a.EOIS_OPEN) is None
    a.check_may_express_interest(True, "active", True, True, True, a.EOIS_OPEN)
    assert a.eoi_refusal(True, "active", True, True, True, a.EOIS_OPEN,
                         already_sent=True).rule == "allocation_duplicate"
    assert a.declaration_refusal(False, a.DECLARATIONS) is None
    assert a.declaration_refusal(True, a.DECLARATIONS).rule == "C2"


# --- C2, C3 and C7: declarations, the panel and servicing ------------------------------------------

def test_c2_declarations_close_when_the_panel_is_confirmed():
    a.check_declaration_open(False, a.DECLARATIONS)
    with pytest.raises(RuleViolation) as refused:
        a.check_declaration_open(True, a.DECLARATIONS)
    assert refused.value.rule == "C2"


def test_c2_everyone_from_a_declaring_organisation_is_excluded_from_the_panel_whether_or_not_it_bids():
    declaring = {ORG_A: "Alpha"}  # declared; whether Alpha finally bids does not matter
    panel = good_panel() + [person("Ann", a.MEMBER, ORG_A)]
    with pytest.raises(RuleViolation, match="Ann is from Alpha") as refused:
        a.check_panel(panel, declaring)
    assert refused.value.rule == "C2"
    with pytest.raises(RuleViolation) as refused:
        a.check_panel_addition(person("Ann", a.MEMBER, ORG_A), good_panel(), declaring, panel_confirmed=False)
    assert refused.value.rule == "C2"


def test_c3_a_panel_has_at_least_three_people_including_the_lead_member():
    a.check_panel(good_panel(), {})
    with pytest.raises(RuleViolation, match="at least 3") as refused:
        a.check_panel(good_panel()[:2], {})
    assert refused.value.rule == "C3"
    no_lead = [person("Sam", a.HUB_STAFF), person("Kim", a.MEMBER, ORG_C), person("Dr Ray", a.OUTSIDE_EXPERT)]
    with pytest.raises(RuleViolation, match="lead member") as refused:
        a.check_panel(no_lead, {})
    assert refused.value.rule == "C3"


def test_c3_an_outside_expert_may_make_up_a_panel_when_too_few_members_are_free_of_conflict():
    declaring = {ORG_A: "Alpha", ORG_B: "Beta"}
    panel = [person("Lee", a.LEAD_MEMBER, ORG_C), person("Dr Ray", a.OUTSIDE_EXPERT),
             person("Prof Kaur", a.OUTSIDE_EXPERT)]
    a.check_panel(panel, declaring)
    assert a.panel_problems(panel, declaring) == []


def test_c3_a_confirmed_panel_cannot_change_and_has_one_lead_member():
    with pytest.raises(RuleViolation) as refused:
        a.check_panel_addition(person("Zed"), good_panel(), {}, panel_confirmed=True)
    assert refused.value.rule == "C3"
    with pytest.raises(RuleViolation, match="already on the proposed panel"):
        a.check_panel_addition(person(" sam "), [person("Sam")], {}, panel_confirmed=False)
    with pytest.raises(RuleViolation, match="already has its lead member"):
        a.check_panel_addition(person("Lea", a.LEAD_MEMBER, ORG_B), good_panel(), {}, panel_confirmed=False)


def test_c2_and_c3_problems_are_all_reported_for_feedback():
    problems = a.panel_problems([person("Ann", a.MEMBER, ORG_A), person("Sam", a.HUB_STAFF)], {ORG_A: "Alpha"})
    assert [p.rule for p in problems] == ["C2", "C3", "C3"]


def test_c7_the_servicing_board_member_must_not_be_bidding():
    a.check_servicing(a.Servicing("Jo", a.MANAGEMENT_BOARD, ORG_C), {ORG_A: "Alpha"})
    with pytest.raises(RuleViolation, match="bidding") as refused:
        a.check_servicing(a.Servicing("Jo", a.MANAGEMENT_BOARD, ORG_A), {ORG_A: "Alpha"})
    assert refused.value.rule == "C7"
    with pytest.raises(RuleViolation) as refused:
        a.check_servicing(None, {})
    assert refused.value.rule == "C7"


def test_c7_a_partners_group_nominee_services_only_with_the_reason_recorded():
    with pytest.raises(RuleViolation, match="every board member") as refused:
        a.check_servicing(a.Servicing("Pat", a.PARTNERS_GROUP_NOMINEE, ORG_C), {})
    assert refused.value.rule == "C7"
    a.check_servicing(a.Servicing("Pat", a.PARTNERS_GROUP_NOMINEE, ORG_C, "All four board members bid."), {})


def test_c7_the_servicing_organisation_cannot_then_declare_an_interest():
    with pytest.raises(RuleViolation) as refused:
        a.check_declarer_not_servicing(ORG_A, "Alpha", a.Servicing("Jo", a.MANAGEMENT_BOARD, ORG_A))
    assert refused.value.rule == "C7"
    a.check_declarer_not_servicing(ORG_B, "Beta", a.Servicing("Jo", a.MANAGEMENT_BOARD, ORG_A))


# --- C4: criteria, weights and the scale -------------------------------------------------------------

def test_c4_criteria_and_weights_cannot_change_once_eois_open():
    a.check_criteria_may_change(eois_opened=False)
    with pytest.raises(RuleViolation, match="C4") as refused:
        a.check_criteria_may_change(eois_opened=True)
    assert refused.value.rule == "C4"


@pytest.mark.parametrize("criteria,scale,field,message", [
    ([], 10, "criteria", "at least one"),
    ([("Quality", 60), ("quality ", 40)], 10, "criteria", "own name"),
    ([("Quality", 60), ("Reach", 30)], 10, "criteria", "add up to 90"),
    ([("Quality", 100), ("Reach", 0)], 10, "criteria", "more than 0"),
    ([("Quality", 100)], 0, "scale_max", "at least 1"),
])
def test_c4_criteria_need_distinct_names_and_weights_adding_up_to_100(criteria, scale, field, message):
    with pytest.raises(a.Unprocessable, match=message) as refused:
        a.check_criteria(criteria, scale)
    assert refused.value.field == field


def test_a_score_outside_the_scale_is_invalid():
    a.check_score(0, 10)
    a.check_score(10, 10)
    for bad in (-1, 11):
        with pytest.raises(a.Unprocessable, match="outside the scale") as refused:
            a.check_score(bad, 10, "scores.0.score")
        assert refused.value.field == "scores.0.score"


# --- award by weighted score, moderation, ties ------------------------------------------------------

QUALITY, REACH = a.Criterion(uuid.uuid4(), "Quality", 60), a.Criterion(uuid.uuid4(), "Reach", 40)
P1, P2, P3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def entry(org, name, minutes):
    return a.Entry(uuid.uuid4(), org, name, T0 + dt.timedelta(minutes=minutes))


def sheet(e, quality, reach, panel=(P1, P2, P3)):
    out = {}
    for member, q, r in zip(panel, quality, reach):
        out[(member, e.id, QUALITY.id)] = q
        out[(member, e.id, REACH.id)] = r
    return out


def test_c4_award_goes_to_the_highest_weighted_score_exactly():
    alpha, beta = entry(ORG_A, "Alpha", 0), entry(ORG_B, "Beta", 5)
    scores = sheet(alpha, (7, 8, 8), (6, 6, 7)) | sheet(beta, (9, 9, 8), (5, 5, 5))
    result = a.award([alpha, beta], [QUALITY, REACH], 10, [P1, P2, P3], scores, {}, a.HEAVIEST_CRITERION)
    # Alpha: 60 x 23/30 + 40 x 19/30 = 71.33; Beta: 60 x 26/30 + 40 x 15/30 = 72.00
    assert result.winner.entry is beta and result.tie_broken_by is None
    assert [str(r.weighted_percent) for r in result.ranking] == ["72.00", "71.33"]
    assert result.ranking[1].agreed[QUALITY.id] == Fraction(23, 3)


def test_moderation_replaces_the_panel_mean_for_that_criterion():
    alpha, beta = entry(ORG_A, "Alpha", 0), entry(ORG_B, "Beta", 5)
    scores = sheet(alpha, (7, 8, 8), (6, 6, 7)) | sheet(beta, (9, 9, 8), (5, 5, 5))
    result = a.award([alpha, beta], [QUALITY, REACH], 10, [P1, P2, P3], scores, {(beta.id, QUALITY.id): 7},
                     a.HEAVIEST_CRITERION)
    assert result.winner.entry is alpha
    assert str(result.ranking[1].weighted_percent) == "62.00"  # Beta: 60 x 7/10 + 40 x 5/10


def test_c4_no_award_while_scores_are_missing():
    alpha = entry(ORG_A, "Alpha", 0)
    scores = sheet(alpha, (7, 8), (6, 6), panel=(P1, P2))
    with pytest.raises(RuleViolation, match="2 score") as refused:
        a.award([alpha], [QUALITY, REACH], 10, [P1, P2, P3], scores, {}, a.HEAVIEST_CRITERION)
    assert refused.value.rule == "C4"
    # A moderated score stands in for the missing ones on that criterion.
    assert a.missing_scores([alpha], [QUALITY, REACH], [P1, P2, P3], scores, {(alpha.id, QUALITY.id): 7}) == 1


def test_ties_are_broken_by_the_recorded_rule_heaviest_criterion_first():
    alpha, beta = entry(ORG_A, "Alpha", 0), entry(ORG_B, "Beta", 5)
    # On a 0-20 scale both make 70.00: Alpha 60 x 10/20 + 40 x 20/20; Beta 60 x 20/20 + 40 x 5/20.
    scores = sheet(alpha, (10, 10, 10), (20, 20, 20)) | sheet(beta, (20, 20, 20), (5, 5, 5))
    result = a.award([alpha, beta], [QUALITY, REACH], 20, [P1, P2, P3], scores, {}, a.HEAVIEST_CRITERION)
    assert [str(r.weighted_percent) for r in result.ranking] == ["70.00", "70.00"]
    # Quality (60%) is the heaviest criterion: Beta's 20 beats Alpha's 10, though Alpha was in first.
    assert result.winner.entry is beta and result.tie_broken_by == a.HEAVIEST_CRITERION
    assert "tied on 70.00" in result.explanation and "gives the work to Beta" in result.explanation


def test_ties_are_broken_by_the_earlier_eoi_when_that_is_the_recorded_rule():
    alpha, beta = entry(ORG_A, "Alpha", 10), entry(ORG_B, "Beta", 5)
    scores = sheet(alpha, (10, 10, 10), (20, 20, 20)) | sheet(beta, (20, 20, 20), (5, 5, 5))
    result = a.award([alpha, beta], [QUALITY, REACH], 20, [P1, P2, P3], scores, {}, a.EARLIEST_SUBMISSION)
    assert result.winner.entry is beta and result.tie_broken_by == a.EARLIEST_SUBMISSION
    alpha_first = entry(ORG_A, "Alpha", 0)
    scores = sheet(alpha_first, (10, 10, 10), (20, 20, 20)) | sheet(beta, (20, 20, 20), (5, 5, 5))
    result = a.award([alpha_first, beta], [QUALITY, REACH], 20, [P1, P2, P3], scores, {}, a.EARLIEST_SUBMISSION)
    assert result.winner.entry is alpha_first


def test_no_award_without_expressions_of_interest():
    with pytest.raises(RuleViolation, match="no shortlisted expressions of interest"):
        a.award([], [QUALITY, REACH], 10, [P1], {}, {}, a.HEAVIEST_CRITERION)


def test_c4_the_shortlist_is_drawn_up_after_eois_close_and_leaving_one_off_needs_a_reason():
    a.check_shortlisting(a.SCORING, False, "Does not cover the whole area.")
    a.check_shortlisting(a.SCORING, True, "")
    with pytest.raises(RuleViolation) as refused:
        a.check_shortlisting(a.EOIS_OPEN, False, "Too early")
    assert refused.value.rule == "C4"
    with pytest.raises(a.Unprocessable) as refused:
        a.check_shortlisting(a.SCORING, False, "  ")
    assert refused.value.field == "reason"
