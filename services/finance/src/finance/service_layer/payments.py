"""Use cases for subcontractor payments (F2): schedules from subcontracts, release by date or accepted return,
payees, and payment runs (select, approve, export, mark paid)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, asc, desc
from hubkit.unit_of_work import UnitOfWork, in_every_consortium
from hubkit import clock

from ..adapters.money_tables import (AttendanceClaim, Payee, PaymentInstalment, PaymentRun, PaymentRunItem,
                                     PeriodReturn, SubcontractCopy)
from ..domain import claims as claim_rules
from ..domain import money as rules
from . import money_settings, references


def _uuid(value) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# --- payees ------------------------------------------------------------------------------------------

def payee_for(session, organisation_id: uuid.UUID, name: str | None = None) -> Payee:
    """The organisation's payee record, made with placeholder bank details on first need."""
    row = session.execute(select(Payee).where(Payee.organisation_id == organisation_id)).scalar_one_or_none()
    if row is None:
        row = Payee(organisation_id=organisation_id, name=(name or "Member organisation")[:200],
                    sort_code=rules.PLACEHOLDER_SORT_CODE, account_number=rules.PLACEHOLDER_ACCOUNT,
                    details_confirmed=False)
        session.add(row)
        session.flush()
    return row


def set_payee(uow: UnitOfWork, organisation_id: uuid.UUID, name: str, sort_code: str, account_number: str,
              by: str) -> Payee:
    """Who the organisation is paid as. The organisation is one finance knows (issue 12 item 3: UnknownOrganisation,
    422 naming organisation_id, if not; see `references`), never another consortium's or a made-up id."""
    references.check_organisation(uow.session, organisation_id)
    row = payee_for(uow.session, organisation_id, name)
    row.name, row.sort_code, row.account_number = name, sort_code, account_number
    row.details_confirmed, row.updated_by = True, by
    uow.commit()
    return row


# GET /payments/payees: by name (ix_payee_by_name), paged in SQL.
PAYEE_ORDER = Order(asc(Payee.name), asc(Payee.id))


def payees_query():
    """The payees (member staff: their own organisation's) for the caller to page in PAYEE_ORDER."""
    return select(Payee)


# --- schedules from contracts' events ----------------------------------------------------------------

def _period_return(session, subcontract_id, period_id) -> PeriodReturn | None:
    if period_id is None:
        return None
    return session.execute(select(PeriodReturn).where(PeriodReturn.subcontract_id == subcontract_id,
                                                      PeriodReturn.period_id == period_id)).scalar_one_or_none()


def settle(uow: UnitOfWork, instalment: PaymentInstalment, today: dt.date) -> None:
    """Bring an unpaid instalment to where it stands today: scheduled, held or released (published once)."""
    if instalment.status in rules.LOCKED or instalment.status == rules.WITHDRAWN:
        return
    found = _period_return(uow.session, instalment.subcontract_id, instalment.period_id)
    state = rules.release_state(instalment.release, instalment.due_on, today,
                                found.period_label if found else None, found.status if found else None,
                                found.comment if found else None)
    instalment.reason = state.reason
    if state.status != rules.RELEASED:
        instalment.status, instalment.released_on, instalment.released_by_return_id = state.status, None, None
        return
    if instalment.status != rules.RELEASED:
        instalment.status = rules.RELEASED
        by_return = instalment.release == rules.ON_ACCEPTED_RETURN and found is not None
        instalment.released_on = found.accepted_on if by_return and found.accepted_on else today
        instalment.released_by_return_id = found.return_id if by_return else None
    if not instalment.release_published:
        # Once per instalment, however often it is settled, re-held or re-released.
        instalment.release_published = True
        uow.publish("finance.payment.released", subject=f"instalment/{instalment.instalment_id}", data={
            "instalment_id": str(instalment.instalment_id), "subcontract_id": str(instalment.subcontract_id),
            "contract_id": str(instalment.contract_id), "organisation_id": str(instalment.organisation_id),
            "amount_pence": instalment.amount_pence, "release": instalment.release,
            "period_id": str(instalment.period_id) if instalment.period_id else None,
            "return_id": str(instalment.released_by_return_id) if instalment.released_by_return_id else None,
            "released_on": instalment.released_on.isoformat()})


def schedule_of(session, subcontract_id) -> list[PaymentInstalment]:
    return list(session.execute(select(PaymentInstalment).where(
        PaymentInstalment.subcontract_id == subcontract_id).order_by(
        PaymentInstalment.due_on, PaymentInstalment.instalment_id)).scalars())


