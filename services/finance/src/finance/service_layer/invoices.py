"""Use cases for recharge invoices (H4, F4): draft from approved time, issue with a gap-free number, paid,
credit notes. See domain/invoices.py for who recharges, VAT and rounding."""
from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from hubkit.db import FILTERED_BY_HAND, utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, asc, desc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.audit import audit_rows
from ..adapters.bulk import insert_rows
from ..adapters.orm import MemberOrganisation
from ..adapters.time_tables import (ChargeableTimeTally, CostCode, HubModelCopy, InvoiceIssuer, InvoiceLine,
                                    InvoiceLineEntry, RechargeInvoice, StaffMember, Timesheet, TimeEntry)
from ..domain import invoices as rules
from ..domain.subsidy import OPEN, Place, drafted_moves
from ..domain.time import APPROVED, next_month
from . import references, tally


def hub_model(session, on: dt.date | None = None) -> HubModelCopy | None:
    """The hub model in effect on a day (default: the latest decided, even if it starts later)."""
    query = select(HubModelCopy).order_by(HubModelCopy.effective_from.desc(), HubModelCopy.learned_at.desc())
    if on is not None:
        query = query.where(HubModelCopy.effective_from <= on)
    return session.execute(query.limit(1)).scalar_one_or_none()


def learn_hub_model(uow: UnitOfWork, data: dict) -> None:
    """Keep governance's hub model (H1); the same decision told twice is kept once."""
    decision_id = uuid.UUID(str(data["decision_id"]))
    if uow.session.execute(select(HubModelCopy.id).where(HubModelCopy.decision_id == decision_id)).first():
        return
    host = data.get("host_organisation_id")
    effective = data["effective_from"]
    uow.session.add(HubModelCopy(model=data["model"], decision_id=decision_id, learned_at=utcnow(),
                                 effective_from=effective if isinstance(effective, dt.date)
                                 else dt.date.fromisoformat(str(effective)),
                                 host_organisation_id=uuid.UUID(str(host)) if host else None))


def issuer(session, organisation_id: uuid.UUID) -> InvoiceIssuer | None:
    return session.execute(select(InvoiceIssuer).where(InvoiceIssuer.organisation_id == organisation_id)
                           ).scalar_one_or_none()


def ensure_issuer(uow: UnitOfWork, organisation_id: uuid.UUID) -> InvoiceIssuer:
    """The issuer's settings and number counter, made with the defaults the first time it is needed."""
    found = issuer(uow.session, organisation_id)
    if found is not None:
        return found
    try:
        with uow.session.begin_nested():
            uow.session.add(InvoiceIssuer(organisation_id=organisation_id, vat_treatment="standard", prefix="INV-",
                                          next_number=1, payment_terms_days=30, account_code="200",
                                          bill_to_name="The consortium"))
    except IntegrityError:
        pass  # made by a concurrent request a moment ago
    return issuer(uow.session, organisation_id)


def lock_issuer(uow: UnitOfWork, organisation_id: uuid.UUID) -> InvoiceIssuer:
    """The issuer's row, locked until this transaction ends: drafts, write-offs and numbers for one issuer queue."""
    ensure_issuer(uow, organisation_id)
    row = uow.session.execute(select(InvoiceIssuer).where(InvoiceIssuer.organisation_id == organisation_id)
                              .with_for_update()).scalar_one()
    uow.session.refresh(row)
    return row


def configure_issuer(uow: UnitOfWork, organisation_id: uuid.UUID, **settings) -> InvoiceIssuer:
    """VAT treatment, number prefix, payment terms, account code and who is billed, per issuer.

    The issuer is an organisation finance knows (issue 12 item 3: UnknownOrganisation, 422 naming organisation_id,
    if not; see `references`), never another consortium's or a made-up id."""
    references.check_organisation(uow.session, organisation_id)
    row = ensure_issuer(uow, organisation_id)
    if "prefix" in settings and row.next_number > 1 and settings["prefix"] != row.prefix:
        raise RuleViolation("Invoices have been numbered with this prefix already: it stays, so the run is unbroken.")
    for key, value in settings.items():
        setattr(row, key, value)
    uow.commit()
    return row


