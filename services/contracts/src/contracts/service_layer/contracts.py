"""Use cases for head contracts and subcontracts: award, indicators, periods, targets, subcontracts with their
shares of the targets and payment schedules, variations (F2), the hub model and contract management (H5)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, asc, desc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.contract_tables import (Contract, HubModelCopy, Indicator, Instalment, ReportingPeriod, Subcontract,
                                        SubcontractTarget, Target, Variation)
from ..adapters.orm import Lot, MemberOrganisation, Opportunity
from ..domain import contracts as rules
from ..domain.bids import management_fee


def _by_id(session, model, ident):
    return session.execute(select(model).where(model.id == ident)).scalar_one_or_none()


def indicators_of(session, contract_id) -> list[Indicator]:
    return list(session.execute(select(Indicator).where(Indicator.contract_id == contract_id)
                                .order_by(Indicator.position, Indicator.code)).scalars())


def periods_of(session, contract_id) -> list[ReportingPeriod]:
    return list(session.execute(select(ReportingPeriod).where(ReportingPeriod.contract_id == contract_id)
                                .order_by(ReportingPeriod.number)).scalars())


def subcontracts_of(session, contract_id) -> list[Subcontract]:
    return list(session.execute(select(Subcontract).where(Subcontract.contract_id == contract_id)
                                .order_by(Subcontract.purpose.desc(), Subcontract.organisation_name)).scalars())


def hub_model(session) -> str | None:
    row = session.execute(select(HubModelCopy)).scalar_one_or_none()
    return row.model if row else None


# --- head contracts ------------------------------------------------------------------------------------

def _awarded_data(contract: Contract) -> dict:
    return {"contract_id": str(contract.id), "opportunity_id": str(contract.opportunity_id) if contract.opportunity_id
            else None, "title": contract.title, "commissioner_name": contract.commissioner_name,
            "value_pence": contract.value_pence, "management_fee_basis_points": contract.management_fee_basis_points,
            "starts_on": contract.starts_on.isoformat(), "ends_on": contract.ends_on.isoformat(),
            "payment_terms": contract.payment_terms, "income_schedule": contract.income_schedule}


def _add_indicator(session, contract: Contract, details: dict, position: int) -> Indicator:
    if session.execute(select(Indicator.id).where(Indicator.contract_id == contract.id,
                                                  Indicator.code == details["code"])).first():
        raise RuleViolation(f"The contract already has an indicator {details['code']}.", rule="P1")
    indicator = Indicator(id=uuid.uuid4(), contract_id=contract.id, position=position, **details)
    session.add(indicator)
    return indicator


def award_contract(uow: UnitOfWork, details: dict) -> Contract:
    """Record the head contract won from the commissioner, its indicators and reporting periods (P1), and publish
    contracts.contract.awarded for finance (income schedule, management fee)."""
    session = uow.session
    if details["ends_on"] < details["starts_on"]:
        raise InvalidField.on("ends_on", "The contract cannot end before it starts.")
    income = details.get("income_schedule") or []
    if sum(i["amount_pence"] for i in income) > details["value_pence"]:
        raise InvalidField.on("income_schedule", "The income schedule adds up to more than the contract's value.")
    opportunity = None
    if details.get("opportunity_id"):
        opportunity = _by_id(session, Opportunity, details["opportunity_id"])
        if opportunity is None:
            raise InvalidField.on("opportunity_id", "No such opportunity.")
    if details.get("lot_id"):
        lot = _by_id(session, Lot, details["lot_id"])
        if lot is None or opportunity is None or lot.opportunity_id != opportunity.id:
            raise InvalidField.on("lot_id", "Not a lot of that opportunity.")
    if details["rag_amber_percent"] > details["rag_green_percent"]:
        raise InvalidField.on("rag_amber_percent", "Amber must start at or below green.")
    contract = Contract(
        id=uuid.uuid4(), opportunity_id=details.get("opportunity_id"), lot_id=details.get("lot_id"),
        title=details["title"], description=details.get("description") or "",
        commissioner_name=details["commissioner_name"], value_pence=details["value_pence"],
        management_fee_basis_points=details["management_fee_basis_points"], starts_on=details["starts_on"],
        ends_on=details["ends_on"], payment_terms=details.get("payment_terms") or "",
        income_schedule=[{"due_on": i["due_on"].isoformat(), "amount_pence": i["amount_pence"]} for i in income],
        reporting_frequency=details["reporting_frequency"], return_due_days=details["return_due_days"],
        rag_green_percent=details["rag_green_percent"], rag_amber_percent=details["rag_amber_percent"],
        status=rules.AWARDED, awarded_at=utcnow())
    session.add(contract)
    session.flush()
    for position, indicator in enumerate(details.get("indicators") or []):
        _add_indicator(session, contract, indicator, position)
    for period in rules.reporting_periods(contract.starts_on, contract.ends_on, contract.reporting_frequency,
                                          contract.return_due_days):
        session.add(ReportingPeriod(id=uuid.uuid4(), contract_id=contract.id, number=period.number,
                                    label=period.label, starts_on=period.starts_on, ends_on=period.ends_on,
                                    return_due_on=period.return_due_on))
    uow.publish("contracts.contract.awarded", subject=f"contract/{contract.id}", data=_awarded_data(contract))
    uow.commit()
    return contract


def add_indicator(uow: UnitOfWork, contract: Contract, details: dict) -> Indicator:
    indicator = _add_indicator(uow.session, contract, details, len(indicators_of(uow.session, contract.id)))
    uow.commit()
    return indicator


def _resolve(session, contract: Contract, rows: list[dict], field: str) -> list[tuple[Indicator, ReportingPeriod,
                                                                                      Decimal]]:
    """Each {indicator (id or code), period_id (or period number), target} row checked against the contract."""
    indicators = indicators_of(session, contract.id)
    by_key = {str(i.id): i for i in indicators} | {i.code: i for i in indicators}
    periods = periods_of(session, contract.id)
    periods_by_key = {str(p.id): p for p in periods} | {str(p.number): p for p in periods}
    resolved = []
    for index, row in enumerate(rows):
        indicator = by_key.get(str(row["indicator"]))
        if indicator is None:
            raise InvalidField.on(field, f"Row {index + 1}: {row['indicator']} is not an indicator of this contract.")
        period = periods_by_key.get(str(row["period"]))
        if period is None:
            raise InvalidField.on(field, f"Row {index + 1}: {row['period']} is not a reporting period of this contract.")
        resolved.append((indicator, period, Decimal(str(row["target"]))))
    return resolved


def set_targets(uow: UnitOfWork, contract: Contract, rows: list[dict]) -> None:
    """Set the head contract's targets per indicator and period (rows not sent are kept)."""
    session = uow.session
    for indicator, period, value in _resolve(session, contract, rows, "targets"):
        target = session.execute(select(Target).where(Target.indicator_id == indicator.id,
                                                      Target.period_id == period.id)).scalar_one_or_none()
        if target is None:
            session.add(Target(id=uuid.uuid4(), contract_id=contract.id, indicator_id=indicator.id,
                               period_id=period.id, target=value))
        else:
            target.target = value
    uow.commit()


