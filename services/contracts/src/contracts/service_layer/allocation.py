"""Use cases for fair allocation of work among members (C1-C7): rounds, invitations, declarations, the panel,
criteria, expressions of interest, scores, moderation, the award and the report; and the capability copy."""
from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.events import Envelope
from hubkit.paging import Order, desc
from hubkit.read_copies import apply_organisation_event
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.allocation_tables import (AllocationCriterion, AllocationRound, Declaration, ExpressionOfInterest,
                                          Invitation, MemberCapability, ModeratedScore, PanelMember, PanelScore,
                                          RoundStep)
from ..adapters.contract_tables import Contract
from ..adapters.orm import Lot, MemberOrganisation, Opportunity
from ..domain import allocation as rules

log = logging.getLogger(__name__)


class NotFound(LookupError):
    """A round's part, or a thing a round refers to, that the caller cannot see (answered 404)."""

    def __init__(self, what: str):
        super().__init__(f"No such {what}.")
        self.what = what


def _subject(round_: AllocationRound) -> str:
    return f"allocation_round/{round_.id}"


def _step(uow: UnitOfWork, round_: AllocationRound, what: str, note: str = "") -> None:
    uow.session.add(RoundStep(id=uuid.uuid4(), round_id=round_.id, what=what, note=note or "", by=uow.actor,
                              at=utcnow()))


def _lock(uow: UnitOfWork, round_: AllocationRound) -> None:
    """Changes to one round are made one at a time (two managers, or the board's event and a manager)."""
    uow.session.refresh(round_, with_for_update=True)


def _rows(session, model, round_id, *order):
    return list(session.execute(select(model).where(model.round_id == round_id).order_by(*order)).scalars())


def _declaring(session, round_id) -> dict[uuid.UUID, str]:
    return {d.organisation_id: d.organisation_name for d in _rows(session, Declaration, round_id,
                                                                     Declaration.declared_at)}


def _panel_people(panel: list[PanelMember]) -> list[rules.PanelPerson]:
    return [rules.PanelPerson(p.name, p.role, p.organisation_id, p.organisation_name) for p in panel]


def _servicing(round_: AllocationRound) -> rules.Servicing | None:
    if not round_.servicing_name:
        return None
    return rules.Servicing(round_.servicing_name, round_.servicing_capacity or rules.MANAGEMENT_BOARD,
                           round_.servicing_organisation_id, round_.servicing_note or "")


def _organisation(session, organisation_id) -> MemberOrganisation | None:
    return session.execute(select(MemberOrganisation).where(MemberOrganisation.id == organisation_id)
                           ).scalar_one_or_none()


# --- the capability copy (M2), kept by events ------------------------------------------------------

def apply_capability(uow: UnitOfWork, event: Envelope) -> None:
    """membership.capability.updated: keep the organisation copy and what it can deliver and where.

    An older event never overwrites a newer one, so a replay or a late duplicate changes nothing.
    """
    apply_organisation_event(uow.session, MemberOrganisation, event)
    org_id = uuid.UUID(str(event.data["organisation_id"]))
    copy = uow.session.execute(select(MemberCapability).where(MemberCapability.id == org_id)).scalar_one_or_none()
    if copy is None:
        copy = MemberCapability(id=org_id, consortium_id=event.consortium_id)
        uow.session.add(copy)
    elif copy.updated_at and copy.updated_at > event.occurred_at:
        return
    copy.service_categories = list(event.data["service_categories"])
    copy.areas_served = list(event.data["areas_served"])
    copy.capacity = event.data.get("capacity")
    copy.updated_at = event.occurred_at


# GET /allocation/capabilities: latest changed first (ix_member_capability_latest), paged in SQL.
CAPABILITY_ORDER = Order(desc(MemberCapability.updated_at), desc(MemberCapability.id))


def capabilities_query():
    """The consortium's copy of membership's capability register, for the caller to page in CAPABILITY_ORDER."""
    return select(MemberCapability)


def capable_members(session, categories: list[str], areas: list[str]) -> list[MemberOrganisation]:
    """Active members eligible for new work whose register entry says they can deliver this, by name."""
    rows = session.execute(select(MemberOrganisation, MemberCapability)
                           .join(MemberCapability, MemberCapability.id == MemberOrganisation.id)
                           .order_by(MemberOrganisation.name)).all()
    return [org for org, capability in rows
            if rules.may_be_invited(org.status, org.eligible_for_new_work)
            and rules.can_deliver(capability.service_categories, capability.areas_served, categories, areas)]


# --- opening a round -------------------------------------------------------------------------------

