"""Use cases for performance (P1): returns and their review, RAG per indicator and overall with its trend,
the roll-up to the head contract, the dashboard, and improvement plans for red."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from decimal import Decimal

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import defer

from hubkit import uploads as files
from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, Page, asc, desc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.contract_tables import (Contract, ImprovementPlan, Indicator, PerformanceReturn, ReportingPeriod,
                                        ReturnEvent, ReturnEvidence, Subcontract, SubcontractTarget)
from ..domain import performance as p
from .contracts import indicators_of, periods_of, subcontracts_of, targets_table


def thresholds(contract: Contract) -> p.Thresholds:
    return p.Thresholds(contract.rag_green_percent, contract.rag_amber_percent)


def _period(session, contract_id, period_id) -> ReportingPeriod | None:
    return session.execute(select(ReportingPeriod).where(ReportingPeriod.id == period_id,
                                                         ReportingPeriod.contract_id == contract_id)
                           ).scalar_one_or_none()


def _contract(session, contract_id) -> Contract:
    return session.execute(select(Contract).where(Contract.id == contract_id)).scalar_one()


def _return_fields(ret: PerformanceReturn, period: ReportingPeriod) -> dict:
    return {"return_id": str(ret.id), "subcontract_id": str(ret.subcontract_id), "contract_id": str(ret.contract_id),
            "organisation_id": str(ret.organisation_id), "period_id": str(ret.period_id),
            "period_label": period.label}


def _checked_actuals(session, contract_id, actuals: dict) -> dict:
    ids = {str(i.id) for i in indicators_of(session, contract_id)}
    codes = {i.code: str(i.id) for i in indicators_of(session, contract_id)}
    by_id = {codes.get(str(k), str(k)): v for k, v in actuals.items()}
    try:
        p.check_actuals(by_id, ids)
    except ValueError as exc:
        raise InvalidField.on("actuals", str(exc).capitalize() + ".")
    return {k: str(Decimal(str(v))) for k, v in by_id.items()}


def _log(session, ret: PerformanceReturn, action: str, by: str, comment: str = "") -> None:
    session.add(ReturnEvent(id=uuid.uuid4(), return_id=ret.id, action=action, comment=comment, by=by, at=utcnow()))


def submit_return(uow: UnitOfWork, subcontract: Subcontract, period_id, actuals: dict, narrative: str,
                  by: str, confirm_early: bool = False) -> PerformanceReturn:
    """P1: the subcontractor's return for a period: one per period (a second is refused), late after its due date;
    for a period that has not ended, only once the subcontractor confirms it reports the figures so far."""
    session = uow.session
    period = _period(session, subcontract.contract_id, period_id)
    if period is None:
        raise InvalidField.on("period_id", "Not a reporting period of this contract.")
    p.check_period_over(period.label, period.ends_on, clock.today(), confirm_early)
    if session.execute(select(PerformanceReturn.id).where(PerformanceReturn.subcontract_id == subcontract.id,
                                                          PerformanceReturn.period_id == period.id)).first():
        raise RuleViolation(f"There is already a return for {period.label}; a queried return is submitted again "
                            "instead.", rule="P1")
    now = utcnow()
    ret = PerformanceReturn(id=uuid.uuid4(), subcontract_id=subcontract.id, organisation_id=subcontract.organisation_id,
                            contract_id=subcontract.contract_id, period_id=period.id,
                            actuals=_checked_actuals(session, subcontract.contract_id, actuals), narrative=narrative,
                            status=p.SUBMITTED, late=p.is_late(clock.local_date(now), period.return_due_on),
                            submitted_at=now,
                            submitted_by=by)
    session.add(ret)
    session.flush()
    _log(session, ret, "submitted", by,
         f"Before {period.label} ended ({period.ends_on:%d %B %Y}): the figures so far, confirmed."
         if clock.today() <= period.ends_on else "")
    uow.publish("contracts.return.submitted", subject=f"subcontract/{subcontract.id}",
                data=_return_fields(ret, period) | {"late": ret.late})
    uow.commit()
    return ret


def resubmit_return(uow: UnitOfWork, ret: PerformanceReturn, actuals: dict, narrative: str, by: str
                    ) -> PerformanceReturn:
    """A queried return, answered and submitted again for review."""
    p.check_can_resubmit(ret.status)
    session = uow.session
    period = _period(session, ret.contract_id, ret.period_id)
    ret.actuals = _checked_actuals(session, ret.contract_id, actuals)
    ret.narrative, ret.status, ret.submitted_at, ret.submitted_by = narrative, p.SUBMITTED, utcnow(), by
    _log(session, ret, "resubmitted", by)
    uow.publish("contracts.return.submitted", subject=f"subcontract/{ret.subcontract_id}",
                data=_return_fields(ret, period) | {"late": ret.late})
    uow.commit()
    return ret


def add_evidence(uow: UnitOfWork, ret: PerformanceReturn, filename: str, content: bytes, by: str) -> ReturnEvidence:
    """A file of evidence for a return not yet accepted; the type is judged by its content."""
    if ret.status == p.ACCEPTED:
        raise RuleViolation("The return has been accepted: no more evidence can be added.", rule="P1")
    evidence = ReturnEvidence(id=uuid.uuid4(), return_id=ret.id, organisation_id=ret.organisation_id,
                              filename=files.safe_filename(filename),
                              content_type=files.content_type_of(filename, content), size_bytes=len(content),
                              sha256=files.checksum(content), content=content, uploaded_by=by, uploaded_at=utcnow())
    uow.session.add(evidence)
    uow.commit()
    return evidence


def review_return(uow: UnitOfWork, ret: PerformanceReturn, decision: str, comment: str, by: str
                  ) -> PerformanceReturn:
    """The hub accepts the return (payment by results may follow; the RAG is updated) or queries it."""
    p.check_can_review(ret.status)
    session = uow.session
    period = _period(session, ret.contract_id, ret.period_id)
    now = utcnow()
    ret.reviewed_at, ret.reviewed_by, ret.review_comment = now, by, comment
    if decision == "accept":
        ret.status = p.ACCEPTED
        _log(session, ret, "accepted", by, comment)
        uow.publish("contracts.return.accepted", subject=f"subcontract/{ret.subcontract_id}",
                    data=_return_fields(ret, period) | {"accepted_on": clock.local_date(now).isoformat()})
        session.flush()
        _update_rag(uow, ret, period)
    else:
        if not comment.strip():
            raise InvalidField.on("comment", "Say what the subcontractor needs to answer.")
        ret.status = p.QUERIED
        _log(session, ret, "queried", by, comment)
        uow.publish("contracts.return.queried", subject=f"subcontract/{ret.subcontract_id}",
                    data=_return_fields(ret, period) | {"comment": comment})
    uow.commit()
    return ret


def _update_rag(uow: UnitOfWork, ret: PerformanceReturn, period: ReportingPeriod) -> None:
    """The subcontract's overall RAG is that of its latest accepted period; a change is published."""
    session = uow.session
    subcontract = session.execute(select(Subcontract).where(Subcontract.id == ret.subcontract_id)).scalar_one()
    card = scorecard(session, subcontract)
    accepted = [row for row in card["periods"] if row["status"] == p.ACCEPTED and row["overall"]]
    if not accepted:
        return
    latest = accepted[-1]
    if latest["overall"] != subcontract.overall_rag:
        previous, subcontract.overall_rag = subcontract.overall_rag, latest["overall"]
        uow.publish("contracts.rag.changed", subject=f"subcontract/{subcontract.id}", data={
            "subcontract_id": str(subcontract.id), "contract_id": str(subcontract.contract_id),
            "organisation_id": str(subcontract.organisation_id), "period_id": str(latest["period"].id),
            "period_label": latest["period"].label, "rag": latest["overall"], "previous_rag": previous})