def set_thresholds(uow: UnitOfWork, contract: Contract, green: int, amber: int) -> Contract:
    if amber > green:
        raise InvalidField.on("amber_percent", "Amber must start at or below green.")
    contract.rag_green_percent, contract.rag_amber_percent = green, amber
    uow.commit()
    return contract


def _has_management_subcontract(session, contract: Contract) -> bool:
    return any(s.purpose == "contract_management" for s in subcontracts_of(session, contract.id))


def go_live(uow: UnitOfWork, contract: Contract) -> Contract:
    """Mark the contract live; in a virtual hub only once its management is subcontracted to a member (H5)."""
    rules.check_can_go_live(contract.status, hub_model(uow.session),
                            _has_management_subcontract(uow.session, contract))
    contract.status, contract.went_live_at = rules.LIVE, utcnow()
    uow.publish("contracts.contract.went_live", subject=f"contract/{contract.id}", data={
        "contract_id": str(contract.id), "title": contract.title, "went_live_on": clock.today().isoformat()})
    uow.commit()
    return contract


def targets_table(session, contract_id) -> dict[tuple, Decimal]:
    return {(t.indicator_id, t.period_id): t.target for t in session.execute(
        select(Target).where(Target.contract_id == contract_id)).scalars()}


def contract_view(session, contract: Contract) -> dict:
    """A contract with its indicators, periods and targets, subcontracts, fee and what is left, and H5's state."""
    indicators, periods = indicators_of(session, contract.id), periods_of(session, contract.id)
    targets = targets_table(session, contract.id)
    subcontracts = subcontracts_of(session, contract.id)
    fee = management_fee(contract.value_pence, contract.management_fee_basis_points)
    available = rules.available_for_subcontracts(contract.value_pence, contract.management_fee_basis_points)
    subcontracted = sum(s.value_pence for s in subcontracts)
    model = hub_model(session)
    needed = rules.management_subcontract_needed(model)
    has_management = any(s.purpose == "contract_management" for s in subcontracts)
    today = clock.today()
    return {
        "contract": contract, "indicators": indicators,
        "periods": [{"period": p, "overdue": p.return_due_on < today} for p in periods],
        "targets": [{"indicator_id": i.id, "period_id": p.id, "target": targets.get((i.id, p.id))}
                    for i in indicators for p in periods],
        "subcontracts": subcontracts, "management_fee_pence": fee, "available_for_subcontracts_pence": available,
        "subcontracted_pence": subcontracted, "unallocated_pence": available - subcontracted,
        "hub_model": model, "management_subcontract_needed": needed,
        "management_subcontract_missing": needed and not has_management,
        "can_go_live": contract.status != rules.LIVE and not (needed and not has_management),
    }


