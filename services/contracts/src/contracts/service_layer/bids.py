"""Use cases for bids: lead, tasks, delivery partners and their shares, pricing, documents, submission, outcome."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import undefer

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.bid_tables import Bid, BidDocument, BidPartner, BidTask
from ..adapters.orm import Lot, MemberOrganisation, Opportunity
from ..domain import bids as rules
from ..domain import pipeline as stages
from . import pipeline

PREPARING = (stages.IDENTIFIED, stages.QUALIFYING, stages.GO_NO_GO_REQUESTED, stages.BIDDING)


class NoSuchLot(LookupError):
    """The lot named is not one of this opportunity's (answered 422 naming lot_id)."""


def _organisation(session, organisation_id: uuid.UUID) -> MemberOrganisation | None:
    return session.execute(select(MemberOrganisation).where(
        MemberOrganisation.id == organisation_id)).scalar_one_or_none()


def _check_lead_organisation(session, organisation_id: uuid.UUID | None) -> None:
    if organisation_id is None:
        return
    org = _organisation(session, organisation_id)
    rules.check_partner(org.status if org else None, org.eligible_for_new_work if org else None,
                        org.name if org else None)


def opportunity_of(session, bid: Bid) -> Opportunity:
    return session.execute(select(Opportunity).where(Opportunity.id == bid.opportunity_id)).scalar_one()


def _check_editable(session, bid: Bid) -> Opportunity:
    opportunity = opportunity_of(session, bid)
    rules.check_editable(bid.submitted_at is not None)
    stages.check_open(opportunity.stage)
    return opportunity


def start_bid(uow: UnitOfWork, opportunity: Opportunity, lot_id: uuid.UUID | None, lead_name: str,
              lead_organisation_id: uuid.UUID | None) -> Bid:
    """Start the consortium's bid for the opportunity, or for one of its lots (one bid each)."""
    if opportunity.stage not in PREPARING:
        raise RuleViolation(f"Bids are prepared before submission; the opportunity is {stages.label(opportunity.stage)}.",
                            rule=rules.BID_RULE)
    lot = None
    if lot_id is not None:
        lot = uow.session.execute(select(Lot).where(Lot.id == lot_id, Lot.opportunity_id == opportunity.id)
                                  ).scalar_one_or_none()
        if lot is None:
            raise NoSuchLot(lot_id)
    scope = str(lot.id) if lot else "whole"
    if uow.session.execute(select(Bid.id).where(Bid.opportunity_id == opportunity.id, Bid.scope == scope)).first():
        what = f"lot {lot.number}" if lot else "this opportunity"
        raise RuleViolation(f"There is already a bid for {what}.", rule=rules.BID_RULE)
    _check_lead_organisation(uow.session, lead_organisation_id)
    bid = Bid(id=uuid.uuid4(), opportunity_id=opportunity.id, lot_id=lot.id if lot else None, scope=scope,
              lead_name=lead_name, lead_organisation_id=lead_organisation_id, scores=[], created_at=utcnow())
    uow.session.add(bid)
    uow.commit()
    return bid


def update_bid(uow: UnitOfWork, bid: Bid, changes: dict) -> Bid:
    """Change the bid lead."""
    _check_editable(uow.session, bid)
    if "lead_organisation_id" in changes:
        _check_lead_organisation(uow.session, changes["lead_organisation_id"])
    for name, value in changes.items():
        setattr(bid, name, value)
    uow.commit()
    return bid


def _partners(session, bid: Bid) -> list[BidPartner]:
    return list(session.execute(select(BidPartner).where(BidPartner.bid_id == bid.id)
                                .order_by(BidPartner.organisation_name)).scalars())


def set_pricing(uow: UnitOfWork, bid: Bid, price_pence: int, management_fee_basis_points: int) -> Bid:
    """Price the bid and set the hub's management fee; the partners' shares must still fit."""
    _check_editable(uow.session, bid)
    rules.check_shares(price_pence, management_fee_basis_points, [p.share_pence for p in _partners(uow.session, bid)])
    bid.price_pence, bid.management_fee_basis_points = price_pence, management_fee_basis_points
    uow.commit()
    return bid


def add_task(uow: UnitOfWork, bid: Bid, title: str, owner: str, due_on: dt.date) -> BidTask:
    _check_editable(uow.session, bid)
    task = BidTask(id=uuid.uuid4(), bid_id=bid.id, title=title, owner=owner, due_on=due_on, done=False)
    uow.session.add(task)
    uow.commit()
    return task