# --- reading -------------------------------------------------------------------------------------------

def shares_table(session, subcontract_id) -> dict[tuple, Decimal]:
    return {(t.indicator_id, t.period_id): t.target for t in session.execute(
        select(SubcontractTarget).where(SubcontractTarget.subcontract_id == subcontract_id)).scalars()}


# the columns of a return the scorecards, the roll-up and the report's highlights read
RETURN_COLUMNS = (PerformanceReturn.id, PerformanceReturn.subcontract_id, PerformanceReturn.period_id,
                  PerformanceReturn.actuals, PerformanceReturn.status, PerformanceReturn.late,
                  PerformanceReturn.narrative, PerformanceReturn.submitted_at)


def _ids_by_text(ids) -> dict:
    """Each id by its text as PostgreSQL (with hyphens) and SQLite (32 hex digits) cast it."""
    return {text: i for i in ids for text in (str(i), i.hex)}


@dataclasses.dataclass
class ContractRows:
    """What a contract's performance reads are computed from, read in a fixed handful of statements however many
    subcontracts, periods and returns it has: its indicators and periods, the subcontracts asked for, their shares
    of the targets (by subcontract, then (indicator id, period id)) and their returns (RETURN_COLUMNS, oldest
    submitted first). Shares and returns are read as plain rows: a big contract has thousands, and these reads
    change none of them. For the roll-up alone (`each_share=False`) the shares are summed by the database per
    (indicator id, period id) into `total_shares` instead."""

    contract: Contract
    indicators: list
    periods: list[ReportingPeriod]
    subcontracts: list[Subcontract]
    shares: dict
    returns: list
    total_shares: dict | None = None

    @classmethod
    def load(cls, session, contract: Contract, subcontracts: list[Subcontract] | None = None,
             each_share: bool = True) -> "ContractRows":
        subs = subcontracts_of(session, contract.id) if subcontracts is None else subcontracts
        ids = [s.id for s in subs]
        shares: dict = {s.id: {} for s in subs}
        total: dict | None = None if each_share else {}
        returns: list = []
        if ids and not each_share:
            total = {(indicator_id, period_id): target for indicator_id, period_id, target in session.execute(
                select(SubcontractTarget.indicator_id, SubcontractTarget.period_id, func.sum(SubcontractTarget.target))
                .where(SubcontractTarget.subcontract_id.in_(ids))
                .group_by(SubcontractTarget.indicator_id, SubcontractTarget.period_id))}
        indicators, periods = indicators_of(session, contract.id), periods_of(session, contract.id)
        if ids and each_share:
            # The ids as text, named by the objects already read: the driver making three UUIDs a row was most of
            # this read's time (2,880 shares on a big contract, issue 16); an id not among them is parsed.
            known = _ids_by_text([*ids, *(i.id for i in indicators), *(per.id for per in periods)])
            for sub_id, indicator_id, period_id, target in session.execute(
                    select(cast(SubcontractTarget.subcontract_id, String), cast(SubcontractTarget.indicator_id, String),
                           cast(SubcontractTarget.period_id, String), SubcontractTarget.target)
                    .where(SubcontractTarget.subcontract_id.in_(ids))):
                sub, indicator, period = (known.get(text) or uuid.UUID(text)
                                          for text in (sub_id, indicator_id, period_id))
                shares[sub][(indicator, period)] = target
        if ids:
            returns = list(session.execute(select(*RETURN_COLUMNS).where(PerformanceReturn.subcontract_id.in_(ids))
                                           .order_by(PerformanceReturn.submitted_at)))
        return cls(contract, indicators, periods, subs, shares, returns, total)

    @functools.cached_property
    def _returns_by_subcontract(self) -> dict:
        found: dict = {}
        for r in self.returns:
            found.setdefault(r.subcontract_id, {})[r.period_id] = r
        return found

    def card(self, subcontract: Subcontract) -> dict:
        return p.scorecard(self.indicators, self.periods, self.shares[subcontract.id],
                           self._returns_by_subcontract.get(subcontract.id, {}), clock.today(),
                           thresholds(self.contract))

    def rollup(self, targets: dict) -> list[dict]:
        """The roll-up against the head contract's `targets` (by (indicator id, period id))."""
        shares = self.total_shares
        if shares is None:
            shares = {}
            for table in self.shares.values():
                for key, value in table.items():
                    shares[key] = shares.get(key, Decimal(0)) + value
        accepted = p.accepted_by_period(self.indicators, self.returns, self.shares,
                                        {s.id: s.organisation_name for s in self.subcontracts})
        return p.rollup(self.indicators, self.periods, targets, shares, accepted, thresholds(self.contract))