def _uninvoiced_entries(session, organisation_id, month: dt.date) -> list:
    """The employer's approved chargeable entries of the month not yet invoiced nor written off, as light rows (id,
    cost code, person, rate, minutes): what the lines are grouped from, read once (the draft is made from exactly
    these, whatever is approved meanwhile)."""
    return list(session.execute(
        select(TimeEntry.id, TimeEntry.cost_code_id, TimeEntry.staff_id, TimeEntry.rate_pence, TimeEntry.minutes)
        .join(Timesheet, Timesheet.id == TimeEntry.timesheet_id)
        .join(StaffMember, StaffMember.id == TimeEntry.staff_id)
        .where(StaffMember.organisation_id == organisation_id, StaffMember.employer_kind.in_(("host", "member")),
               # the employer copied onto the entry (the same organisation): lets the employer's month be found by
               # its index rather than among every employer's entries of the month
               TimeEntry.organisation_id == organisation_id,
               Timesheet.status == APPROVED, TimeEntry.chargeable.is_(True), TimeEntry.day >= month,
               TimeEntry.day < next_month(month), TimeEntry.invoice_line_id.is_(None),
               TimeEntry.written_off_id.is_(None))
        .order_by(TimeEntry.day)).all())


def _descriptions(session, lines, month: dt.date) -> tuple[dict[tuple, str], dict, dict]:
    """Each line's description by (cost code, person), from one query of the codes and one of the people; and the
    codes (id -> row with code, title) and people's names (id -> name) read for them."""
    codes = dict((row.id, row) for row in session.execute(select(CostCode.id, CostCode.code, CostCode.title).where(
        CostCode.id.in_({d.cost_code_id for d in lines}))))
    people = dict(session.execute(select(StaffMember.id, StaffMember.name).where(
        StaffMember.id.in_({d.staff_id for d in lines}))).all())
    return {(d.cost_code_id, d.staff_id): rules.line_description(codes[d.cost_code_id].code,
                                                                 codes[d.cost_code_id].title,
                                                                 people[d.staff_id], month) for d in lines}, codes, people


def create_draft(uow: UnitOfWork, organisation_id: uuid.UUID, month: dt.date) -> dict:
    """H4: a draft recharge for an employer's month, from its approved chargeable entries not yet invoiced.

    One transaction, set-wise (issue 16): the entries are read once as light rows and grouped into lines by the
    domain's rules (rounding included); the invoice goes through the session with its totals; the lines and the
    links to their entries are inserted in bulk, and the entries are marked invoiced by one UPDATE ... FROM the
    links. See `_write_lines` for what the audit trail keeps. Returns the draft's view (as `view` gives it), made
    from what was just written rather than read back."""
    employer = uow.session.execute(select(StaffMember.employer_kind).where(
        StaffMember.organisation_id == organisation_id).limit(1)).scalar_one_or_none()
    if employer is None:
        raise InvalidField({"organisation_id": ["No staff of this organisation log time for the hub."]})
    model = hub_model(uow.session, on=next_month(month) - dt.timedelta(days=1))  # the model of that month
    rules.check_recharge_allowed(model.model if model else None, model.host_organisation_id if model else None,
                                 employer, organisation_id)
    made = _draft(uow, organisation_id, month)
    if made is None:
        raise RuleViolation(f"There is no approved chargeable time to recharge for {month:%B %Y}.", rule="H4")
    invoice, settings, lines, codes, people = made
    uow.commit()
    return _view(uow.session, invoice, settings, [
        (SimpleNamespace(**row), entry_ids) for row, entry_ids in lines], {k: c.code for k, c in codes.items()}, people)


def employers_to_recharge(month: dt.date):
    """The employers with approved chargeable time of the month not yet invoiced nor written off (H4), from the
    subsidy's tally by the employer copied onto the entries: a select of their ids (the month-end run drafts for
    them; the finance officer's summary counts them). On the tally's partial index of open approved time
    (ix_chargeable_time_tally_open, read index-only): `approved` is tested bare, as the index's predicate is."""
    return (select(ChargeableTimeTally.organisation_id).distinct()
            .join(StaffMember, StaffMember.id == ChargeableTimeTally.staff_id)
            .where(ChargeableTimeTally.month == month, ChargeableTimeTally.approved,
                   ChargeableTimeTally.invoice_id.is_(None), ChargeableTimeTally.written_off_id.is_(None),
                   ChargeableTimeTally.organisation_id.is_not(None),
                   StaffMember.organisation_id == ChargeableTimeTally.organisation_id))