def open_round(uow: UnitOfWork, details: dict) -> AllocationRound:
    """Open a round for a head contract or a lot: invite every capable member and announce it."""
    rules.check_timetable(details)
    contract = lot = opportunity = None
    if details.get("contract_id"):
        contract = uow.session.execute(select(Contract).where(Contract.id == details["contract_id"])
                                       ).scalar_one_or_none()
        if contract is None:
            raise NotFound("contract")
    if details.get("lot_id"):
        lot = uow.session.execute(select(Lot).where(Lot.id == details["lot_id"])).scalar_one_or_none()
        if lot is None:
            raise NotFound("lot")
    if lot is None and contract is not None and contract.lot_id:
        lot = uow.session.get(Lot, contract.lot_id)
    opportunity_id = (lot.opportunity_id if lot else None) or (contract.opportunity_id if contract else None)
    if opportunity_id:
        opportunity = uow.session.get(Opportunity, opportunity_id)
    categories = details.get("service_categories") or (lot.service_categories if lot else None) or \
        (opportunity.service_categories if opportunity else []) or []
    areas = details.get("areas") or (opportunity.areas if opportunity else []) or []
    value = details.get("value_pence")
    if value is None:
        value = contract.value_pence if contract else (lot.estimated_value_pence if lot else None)
    title = details.get("title") or (contract.title if contract else
                                     f"{opportunity.title}: lot {lot.number}, {lot.title}" if lot and opportunity
                                     else None)
    if not title:
        raise rules.Unprocessable("title", "Give the round a title.")
    round_ = AllocationRound(
        id=uuid.uuid4(), title=title[:300], specification=details.get("specification") or "",
        contract_id=contract.id if contract else None, lot_id=lot.id if lot else None, opportunity_id=opportunity_id,
        value_pence=value, service_categories=list(categories), areas=list(areas), status=rules.DECLARATIONS,
        route=rules.OPEN, declarations_close_on=details.get("declarations_close_on"),
        eois_close_on=details.get("eois_close_on"), decision_by=details.get("decision_by"),
        scale_max=10, tie_break=rules.HEAVIEST_CRITERION, servicing_note="", created_at=utcnow(),
        created_by=uow.actor)
    uow.session.add(round_)
    uow.session.flush()
    invited = capable_members(uow.session, round_.service_categories, round_.areas)
    for org in invited:
        uow.session.add(Invitation(id=uuid.uuid4(), round_id=round_.id, organisation_id=org.id,
                                   organisation_name=org.name, invited_at=utcnow()))
    _step(uow, round_, "Round opened; the opportunity circulated to the members who can deliver it",
          f"{len(invited)} member(s) invited.")
    uow.publish("contracts.allocation_round.opened", subject=_subject(round_), data=_round_fields(round_) | {
        "service_categories": round_.service_categories, "areas": round_.areas,
        "invited": [{"organisation_id": org.id, "organisation_name": org.name} for org in invited],
        "declarations_close_on": round_.declarations_close_on, "eois_close_on": round_.eois_close_on})
    uow.commit()
    return round_


def _round_fields(round_: AllocationRound) -> dict:
    return {"allocation_round_id": round_.id, "title": round_.title, "contract_id": round_.contract_id,
            "opportunity_id": round_.opportunity_id, "lot_id": round_.lot_id, "value_pence": round_.value_pence}


def update_round(uow: UnitOfWork, round_: AllocationRound, changes: dict) -> AllocationRound:
    """Change the timetable or the specification while the round is undecided."""
    _lock(uow, round_)
    rules.check_round_not_decided(round_.status)
    if "specification" in changes and round_.eois_opened_at is not None:
        rules.check_criteria_may_change(True)  # C4: the specification was circulated with the criteria
    rules.check_timetable({name: changes.get(name, getattr(round_, name)) for name in rules.TIMETABLE})
    for name, value in changes.items():
        setattr(round_, name, value)
    _step(uow, round_, "Timetable or specification changed", ", ".join(sorted(changes)))
    uow.commit()
    return round_


# --- declarations (C2) -----------------------------------------------------------------------------