@dataclasses.dataclass
class AcceptedRows:
    """What the commissioner's report reads of a contract's accepted returns in some of its periods (issue 16):
    each accepted return as one row, its actual and its subcontract's share for each indicator picked out by the
    database (no actuals' JSON read or parsed here, no shares of periods or returns not reported), the shares
    summed per (indicator id, period id) by the database, and each return's narrative for the highlights; the
    contract's subcontracts (ids and names) are read first. Four statements, each on an index."""

    accepted: dict  # AcceptedReturns by period id
    subcontracted: dict  # the contract's subcontracts' shares summed, by (indicator id, period id)
    narratives: list  # (period id, organisation name, narrative) of accepted returns with one, oldest submitted first

    @classmethod
    def load(cls, session, contract: Contract, indicators: list, periods: list) -> "AcceptedRows":
        accepted: dict = {}
        narratives: list = []
        subcontracted: dict = {}
        names = dict(session.execute(select(Subcontract.id, Subcontract.organisation_name)
                                     .where(Subcontract.contract_id == contract.id)).all())
        if indicators and periods and names:
            # by the subcontracts' ids, so the shares are read on their index (a join or a filter on the periods
            # made PostgreSQL read every contract's shares)
            wanted = {per.id for per in periods}
            subcontracted = {(indicator_id, period_id): total for indicator_id, period_id, total in session.execute(
                select(SubcontractTarget.indicator_id, SubcontractTarget.period_id, func.sum(SubcontractTarget.target))
                .where(SubcontractTarget.subcontract_id.in_(list(names)))
                .group_by(SubcontractTarget.indicator_id, SubcontractTarget.period_id)) if period_id in wanted}
            share = SubcontractTarget.target
            columns = [*(PerformanceReturn.actuals[str(i.id)].as_string() for i in indicators),
                       *(func.max(case((SubcontractTarget.indicator_id == i.id, share), else_=None)).label(f"s{n}")
                         for n, i in enumerate(indicators))]
            known = _ids_by_text([per.id for per in periods])
            width = len(indicators)
            for row in session.execute(
                    select(PerformanceReturn.subcontract_id, cast(PerformanceReturn.period_id, String),
                           PerformanceReturn.narrative, *columns)
                    .outerjoin(SubcontractTarget, (SubcontractTarget.subcontract_id == PerformanceReturn.subcontract_id)
                               & (SubcontractTarget.period_id == PerformanceReturn.period_id))
                    .where(PerformanceReturn.contract_id == contract.id, PerformanceReturn.status == p.ACCEPTED,
                           PerformanceReturn.period_id.in_([per.id for per in periods]))
                    .group_by(PerformanceReturn.id)
                    .order_by(PerformanceReturn.submitted_at, PerformanceReturn.id)):
                subcontract_id, period_id, narrative = row[0], known.get(row[1]) or uuid.UUID(row[1]), row[2]
                name = names.get(subcontract_id)
                actuals, shares = row[3:3 + width], row[3 + width:]
                accepted.setdefault(period_id, []).append(p.AcceptedReturn(
                    subcontract_id, name or "", tuple(None if a is None else Decimal(a) for a in actuals),
                    tuple(shares)))
                if narrative and narrative.strip():
                    narratives.append((period_id, name or "", narrative))
        return cls(accepted, subcontracted, narratives)


