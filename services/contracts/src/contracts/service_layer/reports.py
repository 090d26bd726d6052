"""The commissioner's report (P1: targets against actuals per indicator and period, RAG, highlights) and the
OCDS release package of a contract."""
from __future__ import annotations

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import InvalidField

from ..adapters.contract_tables import Contract, PerformanceReturn, ReportingPeriod
from ..adapters.orm import Opportunity
from ..domain import ocds
from ..domain import performance as p
from .contracts import indicators_of, periods_of, subcontracts_of, targets_table
from .performance import AcceptedRows, thresholds


def _period_range(periods: list[ReportingPeriod], from_number: int | None, to_number: int | None
                  ) -> list[ReportingPeriod]:
    low = from_number or 1
    high = to_number or (periods[-1].number if periods else 1)
    if low > high:
        raise InvalidField.on("to_period", "The range ends before it starts.")
    return [per for per in periods if low <= per.number <= high]


def commissioner_report(session, contract: Contract, from_number: int | None = None,
                        to_number: int | None = None) -> dict:
    """Targets against accepted actuals for each indicator in each period of the range, with their RAG and the
    worst subcontractor's beside it (P1), the overall RAG per period (of the totals, and the worst
    subcontractor's) and the subcontractors' narrative highlights from accepted returns.

    Only what the report shows is read (issue 16): the accepted returns of the range's periods, one row each with
    its actuals and shares picked out by the database, and the shares' sums (AcceptedRows)."""
    indicators = indicators_of(session, contract.id)
    periods = _period_range(periods_of(session, contract.id), from_number, to_number)
    read = AcceptedRows.load(session, contract, indicators, periods)
    lines = p.rollup(indicators, periods, targets_table(session, contract.id), read.subcontracted, read.accepted,
                     thresholds(contract))
    by_period: dict = {}
    for line in lines:
        by_period.setdefault(line["period"].id, []).append(line)
    overall = [{"period": per, "rag": p.overall(r["rag"] for r in by_period.get(per.id, ())),
                "worst_rag": p.worst_of_lines(by_period.get(per.id, ()))} for per in periods]
    wanted = {per.id: per for per in periods}
    highlights = [{"period": wanted[period_id], "organisation_name": name, "narrative": narrative}
                  for period_id, name, narrative in read.narratives]  # oldest submitted first
    highlights.sort(key=lambda h: (h["period"].number, h["organisation_name"]))
    return {"contract": contract, "periods": periods, "indicators": indicators,
            "lines": lines, "overall": overall, "highlights": highlights, "generated_at": utcnow()}


def ocds_package(session, contract: Contract, consortium_name: str, uri: str) -> dict:
    """OCDS 1.1 release package of the contract (tender from its opportunity, if it came from one)."""
    opportunity = None
    if contract.opportunity_id:
        row = session.execute(select(Opportunity).where(Opportunity.id == contract.opportunity_id)
                              ).scalar_one_or_none()
        if row is not None:
            opportunity = {c: getattr(row, c) for c in ("id", "title", "description", "estimated_value_pence",
                                                        "submission_deadline", "clarification_deadline",
                                                        "notice_reference")}
    accepted_periods = {r.period_id for r in session.execute(select(PerformanceReturn).where(
        PerformanceReturn.contract_id == contract.id, PerformanceReturn.status == p.ACCEPTED)).scalars()}
    periods = [{"number": per.number, "label": per.label, "return_due_on": per.return_due_on,
                "met": per.id in accepted_periods} for per in periods_of(session, contract.id)]
    indicators = [{"code": i.code, "name": i.name, "kind": i.kind, "unit": i.unit}
                  for i in indicators_of(session, contract.id)]
    data = {c: getattr(contract, c) for c in ("id", "title", "description", "commissioner_name", "value_pence",
                                              "starts_on", "ends_on", "income_schedule", "status", "awarded_at")}
    subcontracts = [{"id": s.id, "organisation_id": s.organisation_id, "organisation_name": s.organisation_name,
                     "value_pence": s.value_pence} for s in subcontracts_of(session, contract.id)]
    return ocds.release_package(contract=data, opportunity=opportunity, consortium_name=consortium_name,
                                periods=periods, indicators=indicators, published_at=utcnow(), uri=uri,
                                subcontracts=subcontracts)
