"""Use cases for the opportunities pipeline: opportunities, lots, stage moves and the board's go/no-go."""
from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.events import Envelope
from hubkit.paging import Order, Page, asc, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.bid_tables import Bid, StageChange
from ..adapters.orm import Lot, Opportunity
from ..domain import pipeline as rules

log = logging.getLogger(__name__)

DETAIL_FIELDS = ("title", "description", "commissioner_name", "commissioner_type", "estimated_value_pence",
                 "contract_length_months", "service_categories", "areas", "notice_reference",
                 *rules.DATE_ORDER)


def _dates(source) -> dict[str, dt.date | None]:
    get = source.get if isinstance(source, dict) else (lambda name: getattr(source, name))
    return {name: get(name) for name in rules.DATE_ORDER}


def _subject(opportunity: Opportunity) -> str:
    return f"opportunity/{opportunity.id}"


def _fields(opportunity: Opportunity) -> dict:
    return {"opportunity_id": opportunity.id, "title": opportunity.title,
            "commissioner_name": opportunity.commissioner_name, "stage": opportunity.stage,
            "estimated_value_pence": opportunity.estimated_value_pence}


def create_opportunity(uow: UnitOfWork, details: dict) -> Opportunity:
    """Add an opportunity to the pipeline, at `identified`, and tell the other services."""
    rules.check_key_dates(_dates(details))
    now = utcnow()
    opportunity = Opportunity(id=uuid.uuid4(), stage=rules.IDENTIFIED, created_at=now, updated_at=now,
                              **{name: details.get(name) for name in DETAIL_FIELDS})
    uow.session.add(opportunity)
    uow.session.flush()
    uow.publish("contracts.opportunity.created", subject=_subject(opportunity), data=_fields(opportunity))
    uow.commit()
    return opportunity


def update_opportunity(uow: UnitOfWork, opportunity: Opportunity, changes: dict) -> Opportunity:
    """Change an open opportunity's details; key dates stay in order."""
    rules.check_open(opportunity.stage)
    rules.check_key_dates({name: changes.get(name, getattr(opportunity, name)) for name in rules.DATE_ORDER})
    for name, value in changes.items():
        setattr(opportunity, name, value)
    opportunity.updated_at = utcnow()
    uow.commit()
    return opportunity


def add_lot(uow: UnitOfWork, opportunity: Opportunity, details: dict) -> Lot:
    """Add a lot; numbers are unique within the opportunity."""
    rules.check_open(opportunity.stage)
    taken = uow.session.execute(select(Lot.id).where(Lot.opportunity_id == opportunity.id,
                                                     Lot.number == details["number"])).first()
    if taken:
        raise RuleViolation(f"Lot {details['number']} already exists on this opportunity.", rule="lot")
    lot = Lot(id=uuid.uuid4(), opportunity_id=opportunity.id, **details)
    uow.session.add(lot)
    opportunity.updated_at = utcnow()
    uow.commit()
    return lot


def update_lot(uow: UnitOfWork, opportunity: Opportunity, lot: Lot, changes: dict) -> Lot:
    rules.check_open(opportunity.stage)
    if "number" in changes and changes["number"] != lot.number:
        taken = uow.session.execute(select(Lot.id).where(Lot.opportunity_id == opportunity.id,
                                                         Lot.number == changes["number"])).first()
        if taken:
            raise RuleViolation(f"Lot {changes['number']} already exists on this opportunity.", rule="lot")
    for name, value in changes.items():
        setattr(lot, name, value)
    uow.commit()
    return lot


def move(uow: UnitOfWork, opportunity: Opportunity, target: str, by: str, note: str = "") -> None:
    """Move the opportunity along the pipeline, keep the history, and publish the stage change."""
    rules.check_move(opportunity.stage, target, by)
    previous = opportunity.stage
    opportunity.stage, opportunity.updated_at = target, utcnow()
    uow.session.add(StageChange(id=uuid.uuid4(), opportunity_id=opportunity.id, from_stage=previous,
                                to_stage=target, note=note or "", changed_by=uow.actor, changed_at=utcnow()))
    uow.publish("contracts.opportunity.stage_changed", subject=_subject(opportunity),
                data=_fields(opportunity) | {"previous_stage": previous})


def change_stage(uow: UnitOfWork, opportunity: Opportunity, target: str, note: str) -> Opportunity:
    """A move the manager makes by hand (e.g. identified -> qualifying, or withdrawing)."""
    move(uow, opportunity, target, rules.BY_HAND, note)
    uow.commit()
    return opportunity


def request_go_no_go(uow: UnitOfWork, opportunity: Opportunity, detail: str) -> Opportunity:
    """Ask the board, through governance, whether to bid; the opportunity waits at go/no-go requested."""
    move(uow, opportunity, rules.GO_NO_GO_REQUESTED, rules.ASK_THE_BOARD, "The board's go/no-go decision asked for.")
    opportunity.go_no_go_request_id = uuid.uuid4()
    opportunity.go_no_go_outcome = opportunity.go_no_go_note = None
    opportunity.go_no_go_decided_by = opportunity.go_no_go_decided_at = None
    uow.publish("contracts.decision.requested", subject=_subject(opportunity), data={
        "request_id": opportunity.go_no_go_request_id, "kind": "bid_go_no_go",
        "title": f"Go/no-go: {opportunity.title}"[:300], "opportunity_id": opportunity.id,
        "allocation_round_id": None, "detail": detail or _summary(opportunity)})
    uow.commit()
    return opportunity