def month_end(uow: UnitOfWork, month: dt.date) -> dict:
    """H4, the month-end run (issue 16): a draft recharge for every employer with approved chargeable time of the
    month not yet invoiced nor written off, each made exactly as `create_draft` makes one (its entries, lines,
    links, audit rows and tally), in one request and one transaction: the run is made whole or not at all. Found
    from the subsidy's tally (open approved time of the month, by the employer copied onto the entries). Employers
    the hub model does not let recharge (H1, H4) are named with the reason, not drafted; with no draft at all the
    run is refused as one draft would be. Returns the drafts' summaries and those left out."""
    session = uow.session
    open_time = employers_to_recharge(month)
    kinds = dict(session.execute(select(StaffMember.organisation_id, func.min(StaffMember.employer_kind))
                                 .where(StaffMember.organisation_id.in_(open_time))
                                 .group_by(StaffMember.organisation_id)).all())
    model = hub_model(session, on=next_month(month) - dt.timedelta(days=1))
    drafted, left_out = [], []
    for organisation_id in sorted(kinds, key=str):  # issuers locked in one order: two runs never deadlock
        try:
            rules.check_recharge_allowed(model.model if model else None,
                                         model.host_organisation_id if model else None, kinds[organisation_id],
                                         organisation_id)
        except RuleViolation as refused:
            left_out.append({"organisation_id": organisation_id, "reason": refused.message})
            continue
        made = _draft(uow, organisation_id, month)
        if made is not None:
            drafted.append(made[0])
    if not drafted:
        raise RuleViolation(left_out[0]["reason"] if left_out else
                            f"There is no approved chargeable time to recharge for {month:%B %Y}.", rule="H4")
    uow.commit()
    names = organisation_names(session, [*kinds])
    return {"month": month, "drafts": [summary(invoice, names) for invoice in drafted],
            "left_out": [row | {"issuer_name": names.get(row["organisation_id"], str(row["organisation_id"]))}
                         for row in left_out]}


def _draft(uow: UnitOfWork, organisation_id: uuid.UUID, month: dt.date):
    """The draft of an employer's month, written set-wise in the caller's transaction (see `create_draft`), or None
    when it has no approved chargeable time to recharge: (invoice, issuer settings, line rows with their entries'
    ids, codes by id, people's names by id)."""
    settings = lock_issuer(uow, organisation_id)  # two drafts at once never take the same entries
    entries = _uninvoiced_entries(uow.session, organisation_id, month)
    drafts = rules.group_lines(entries)
    if not drafts:
        return None
    invoice_id = uuid.uuid4()
    descriptions, codes, people = _descriptions(uow.session, drafts, month)
    lines = _line_rows(uow.session, invoice_id, organisation_id, drafts, descriptions, settings.vat_treatment)
    net = sum(row["net_pence"] for row, _ in lines)
    vat = sum(row["vat_pence"] for row, _ in lines)
    invoice = RechargeInvoice(id=invoice_id, organisation_id=organisation_id, kind=rules.INVOICE, month=month,
                              status=rules.DRAFT, vat_treatment=settings.vat_treatment, net_pence=net, vat_pence=vat,
                              total_pence=net + vat, created_by=uow.actor, created_at=utcnow())
    uow.session.add(invoice)
    uow.session.flush()  # the invoice (and its audit row) before the lines that name it
    _write_lines(uow, invoice, lines, mark_entries=True)
    tally.apply(uow.session, drafted_moves(drafts, organisation_id, month, invoice.id))
    return invoice, settings, lines, codes, people


def _line_rows(session, invoice_id, organisation_id, drafts: list[rules.LineDraft], descriptions: dict,
               treatment: str) -> list[tuple[dict, tuple]]:
    """The lines' rows, in order of description, each with the ids of the entries behind it (F4)."""
    drafts = sorted(drafts, key=lambda d: descriptions[(d.cost_code_id, d.staff_id)])
    tenant = session.info["tenant"]
    return [({"id": uuid.uuid4(), "consortium_id": tenant.consortium_id, "invoice_id": invoice_id,
              "organisation_id": organisation_id, "position": position, "cost_code_id": draft.cost_code_id,
              "staff_id": draft.staff_id, "description": descriptions[(draft.cost_code_id, draft.staff_id)],
              "minutes": draft.minutes, "rate_pence": draft.rate_pence, "net_pence": draft.net_pence,
              "vat_pence": rules.vat_pence(draft.net_pence, treatment)}, draft.entry_ids)
            for position, draft in enumerate(drafts, start=1)]