def learn_subcontract(uow: UnitOfWork, data: dict, today: dt.date | None = None, varied: bool = False) -> None:
    """Keep a subcontract and its payment schedule. A variation replaces the schedule: instalments in a run or
    paid are kept as they are (never paid twice), the rest follow the varied schedule, and those it drops are
    withdrawn."""
    today = today or clock.today()
    subcontract_id = _uuid(data["subcontract_id"])
    organisation_id = _uuid(data["organisation_id"])
    row = uow.session.execute(select(SubcontractCopy).where(SubcontractCopy.subcontract_id == subcontract_id)
                              ).scalar_one_or_none()
    variation_id = _uuid(data.get("variation_id")) if varied else None
    if row is not None and varied and row.last_variation_id == variation_id:
        return  # the same variation told twice
    if row is not None and not varied:
        return  # issued told twice (or after a variation, which is newer): nothing to change
    fields = dict(contract_id=_uuid(data["contract_id"]), organisation_id=organisation_id,
                  organisation_name=data["organisation_name"][:300], purpose=data["purpose"],
                  value_pence=int(data["value_pence"]), starts_on=_date(data["starts_on"]),
                  ends_on=_date(data["ends_on"]), updated_at=utcnow())
    if row is None:
        row = SubcontractCopy(subcontract_id=subcontract_id, **fields)
        uow.session.add(row)
    else:
        for key, value in fields.items():
            setattr(row, key, value)
    if varied:
        row.last_variation_id = variation_id
    payee_for(uow.session, organisation_id, data["organisation_name"])
    existing = {i.instalment_id: i for i in schedule_of(uow.session, subcontract_id)}
    wanted = {}
    for item in data.get("payment_schedule") or []:
        wanted[_uuid(item["instalment_id"])] = item
    for instalment_id, item in wanted.items():
        current = existing.get(instalment_id)
        terms = dict(due_on=_date(item["due_on"]), amount_pence=int(item["amount_pence"]), release=item["release"],
                     period_id=_uuid(item.get("period_id")))
        if current is None:
            current = PaymentInstalment(instalment_id=instalment_id, subcontract_id=subcontract_id,
                                        contract_id=row.contract_id, organisation_id=organisation_id,
                                        status=rules.SCHEDULED, reason="", release_published=False, **terms)
            uow.session.add(current)
        elif current.status in rules.LOCKED:
            continue  # already in a run or paid: kept exactly as paid
        else:
            if current.status == rules.WITHDRAWN:
                current.status = rules.SCHEDULED
            for key, value in terms.items():
                setattr(current, key, value)
        uow.session.flush()
        settle(uow, current, today)
    for instalment_id, current in existing.items():
        if instalment_id in wanted:
            continue
        if current.status in rules.LOCKED:
            current.reason = "Kept: already in a payment run or paid when the subcontract was varied."
            continue
        current.status = rules.WITHDRAWN
        current.reason = f"Withdrawn by the variation: {data.get('reason') or 'schedule replaced'}."[:1000]
    uow.session.flush()


def learn_return(uow: UnitOfWork, data: dict, accepted: bool, today: dt.date | None = None) -> None:
    """A return accepted (release its period's payment by results, once) or queried (keep it held)."""
    subcontract_id, period_id = _uuid(data["subcontract_id"]), _uuid(data["period_id"])
    found = _period_return(uow.session, subcontract_id, period_id)
    if found is None:
        found = PeriodReturn(subcontract_id=subcontract_id, organisation_id=_uuid(data["organisation_id"]),
                             period_id=period_id, period_label=data["period_label"][:100],
                             return_id=_uuid(data["return_id"]), status="queried")
        uow.session.add(found)
    elif found.status == "accepted":
        return  # accepted already (this event, or another for the same return or period): released once
    found.return_id = _uuid(data["return_id"])
    if accepted:
        found.status, found.accepted_on, found.comment = "accepted", _date(data["accepted_on"]), None
    else:
        found.status, found.comment = "queried", data.get("comment") or ""
    uow.session.flush()
    for instalment in schedule_of(uow.session, subcontract_id):
        if instalment.period_id == period_id:
            settle(uow, instalment, today or clock.today())
    uow.session.flush()


