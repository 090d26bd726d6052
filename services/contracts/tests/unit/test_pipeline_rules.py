"""The pipeline's and bids' rules as plain functions: stage moves, key dates, deadlines, go/no-go answers,
the hub's fee and the partners' shares, documents, outcomes."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from contracts.domain import bids
from contracts.domain import pipeline as p
from hubkit.domain import RuleViolation

TODAY = dt.date(2026, 11, 23)


def on(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.mark.parametrize("current,target,by", [
    (p.IDENTIFIED, p.QUALIFYING, p.BY_HAND),
    (p.QUALIFYING, p.GO_NO_GO_REQUESTED, p.ASK_THE_BOARD),
    (p.GO_NO_GO_REQUESTED, p.BIDDING, p.BOARD_ANSWER),
    (p.GO_NO_GO_REQUESTED, p.WITHDRAWN, p.BOARD_ANSWER),
    (p.BIDDING, p.SUBMITTED, p.SUBMISSION),
    (p.SUBMITTED, p.WON, p.OUTCOME),
    (p.SUBMITTED, p.LOST, p.OUTCOME),
    (p.BIDDING, p.WITHDRAWN, p.BY_HAND),
])
def test_the_moves_the_pipeline_allows(current, target, by):
    p.check_move(current, target, by)


@pytest.mark.parametrize("current,target,by", [
    (p.IDENTIFIED, p.BIDDING, p.BY_HAND),
    (p.IDENTIFIED, p.WON, p.OUTCOME),
    (p.QUALIFYING, p.GO_NO_GO_REQUESTED, p.BY_HAND),  # only by asking the board
    (p.GO_NO_GO_REQUESTED, p.BIDDING, p.BY_HAND),  # only by the board's answer
    (p.BIDDING, p.SUBMITTED, p.BY_HAND),  # only by submitting the bid
    (p.SUBMITTED, p.WON, p.BY_HAND),  # only by the commissioner's outcome
    (p.WON, p.LOST, p.OUTCOME),
    (p.WITHDRAWN, p.QUALIFYING, p.BY_HAND),
    (p.LOST, p.WITHDRAWN, p.BY_HAND),
])
def test_illegal_moves_are_refused_naming_the_rule(current, target, by):
    with pytest.raises(RuleViolation) as refused:
        p.check_move(current, target, by)
    assert refused.value.rule == p.STAGE_RULE


def test_closed_opportunities_have_no_moves_by_hand():
    assert p.moves_by_hand(p.IDENTIFIED) == [p.QUALIFYING, p.WITHDRAWN]
    assert p.moves_by_hand(p.GO_NO_GO_REQUESTED) == []
    assert all(p.moves_by_hand(stage) == [] for stage in p.CLOSED)
    with pytest.raises(RuleViolation):
        p.check_open(p.WON)


def test_key_dates_must_be_in_order():
    p.check_key_dates({"clarification_deadline": on(5), "submission_deadline": on(5), "award_expected_on": None,
                       "start_expected_on": on(40)})
    with pytest.raises(p.KeyDatesOutOfOrder) as refused:
        p.check_key_dates({"clarification_deadline": on(6), "submission_deadline": on(5)})
    assert refused.value.field == "clarification_deadline"
    with pytest.raises(p.KeyDatesOutOfOrder) as refused:  # skips a missing date and still compares
        p.check_key_dates({"submission_deadline": on(20), "start_expected_on": on(10)})
    assert refused.value.field == "start_expected_on"


def test_the_next_deadline_follows_the_stage_and_says_when_it_is_overdue():
    dates = {"clarification_deadline": on(-1), "submission_deadline": on(4), "award_expected_on": on(-3),
             "start_expected_on": on(30)}
    assert p.next_deadline(p.BIDDING, dates, TODAY) == p.Deadline("the submission deadline", on(4), 4)
    assert p.next_deadline(p.QUALIFYING, dates | {"clarification_deadline": on(2)}, TODAY).what == \
        "the clarification deadline"
    late = p.next_deadline(p.SUBMITTED, dates, TODAY)
    assert late.what == "the expected award" and late.overdue and late.days_left == -3
    assert p.next_deadline(p.WON, dates, TODAY).days_left == 30
    assert p.next_deadline(p.LOST, dates, TODAY) is None
    assert p.next_deadline(p.BIDDING, {}, TODAY) is None


def test_go_no_go_is_answered_once_and_replays_change_nothing():
    asked = uuid.uuid4()
    assert p.answer_go_no_go(p.GO_NO_GO_REQUESTED, asked, None, asked, p.APPROVED) == p.BIDDING
    assert p.answer_go_no_go(p.GO_NO_GO_REQUESTED, asked, None, asked, p.REJECTED) == p.WITHDRAWN
    # A decision after one was applied, on another request, or when the board was not asked: nothing changes.
    assert p.answer_go_no_go(p.BIDDING, asked, p.GOVERNANCE, asked, p.REJECTED) is None
    assert p.answer_go_no_go(p.GO_NO_GO_REQUESTED, asked, None, uuid.uuid4(), p.APPROVED) is None
    assert p.answer_go_no_go(p.QUALIFYING, None, None, asked, p.APPROVED) is None


def test_issue_12_item_1_the_go_no_go_is_the_boards_and_the_refusal_names_where_it_is_recorded():
    asked = uuid.uuid4()
    said = p.the_board_decides(asked)
    assert "the board's decision, not the manager's" in said
    assert f"/governance/decision-requests/{asked}/decision" in said
    assert "/go-no-go" in p.the_board_decides(None)  # not asked yet: ask the board first


def test_the_hubs_fee_and_what_it_leaves_the_partners():
    assert bids.management_fee(45_000_000, 800) == 3_600_000
    assert bids.management_fee(1_001, 1_250) == 125  # 125.125p rounds to whole pence
    assert bids.management_fee(4, 1_250) == 1  # half a penny rounds up
    assert bids.available_to_partners(10_000_000, 1_000) == 9_000_000


def test_partners_shares_may_not_exceed_the_price_less_the_fee():
    bids.check_shares(10_000_000, 1_000, [6_000_000, 3_000_000])
    bids.check_shares(None, None, [10**12])  # not priced yet: held to it once priced
    with pytest.raises(RuleViolation) as refused:
        bids.check_shares(10_000_000, 1_000, [6_000_000, 3_000_001])
    assert refused.value.rule == bids.PRICING_RULE and "£90,000" in refused.value.message


def test_partners_are_active_members_eligible_for_new_work():
    bids.check_partner("active", True, "A")
    for status, eligible in (("applicant", True), ("suspended", True), ("active", False), (None, None)):
        with pytest.raises(RuleViolation):
            bids.check_partner(status, eligible, "A")


def test_the_opportunitys_outcome_waits_for_every_submitted_bid():
    assert bids.opportunity_outcome(["lost", None]) is None
    assert bids.opportunity_outcome(["lost", "won"]) == "won"
    assert bids.opportunity_outcome(["lost", "lost"]) == "lost"
    assert bids.opportunity_outcome([]) is None
    with pytest.raises(bids.ScoreOutOfRange) as refused:
        bids.check_scores([{"criterion": "Quality", "score": 5, "max_score": 5},
                           {"criterion": "Price", "score": 6, "max_score": 5}])
    assert refused.value.index == 1


def test_documents_are_judged_by_their_content():
    assert bids.content_type_of("a.pdf", b"%PDF-1.4") == "application/pdf"
    assert bids.content_type_of("pricing.xlsx", b"PK\x03\x04...").endswith("spreadsheetml.sheet")
    for name, content in (("a.pdf", b""), ("a.pdf", b"MZ"), ("archive.zip", b"PK\x03\x04")):
        with pytest.raises(bids.UnacceptableFile):
            bids.content_type_of(name, content)
    assert bids.safe_filename('..\\..\\bid "final".pdf') == "bid final.pdf"
