"""Use cases for cost codes: the ten hub functions (H2), bids, contracts and the employer's own work."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork
from hubkit.domain import InvalidField

from ..adapters.time_tables import CostCode
from ..domain.time import HUB_FUNCTIONS

EMPLOYER_OWN = "employer-own-work"


# GET /cost-codes: by kind, then code (ix_cost_code_by_kind), paged in SQL.
CODE_ORDER = Order(asc(CostCode.kind), asc(CostCode.code), asc(CostCode.id))


def codes_query():
    """The consortium's cost codes for the caller to page in CODE_ORDER."""
    return select(CostCode)


def all_codes(session, active_only: bool = False) -> list[CostCode]:
    query = codes_query().order_by(CostCode.kind, CostCode.code)
    if active_only:
        query = query.where(CostCode.active.is_(True))
    return list(session.execute(query).scalars())


def _by_code(session, code: str) -> CostCode | None:
    return session.execute(select(CostCode).where(CostCode.code == code)).scalar_one_or_none()


def seed_codes(session) -> int:
    """The ten hub functions (chargeable) and the employer's own work (not chargeable), once per consortium."""
    added = 0
    seeded = [f"hub-{key}" for key in HUB_FUNCTIONS] + [EMPLOYER_OWN]
    there = set(session.execute(select(CostCode.code).where(CostCode.code.in_(seeded))).scalars())  # one read
    for key, title in HUB_FUNCTIONS.items():
        if f"hub-{key}" not in there:
            session.add(CostCode(code=f"hub-{key}", title=title, kind="hub_function", chargeable=True, active=True))
            added += 1
    if EMPLOYER_OWN not in there:
        session.add(CostCode(code=EMPLOYER_OWN, title="The employer's own work (not the consortium's)",
                             kind="employer_own", chargeable=False, active=True))
        added += 1
    if added:
        session.flush()
    return added


def ensure_seeded(uow: UnitOfWork) -> None:
    """Seed on first use, committing only if something was added (a concurrent first use may win the race)."""
    try:
        if seed_codes(uow.session):
            uow.commit()
    except IntegrityError:
        uow.session.rollback()


def _open_source_code(uow: UnitOfWork, kind: str, source_id: uuid.UUID, title: str) -> CostCode:
    code = f"{kind}-{str(source_id)[:8]}"
    existing = uow.session.execute(select(CostCode).where(CostCode.kind == kind, CostCode.source_id == source_id)
                                   ).scalar_one_or_none()
    if existing is not None:
        return existing  # the same bid or contract told twice: one code
    row = CostCode(code=code, title=title[:300], kind=kind, chargeable=True, source_id=source_id, active=True)
    uow.session.add(row)
    uow.session.flush()
    return row


def open_bid_code(uow: UnitOfWork, opportunity_id: uuid.UUID, title: str) -> None:
    """A chargeable code for bidding for an opportunity (from contracts.opportunity.created)."""
    seed_codes(uow.session)
    _open_source_code(uow, "bid", opportunity_id, f"Bid: {title}")


def open_contract_code(uow: UnitOfWork, contract_id: uuid.UUID, title: str) -> None:
    """A chargeable code for managing a contract; called by the handler of contracts.contract.awarded.

    Does not commit: the caller's unit of work does, together with its own changes.
    """
    seed_codes(uow.session)
    _open_source_code(uow, "contract", contract_id, f"Contract: {title}")


def add_code(uow: UnitOfWork, code: str, title: str, chargeable: bool) -> CostCode:
    """Another code of the consortium's own (e.g. a project); hub functions and sources are made for you."""
    if _by_code(uow.session, code) is not None:
        raise InvalidField({"code": ["This code is already in use."]})
    row = CostCode(code=code, title=title, kind="other", chargeable=chargeable, active=True)
    uow.session.add(row)
    uow.commit()
    return row


def set_active(uow: UnitOfWork, row: CostCode, active: bool) -> CostCode:
    row.active = active
    uow.commit()
    return row