def _summary(opportunity: Opportunity) -> str:
    parts = [f"Commissioner: {opportunity.commissioner_name}."]
    if opportunity.estimated_value_pence is not None:
        pounds = opportunity.estimated_value_pence // 100
        length = f" over {opportunity.contract_length_months} months" if opportunity.contract_length_months else ""
        parts.append(f"Estimated value £{pounds:,}{length}.")
    if opportunity.submission_deadline:
        parts.append(f"Submission deadline {opportunity.submission_deadline.isoformat()}.")
    return " ".join(parts)


def on_go_no_go_decided(uow: UnitOfWork, event: Envelope) -> None:
    """governance.decision.made for a bid_go_no_go request: the board's decision, applied to the opportunity that
    asked (approved -> bidding, rejected -> withdrawn, with the board's note). It is the only way a go/no-go is
    answered: nobody records one in contracts (issue 12 item 1)."""
    request_id = uuid.UUID(str(event.data["request_id"]))
    opportunity = uow.session.execute(select(Opportunity).where(
        Opportunity.go_no_go_request_id == request_id)).scalar_one_or_none()
    if opportunity is None:
        return  # not one of ours (or another consortium's)
    # Locked, so that a decision delivered twice at once is applied once.
    uow.session.refresh(opportunity, with_for_update=True)
    outcome, note = event.data["outcome"], event.data.get("note") or ""
    target = rules.answer_go_no_go(opportunity.stage, opportunity.go_no_go_request_id,
                                   opportunity.go_no_go_decided_by, request_id, outcome)
    if target is None:
        if opportunity.go_no_go_outcome and opportunity.go_no_go_outcome != outcome:
            log.warning("go/no-go decision %s for opportunity %s ignored: %s by %s stands", outcome, opportunity.id,
                        opportunity.go_no_go_outcome, opportunity.go_no_go_decided_by)
        return
    opportunity.go_no_go_outcome, opportunity.go_no_go_note = outcome, note
    opportunity.go_no_go_decided_by, opportunity.go_no_go_decided_at = rules.GOVERNANCE, utcnow()
    verdict = "decided to bid" if outcome == rules.APPROVED else "decided not to bid"
    move(uow, opportunity, target, rules.BOARD_ANSWER, f"The board {verdict}." + (f" {note}" if note else ""))


# --- reading ---------------------------------------------------------------------------------------

# The pipeline list's orders (hubkit.paging `sort`, issue 14 item 7), each on its own index (adapters/orm.py):
# soonest submission deadline first, none last (the default); by title; highest estimated value first, none last
# (of equal value, the latest added first).
OPPORTUNITY_ORDERS = {
    "deadline": Order(asc(Opportunity.deadline_key), asc(Opportunity.created_at), asc(Opportunity.id)),
    "title": Order(asc(Opportunity.title), asc(Opportunity.id)),
    "value": Order(desc(Opportunity.value_key), desc(Opportunity.created_at), desc(Opportunity.id)),
}


def list_opportunities(session, stage: str | None, today: dt.date, page: Page) -> list[dict]:
    """A page of the pipeline in the page's order (OPPORTUNITY_ORDERS), of one stage if given, paged in SQL, each
    opportunity with its next deadline."""
    query = select(Opportunity)
    if stage:
        query = query.where(Opportunity.stage == stage)
    return [_with_deadline(o, today) for o in page.select(session, query, page.order(OPPORTUNITY_ORDERS))]


def _with_deadline(opportunity: Opportunity, today: dt.date) -> dict:
    deadline = rules.next_deadline(opportunity.stage, _dates(opportunity), today)
    return {"opportunity": opportunity, "next_deadline": None if deadline is None else {
        "what": deadline.what, "on": deadline.on, "days_left": deadline.days_left, "overdue": deadline.overdue}}


def opportunity_view(session, opportunity: Opportunity, today: dt.date) -> dict:
    """The opportunity with its lots, bids, history, next deadline and the moves open to the manager."""
    lots = list(session.execute(select(Lot).where(Lot.opportunity_id == opportunity.id)
                                .order_by(Lot.number)).scalars())
    history = list(session.execute(select(StageChange).where(StageChange.opportunity_id == opportunity.id)
                                   .order_by(StageChange.changed_at)).scalars())
    bids = list(session.execute(select(Bid).where(Bid.opportunity_id == opportunity.id)
                                .order_by(Bid.created_at)).scalars())
    view = _with_deadline(opportunity, today)
    return view | {"lots": lots, "history": history, "bids": bids,
                   "moves_by_hand": rules.moves_by_hand(opportunity.stage)}