# GET /contracts: latest start first, then by title (ix_contract_latest_start), paged in SQL.
CONTRACT_ORDER = Order(desc(Contract.starts_on), asc(Contract.title), asc(Contract.id))


def contracts_query():
    """Every head contract, for the caller to page in CONTRACT_ORDER."""
    return select(Contract)


# --- subcontracts --------------------------------------------------------------------------------------

def _schedule(session, contract: Contract, rows: list[dict]) -> list[dict]:
    periods = {p.id: p for p in periods_of(session, contract.id)}
    schedule = []
    for index, row in enumerate(rows):
        period = None
        if row["release"] == "on_accepted_return":
            period = periods.get(row.get("period_id"))
            if period is None:
                raise InvalidField.on("payment_schedule", f"Instalment {index + 1}: payment by results names one of "
                                                        "the contract's reporting periods.")
        elif row.get("period_id") is not None and row["period_id"] not in periods:
            raise InvalidField.on("payment_schedule", f"Instalment {index + 1}: not a period of this contract.")
        due_on = row.get("due_on") or (period.return_due_on if period else None)
        if due_on is None:
            raise InvalidField.on("payment_schedule", f"Instalment {index + 1}: give the date it is due.")
        schedule.append({"due_on": due_on, "amount_pence": row["amount_pence"], "release": row["release"],
                         "period_id": period.id if period else row.get("period_id")})
    return schedule


def _instalments(session, subcontract_id) -> list[Instalment]:
    return list(session.execute(select(Instalment).where(Instalment.subcontract_id == subcontract_id)
                                .order_by(Instalment.due_on)).scalars())


def _shares(session, subcontract_id) -> list[SubcontractTarget]:
    return list(session.execute(select(SubcontractTarget).where(SubcontractTarget.subcontract_id == subcontract_id)
                                ).scalars())


def _replace_schedule(session, subcontract: Subcontract, schedule: list[dict]) -> None:
    for old in _instalments(session, subcontract.id):
        session.delete(old)
    session.flush()
    for row in schedule:
        session.add(Instalment(id=uuid.uuid4(), subcontract_id=subcontract.id, **row))


def _replace_shares(session, contract: Contract, subcontract: Subcontract, rows: list[dict]) -> None:
    resolved = _resolve(session, contract, rows, "targets")
    for old in _shares(session, subcontract.id):
        session.delete(old)
    session.flush()
    for indicator, period, value in resolved:
        session.add(SubcontractTarget(id=uuid.uuid4(), subcontract_id=subcontract.id, indicator_id=indicator.id,
                                      period_id=period.id, target=value))


def _subcontract_data(session, subcontract: Subcontract) -> dict:
    session.flush()
    return {"subcontract_id": str(subcontract.id), "contract_id": str(subcontract.contract_id),
            "organisation_id": str(subcontract.organisation_id), "organisation_name": subcontract.organisation_name,
            "purpose": subcontract.purpose, "value_pence": subcontract.value_pence,
            "starts_on": subcontract.starts_on.isoformat(), "ends_on": subcontract.ends_on.isoformat(),
            "payment_schedule": [{"instalment_id": str(i.id), "due_on": i.due_on.isoformat(),
                                  "amount_pence": i.amount_pence, "release": i.release,
                                  "period_id": str(i.period_id) if i.period_id else None}
                                 for i in _instalments(session, subcontract.id)]}


