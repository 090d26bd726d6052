"""Use cases for staff and their full-cost rates (F3)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.time_tables import StaffMember, StaffRate
from ..domain import rates as rate_rules
from . import references



def _check_employer(employer_kind: str, organisation_id) -> None:
    if employer_kind == "consortium" and organisation_id is not None:
        raise InvalidField({"organisation_id": ["Staff employed by the consortium have no employing organisation."]})
    if employer_kind in ("host", "member") and organisation_id is None:
        raise InvalidField({"organisation_id": ["Name the organisation that employs this person."]})


def _check_manager(session, staff_id, line_manager_id) -> None:
    if line_manager_id is None:
        return
    if line_manager_id == staff_id:
        raise InvalidField({"line_manager_id": ["Nobody is their own line manager."]})
    if session.execute(select(StaffMember.id).where(StaffMember.id == line_manager_id)).first() is None:
        raise InvalidField({"line_manager_id": ["No such staff member in this consortium."]})


def add_staff(uow: UnitOfWork, name: str, employer_kind: str, organisation_id: uuid.UUID | None,
              line_manager_id: uuid.UUID | None, user_id: str | None) -> StaffMember:
    """Record someone who logs time for the hub, with their employer."""
    staff = new_staff(uow, name, employer_kind, organisation_id, line_manager_id, user_id)
    uow.commit()
    return staff


def new_staff(uow: UnitOfWork, name: str, employer_kind: str, organisation_id: uuid.UUID | None,
              line_manager_id: uuid.UUID | None, user_id: str | None) -> StaffMember:
    """A person who logs time for the hub, checked and added, not committed (an import adds many).

    The employing organisation is one finance knows (issue 12 item 3: refused, not pending, as the staff import
    already refuses an employer that is not a member: UnknownOrganisation, 422 naming organisation_id; see
    `references`)."""
    _check_employer(employer_kind, organisation_id)
    references.check_organisation(uow.session, organisation_id)
    staff_id = uuid.uuid4()
    _check_manager(uow.session, staff_id, line_manager_id)
    staff = StaffMember(id=staff_id, name=name, employer_kind=employer_kind, organisation_id=organisation_id,
                        line_manager_id=line_manager_id, user_id=user_id, created_at=utcnow())
    uow.session.add(staff)
    return staff


def update_staff(uow: UnitOfWork, staff: StaffMember, **changes) -> StaffMember:
    """Change a person's name, line manager or linked user (the employer stays: costed time belongs to it)."""
    if "line_manager_id" in changes:
        _check_manager(uow.session, staff.id, changes["line_manager_id"])
    for key, value in changes.items():
        setattr(staff, key, value)
    uow.commit()
    return staff


def listing_query(name: str | None = None):
    """Staff (paged in SQL by the caller, by name), those whose name holds `name` in any case if given (SQL's lower():
    on SQLite, ASCII letters only)."""
    query = select(StaffMember)
    if name and name.strip():
        query = query.where(func.lower(StaffMember.name).contains(name.strip().lower(), autoescape=True))
    return query


def staff_for_user(session, user_id: str) -> StaffMember | None:
    return session.execute(select(StaffMember).where(StaffMember.user_id == user_id)).scalar_one_or_none()


# GET /staff/{id}/rates: oldest first (ix_staff_rate_history), paged in SQL.
RATE_ORDER = Order(asc(StaffRate.effective_from), asc(StaffRate.created_at), asc(StaffRate.id))


def rates_query(staff_id):
    """The person's rates for the caller to page in RATE_ORDER."""
    return select(StaffRate).where(StaffRate.staff_id == staff_id)


def rate_history(session, staff_id) -> list[StaffRate]:
    """The person's rates, oldest first (RATE_ORDER)."""
    return list(session.execute(rates_query(staff_id).order_by(StaffRate.effective_from, StaffRate.created_at,
                                                                StaffRate.id)).scalars())


def current_rates(session, staff_ids, on: dt.date) -> dict:
    """Each person's hourly rate in effect on a day (pence), for many people in one query (F3)."""
    ids = list(staff_ids)
    if not ids:
        return {}
    query = select(StaffRate.staff_id, StaffRate.hourly_rate_pence).where(StaffRate.effective_from <= on)
    if len(ids) <= 500:  # a few people: theirs; a whole listing: every rate that has begun, in the same one query
        query = query.where(StaffRate.staff_id.in_(ids))
    current: dict = {}
    for staff_id, pence in session.execute(query.order_by(StaffRate.effective_from, StaffRate.created_at)):
        current[staff_id] = pence  # the latest that has begun wins
    return {staff_id: current[staff_id] for staff_id in ids if staff_id in current}


def set_rate(uow: UnitOfWork, staff: StaffMember, effective_from: dt.date, salary_pence: int,
             on_costs_percent: Decimal | None, on_costs_pence: int | None, overhead_percent: Decimal,
             productive_hours: Decimal) -> StaffRate:
    """F3: a new full-cost rate from a date; earlier rates stay as history and costed entries keep theirs."""
    rate = new_rate(uow, staff, effective_from, salary_pence, on_costs_percent, on_costs_pence, overhead_percent,
                    productive_hours)
    uow.commit()
    return rate


def new_rate(uow: UnitOfWork, staff: StaffMember, effective_from: dt.date, salary_pence: int,
             on_costs_percent: Decimal | None, on_costs_pence: int | None, overhead_percent: Decimal,
             productive_hours: Decimal) -> StaffRate:
    """F3: a full-cost rate worked out and added, not committed (an import adds a history)."""
    inputs = rate_rules.RateInputs(salary_pence, on_costs_percent, on_costs_pence, overhead_percent,
                                   productive_hours)
    hourly = rate_rules.full_cost_rate_pence(inputs)
    if any(r.effective_from == effective_from for r in rate_history(uow.session, staff.id)):
        raise RuleViolation(f"{staff.name} already has a rate from {effective_from.isoformat()}.")
    rate = StaffRate(staff_id=staff.id, organisation_id=staff.organisation_id, effective_from=effective_from,
                     salary_pence=salary_pence, on_costs_percent=on_costs_percent, on_costs_pence=on_costs_pence,
                     overhead_percent=overhead_percent, productive_hours=productive_hours,
                     full_cost_pence=rate_rules.to_pence(rate_rules.yearly_full_cost(inputs)),
                     hourly_rate_pence=hourly, set_by=uow.actor, created_at=utcnow())
    uow.session.add(rate)
    return rate