def release_due(uow: UnitOfWork, today: dt.date | None = None) -> int:
    """Date-based instalments whose day has come become released (the worker runs this daily)."""
    today = today or clock.today()
    count = 0
    for instalment in uow.session.execute(select(PaymentInstalment).where(
            PaymentInstalment.status == rules.SCHEDULED, PaymentInstalment.release == rules.ON_DATE,
            PaymentInstalment.due_on <= today)).scalars():
        settle(uow, instalment, today)
        count += 1
    return count


def subcontracts(session) -> list[SubcontractCopy]:
    return list(session.execute(select(SubcontractCopy).order_by(SubcontractCopy.organisation_name,
                                                                 SubcontractCopy.starts_on)).scalars())


# The payment schedules' orders (hubkit.paging `sort`, the first the default), each on an index of its own:
# by payee A to Z (ix_subcontract_copy_by_organisation), newest start first (ix_subcontract_copy_by_start),
# largest value first (ix_subcontract_copy_by_value).
SCHEDULE_ORDERS = {
    "payee": Order(asc(SubcontractCopy.organisation_name), asc(SubcontractCopy.starts_on), asc(SubcontractCopy.id)),
    "newest": Order(desc(SubcontractCopy.starts_on), desc(SubcontractCopy.id)),
    "value": Order(desc(SubcontractCopy.value_pence), desc(SubcontractCopy.id)),
}


def subcontracts_query():
    """The payment schedules' subcontracts (the tenant's, member staff their own organisation's), paged in SQL in
    one of SCHEDULE_ORDERS by the caller."""
    return select(SubcontractCopy)


def instalment_view(session, instalment: PaymentInstalment, names: dict | None = None) -> dict:
    item = session.execute(select(PaymentRunItem).where(
        PaymentRunItem.payment_instalment_id == instalment.id)).scalar_one_or_none()
    run = session.get(PaymentRun, item.run_id) if item else None
    found = _period_return(session, instalment.subcontract_id, instalment.period_id)
    reason = instalment.reason
    if instalment.status == rules.IN_RUN and run:
        reason = f"In payment run {run.number} ({run.status})."
    elif instalment.status == rules.PAID:
        reason = f"Paid on {instalment.paid_on:%d %B %Y} in payment run {run.number if run else ''}.".replace(" .", ".")
    return {**{key: getattr(instalment, key) for key in (
        "id", "instalment_id", "subcontract_id", "contract_id", "organisation_id", "due_on", "amount_pence",
        "release", "period_id", "status", "released_on", "released_by_return_id", "paid_on")},
        "reason": reason, "period_label": found.period_label if found else None,
        "organisation_name": (names or {}).get(instalment.subcontract_id),
        "run_id": run.id if run else None, "run_number": run.number if run else None}


def subcontract_view(session, row: SubcontractCopy) -> dict:
    schedule = [instalment_view(session, i, {row.subcontract_id: row.organisation_name})
                for i in schedule_of(session, row.subcontract_id)]
    live = [i for i in schedule if i["status"] != rules.WITHDRAWN]
    return {**{key: getattr(row, key) for key in (
        "id", "subcontract_id", "contract_id", "organisation_id", "organisation_name", "purpose", "value_pence",
        "starts_on", "ends_on", "last_variation_id")},
        "scheduled_pence": sum(i["amount_pence"] for i in live),
        "paid_pence": sum(i["amount_pence"] for i in live if i["status"] == rules.PAID),
        "held_pence": sum(i["amount_pence"] for i in live if i["status"] == rules.HELD),
        "instalments": schedule}


# GET /payments/instalments: by due date, earliest first (ix_payment_instalment_due for a state,
# ix_payment_instalment_by_due for all of them), paged in SQL.
INSTALMENT_ORDER = Order(asc(PaymentInstalment.due_on), asc(PaymentInstalment.id))


def instalments_query(status: str | None = None):
    """The instalments (of a state, if given) for the caller to page in INSTALMENT_ORDER."""
    query = select(PaymentInstalment)
    return query.where(PaymentInstalment.status == status) if status else query


def instalment_views(session, rows: list[PaymentInstalment]) -> list[dict]:
    """A page of instalments as shown, their payees' names read for that page's subcontracts only."""
    ids = {row.subcontract_id for row in rows}
    names = dict(session.execute(select(SubcontractCopy.subcontract_id, SubcontractCopy.organisation_name).where(
        SubcontractCopy.subcontract_id.in_(ids))).all()) if ids else {}
    return [instalment_view(session, row, names) for row in rows]


def instalments(session, status: str | None = None) -> list[dict]:
    names = {s.subcontract_id: s.organisation_name for s in subcontracts(session)}
    query = instalments_query(status).order_by(PaymentInstalment.due_on)
    return [instalment_view(session, i, names) for i in session.execute(query).scalars()]