def _write_lines(uow: UnitOfWork, invoice: RechargeInvoice, lines: list[tuple[dict, tuple]],
                 mark_entries: bool) -> None:
    """Insert the lines and their entry links in bulk (two statements whatever their number) and, for an invoice,
    mark the entries invoiced with one UPDATE ... FROM the links.

    The audit trail: these rows do not go through the session, so they are audited here, set-wise: one row per
    line ("create", entity InvoiceLine) whose `after` holds the line's columns, the ids of the entries behind it
    (`entry_ids`) and whether those entries were marked invoiced by it (`entries_invoiced`, their
    invoice_line_id set to the line). That is what an auditor needs to trace an entry to its invoice and back:
    the invoice's own audit row (written by the session), each line's row naming its entries, and the link
    table, kept for ever (F4). The per-entry and per-link rows the ORM path wrote (one per entry marked, one per
    link) said nothing more and cost three rows per entry."""
    session = uow.session
    link_rows = [{"line_id": row["id"], "entry_id": entry_id, "organisation_id": row["organisation_id"],
                  "consortium_id": row["consortium_id"]} for row, entry_ids in lines for entry_id in entry_ids]
    insert_rows(session, InvoiceLine.__table__, [row for row, _ in lines])
    insert_rows(session, InvoiceLineEntry.__table__, link_rows)
    if mark_entries:
        entry, link, line = TimeEntry.__table__, InvoiceLineEntry.__table__, InvoiceLine.__table__
        marked = session.execute(
            update(entry).values(invoice_line_id=link.c.line_id)
            .where(link.c.entry_id == entry.c.id, link.c.line_id == line.c.id, line.c.invoice_id == invoice.id,
                   entry.c.consortium_id == invoice.consortium_id, entry.c.invoice_line_id.is_(None))).rowcount
        if marked != len(link_rows):  # never: the issuer's lock keeps other drafts and write-offs away
            raise RuntimeError(f"{len(link_rows)} entries to mark invoiced, {marked} were free: nothing is written")
    audit_rows(session, "create", "InvoiceLine", [
        (row["id"], None, {**row, "entry_ids": sorted(entry_ids, key=str), "entries_invoiced": mark_entries})
        for row, entry_ids in lines])


def lines_of(session, invoice_id) -> list[InvoiceLine]:
    return list(session.execute(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                                .order_by(InvoiceLine.position)).scalars())


def _entry_ids_by_line(session, invoice_id) -> dict:
    """The ids of the entries behind each line of an invoice (F4), in one query."""
    found: dict = {}
    for line_id, entry_id in session.execute(
            select(InvoiceLineEntry.line_id, InvoiceLineEntry.entry_id)
            .join(InvoiceLine, InvoiceLine.id == InvoiceLineEntry.line_id).where(InvoiceLine.invoice_id == invoice_id)):
        found.setdefault(line_id, []).append(entry_id)
    return found


def discard_draft(uow: UnitOfWork, invoice: RechargeInvoice) -> None:
    """Throw a draft away; its entries are free to be invoiced again. Set-wise, in one transaction: the entries
    behind its lines are unmarked by one UPDATE, the links and lines deleted by one DELETE each; the audit trail
    has one row per line deleted, naming the entries it freed, and the invoice's own row."""
    if invoice.status != rules.DRAFT:
        raise RuleViolation("Only a draft can be discarded; an issued invoice is corrected by a credit note.")
    session = uow.session
    lines = lines_of(session, invoice.id)
    entry_ids = _entry_ids_by_line(session, invoice.id)
    entry, link, line = TimeEntry.__table__, InvoiceLineEntry.__table__, InvoiceLine.__table__
    these_lines = select(line.c.id).where(line.c.invoice_id == invoice.id)
    freed = session.execute(select(entry.c.staff_id, entry.c.organisation_id, entry.c.day, entry.c.minutes,
                                   entry.c.rate_pence, entry.c.chargeable).where(
        entry.c.consortium_id == invoice.consortium_id, entry.c.invoice_line_id.in_(these_lines))
        .execution_options(**{FILTERED_BY_HAND: True})).all()
    tally.move(session, freed, Place(invoice_id=invoice.id), OPEN)
    session.execute(update(entry).values(invoice_line_id=None).where(
        entry.c.consortium_id == invoice.consortium_id,
        entry.c.id.in_(select(link.c.entry_id).where(link.c.line_id.in_(these_lines)))))
    session.execute(delete(link).where(link.c.line_id.in_(these_lines)))
    session.execute(delete(line).where(line.c.invoice_id == invoice.id))
    audit_rows(session, "delete", "InvoiceLine", [
        (row.id, {**{c.key: getattr(row, c.key) for c in line.columns},
                  "entry_ids": sorted(entry_ids.get(row.id, []), key=str), "entries_invoiced": False}, None)
        for row in lines])
    for row in lines:
        session.expunge(row)  # deleted above, not by the session
    session.delete(invoice)
    uow.commit()


