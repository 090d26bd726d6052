"""The consortium's money settings (F1's threshold and its owner, G11's daily rate and deputies) and the simple
ledger."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hubkit.db import utcnow
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.money_tables import LedgerPosting, MoneySettings
from ..domain import budgets as budget_rules
from ..domain.budgets import DEFAULT_THRESHOLD_OWNER, DEFAULT_THRESHOLD_PENCE
from ..domain.claims import DEFAULT_DAILY_RATE_PENCE

DEFAULTS = {"variation_threshold_pence": DEFAULT_THRESHOLD_PENCE, "variation_threshold_owner": DEFAULT_THRESHOLD_OWNER,
            "claim_daily_rate_pence": DEFAULT_DAILY_RATE_PENCE, "deputy_may_claim": True}


def current(session) -> dict:
    """The settings in force: the consortium's own, or the seed's defaults."""
    row = session.execute(select(MoneySettings)).scalar_one_or_none()
    if row is None:
        return dict(DEFAULTS, updated_by=None, updated_at=None)
    return {key: getattr(row, key) for key in (*DEFAULTS, "updated_by", "updated_at")}


def locked(uow: UnitOfWork, by: str = "system") -> MoneySettings:
    """The consortium's settings row (made with the defaults if need be), locked until commit: what must happen
    one at a time in a consortium's money, such as numbering payment runs, waits on it."""
    query = select(MoneySettings).with_for_update()
    row = uow.session.execute(query).scalar_one_or_none()
    if row is None:
        try:
            with uow.session.begin_nested():  # another transaction may be making it at this moment: one wins
                uow.session.add(MoneySettings(**DEFAULTS, updated_by=by, updated_at=utcnow()))
        except IntegrityError:
            pass
        row = uow.session.execute(query).scalar_one()
    return row


def change(uow: UnitOfWork, changed_by: str, roles=frozenset({budget_rules.FINANCE_OFFICER}), **values) -> dict:
    """The finance officer's settings; moving F1's threshold is its owner's alone (NotAllowed)."""
    row = locked(uow, changed_by)
    threshold = values.get("variation_threshold_pence")
    if threshold is not None and threshold != row.variation_threshold_pence:
        budget_rules.check_sets_threshold(row.variation_threshold_owner, roles)
    for key, value in values.items():
        if value is not None:
            setattr(row, key, value)
    row.updated_by, row.updated_at = changed_by, utcnow()
    uow.session.flush()
    uow.commit()
    return current(uow.session)


def set_threshold(uow: UnitOfWork, changed_by: str, roles, *, owner: str | None = None,
                  variation_threshold_pence: int | None = None) -> dict:
    """The host admin names F1's threshold's owner; its owner (as it is once that is done) moves the threshold.
    Raise NotAllowed; nothing is written unless every part is allowed."""
    row = locked(uow, changed_by)
    if owner is not None and owner != row.variation_threshold_owner:
        budget_rules.check_names_threshold_owner(roles)
        row.variation_threshold_owner = owner
    if variation_threshold_pence is not None and variation_threshold_pence != row.variation_threshold_pence:
        budget_rules.check_sets_threshold(row.variation_threshold_owner, roles)
        row.variation_threshold_pence = variation_threshold_pence
    row.updated_by, row.updated_at = changed_by, utcnow()
    uow.session.flush()
    uow.commit()
    return current(uow.session)


def post(session, *, on: dt.date, category: str, amount_pence: int, source_kind: str, source_id: uuid.UUID,
         description: str) -> LedgerPosting:
    """Post once per source (a repeat returns the posting already made)."""
    existing = session.execute(select(LedgerPosting).where(LedgerPosting.source_kind == source_kind,
                                                           LedgerPosting.source_id == source_id)).scalar_one_or_none()
    if existing is not None:
        return existing
    row = LedgerPosting(posted_on=on, category=category, amount_pence=amount_pence, source_kind=source_kind,
                        source_id=source_id, description=description[:500])
    session.add(row)
    session.flush()
    return row


# GET /money/ledger: by day, then category (ix_ledger_posting_by_day), paged in SQL.
POSTING_ORDER = Order(asc(LedgerPosting.posted_on), asc(LedgerPosting.category), asc(LedgerPosting.id))


def postings_query(start: dt.date | None = None, end: dt.date | None = None):
    """The ledger's postings (between these days, if given) for the caller to page in POSTING_ORDER."""
    query = select(LedgerPosting)
    if start:
        query = query.where(LedgerPosting.posted_on >= start)
    if end:
        query = query.where(LedgerPosting.posted_on <= end)
    return query