# --- payment runs ------------------------------------------------------------------------------------

def _claim_total(session, claim: AttendanceClaim) -> int:
    from .claims import expenses_of

    return claim.daily_rate_pence + sum(e.amount_pence for e in expenses_of(session, claim.id))


def create_run(uow: UnitOfWork, instalment_ids: list, claim_ids: list, pay_on: dt.date, by: str) -> PaymentRun:
    """A draft run of released instalments and approved claims (each at most once, in any run, ever)."""
    if not instalment_ids and not claim_ids:
        raise InvalidField({"instalment_ids": ["Choose at least one payment or claim."]})
    session = uow.session
    money_settings.locked(uow, by)  # runs are numbered one at a time: no gaps, no clashes
    number = (session.execute(select(func.max(PaymentRun.number))).scalar() or 0) + 1
    run = PaymentRun(number=number, status=rules.RUN_DRAFT, total_pence=0, pay_on=pay_on, created_by=by,
                     created_at=utcnow())
    session.add(run)
    session.flush()
    names = {s.subcontract_id: s.organisation_name for s in subcontracts(session)}
    position, total = 0, 0
    for ident in dict.fromkeys(instalment_ids):
        instalment = session.execute(select(PaymentInstalment).where(PaymentInstalment.id == ident)
                                     .with_for_update()).scalar_one_or_none()
        if instalment is None:
            raise InvalidField({"instalment_ids": [f"No such payment: {ident}."]})
        rules.check_can_add_to_run(instalment.status)
        payee = payee_for(session, instalment.organisation_id, names.get(instalment.subcontract_id))
        position += 1
        label = instalment_view(session, instalment)["period_label"]
        session.add(PaymentRunItem(
            run_id=run.id, kind="instalment", payment_instalment_id=instalment.id,
            organisation_id=instalment.organisation_id, payee_name=payee.name, sort_code=payee.sort_code,
            account_number=payee.account_number, amount_pence=instalment.amount_pence,
            reference=f"PR{number:04d}-{position:03d}",
            description=(f"Subcontract payment due {instalment.due_on:%d/%m/%Y}"
                         + (f", {label}" if label else ""))[:500]))
        instalment.status = rules.IN_RUN
        total += instalment.amount_pence
    for ident in dict.fromkeys(claim_ids):
        claim = session.execute(select(AttendanceClaim).where(AttendanceClaim.id == ident)
                                .with_for_update()).scalar_one_or_none()
        if claim is None:
            raise InvalidField({"claim_ids": [f"No such claim: {ident}."]})
        if claim.status in claim_rules.LOCKED:
            raise RuleViolation("This claim is already in a payment run or paid: it is never paid twice.",
                                rule="G11")
        if claim.status != claim_rules.APPROVED:
            raise RuleViolation(f"Only approved claims are paid; this one is {claim.status}.", rule="G11")
        if claim.organisation_id is not None:
            payee = payee_for(session, claim.organisation_id, None)
            name, sort_code, account = payee.name, payee.sort_code, payee.account_number
        else:
            name, sort_code, account = claim.person_name, rules.PLACEHOLDER_SORT_CODE, rules.PLACEHOLDER_ACCOUNT
        amount = _claim_total(session, claim)
        position += 1
        session.add(PaymentRunItem(
            run_id=run.id, kind="claim", claim_id=claim.id, organisation_id=claim.organisation_id, payee_name=name,
            sort_code=sort_code, account_number=account, amount_pence=amount,
            reference=f"PR{number:04d}-{position:03d}",
            description=f"Meeting attendance {claim.meeting_on:%d/%m/%Y}: {claim.person_name}"[:500]))
        claim.status = claim_rules.IN_RUN
        total += amount
    run.total_pence = total
    session.flush()
    uow.commit()
    return run


def _items_query(run_ids):
    """The items of these runs, by reference."""
    return select(PaymentRunItem).where(PaymentRunItem.run_id.in_(list(run_ids))).order_by(PaymentRunItem.reference)


def items_of(session, run_id) -> list[PaymentRunItem]:
    return list(session.execute(_items_query([run_id])).scalars())


def _lock(session, run: PaymentRun) -> PaymentRun:
    return session.execute(select(PaymentRun).where(PaymentRun.id == run.id).with_for_update()).scalar_one()