def scorecard(session, subcontract: Subcontract) -> dict:
    """P1: for each period, each indicator's share of the target, actual, % of profile and RAG, the period's
    overall RAG and the return's state; and each indicator's trend over the periods."""
    rows = ContractRows.load(session, _contract(session, subcontract.contract_id), [subcontract])
    return rows.card(subcontract) | {"overall": subcontract.overall_rag}


def rollup(session, contract: Contract, rows: ContractRows | None = None) -> list[dict]:
    """Every subcontract's accepted actuals added up to the head contract, per indicator and period, against the
    commissioner's targets, with the RAG of the total and the worst subcontractor's (P1: each share is read for
    that), from `rows` when the caller has read them already."""
    return (rows or ContractRows.load(session, contract)).rollup(targets_table(session, contract.id))


def dashboard(session, contract: Contract, delivery: list[Subcontract] | None = None) -> dict:
    """The RAG heat map's data: each of these delivery subcontracts (a page of them: service_layer.dashboard;
    without them, every one) by indicator and period, with the overall RAG."""
    if delivery is None:
        delivery = [s for s in subcontracts_of(session, contract.id) if s.purpose == "delivery"]
    loaded = ContractRows.load(session, contract, delivery)
    rows = []
    for subcontract in delivery:
        card = loaded.card(subcontract)
        rows.append({"subcontract": subcontract, "overall": subcontract.overall_rag, "periods": card["periods"],
                     "trends": card["trends"]})
    return {"contract": contract, "indicators": loaded.indicators, "periods": loaded.periods, "subcontracts": rows,
            "thresholds": {"green_percent": contract.rag_green_percent, "amber_percent": contract.rag_amber_percent}}


