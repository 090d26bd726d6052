"""Use cases for contract income and the management fee (from contracts' awards), and recharges in the ledger."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.money_tables import ContractIncome, IncomeInstalment
from ..domain import money as rules
from . import money_settings


def learn_award(uow: UnitOfWork, data: dict) -> ContractIncome:
    """Keep an awarded contract's income schedule and fee; told again, the schedule is brought up to date
    (instalments already received are kept as they were)."""
    contract_id = uuid.UUID(str(data["contract_id"]))
    row = uow.session.execute(select(ContractIncome).where(ContractIncome.contract_id == contract_id)
                              ).scalar_one_or_none()
    value, basis_points = int(data["value_pence"]), int(data["management_fee_basis_points"])
    fields = dict(title=data["title"][:300], commissioner_name=data["commissioner_name"][:300], value_pence=value,
                  fee_basis_points=basis_points, fee_pence=rules.fee_pence(value, basis_points),
                  starts_on=_date(data["starts_on"]), ends_on=_date(data["ends_on"]),
                  payment_terms=data.get("payment_terms") or "")
    if row is None:
        row = ContractIncome(contract_id=contract_id, awarded_at=utcnow(), **fields)
        uow.session.add(row)
        uow.session.flush()
    else:
        for key, value_ in fields.items():
            setattr(row, key, value_)
    schedule = sorted(((_date(i["due_on"]), int(i["amount_pence"])) for i in data.get("income_schedule") or []))
    existing = instalments(uow.session, row.id)
    if [(i.due_on, i.amount_pence) for i in existing] != schedule:
        received = [i for i in existing if i.received_on is not None]
        for instalment in existing:
            if instalment.received_on is None:
                uow.session.delete(instalment)
        uow.session.flush()
        kept = {(i.due_on, i.amount_pence) for i in received}
        for position, (due_on, amount) in enumerate(schedule, start=1):
            if (due_on, amount) in kept:
                kept.discard((due_on, amount))
                continue
            uow.session.add(IncomeInstalment(contract_income_id=row.id, position=position, due_on=due_on,
                                             amount_pence=amount, fee_pence=0))
        uow.session.flush()
    _share_fee(uow.session, row)
    return row


def _share_fee(session, contract: ContractIncome) -> None:
    rows = instalments(session, contract.id)
    for position, (row, share) in enumerate(zip(rows, rules.fee_shares([r.amount_pence for r in rows],
                                                                      contract.fee_basis_points)), start=1):
        row.fee_pence, row.position = share, position
    session.flush()


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def instalments(session, contract_income_id) -> list[IncomeInstalment]:
    return list(session.execute(select(IncomeInstalment).where(
        IncomeInstalment.contract_income_id == contract_income_id).order_by(
        IncomeInstalment.due_on, IncomeInstalment.id)).scalars())


# GET /income/contracts: by start, then title (ix_contract_income_by_start), paged in SQL.
CONTRACT_ORDER = Order(asc(ContractIncome.starts_on), asc(ContractIncome.title), asc(ContractIncome.id))


def contracts_query():
    """The contracts' income for the caller to page in CONTRACT_ORDER."""
    return select(ContractIncome)


def contracts(session) -> list[ContractIncome]:
    return list(session.execute(contracts_query().order_by(ContractIncome.starts_on, ContractIncome.title)).scalars())


def view(session, contract: ContractIncome) -> dict:
    rows = instalments(session, contract.id)
    return {**{key: getattr(contract, key) for key in (
        "id", "contract_id", "title", "commissioner_name", "value_pence", "fee_basis_points", "fee_pence",
        "starts_on", "ends_on", "payment_terms")},
        "scheduled_pence": sum(r.amount_pence for r in rows),
        "received_pence": sum(r.amount_pence for r in rows if r.received_on),
        "instalments": rows}


def record_received(uow: UnitOfWork, instalment: IncomeInstalment, received_on: dt.date, by: str) -> IncomeInstalment:
    """The commissioner paid: income and the fee top-slice go into the ledger (once)."""
    if instalment.received_on is not None:
        raise RuleViolation("This income was already recorded as received.", rule="F4")
    contract = uow.session.get(ContractIncome, instalment.contract_income_id)
    instalment.received_on, instalment.received_by = received_on, by
    money_settings.post(uow.session, on=received_on, category="income", amount_pence=instalment.amount_pence,
                        source_kind="income_instalment", source_id=instalment.id,
                        description=f"{contract.title}: income due {instalment.due_on:%d/%m/%Y}")
    money_settings.post(uow.session, on=received_on, category="management_fee", amount_pence=instalment.fee_pence,
                        source_kind="management_fee", source_id=instalment.id,
                        description=f"{contract.title}: management fee on income due {instalment.due_on:%d/%m/%Y}")
    uow.commit()
    return instalment


def learn_recharge_invoice(uow: UnitOfWork, data: dict) -> None:
    """A recharge invoice (or credit note, negative) issued to the consortium: spent on staff recharges (H4)."""
    money_settings.post(uow.session, on=_date(data["issued_on"]), category="staff_recharges",
                        amount_pence=int(data["total_pence"]), source_kind="recharge_invoice",
                        source_id=uuid.UUID(str(data["invoice_id"])),
                        description=f"{'Credit note' if data['kind'] == 'credit_note' else 'Recharge invoice'} "
                                    f"{data['number']}")
