"""Use cases for Xero exports of recharge invoices (F4): export the issued invoices and credit notes not exported
yet (of one month of issue, of one issuer, if chosen), each marked with the export; read an export as files of at
most 500 rows for Xero's sales invoice import; download an export again on purpose, recorded. See
domain/invoices.py (`xero_files`) for the files."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from hubkit.db import utcnow
from hubkit.paging import Order, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.time_tables import InvoiceIssuer, InvoiceLine, RechargeInvoice, XeroExport
from ..domain import invoices as rules
from ..domain.time import next_month
from . import invoices, references

LISTING_ORDER = Order(desc(XeroExport.exported_at), desc(XeroExport.id))  # newest first, ix_xero_export_newest
# the order invoices go to Xero in: by date of issue, issuer and number (a credit note after what it credits)
XERO_ORDER = (RechargeInvoice.issued_on, RechargeInvoice.organisation_id, RechargeInvoice.sequence)


def export(uow: UnitOfWork, issued_in: dt.date | None = None, organisation_id: uuid.UUID | None = None) -> XeroExport:
    """F4: the issued invoices and credit notes not exported yet (issued in the month `issued_in` starts, of the
    issuer `organisation_id`, when given) taken into a new export, each marked with it, in one transaction: an
    invoice goes into one export only (the rows are locked while they are marked). Member staff export their own
    organisation's only. Refused if there is nothing to take."""
    session = uow.session
    if uow.tenant is not None and uow.tenant.organisation_id is not None:
        organisation_id = uow.tenant.organisation_id  # the rows are theirs anyway: the export says so
    else:
        references.check_organisation(session, organisation_id)
    query = (select(RechargeInvoice).where(RechargeInvoice.status != rules.DRAFT,
                                           RechargeInvoice.number.is_not(None),
                                           RechargeInvoice.xero_export_id.is_(None))
             .order_by(*XERO_ORDER).with_for_update())
    if issued_in is not None:
        query = query.where(RechargeInvoice.issued_on >= issued_in, RechargeInvoice.issued_on < next_month(issued_in))
    if organisation_id is not None:
        query = query.where(RechargeInvoice.organisation_id == organisation_id)
    taken = list(session.execute(query).scalars())
    rules.check_something_to_export(len(taken), issued_in)
    lines = _line_counts(session, [i.id for i in taken])
    batch = XeroExport(id=uuid.uuid4(), organisation_id=organisation_id, issued_in=issued_in,
                       invoice_count=len(taken), line_count=sum(lines.values()), exported_by=uow.actor,
                       exported_at=utcnow(), times_exported_again=0)
    session.add(batch)
    session.flush()  # the export (and its audit row) before the invoices that name it
    for invoice in taken:
        invoice.xero_export_id = batch.id  # each invoice's audit row says which export took it
    uow.commit()
    return batch


def export_again(uow: UnitOfWork, batch: XeroExport) -> XeroExport:
    """F4: an earlier export downloaded again on purpose (its invoice numbers go to Xero a second time): recorded on
    the export, by whom and when, and audited."""
    batch.times_exported_again = (batch.times_exported_again or 0) + 1
    batch.last_exported_again_by, batch.last_exported_again_at = uow.actor, utcnow()
    uow.commit()
    return batch


def listing_query():
    return select(XeroExport)


def _line_counts(session, invoice_ids) -> dict:
    if not invoice_ids:
        return {}
    return dict(session.execute(select(InvoiceLine.invoice_id, func.count()).where(
        InvoiceLine.invoice_id.in_(invoice_ids)).group_by(InvoiceLine.invoice_id)).all())


def summary(batch: XeroExport, names: dict) -> dict:
    return {key: getattr(batch, key) for key in (
        "id", "organisation_id", "issued_in", "invoice_count", "line_count", "exported_by", "exported_at",
        "times_exported_again", "last_exported_again_by", "last_exported_again_at")} | {
        "issuer_name": names.get(batch.organisation_id) if batch.organisation_id else None}


def view(session, batch: XeroExport) -> dict:
    """F4: the export with its invoices as Xero's import wants them, in files of at most 500 rows (`xero_files`):
    each invoice with what its rows say (number, dates, VAT treatment, account code, whom it is billed to) and its
    lines, read in four queries however many."""
    taken = list(session.execute(select(RechargeInvoice).where(RechargeInvoice.xero_export_id == batch.id)
                                 .order_by(*XERO_ORDER)).scalars())
    ids = [i.id for i in taken]
    lines: dict = {}
    if ids:
        for line in session.execute(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids))
                                    .order_by(InvoiceLine.invoice_id, InvoiceLine.position)).scalars():
            lines.setdefault(line.invoice_id, []).append(line)
    issuers = {row.organisation_id: row for row in session.execute(select(InvoiceIssuer).where(
        InvoiceIssuer.organisation_id.in_({i.organisation_id for i in taken}))).scalars()} if taken else {}
    names = invoices.organisation_names(session, [batch.organisation_id] + [i.organisation_id for i in taken])
    rows = [_for_xero(invoice, issuers.get(invoice.organisation_id), lines.get(invoice.id, []), names)
            for invoice in taken]
    files = rules.xero_files([(row, len(row["lines"])) for row in rows])
    return summary(batch, names) | {"files": [{"invoices": file} for file in files]}


def _for_xero(invoice: RechargeInvoice, settings, lines, names: dict) -> dict:
    return {key: getattr(invoice, key) for key in (
        "id", "organisation_id", "kind", "month", "number", "vat_treatment", "issued_on", "due_on")} | {
        "issuer_name": names.get(invoice.organisation_id, str(invoice.organisation_id)),
        "bill_to_name": settings.bill_to_name if settings else "The consortium",
        "account_code": settings.account_code if settings else "200",
        "lines": [{"position": line.position, "description": line.description, "minutes": line.minutes,
                   "rate_pence": line.rate_pence, "net_pence": line.net_pence, "vat_pence": line.vat_pence}
                  for line in lines]}