# The orders the returns list offers (hubkit.paging): by when submitted, oldest (the review queue's) or newest
# first, each read either way off an index: a status's returns off ix_performance_return_review (consortium, status,
# submitted_at, id), every return off ix_performance_return_submitted (consortium, submitted_at, id).
RETURN_ORDERS = {"oldest": Order(asc(PerformanceReturn.submitted_at), asc(PerformanceReturn.id)),
                 "newest": Order(desc(PerformanceReturn.submitted_at), desc(PerformanceReturn.id))}


def list_returns(session, status: str | None, page: Page) -> list[dict]:
    """A page of returns in the page's order (RETURN_ORDERS), of one status if given, paged in SQL: only the
    page's returns are viewed (issue 16: every return of the consortium was read and viewed before paging)."""
    query = select(PerformanceReturn)
    if status:
        query = query.where(PerformanceReturn.status == status)
    return return_views(session, page.select(session, query, page.order(RETURN_ORDERS)))


def return_view(session, ret: PerformanceReturn) -> dict:
    return return_views(session, [ret])[0]


def return_views(session, returns: list[PerformanceReturn]) -> list[dict]:
    """Each return with its period, subcontract and contract, its lines against the subcontract's shares with
    their RAG, its evidence (not the files) and history, in a fixed handful of statements however many returns."""
    if not returns:
        return []

    def by_id(entity, ids) -> dict:
        return {row.id: row for row in session.execute(select(entity).where(entity.id.in_(set(ids)))).scalars()}

    periods = by_id(ReportingPeriod, [r.period_id for r in returns])
    subcontracts = by_id(Subcontract, [r.subcontract_id for r in returns])
    contracts = by_id(Contract, [r.contract_id for r in returns])
    indicators: dict = {}
    for indicator in session.execute(select(Indicator).where(Indicator.contract_id.in_(set(contracts)))
                                     .order_by(Indicator.position, Indicator.code)).scalars():
        indicators.setdefault(indicator.contract_id, []).append(indicator)
    shares = {(t.subcontract_id, t.indicator_id, t.period_id): t.target for t in session.execute(
        select(SubcontractTarget).where(SubcontractTarget.subcontract_id.in_(set(subcontracts)),
                                        SubcontractTarget.period_id.in_(set(periods)))).scalars()}
    ids = [r.id for r in returns]
    evidence: dict = {}
    for item in session.execute(select(ReturnEvidence).options(defer(ReturnEvidence.content))
                                .where(ReturnEvidence.return_id.in_(ids)).order_by(ReturnEvidence.uploaded_at)).scalars():
        evidence.setdefault(item.return_id, []).append(item)
    history: dict = {}
    for event in session.execute(select(ReturnEvent).where(ReturnEvent.return_id.in_(ids))
                                 .order_by(ReturnEvent.at)).scalars():
        history.setdefault(event.return_id, []).append(event)
    views = []
    for ret in returns:
        period, subcontract, contract = periods[ret.period_id], subcontracts[ret.subcontract_id], \
            contracts[ret.contract_id]
        limits = thresholds(contract)
        lines = []
        for indicator in indicators.get(contract.id, []):
            actual = Decimal(ret.actuals[str(indicator.id)]) if str(indicator.id) in ret.actuals else None
            target = shares.get((subcontract.id, indicator.id, period.id))
            lines.append({"indicator": indicator, "actual": actual, "target": target,
                          "rag": p.rag(actual, target, indicator.higher_is_better, limits)})
        events = history.get(ret.id, [])
        views.append({"performance_return": ret, "period": period, "subcontract_id": subcontract.id,
                      "organisation_name": subcontract.organisation_name, "contract_id": contract.id,
                      "contract_title": contract.title, "lines": lines, "overall": p.overall(l["rag"] for l in lines),
                      "evidence": evidence.get(ret.id, []), "history": events,
                      "imported": any(event.action == "imported" for event in events)})
    return views


# --- improvement plans ---------------------------------------------------------------------------------

def _plan_fields(plan: ImprovementPlan, subcontract: Subcontract) -> dict:
    return {"improvement_plan_id": str(plan.id), "subcontract_id": str(subcontract.id),
            "contract_id": str(subcontract.contract_id), "organisation_id": str(subcontract.organisation_id)}