def _check_dates(contract: Contract, starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise InvalidField.on("ends_on", "The subcontract cannot end before it starts.")
    if starts_on < contract.starts_on or ends_on > contract.ends_on:
        raise InvalidField.on("ends_on" if ends_on > contract.ends_on else "starts_on",
                            "A subcontract runs within the head contract's dates.")


def issue_subcontract(uow: UnitOfWork, contract: Contract, details: dict) -> Subcontract:
    """F2: pass work (or, H5, the contract's management) to an active member, within the contract's value less
    the management fee; publishes contracts.subcontract.issued with its payment schedule."""
    session = uow.session
    org = _by_id(session, MemberOrganisation, details["organisation_id"])
    rules.check_member_can_subcontract(org.status if org else None, org.name if org else None)
    starts_on, ends_on = details.get("starts_on") or contract.starts_on, details.get("ends_on") or contract.ends_on
    _check_dates(contract, starts_on, ends_on)
    others = [s.value_pence for s in subcontracts_of(session, contract.id)]
    rules.check_subcontract_values(contract.value_pence, contract.management_fee_basis_points,
                                   others + [details["value_pence"]])
    schedule = _schedule(session, contract, details.get("payment_schedule") or [])
    rules.check_schedule_within_value(details["value_pence"], [row["amount_pence"] for row in schedule])
    subcontract = Subcontract(id=uuid.uuid4(), contract_id=contract.id, organisation_id=org.id,
                              organisation_name=org.name, purpose=details["purpose"],
                              value_pence=details["value_pence"], starts_on=starts_on, ends_on=ends_on,
                              issued_at=utcnow(), issued_by=uow.actor)
    session.add(subcontract)
    session.flush()
    _replace_shares(session, contract, subcontract, details.get("targets") or [])
    _replace_schedule(session, subcontract, schedule)
    uow.publish("contracts.subcontract.issued", subject=f"subcontract/{subcontract.id}",
                data=_subcontract_data(session, subcontract))
    uow.commit()
    return subcontract


def _snapshot(session, subcontract: Subcontract) -> dict:
    data = _subcontract_data(session, subcontract)
    data["targets"] = sorted(({"indicator_id": str(t.indicator_id), "period_id": str(t.period_id),
                               "target": str(t.target)} for t in _shares(session, subcontract.id)),
                             key=lambda r: (r["indicator_id"], r["period_id"]))
    return {k: v for k, v in data.items() if k in ("value_pence", "starts_on", "ends_on", "payment_schedule",
                                                   "targets")}


def vary_subcontract(uow: UnitOfWork, contract: Contract, subcontract: Subcontract, changes: dict) -> Variation:
    """A variation with its reason: value, dates, schedule or shares; the F2 check still holds; history is kept
    and contracts.subcontract.varied carries the subcontract as it now stands."""
    session = uow.session
    before = _snapshot(session, subcontract)
    previous_value = subcontract.value_pence
    value = changes.get("value_pence", subcontract.value_pence)
    starts_on, ends_on = changes.get("starts_on", subcontract.starts_on), changes.get("ends_on", subcontract.ends_on)
    _check_dates(contract, starts_on, ends_on)
    others = [s.value_pence for s in subcontracts_of(session, contract.id) if s.id != subcontract.id]
    rules.check_subcontract_values(contract.value_pence, contract.management_fee_basis_points, others + [value])
    if "payment_schedule" in changes:
        schedule = _schedule(session, contract, changes["payment_schedule"])
    else:
        schedule = [{"due_on": i.due_on, "amount_pence": i.amount_pence, "release": i.release,
                     "period_id": i.period_id} for i in _instalments(session, subcontract.id)]
    rules.check_schedule_within_value(value, [row["amount_pence"] for row in schedule])
    subcontract.value_pence, subcontract.starts_on, subcontract.ends_on = value, starts_on, ends_on
    if "payment_schedule" in changes:
        _replace_schedule(session, subcontract, schedule)
    if "targets" in changes:
        _replace_shares(session, contract, subcontract, changes["targets"])
    after = _snapshot(session, subcontract)
    if after == before:
        raise RuleViolation("The variation changes nothing.", rule="F2")
    variation = Variation(id=uuid.uuid4(), subcontract_id=subcontract.id, reason=changes["reason"], before=before,
                          after=after, varied_by=uow.actor, varied_at=utcnow())
    session.add(variation)
    uow.publish("contracts.subcontract.varied", subject=f"subcontract/{subcontract.id}", data={
        **_subcontract_data(session, subcontract), "variation_id": str(variation.id), "reason": changes["reason"],
        "previous_value_pence": previous_value})
    uow.commit()
    return variation


# Subcontracts latest issued first, paged in SQL on ix_subcontract_latest_issued (consortium, issued_at, id)
SUBCONTRACTS_LATEST = Order(desc(Subcontract.issued_at), desc(Subcontract.id))


# --- the hub model (H5) --------------------------------------------------------------------------------

def apply_hub_model(uow: UnitOfWork, event) -> None:
    """Keep the consortium's current hub model from governance.hub_model.changed; an older event never wins."""
    session = uow.session
    row = session.execute(select(HubModelCopy)).scalar_one_or_none()
    if row is not None and row.announced_at > event.occurred_at:
        return
    if row is None:
        row = HubModelCopy(id=uuid.uuid4(), consortium_id=event.consortium_id)
        session.add(row)
    row.model = event.data["model"]
    row.effective_from = dt.date.fromisoformat(str(event.data["effective_from"]))
    row.decision_id = uuid.UUID(str(event.data["decision_id"]))
    row.announced_at = event.occurred_at