def approve_run(uow: UnitOfWork, run: PaymentRun, by: str) -> PaymentRun:
    run = _lock(uow.session, run)
    rules.check_run_transition(run.status, rules.RUN_APPROVED)
    run.status, run.approved_by, run.approved_at = rules.RUN_APPROVED, by, utcnow()
    uow.commit()
    return run


def discard_run(uow: UnitOfWork, run: PaymentRun) -> None:
    """Discard a draft: its payments and claims can go into another run."""
    run = _lock(uow.session, run)
    if run.status != rules.RUN_DRAFT:
        raise RuleViolation("Only a draft payment run can be discarded.", rule="F2")
    for item in items_of(uow.session, run.id):
        if item.payment_instalment_id:
            uow.session.get(PaymentInstalment, item.payment_instalment_id).status = rules.RELEASED
        if item.claim_id:
            uow.session.get(AttendanceClaim, item.claim_id).status = claim_rules.APPROVED
        uow.session.delete(item)
    uow.session.flush()
    uow.session.delete(run)
    uow.commit()


def mark_paid(uow: UnitOfWork, run: PaymentRun, paid_on: dt.date, by: str) -> PaymentRun:
    """The bank paid the run: each payment and claim is paid (once) and posted to the ledger."""
    run = _lock(uow.session, run)
    rules.check_run_transition(run.status, rules.RUN_PAID)
    for item in items_of(uow.session, run.id):
        if item.payment_instalment_id:
            instalment = uow.session.get(PaymentInstalment, item.payment_instalment_id)
            instalment.status, instalment.paid_on = rules.PAID, paid_on
            money_settings.post(uow.session, on=paid_on, category="subcontractor_payments",
                                amount_pence=item.amount_pence, source_kind="payment_run_item", source_id=item.id,
                                description=f"{item.payee_name}: {item.description}")
        if item.claim_id:
            claim = uow.session.get(AttendanceClaim, item.claim_id)
            claim.status, claim.paid_on = claim_rules.PAID, paid_on
            money_settings.post(uow.session, on=paid_on, category="attendance_claims",
                                amount_pence=item.amount_pence, source_kind="payment_run_item", source_id=item.id,
                                description=f"{item.payee_name}: {item.description}")
    run.status, run.paid_on, run.paid_by = rules.RUN_PAID, paid_on, by
    uow.commit()
    return run


# GET /payment-runs: the latest (highest number) first (ix_payment_run_newest), paged in SQL.
RUN_ORDER = Order(desc(PaymentRun.number), desc(PaymentRun.id))


def runs_query():
    """The payment runs for the caller to page in RUN_ORDER."""
    return select(PaymentRun)


def run_views(session, runs: list[PaymentRun]) -> list[dict]:
    """A page of runs as shown: every run's items read in one query (in items_of's order, by reference), not one
    query a run (issue 16)."""
    runs = list(runs)
    items: dict = {run.id: [] for run in runs}
    if items:
        for item in session.execute(_items_query(items)).scalars():
            items[item.run_id].append(item)
    return [{**{key: getattr(run, key) for key in (
        "id", "number", "status", "total_pence", "pay_on", "created_by", "created_at", "approved_by",
        "approved_at", "paid_by", "paid_on")}, "items": items[run.id]} for run in runs]


def run_view(session, run: PaymentRun) -> dict:
    return run_views(session, [run])[0]


def export(session, run: PaymentRun, kind: str) -> dict:
    """The bank file or Xero's bills import for an approved (or paid) run: header and rows, amounts exact."""
    if run.status == rules.RUN_DRAFT:
        raise RuleViolation("Approve the payment run before exporting it for the bank.", rule="F2")
    items = items_of(session, run.id)
    if kind == "bank":
        return {"filename": f"payment-run-{run.number:04d}-bank.csv", "header": list(rules.BANK_HEADER),
                "rows": rules.bank_rows(items), "total_pence": run.total_pence}
    return {"filename": f"payment-run-{run.number:04d}-xero-bills.csv", "header": list(rules.XERO_BILLS_HEADER),
            "rows": rules.xero_bill_rows(items, f"Payment run {run.number}", clock.local_date(run.approved_at),
                                       run.pay_on),
            "total_pence": run.total_pence}


def release_due_everywhere(db, _settings) -> int:
    """The worker's periodic task: release date-based instalments that have fallen due, consortium by consortium."""
    def release_and_commit(uow: UnitOfWork) -> int:
        released = release_due(uow)
        uow.commit()
        return released

    return in_every_consortium(db, PaymentInstalment, release_and_commit, actor="system", service="finance")