def _actions(rows: list[dict]) -> list[dict]:
    return [{"id": str(row.get("id") or uuid.uuid4()), "action": row["action"], "owner": row["owner"],
             "due_on": row["due_on"].isoformat(), "done": bool(row.get("done"))} for row in rows]


def open_plan(uow: UnitOfWork, subcontract: Subcontract, reason: str, actions: list[dict], review_on: dt.date,
              by: str) -> ImprovementPlan:
    """An improvement plan for a subcontract rated red (one open at a time)."""
    session = uow.session
    if not p.needs_improvement_plan(subcontract.overall_rag):
        raise RuleViolation(f"P1: improvement plans are for red; this subcontract is "
                            f"{p.RAG_TEXT[subcontract.overall_rag].lower()}.", rule="P1")
    if session.execute(select(ImprovementPlan.id).where(ImprovementPlan.subcontract_id == subcontract.id,
                                                        ImprovementPlan.status == "open")).first():
        raise RuleViolation("This subcontract already has an open improvement plan.", rule="P1")
    plan = ImprovementPlan(id=uuid.uuid4(), subcontract_id=subcontract.id, organisation_id=subcontract.organisation_id,
                           reason=reason, actions=_actions(actions), reviews=[], review_on=review_on, status="open",
                           opened_at=utcnow(), opened_by=by)
    session.add(plan)
    uow.publish("contracts.improvement_plan.opened", subject=f"subcontract/{subcontract.id}",
                data=_plan_fields(plan, subcontract) | {"reason": reason, "review_on": review_on.isoformat()})
    uow.commit()
    return plan


def _check_open(plan: ImprovementPlan) -> None:
    if plan.status != "open":
        raise RuleViolation("The improvement plan is closed.", rule="P1")


def review_plan(uow: UnitOfWork, plan: ImprovementPlan, note: str, next_review_on: dt.date | None,
                actions: list[dict] | None, by: str) -> ImprovementPlan:
    """Record a review of the plan: a note, the actions as they now stand, and the next review date."""
    _check_open(plan)
    plan.reviews = [*plan.reviews, {"on": clock.today().isoformat(), "note": note, "by": by}]
    if actions is not None:
        plan.actions = _actions(actions)
    if next_review_on is not None:
        plan.review_on = next_review_on
    uow.commit()
    return plan


def close_plan(uow: UnitOfWork, plan: ImprovementPlan, subcontract: Subcontract, note: str, by: str
               ) -> ImprovementPlan:
    _check_open(plan)
    plan.status, plan.closed_at, plan.closed_by, plan.closing_note = "closed", utcnow(), by, note
    uow.publish("contracts.improvement_plan.closed", subject=f"subcontract/{subcontract.id}",
                data=_plan_fields(plan, subcontract) | {"note": note})
    uow.commit()
    return plan


def plans_of(session, subcontract_id) -> list[ImprovementPlan]:
    return list(session.execute(select(ImprovementPlan).where(ImprovementPlan.subcontract_id == subcontract_id)
                                .order_by(ImprovementPlan.opened_at)).scalars())


def subcontract_view(session, subcontract: Subcontract) -> dict:
    """A subcontract with its contract, shares of the targets, payment schedule, variations, returns and plans."""
    from ..adapters.contract_tables import Instalment, Variation

    contract = _contract(session, subcontract.contract_id)
    indicators, periods = indicators_of(session, contract.id), periods_of(session, contract.id)
    shares = shares_table(session, subcontract.id)
    return {
        "subcontract": subcontract, "contract_title": contract.title, "commissioner_name": contract.commissioner_name,
        "indicators": indicators, "periods": periods,
        "targets": [{"indicator_id": i.id, "period_id": per.id, "target": shares.get((i.id, per.id))}
                    for i in indicators for per in periods],
        "payment_schedule": list(session.execute(select(Instalment).where(
            Instalment.subcontract_id == subcontract.id).order_by(Instalment.due_on)).scalars()),
        "variations": list(session.execute(select(Variation).where(
            Variation.subcontract_id == subcontract.id).order_by(Variation.varied_at)).scalars()),
        "scorecard": scorecard(session, subcontract),
        "improvement_plans": plans_of(session, subcontract.id),
    }