def _allocate_number(uow: UnitOfWork, invoice: RechargeInvoice, today: dt.date) -> None:
    """Gap-free: the issuer's counter row is locked until this transaction ends, so concurrent issues queue."""
    counter = lock_issuer(uow, invoice.organisation_id)
    invoice.sequence = counter.next_number
    invoice.number = rules.invoice_number(counter.prefix, counter.next_number)
    counter.next_number += 1
    invoice.issued_on = today
    invoice.due_on = today + dt.timedelta(days=counter.payment_terms_days)


def _issued_event(uow: UnitOfWork, invoice: RechargeInvoice) -> None:
    uow.publish("finance.invoice.issued", subject=f"invoice/{invoice.id}", data={
        "invoice_id": invoice.id, "kind": invoice.kind, "number": invoice.number,
        "organisation_id": invoice.organisation_id, "month": invoice.month, "issued_on": invoice.issued_on,
        "due_on": invoice.due_on, "net_pence": invoice.net_pence, "vat_pence": invoice.vat_pence,
        "total_pence": invoice.total_pence, "credits_invoice_id": invoice.credits_invoice_id})


def issue(uow: UnitOfWork, invoice: RechargeInvoice, today: dt.date | None = None) -> RechargeInvoice:
    """Issue a draft: it gets the issuer's next number, inside this transaction."""
    uow.session.refresh(invoice, with_for_update=True)
    rules.check_transition(invoice.status, rules.ISSUED)
    _allocate_number(uow, invoice, today or clock.today())
    invoice.status = rules.ISSUED
    _issued_event(uow, invoice)
    uow.commit()
    return invoice


def mark_paid(uow: UnitOfWork, invoice: RechargeInvoice, paid_on: dt.date) -> RechargeInvoice:
    rules.check_transition(invoice.status, rules.PAID)
    if invoice.kind != rules.INVOICE:
        raise RuleViolation("A credit note is not paid; it reduces what is owed.")
    invoice.status, invoice.paid_on = rules.PAID, paid_on
    uow.publish("finance.invoice.paid", subject=f"invoice/{invoice.id}", data={
        "invoice_id": invoice.id, "number": invoice.number, "organisation_id": invoice.organisation_id,
        "total_pence": invoice.total_pence, "paid_on": paid_on})
    uow.commit()
    return invoice


def credit(uow: UnitOfWork, invoice: RechargeInvoice, reason: str, today: dt.date | None = None) -> RechargeInvoice:
    """Credit an issued invoice in full: a credit note (next number of the same run) with its lines negated,
    tracing to the same entries, which are free to be invoiced again, correctly."""
    if invoice.kind != rules.INVOICE:
        raise RuleViolation("A credit note cannot itself be credited.")
    rules.check_transition(invoice.status, rules.CREDITED)
    note = RechargeInvoice(id=uuid.uuid4(), organisation_id=invoice.organisation_id, kind=rules.CREDIT_NOTE,
                           month=invoice.month, status=rules.ISSUED, vat_treatment=invoice.vat_treatment,
                           net_pence=-invoice.net_pence, vat_pence=-invoice.vat_pence,
                           total_pence=-invoice.total_pence, credits_invoice_id=invoice.id, reason=reason,
                           created_by=uow.actor, created_at=utcnow())
    uow.session.add(note)
    uow.session.flush()
    freed = []
    for line in lines_of(uow.session, invoice.id):
        copy = InvoiceLine(id=uuid.uuid4(), invoice_id=note.id, organisation_id=note.organisation_id,
                           position=line.position, cost_code_id=line.cost_code_id, staff_id=line.staff_id,
                           description=f"Credit: {line.description}", minutes=-line.minutes,
                           rate_pence=line.rate_pence, net_pence=-line.net_pence, vat_pence=-line.vat_pence)
        uow.session.add(copy)
        uow.session.flush()
        for link in uow.session.execute(select(InvoiceLineEntry).where(InvoiceLineEntry.line_id == line.id)).scalars():
            uow.session.add(InvoiceLineEntry(line_id=copy.id, entry_id=link.entry_id,
                                             organisation_id=note.organisation_id))
            entry = uow.session.get(TimeEntry, link.entry_id)
            entry.invoice_line_id = None
            freed.append(entry)
    tally.move(uow.session, freed, Place(invoice_id=invoice.id), OPEN)
    _allocate_number(uow, note, today or clock.today())
    invoice.status, invoice.credited_by_id = rules.CREDITED, note.id
    _issued_event(uow, note)
    uow.commit()
    return note