def update_task(uow: UnitOfWork, bid: Bid, task: BidTask, changes: dict) -> BidTask:
    """Change a task; marking it done records the day."""
    _check_editable(uow.session, bid)
    if "done" in changes and changes["done"] != task.done:
        task.done_on = clock.today() if changes["done"] else None
    for name, value in changes.items():
        setattr(task, name, value)
    uow.commit()
    return task


def add_partner(uow: UnitOfWork, bid: Bid, organisation_id: uuid.UUID, share_pence: int,
                outputs: list[str]) -> BidPartner:
    """Propose an active member as a delivery partner with its share of the value and its outputs."""
    _check_editable(uow.session, bid)
    org = _organisation(uow.session, organisation_id)
    rules.check_partner(org.status if org else None, org.eligible_for_new_work if org else None,
                        org.name if org else None)
    partners = _partners(uow.session, bid)
    if any(p.organisation_id == organisation_id for p in partners):
        raise RuleViolation(f"{org.name} is already a partner in this bid.", rule=rules.BID_RULE)
    rules.check_shares(bid.price_pence, bid.management_fee_basis_points,
                       [p.share_pence for p in partners] + [share_pence])
    partner = BidPartner(id=uuid.uuid4(), bid_id=bid.id, organisation_id=org.id, organisation_name=org.name,
                         share_pence=share_pence, outputs=outputs)
    uow.session.add(partner)
    uow.commit()
    return partner


def update_partner(uow: UnitOfWork, bid: Bid, partner: BidPartner, changes: dict) -> BidPartner:
    _check_editable(uow.session, bid)
    if "share_pence" in changes:
        others = [p.share_pence for p in _partners(uow.session, bid) if p.id != partner.id]
        rules.check_shares(bid.price_pence, bid.management_fee_basis_points, others + [changes["share_pence"]])
    for name, value in changes.items():
        setattr(partner, name, value)
    uow.commit()
    return partner


def remove_partner(uow: UnitOfWork, bid: Bid, partner: BidPartner) -> None:
    _check_editable(uow.session, bid)
    uow.session.delete(partner)
    uow.commit()


def upload_document(uow: UnitOfWork, bid: Bid, kind: str, filename: str, content: bytes) -> BidDocument:
    """Keep a file with the bid; refuses empty files and formats we do not take (UnacceptableFile)."""
    _check_editable(uow.session, bid)
    document = BidDocument(id=uuid.uuid4(), bid_id=bid.id, kind=kind, filename=rules.safe_filename(filename),
                           content_type=rules.content_type_of(filename, content), size_bytes=len(content),
                           sha256=rules.checksum(content), content=content, uploaded_by=uow.actor,
                           uploaded_at=utcnow())
    uow.session.add(document)
    uow.commit()
    return document


def document_with_content(session, bid: Bid, document_id: uuid.UUID) -> BidDocument | None:
    return session.execute(select(BidDocument).options(undefer(BidDocument.content)).where(
        BidDocument.bid_id == bid.id, BidDocument.id == document_id)).scalar_one_or_none()


def submit_bid(uow: UnitOfWork, bid: Bid) -> Bid:
    """Send the bid in: priced, partners within the price less the fee, after the board decided to bid."""
    uow.session.refresh(bid, with_for_update=True)  # a double click submits once
    opportunity = _check_editable(uow.session, bid)
    if opportunity.stage not in (stages.BIDDING, stages.SUBMITTED):
        raise RuleViolation("A bid goes in only once the board has decided to bid (go/no-go); the opportunity is "
                            f"{stages.label(opportunity.stage)}.", rule=stages.STAGE_RULE)
    partners = _partners(uow.session, bid)
    rules.check_ready_to_submit(bid.price_pence, len(partners))
    rules.check_shares(bid.price_pence, bid.management_fee_basis_points, [p.share_pence for p in partners])
    bid.submitted_at, bid.submitted_by = utcnow(), uow.actor
    if opportunity.stage == stages.BIDDING:
        pipeline.move(uow, opportunity, stages.SUBMITTED, stages.SUBMISSION, "The bid was submitted.")
    uow.publish("contracts.bid.submitted", subject=f"bid/{bid.id}", data={
        "bid_id": bid.id, "opportunity_id": opportunity.id, "lot_id": bid.lot_id, "title": opportunity.title,
        "commissioner_name": opportunity.commissioner_name, "price_pence": bid.price_pence,
        "management_fee_basis_points": bid.management_fee_basis_points or 0,
        "partners": [{"organisation_id": p.organisation_id, "organisation_name": p.organisation_name,
                      "share_pence": p.share_pence} for p in partners],
        "submitted_at": bid.submitted_at})
    uow.commit()
    return bid


