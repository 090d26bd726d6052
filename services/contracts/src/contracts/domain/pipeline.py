"""The opportunities pipeline: stages and the moves between them, key dates, deadlines, go/no-go answers.

Plain rules, no Flask or SQLAlchemy. Some moves are made only by the action that causes them (asking the
board, the board's answer, submitting the bid, the commissioner's outcome), never by a bare stage change.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from hubkit.domain import InvalidField, RuleViolation

IDENTIFIED, QUALIFYING, GO_NO_GO_REQUESTED, BIDDING = "identified", "qualifying", "go_no_go_requested", "bidding"
SUBMITTED, WON, LOST, WITHDRAWN = "submitted", "won", "lost", "withdrawn"
STAGES = (IDENTIFIED, QUALIFYING, GO_NO_GO_REQUESTED, BIDDING, SUBMITTED, WON, LOST, WITHDRAWN)
CLOSED = (WON, LOST, WITHDRAWN)
COMMISSIONER_TYPES = ("local_authority", "nhs", "central_government", "police_and_crime", "housing_association",
                      "charitable_funder", "other")

# How each move is made: by hand (a stage change), or only by the action that causes it.
BY_HAND, ASK_THE_BOARD, BOARD_ANSWER, SUBMISSION, OUTCOME = "by_hand", "ask_the_board", "board_answer", \
    "submission", "outcome"
MOVES: dict[tuple[str, str], str] = {
    (IDENTIFIED, QUALIFYING): BY_HAND,
    (QUALIFYING, IDENTIFIED): BY_HAND,
    (QUALIFYING, GO_NO_GO_REQUESTED): ASK_THE_BOARD,
    (GO_NO_GO_REQUESTED, BIDDING): BOARD_ANSWER,
    (GO_NO_GO_REQUESTED, WITHDRAWN): BOARD_ANSWER,
    (BIDDING, SUBMITTED): SUBMISSION,
    (SUBMITTED, WON): OUTCOME,
    (SUBMITTED, LOST): OUTCOME,
    **{(stage, WITHDRAWN): BY_HAND for stage in (IDENTIFIED, QUALIFYING, BIDDING, SUBMITTED)},
}
HOW = {ASK_THE_BOARD: "by asking the board for its go/no-go decision",
       BOARD_ANSWER: "by the board's go/no-go decision",
       SUBMISSION: "by submitting the bid",
       OUTCOME: "by recording the commissioner's outcome of the bid"}
STAGE_RULE = "pipeline_stage"


def check_move(current: str, target: str, by: str) -> None:
    """Refuse a move the pipeline does not allow, or one made other than by the action that causes it."""
    how = MOVES.get((current, target))
    if how is None:
        raise RuleViolation(f"An opportunity cannot move from {label(current)} to {label(target)}.", rule=STAGE_RULE)
    if how != by:
        raise RuleViolation(f"An opportunity moves from {label(current)} to {label(target)} only {HOW[how]}.",
                            rule=STAGE_RULE)


def moves_by_hand(current: str) -> list[str]:
    """The stages a manager can move an opportunity to directly from `current`."""
    return [to for (frm, to), how in MOVES.items() if frm == current and how == BY_HAND]


def label(stage: str) -> str:
    return "go/no-go requested" if stage == GO_NO_GO_REQUESTED else stage


def check_open(stage: str) -> None:
    """Closed opportunities (won, lost, withdrawn) are kept as they were."""
    if stage in CLOSED:
        raise RuleViolation(f"The opportunity is {stage}: it can no longer be changed.", rule=STAGE_RULE)


# --- key dates ---------------------------------------------------------------------------------------

DATE_ORDER = ("clarification_deadline", "submission_deadline", "award_expected_on", "start_expected_on")
DATE_NAMES = {"clarification_deadline": "the clarification deadline", "submission_deadline": "the submission deadline",
              "award_expected_on": "the expected award", "start_expected_on": "the expected start"}


class KeyDatesOutOfOrder(InvalidField):
    """Key dates in the wrong order; `field` is the one to correct (answered 422 naming it)."""

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})
        self.field, self.message = field, message


def check_key_dates(dates: dict[str, dt.date | None]) -> None:
    """Clarification no later than submission, then award, then start, each no earlier than the one before."""
    known = [(name, dates.get(name)) for name in DATE_ORDER if dates.get(name) is not None]
    for (earlier, earlier_on), (later, later_on) in zip(known, known[1:]):
        if earlier_on <= later_on:
            continue
        if earlier == "clarification_deadline":
            raise KeyDatesOutOfOrder(earlier, f"The clarification deadline cannot be after {DATE_NAMES[later]}.")
        raise KeyDatesOutOfOrder(later, f"{DATE_NAMES[later].capitalize()} cannot be before {DATE_NAMES[earlier]}.")


@dataclasses.dataclass(frozen=True)
class Deadline:
    what: str
    on: dt.date
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def next_deadline(stage: str, dates: dict[str, dt.date | None], today: dt.date) -> Deadline | None:
    """The date the opportunity's current stage works towards; a passed one is overdue, except a clarification
    deadline, which simply closes (then the submission deadline is next)."""
    if stage in (IDENTIFIED, QUALIFYING, GO_NO_GO_REQUESTED, BIDDING):
        candidates = ["clarification_deadline", "submission_deadline"]
    elif stage == SUBMITTED:
        candidates = ["award_expected_on"]
    elif stage == WON:
        candidates = ["start_expected_on"]
    else:
        return None
    for name in candidates:
        on = dates.get(name)
        if on is None:
            continue
        if name == "clarification_deadline" and on < today:
            continue
        return Deadline(DATE_NAMES[name], on, (on - today).days)
    return None


# --- go/no-go ----------------------------------------------------------------------------------------

APPROVED, REJECTED = "approved", "rejected"
GOVERNANCE = "governance"
MANAGER = "manager"  # only on answers recorded before issue 12: the manager once stood in for the board


def the_board_decides(request_id: object | None) -> str:
    """Why nobody records a go/no-go in contracts (issue 12 item 1: a body's decision comes from the body).

    Whether to bid is the Management Board's decision: taken at a quorate meeting (or by a written resolution
    where the board allows them), recorded in governance by the board's chair or secretary, and applied here
    only from governance's decision event.
    """
    where = (f"on governance's decision request {request_id} (POST /governance/decision-requests/{request_id}"
             "/decision)" if request_id else "once the board has been asked (POST /opportunities/{id}/go-no-go)")
    return ("A bid's go/no-go is the board's decision, not the manager's: the board decides at a quorate meeting "
            "or by written resolution, its chair or secretary records that in governance " + where
            + ", and the decision reaches the opportunity by event.")


def answer_go_no_go(stage: str, asked: object | None, answered_by: str | None, request: object,
                    outcome: str) -> str | None:
    """The stage the board's go/no-go decision moves the opportunity to (approved -> bidding, rejected ->
    withdrawn), or None when it changes nothing: a decision on another request, a repeat of one already applied,
    or one arriving when the opportunity is no longer waiting for it."""
    if asked is None or request != asked or answered_by is not None or stage != GO_NO_GO_REQUESTED:
        return None
    return BIDDING if outcome == APPROVED else WITHDRAWN