LISTING_ORDER = Order(desc(RechargeInvoice.month), desc(RechargeInvoice.created_at), desc(RechargeInvoice.id))
# The list's orders (hubkit.paging `sort`): newest month first (the default) or oldest, on ix_recharge_invoice_newest
# (consortium, month, created at, id) read either way.
LISTING_ORDERS = {"newest": LISTING_ORDER,
                  "oldest": Order(asc(RechargeInvoice.month), asc(RechargeInvoice.created_at), asc(RechargeInvoice.id))}


def listing_query(organisation_id=None, status=None):
    """Invoices and credit notes, newest month first (paged in SQL by the caller, in LISTING_ORDER)."""
    query = select(RechargeInvoice)
    if organisation_id:
        query = query.where(RechargeInvoice.organisation_id == organisation_id)
    if status:
        query = query.where(RechargeInvoice.status == status)
    return query


def organisation_names(session, ids=None) -> dict:
    """Member organisations' names by id (only those of `ids` when given), read as two columns, not whole rows."""
    query = select(MemberOrganisation.id, MemberOrganisation.name)
    if ids is not None:
        ids = {i for i in ids if i is not None}
        if not ids:
            return {}
        query = query.where(MemberOrganisation.id.in_(ids))
    return dict(session.execute(query).all())


def view(session, invoice: RechargeInvoice) -> dict:
    """The invoice with its lines, each naming the entries behind it (F4): five queries whatever its length."""
    found = lines_of(session, invoice.id)
    entry_ids = _entry_ids_by_line(session, invoice.id)
    people = dict(session.execute(select(StaffMember.id, StaffMember.name).where(
        StaffMember.id.in_({line.staff_id for line in found}))).all()) if found else {}
    codes = dict(session.execute(select(CostCode.id, CostCode.code).where(
        CostCode.id.in_({line.cost_code_id for line in found}))).all()) if found else {}
    return _view(session, invoice, issuer(session, invoice.organisation_id),
                 [(line, entry_ids.get(line.id, [])) for line in found], codes, people)


def _view(session, invoice: RechargeInvoice, settings, lines, codes: dict, people: dict) -> dict:
    """The view of an invoice from its lines (each with its entries' ids), codes by id and people's names by id."""
    names = organisation_names(session, [invoice.organisation_id])
    return {**summary(invoice, names), "lines": [
        {"id": line.id, "position": line.position, "cost_code_id": line.cost_code_id,
         "cost_code": codes[line.cost_code_id], "staff_id": line.staff_id, "staff_name": people[line.staff_id],
         "description": line.description, "minutes": line.minutes, "rate_pence": line.rate_pence,
         "net_pence": line.net_pence, "vat_pence": line.vat_pence, "entry_ids": sorted(entry_ids, key=str)}
        for line, entry_ids in lines],
        "bill_to_name": settings.bill_to_name if settings else "The consortium",
        "account_code": settings.account_code if settings else "200"}


def summary(invoice: RechargeInvoice, names: dict) -> dict:
    return {key: getattr(invoice, key) for key in (
        "id", "organisation_id", "kind", "month", "status", "number", "vat_treatment", "net_pence", "vat_pence",
        "total_pence", "issued_on", "due_on", "paid_on", "credits_invoice_id", "credited_by_id", "reason",
        "created_at")} | {"issuer_name": names.get(invoice.organisation_id, str(invoice.organisation_id))}


# GET /invoices/{id}/lines/{line_id}/entries: by day (the line's entries found by the line's key of
# recharge_invoice_line_entry, sorted in SQL: a line is one person's code in one employer's month), paged in SQL.
LINE_ENTRY_ORDER = Order(asc(TimeEntry.day), asc(TimeEntry.id))


def line_entries_query(line_id):
    """The approved entries behind a line (F4; kept after a credit note) for the caller to page in LINE_ENTRY_ORDER."""
    return select(TimeEntry).join(InvoiceLineEntry, InvoiceLineEntry.entry_id == TimeEntry.id).where(
        InvoiceLineEntry.line_id == line_id)