def record_outcome(uow: UnitOfWork, bid: Bid, outcome: str, scores: list[dict], feedback: str) -> Bid:
    """The commissioner's answer with its scores and feedback; once every bid is answered the opportunity
    is won (any bid won) or lost."""
    uow.session.refresh(bid, with_for_update=True)
    if bid.submitted_at is None:
        raise RuleViolation("Record the outcome of a bid once it has been submitted.", rule=rules.BID_RULE)
    if bid.outcome is not None:
        raise RuleViolation(f"The outcome of this bid was already recorded ({bid.outcome}).", rule=rules.BID_RULE)
    rules.check_scores(scores)
    bid.outcome, bid.scores, bid.feedback, bid.outcome_recorded_at = outcome, scores, feedback, utcnow()
    opportunity = opportunity_of(uow.session, bid)
    submitted = uow.session.execute(select(Bid.outcome).where(Bid.opportunity_id == opportunity.id,
                                                              Bid.submitted_at.is_not(None))).scalars().all()
    result = rules.opportunity_outcome(list(submitted))
    if result is not None and opportunity.stage == stages.SUBMITTED:
        pipeline.move(uow, opportunity, result, stages.OUTCOME, f"The commissioner's decision: {result}.")
    uow.commit()
    return bid


# GET /bids/partner-candidates: by name (ix_member_organisation_by_name), paged in SQL.
PARTNER_CANDIDATE_ORDER = Order(asc(MemberOrganisation.name), asc(MemberOrganisation.id))


def partner_candidates_query():
    """The member organisations a bid would accept as a partner or lead now, for the caller to page in
    PARTNER_CANDIDATE_ORDER: rules.partner_refusal's test in SQL (its status, PARTNER_STATUS, and eligibility
    for new work not withdrawn), so what a form offers is what the rule accepts."""
    return select(MemberOrganisation).where(MemberOrganisation.status == rules.PARTNER_STATUS,
                                            MemberOrganisation.eligible_for_new_work.is_not(False))


def bid_view(session, bid: Bid) -> dict:
    """The bid with its opportunity, lot, tasks, partners, documents and what the pricing leaves partners."""
    opportunity = opportunity_of(session, bid)
    lot = session.get(Lot, bid.lot_id) if bid.lot_id else None
    partners = _partners(session, bid)
    tasks = list(session.execute(select(BidTask).where(BidTask.bid_id == bid.id)
                                 .order_by(BidTask.done, BidTask.due_on)).scalars())
    documents = list(session.execute(select(BidDocument).where(BidDocument.bid_id == bid.id)
                                     .order_by(BidDocument.uploaded_at.desc())).scalars())
    shares = sum(p.share_pence for p in partners)
    pricing = {"price_pence": bid.price_pence, "management_fee_basis_points": bid.management_fee_basis_points,
               "management_fee_pence": None, "available_to_partners_pence": None, "partners_share_pence": shares,
               "unallocated_pence": None}
    if bid.price_pence is not None:
        fee = rules.management_fee(bid.price_pence, bid.management_fee_basis_points or 0)
        pricing |= {"management_fee_pence": fee, "available_to_partners_pence": bid.price_pence - fee,
                    "unallocated_pence": bid.price_pence - fee - shares}
    lead_org = _organisation(session, bid.lead_organisation_id) if bid.lead_organisation_id else None
    return {"bid": bid, "opportunity": opportunity, "lot": lot, "tasks": tasks, "partners": partners,
            "documents": documents, "pricing": pricing, "lead_organisation_name": lead_org.name if lead_org else None,
            "editable": bid.submitted_at is None and opportunity.stage not in stages.CLOSED,
            "can_submit": bid.submitted_at is None and opportunity.stage in (stages.BIDDING, stages.SUBMITTED)}