def declare_interest(uow: UnitOfWork, round_: AllocationRound, organisation_id: uuid.UUID, detail: str
                     ) -> tuple[Declaration, bool]:
    """C2: an organisation declares its interest in bidding; everyone from it is then kept off the panel.

    Declaring again returns the declaration already made (False: nothing new)."""
    _lock(uow, round_)
    existing = uow.session.execute(select(Declaration).where(Declaration.round_id == round_.id,
                                                             Declaration.organisation_id == organisation_id)
                                   ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    rules.check_declaration_open(round_.panel_confirmed_at is not None, round_.status)
    org = _organisation(uow.session, organisation_id)
    if org is None:
        raise RuleViolation("Only a member organisation of the consortium can declare an interest.",
                            rule="allocation_eligibility")
    rules.check_declarer_not_servicing(org.id, org.name, _servicing(round_))
    on_panel = [p for p in _rows(uow.session, PanelMember, round_.id, PanelMember.added_at)
                if p.organisation_id == org.id]
    declaration = Declaration(id=uuid.uuid4(), round_id=round_.id, organisation_id=org.id,
                              organisation_name=org.name, detail=detail or "", declared_by=uow.actor,
                              declared_at=utcnow())
    uow.session.add(declaration)
    note = ""
    for person in on_panel:  # C2: a proposed panel member from the declaring organisation comes off the panel
        uow.session.delete(person)
        note += f"{person.name} taken off the proposed panel (C2). "
    _step(uow, round_, f"Interest declared by {org.name}", (detail or "") + (" " + note if note else ""))
    uow.commit()
    return declaration, True


# --- the panel and its servicing (C2, C3, C7) -----------------------------------------------------

def add_panel_member(uow: UnitOfWork, round_: AllocationRound, person: dict) -> PanelMember:
    _lock(uow, round_)
    rules.check_round_not_decided(round_.status)
    org_name = None
    if person.get("organisation_id"):
        org = _organisation(uow.session, person["organisation_id"])
        if org is None:
            raise rules.Unprocessable("organisation_id", "Not a member organisation of the consortium.")
        org_name = org.name
    panel = _rows(uow.session, PanelMember, round_.id, PanelMember.added_at)
    candidate = rules.PanelPerson(person["name"], person["role"], person.get("organisation_id"), org_name)
    rules.check_panel_addition(candidate, _panel_people(panel), _declaring(uow.session, round_.id),
                               round_.panel_confirmed_at is not None)
    member = PanelMember(id=uuid.uuid4(), round_id=round_.id, name=person["name"], role=person["role"],
                         organisation_id=person.get("organisation_id"), organisation_name=org_name,
                         user_id=person.get("user_id"), expertise=person.get("expertise") or "", added_at=utcnow())
    uow.session.add(member)
    _step(uow, round_, f"{member.name} proposed for the panel ({rules.PANEL_ROLE_NAMES[member.role]})")
    uow.commit()
    return member


def remove_panel_member(uow: UnitOfWork, round_: AllocationRound, member: PanelMember) -> None:
    _lock(uow, round_)
    if round_.panel_confirmed_at is not None:
        raise RuleViolation("C3: the panel is confirmed; its membership can no longer change.", rule="C3")
    uow.session.delete(member)
    _step(uow, round_, f"{member.name} taken off the proposed panel")
    uow.commit()


def set_servicing(uow: UnitOfWork, round_: AllocationRound, servicing: dict) -> AllocationRound:
    """C7: name who services the process; someone from a bidding organisation is refused."""
    _lock(uow, round_)
    rules.check_round_not_decided(round_.status)
    proposed = rules.Servicing(servicing["name"], servicing["capacity"], servicing.get("organisation_id"),
                               servicing.get("note") or "")
    rules.check_servicing(proposed, _declaring(uow.session, round_.id))
    round_.servicing_name, round_.servicing_capacity = proposed.name, proposed.capacity
    round_.servicing_organisation_id, round_.servicing_note = proposed.organisation_id, proposed.note
    _step(uow, round_, f"{proposed.name} services the process (C7)", proposed.note)
    uow.commit()
    return round_


def panel_feedback(session, round_: AllocationRound) -> list[rules.Problem]:
    """What stops the panel being confirmed now (C2, C3, C7); empty when it can be."""
    declaring = _declaring(session, round_.id)
    panel = _rows(session, PanelMember, round_.id, PanelMember.added_at)
    return rules.panel_problems(_panel_people(panel), declaring) + \
        rules.servicing_problems(_servicing(round_), declaring)


def confirm_panel(uow: UnitOfWork, round_: AllocationRound) -> AllocationRound:
    """Confirm the panel: it must satisfy C2 and C3, and its servicing C7. Declarations close (C2)."""
    _lock(uow, round_)
    rules.check_round_not_decided(round_.status)
    if round_.panel_confirmed_at is not None:
        return round_
    declaring = _declaring(uow.session, round_.id)
    panel = _rows(uow.session, PanelMember, round_.id, PanelMember.added_at)
    rules.check_panel(_panel_people(panel), declaring)
    rules.check_servicing(_servicing(round_), declaring)
    round_.panel_confirmed_at = utcnow()
    _step(uow, round_, "Panel confirmed; declarations closed",
          "; ".join(f"{p.name} ({rules.PANEL_ROLE_NAMES[p.role]})" for p in panel))
    uow.commit()
    return round_


# --- criteria (C4) ----------------------------------------------------------------------------------

def set_criteria(uow: UnitOfWork, round_: AllocationRound, criteria: list[dict], scale_max: int,
                 tie_break: str) -> AllocationRound:
    """C4: agree the criteria, weights, scale and tie-break rule; fixed once expressions of interest open."""
    _lock(uow, round_)
    rules.check_criteria_may_change(round_.eois_opened_at is not None)
    rules.check_criteria([(c["name"], c["weight"]) for c in criteria], scale_max)
    for old in _rows(uow.session, AllocationCriterion, round_.id, AllocationCriterion.position):
        uow.session.delete(old)
    uow.session.flush()
    for position, criterion in enumerate(criteria, start=1):
        uow.session.add(AllocationCriterion(id=uuid.uuid4(), round_id=round_.id, position=position,
                                            name=criterion["name"], description=criterion.get("description") or "",
                                            weight=criterion["weight"]))
    round_.scale_max, round_.tie_break = scale_max, tie_break
    _step(uow, round_, "Criteria and weights agreed", "; ".join(f"{c['name']} {c['weight']}%" for c in criteria)
          + f"; scored 0 to {scale_max}; ties: {rules.TIE_BREAK_NAMES[tie_break]}.")
    uow.commit()
    return round_


# --- the route (C1, C6) -----------------------------------------------------------------------------

def request_chosen_provider(uow: UnitOfWork, round_: AllocationRound, organisation_id: uuid.UUID,
                            reason: str) -> AllocationRound:
    """C1: ask the Partners Group (through governance) to use the chosen-provider route for one member."""
    _lock(uow, round_)
    org = _organisation(uow.session, organisation_id)
    pending = round_.chosen_provider_request_id is not None and round_.chosen_provider_outcome is None
    rules.check_chosen_provider_request(round_.status, round_.route, pending,
                                        org is not None and rules.may_be_invited(org.status,
                                                                                 org.eligible_for_new_work))
    round_.chosen_provider_id, round_.chosen_provider_name, round_.chosen_provider_reason = org.id, org.name, reason
    round_.chosen_provider_request_id = uuid.uuid4()
    round_.chosen_provider_outcome = round_.chosen_provider_note = round_.chosen_provider_decided_at = None
    round_.specification_met = round_.specification_note = None
    uow.publish("contracts.decision.requested", subject=_subject(round_), data={
        "request_id": round_.chosen_provider_request_id, "kind": "chosen_provider",
        "title": f"Chosen provider: {org.name} for {round_.title}"[:300], "opportunity_id": round_.opportunity_id,
        "allocation_round_id": round_.id, "detail": reason})
    _step(uow, round_, f"Partners Group asked to use the chosen-provider route for {org.name} (C1)", reason)
    uow.commit()
    return round_


def apply_chosen_provider_decision(uow: UnitOfWork, request_id: uuid.UUID, outcome: str, note: str) -> bool:
    """governance.decision.made for a chosen_provider request. An unknown request, or one already answered, changes
    nothing (returns False): the decision is applied once."""
    round_ = uow.session.execute(select(AllocationRound).where(
        AllocationRound.chosen_provider_request_id == request_id)).scalar_one_or_none()
    if round_ is None:
        log.info("chosen-provider decision for unknown request %s ignored", request_id)
        return False
    _lock(uow, round_)
    if round_.chosen_provider_outcome is not None:
        if round_.chosen_provider_outcome != outcome:
            log.warning("chosen-provider decision %s for round %s ignored: %s stands", outcome, round_.id,
                        round_.chosen_provider_outcome)
        return False
    round_.chosen_provider_outcome, round_.chosen_provider_note = outcome, note or ""
    round_.chosen_provider_decided_at = utcnow()
    if round_.status == rules.DECLARATIONS:
        round_.route = rules.route_after_decision(outcome)
    verdict = "approved the chosen-provider route" if outcome == rules.APPROVED else \
        "did not approve the chosen-provider route; open competition continues"
    _step(uow, round_, f"The Partners Group {verdict} (C1)", note or "")
    return True


def assess_chosen_provider(uow: UnitOfWork, round_: AllocationRound, meets_specification: bool, note: str
                           ) -> AllocationRound:
    """C6: the chosen provider is assessed against the specification: it is awarded the work, or the round
    reverts to open competition."""
    _lock(uow, round_)
    rules.check_specification_assessment(round_.route, round_.status)
    round_.specification_met, round_.specification_note = meets_specification, note or ""
    round_.route = rules.route_after_specification_check(meets_specification)
    if meets_specification:
        _step(uow, round_, f"{round_.chosen_provider_name} meets the specification (C1)", note)
        _decide(uow, round_, round_.chosen_provider_id, round_.chosen_provider_name, None, None, [],
                f"Chosen provider approved by the Partners Group and found to meet the specification. {note}".strip())
    else:
        _step(uow, round_, f"{round_.chosen_provider_name} does not meet the specification: the work goes to open "
                           "competition (C6)", note)
    uow.commit()
    return round_


# --- expressions of interest ----------------------------------------------------------------------

def open_eois(uow: UnitOfWork, round_: AllocationRound) -> AllocationRound:
    """Circulate the opportunity for expressions of interest: criteria and weights are now fixed (C4)."""
    _lock(uow, round_)
    pending = round_.chosen_provider_request_id is not None and round_.chosen_provider_outcome is None
    criteria = _rows(uow.session, AllocationCriterion, round_.id, AllocationCriterion.position)
    rules.check_eois_can_open(round_.status, round_.route, pending, round_.panel_confirmed_at is not None,
                              len(criteria))
    round_.status, round_.eois_opened_at = rules.EOIS_OPEN, utcnow()
    _step(uow, round_, "Expressions of interest opened; criteria and weights fixed (C4)")
    uow.commit()
    return round_


def _eoi_standing(session, round_: AllocationRound, organisation_id, org: MemberOrganisation | None,
                  invitation: Invitation | None = None) -> tuple:
    """What `rules.eoi_refusal` judges, as the read copies know it now (whoever asks: the offer or the EOI); given
    the organisation's invitation to the round, it is not read again."""
    invited = invitation or session.execute(select(Invitation.id).where(
        Invitation.round_id == round_.id, Invitation.organisation_id == organisation_id)).first()
    declared = session.execute(select(Declaration.id).where(Declaration.round_id == round_.id,
                                                            Declaration.organisation_id == organisation_id)).first()
    return (org is not None, org.status if org else None, org.eligible_for_new_work if org else None,
            invited is not None, declared is not None, round_.status)


def submit_eoi(uow: UnitOfWork, round_: AllocationRound, organisation_id: uuid.UUID, statement: str,
               proposed_value_pence: int | None) -> tuple[ExpressionOfInterest, bool]:
    """A member's expression of interest; the same organisation sending it again gets the one it sent (False)."""
    _lock(uow, round_)
    existing = uow.session.execute(select(ExpressionOfInterest).where(
        ExpressionOfInterest.round_id == round_.id, ExpressionOfInterest.organisation_id == organisation_id)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.statement == statement and existing.proposed_value_pence == proposed_value_pence:
            return existing, False
        raise RuleViolation("The organisation has already expressed interest in this round.",
                            rule="allocation_duplicate")
    org = _organisation(uow.session, organisation_id)
    rules.check_may_express_interest(*_eoi_standing(uow.session, round_, organisation_id, org))
    eoi = ExpressionOfInterest(id=uuid.uuid4(), round_id=round_.id, organisation_id=org.id,
                               organisation_name=org.name, statement=statement,
                               proposed_value_pence=proposed_value_pence, submitted_by=uow.actor,
                               submitted_at=utcnow())
    uow.session.add(eoi)
    _step(uow, round_, f"Expression of interest from {org.name}")
    uow.commit()
    return eoi, True


def close_eois(uow: UnitOfWork, round_: AllocationRound) -> AllocationRound:
    _lock(uow, round_)
    if round_.status != rules.EOIS_OPEN:
        raise RuleViolation("Only a round open for expressions of interest can be closed to them.",
                            rule="allocation_round")
    round_.status, round_.eois_closed_at = rules.SCORING, utcnow()
    _step(uow, round_, "Expressions of interest closed; scoring")
    uow.commit()
    return round_


# --- scores and moderation --------------------------------------------------------------------------

def _criteria_and_eois(session, round_: AllocationRound, shortlisted_only: bool = True):
    """The round's criteria and its expressions of interest (those on the shortlist, unless told otherwise)."""
    criteria = _rows(session, AllocationCriterion, round_.id, AllocationCriterion.position)
    eois = _rows(session, ExpressionOfInterest, round_.id, ExpressionOfInterest.submitted_at)
    return criteria, [e for e in eois if e.shortlisted or not shortlisted_only]


def shortlist(uow: UnitOfWork, round_: AllocationRound, eoi_id, shortlisted: bool, reason: str) -> None:
    """C4: put an expression of interest on the shortlist, or leave it off with the reason; only the shortlist is
    scored and can be awarded."""
    _lock(uow, round_)
    rules.check_shortlisting(round_.status, shortlisted, reason)
    eoi = uow.session.execute(select(ExpressionOfInterest).where(ExpressionOfInterest.id == eoi_id,
                                                                 ExpressionOfInterest.round_id == round_.id)
                              ).scalar_one_or_none()
    if eoi is None:
        raise NotFound("expression of interest")
    if eoi.shortlisted == shortlisted:
        return
    eoi.shortlisted, eoi.shortlist_note = shortlisted, "" if shortlisted else reason
    _step(uow, round_, f"{eoi.organisation_name} {'put back on' if shortlisted else 'left off'} the shortlist (C4)",
          reason)
    uow.commit()


def score_sheet(session, round_: AllocationRound, member: PanelMember) -> dict:
    """One panel member's sheet: every expression of interest against every criterion, with their scores."""
    criteria, eois = _criteria_and_eois(session, round_)
    scores = {(s.eoi_id, s.criterion_id): s for s in session.execute(select(PanelScore).where(
        PanelScore.panel_member_id == member.id)).scalars()}
    return {"round": round_, "panel_member": member, "criteria": criteria, "scale_max": round_.scale_max,
            "editable": round_.status in (rules.EOIS_OPEN, rules.SCORING),
            "eois": [{"eoi": eoi, "scores": [{"criterion_id": c.id, "score": scores[(eoi.id, c.id)].score,
                                               "comment": scores[(eoi.id, c.id)].comment}
                                              for c in criteria if (eoi.id, c.id) in scores]} for eoi in eois]}


def record_scores(uow: UnitOfWork, round_: AllocationRound, member: PanelMember, entries: list[dict]) -> None:
    """A panel member's scores (the whole sheet or part of it); a score given again replaces the earlier one.

    Scores are on the round's scale (0 to scale_max) and against its agreed criteria only (C4)."""
    _lock(uow, round_)
    rules.check_scoring_open(round_.status)
    criteria, eois = _criteria_and_eois(uow.session, round_)
    criterion_ids, eoi_ids = {c.id for c in criteria}, {e.id for e in eois}
    for index, entry in enumerate(entries):
        if entry["eoi_id"] not in eoi_ids:
            raise rules.Unprocessable(f"scores.{index}.eoi_id", "Not a shortlisted expression of interest in this round (C4).")
        if entry["criterion_id"] not in criterion_ids:
            raise rules.Unprocessable(f"scores.{index}.criterion_id",
                                      "C4: score against the round's agreed criteria only.")
        rules.check_score(entry["score"], round_.scale_max, f"scores.{index}.score")
    existing = {(s.eoi_id, s.criterion_id): s for s in uow.session.execute(select(PanelScore).where(
        PanelScore.panel_member_id == member.id)).scalars()}
    for entry in entries:
        row = existing.get((entry["eoi_id"], entry["criterion_id"]))
        if row is None:
            row = PanelScore(id=uuid.uuid4(), round_id=round_.id, panel_member_id=member.id,
                             eoi_id=entry["eoi_id"], criterion_id=entry["criterion_id"])
            uow.session.add(row)
            existing[(entry["eoi_id"], entry["criterion_id"])] = row
        row.score, row.comment = entry["score"], entry.get("comment") or ""
        row.scored_by, row.scored_at = uow.actor, utcnow()
    _step(uow, round_, f"Scores recorded for {member.name}", f"{len(entries)} score(s)")
    uow.commit()


def moderate(uow: UnitOfWork, round_: AllocationRound, eoi_id: uuid.UUID, criterion_id: uuid.UUID, score: int,
             reason: str) -> ModeratedScore:
    """The panel's agreed score for one EOI on one criterion, replacing its members' mean, with the reason."""
    _lock(uow, round_)
    rules.check_scoring_open(round_.status)
    criteria, eois = _criteria_and_eois(uow.session, round_)
    if eoi_id not in {e.id for e in eois}:
        raise rules.Unprocessable("eoi_id", "Not a shortlisted expression of interest in this round (C4).")
    if criterion_id not in {c.id for c in criteria}:
        raise rules.Unprocessable("criterion_id", "C4: moderate against the round's agreed criteria only.")
    rules.check_score(score, round_.scale_max)
    row = uow.session.execute(select(ModeratedScore).where(ModeratedScore.eoi_id == eoi_id,
                                                           ModeratedScore.criterion_id == criterion_id)
                              ).scalar_one_or_none()
    if row is None:
        row = ModeratedScore(id=uuid.uuid4(), round_id=round_.id, eoi_id=eoi_id, criterion_id=criterion_id)
        uow.session.add(row)
    row.score, row.reason, row.moderated_by, row.moderated_at = score, reason, uow.actor, utcnow()
    _step(uow, round_, "Score moderated", reason)
    uow.commit()
    return row


def _scoring_inputs(session, round_: AllocationRound):
    criteria, eois = _criteria_and_eois(session, round_)
    panel = _rows(session, PanelMember, round_.id, PanelMember.added_at)
    scores = {(s.panel_member_id, s.eoi_id, s.criterion_id): s.score for s in _rows(session, PanelScore, round_.id)}
    moderated = {(m.eoi_id, m.criterion_id): m.score for m in _rows(session, ModeratedScore, round_.id)}
    entries = [rules.Entry(e.id, e.organisation_id, e.organisation_name, e.submitted_at) for e in eois]
    domain_criteria = [rules.Criterion(c.id, c.name, c.weight) for c in criteria]
    return entries, domain_criteria, [p.id for p in panel], scores, moderated


def award(uow: UnitOfWork, round_: AllocationRound) -> AllocationRound:
    """Award the work by weighted score (C4), ties broken by the recorded rule, and announce the decision."""
    _lock(uow, round_)
    if round_.status == rules.DECIDED:
        raise RuleViolation("The round is already decided.", rule="allocation_round")
    if round_.status != rules.SCORING:
        raise RuleViolation("Close expressions of interest before the award.", rule="allocation_round")
    entries, criteria, panel, scores, moderated = _scoring_inputs(uow.session, round_)
    result = rules.award(entries, criteria, round_.scale_max, panel, scores, moderated, round_.tie_break)
    _decide(uow, round_, result.winner.entry.organisation_id, result.winner.entry.organisation_name,
            result.winner.weighted_percent, result.tie_broken_by, result.ranking, result.explanation)
    uow.commit()
    return round_


def _decide(uow: UnitOfWork, round_: AllocationRound, organisation_id, organisation_name, score, tie_broken_by,
            ranking: list[rules.Ranked], explanation: str) -> None:
    round_.status, round_.decided_at = rules.DECIDED, utcnow()
    round_.awarded_organisation_id, round_.awarded_organisation_name = organisation_id, organisation_name
    round_.awarded_score = None if score is None else str(score)
    round_.tie_broken_by, round_.decision_explanation = tie_broken_by, explanation
    _step(uow, round_, f"Work awarded to {organisation_name}", explanation)
    uow.publish("contracts.allocation_round.decided", subject=_subject(round_), data=_round_fields(round_) | {
        "route": round_.route, "awarded_organisation_id": organisation_id,
        "awarded_organisation_name": organisation_name, "weighted_score": round_.awarded_score,
        "tie_broken_by": tie_broken_by, "decided_at": round_.decided_at,
        "ranking": [{"organisation_id": r.entry.organisation_id, "organisation_name": r.entry.organisation_name,
                     "weighted_score": str(r.weighted_percent)} for r in ranking]})


# --- reading -------------------------------------------------------------------------------------------

# GET /allocation-rounds: newest first, paged in SQL (ix_allocation_round_newest for a status,
# ix_allocation_round_newest_of_all for every round).
ROUND_ORDER = Order(desc(AllocationRound.created_at), desc(AllocationRound.id))


def rounds_query(status: str | None = None):
    """The consortium's allocation rounds (of one status, if given), for the caller to page in ROUND_ORDER."""
    query = select(AllocationRound)
    return query.where(AllocationRound.status == status) if status else query


def standings(session, round_: AllocationRound) -> list[dict]:
    """Each EOI's agreed scores and weighted total so far, highest first (scores missing count as none yet)."""
    entries, criteria, panel, scores, moderated = _scoring_inputs(session, round_)
    if not criteria:
        return []
    ranked = rules.rank(entries, criteria, round_.scale_max, scores, moderated)
    return [{"eoi_id": r.entry.id, "organisation_id": r.entry.organisation_id,
             "organisation_name": r.entry.organisation_name, "weighted_score": str(r.weighted_percent),
             "agreed": [{"criterion_id": c.id, "score": str(rules.as_percent(r.agreed[c.id])),
                         "moderated": (r.entry.id, c.id) in moderated} for c in criteria],
             "missing_scores": rules.missing_scores([r.entry], criteria, panel, scores, moderated)}
            for r in ranked]


def round_view(session, round_: AllocationRound) -> dict:
    """Everything about a round for staff: route, invitations, declarations, panel with its C2/C3/C7 feedback,
    criteria, EOIs, scores so far, moderation, the decision and the papers."""
    criteria, eois = _criteria_and_eois(session, round_, shortlisted_only=False)
    panel = _rows(session, PanelMember, round_.id, PanelMember.added_at)
    sheets = {p.id: 0 for p in panel}
    shortlisted = {e.id for e in eois if e.shortlisted}
    for s in _rows(session, PanelScore, round_.id):
        if s.eoi_id in shortlisted:
            sheets[s.panel_member_id] = sheets.get(s.panel_member_id, 0) + 1
    needed = len(criteria) * sum(1 for e in eois if e.shortlisted)
    return {
        "round": round_,
        "invitations": _rows(session, Invitation, round_.id, Invitation.organisation_name),
        "declarations": _rows(session, Declaration, round_.id, Declaration.declared_at),
        "panel": [{"member": p, "scores_given": sheets.get(p.id, 0), "scores_needed": needed} for p in panel],
        "panel_feedback": [{"rule": p.rule, "message": p.message} for p in panel_feedback(session, round_)],
        "criteria": criteria,
        "criteria_locked": round_.eois_opened_at is not None,
        "eois": eois,
        "moderated": _rows(session, ModeratedScore, round_.id, ModeratedScore.moderated_at),
        "standings": standings(session, round_),
        "steps": _rows(session, RoundStep, round_.id, RoundStep.at),
        "chosen_provider_pending": round_.chosen_provider_request_id is not None
        and round_.chosen_provider_outcome is None,
        "chosen_provider_candidates": chosen_provider_candidates(session),
    }


def chosen_provider_candidates(session) -> list[MemberOrganisation]:
    """C1: the members the chosen-provider route may be asked for now, by the rule the request is checked by
    (rules.may_be_invited: active and eligible for new work), by name."""
    return [org for org in session.execute(select(MemberOrganisation).order_by(MemberOrganisation.name,
                                                                               MemberOrganisation.id)).scalars()
            if rules.may_be_invited(org.status, org.eligible_for_new_work)]


def member_round_view(session, round_: AllocationRound, organisation_id: uuid.UUID,
                      invitation: Invitation | None = None) -> dict:
    """What an invited member's staff see: the round, its criteria, their own declaration and EOI, and what they
    may do now, judged by the same rules that accept it (with the reason when they may not)."""
    criteria = _rows(session, AllocationCriterion, round_.id, AllocationCriterion.position)
    declaration = session.execute(select(Declaration).where(
        Declaration.round_id == round_.id, Declaration.organisation_id == organisation_id)).scalar_one_or_none()
    eoi = session.execute(select(ExpressionOfInterest).where(
        ExpressionOfInterest.round_id == round_.id, ExpressionOfInterest.organisation_id == organisation_id)
    ).scalar_one_or_none()
    org = _organisation(session, organisation_id)
    eoi_refusal = rules.eoi_refusal(*_eoi_standing(session, round_, organisation_id, org, invitation),
                                    already_sent=eoi is not None)
    declaration_refusal = rules.declaration_refusal(round_.panel_confirmed_at is not None, round_.status)
    return {"round": round_, "criteria": criteria, "declaration": declaration, "eoi": eoi,
            "may_declare": declaration_refusal is None,
            "may_express_interest": eoi_refusal is None,
            "why_no_eoi": None if eoi_refusal is None or eoi is not None else eoi_refusal.message}


# GET /allocation/invitations: newest first (ix_allocation_invitation_newest), paged in SQL.
INVITATION_ORDER = Order(desc(Invitation.invited_at), desc(Invitation.id))


def invitations_query():
    """Member staff: the invitations of their organisation (the session's scoping), for the caller to page in
    INVITATION_ORDER and show with invitation_view."""
    return select(Invitation)


def invitation_view(session, invitation: Invitation) -> dict:
    """An invitation with its round, and the organisation's declaration and EOI (member_round_view)."""
    round_ = session.get(AllocationRound, invitation.round_id)
    return {"invitation": invitation} | member_round_view(session, round_, invitation.organisation_id, invitation)


def report(session, round_: AllocationRound) -> dict:
    """C4: the report for the Management Board and the Partners Group: timetable, who was invited, declarations,
    exclusions, panel, scores, decision, and the papers."""
    view = round_view(session, round_)
    panel = [row["member"] for row in view["panel"]]
    declaring = _declaring(session, round_.id)
    bidders = {e.organisation_id for e in view["eois"]}
    exclusions = [{"organisation_id": org_id, "organisation_name": name, "bid": org_id in bidders,
                   "reason": "C2: declared an interest, so everyone from it is excluded from the panel, whether "
                             "or not it bids."} for org_id, name in declaring.items()]
    names = {p.id: p.name for p in panel}
    eoi_names = {e.id: e.organisation_name for e in view["eois"]}
    criterion_names = {c.id: c.name for c in view["criteria"]}
    scores = [{"panel_member": names.get(s.panel_member_id, "?"), "organisation_name": eoi_names.get(s.eoi_id, "?"),
               "criterion": criterion_names.get(s.criterion_id, "?"), "score": s.score, "comment": s.comment}
              for s in _rows(session, PanelScore, round_.id)]
    scores.sort(key=lambda s: (s["organisation_name"], s["criterion"], s["panel_member"]))
    timetable = [{"what": what, "on": on} for what, on in (
        ("Round opened", clock.local_date(round_.created_at)),
        ("Declarations close", round_.declarations_close_on),
        ("Panel confirmed", clock.local_date(round_.panel_confirmed_at) if round_.panel_confirmed_at else None),
        ("Expressions of interest opened", clock.local_date(round_.eois_opened_at) if round_.eois_opened_at else None),
        ("Expressions of interest close", round_.eois_close_on),
        ("Expressions of interest closed", clock.local_date(round_.eois_closed_at) if round_.eois_closed_at else None),
        ("Decision due", round_.decision_by),
        ("Decided", clock.local_date(round_.decided_at) if round_.decided_at else None))]
    return view | {"exclusions": exclusions, "scores": scores, "timetable": timetable,
                   "tie_break_rule": rules.TIE_BREAK_NAMES[round_.tie_break], "generated_at": utcnow()}


def parse_id(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(what) from None


def panel_member_for(session, round_: AllocationRound, member_id) -> PanelMember:
    member_id = parse_id(member_id, "panel member")
    member = session.execute(select(PanelMember).where(PanelMember.id == member_id,
                                                       PanelMember.round_id == round_.id)).scalar_one_or_none()
    if member is None:
        raise NotFound("panel member")
    return member


def is_invited(session, round_: AllocationRound) -> bool:
    return session.execute(select(Invitation.id).where(Invitation.round_id == round_.id)).first() is not None


# GET /allocation/panels: the newest round first (a user's few seats, found by ix_allocation_panel_member_by_user:
# consortium, user), paged in SQL.
PANEL_ORDER = Order(desc(AllocationRound.created_at, "AllocationRound.created_at"),
                    desc(PanelMember.id, "PanelMember.id"))


def panels_query(user_id: str):
    """The rounds this user sits on the panel of, each row a PanelMember with its AllocationRound (for 'my scoring
    sheets'), for the caller to page in PANEL_ORDER."""
    return select(PanelMember, AllocationRound).join(
        AllocationRound, AllocationRound.id == PanelMember.round_id).where(PanelMember.user_id == user_id)

