"""Shared-staff time (H4, F3): staff, full-cost rates, cost codes, timesheets, recharge invoices."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, Uuid, text)
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import ConsortiumScoped, OrganisationScoped, UtcDateTime

from .orm import Base


class StaffMember(OrganisationScoped, Base):
    """Someone who logs time for the hub, with their employer (the consortium, the host or a member)."""

    __tablename__ = "staff_member"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    employer_kind: Mapped[str] = mapped_column(String(20))  # consortium | host | member
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # the employer, unless consortium
    line_manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_member.id"))
    user_id: Mapped[str | None] = mapped_column(String(100), index=True)  # the gateway user who is this person
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "user_id"),
                      Index("ix_staff_member_by_name", "consortium_id", "name", "id"))


class StaffRate(OrganisationScoped, Base):
    """F3: a full-cost hourly rate from a date, with what it was worked out from; kept as history."""

    __tablename__ = "staff_rate"
    __table_args__ = (Index("ix_staff_rate_history", "staff_id", "effective_from", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the employer, copied for scoping
    effective_from: Mapped[dt.date] = mapped_column(Date)
    salary_pence: Mapped[int] = mapped_column(BigInteger)
    on_costs_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    on_costs_pence: Mapped[int | None] = mapped_column(BigInteger)
    overhead_percent: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    productive_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    full_cost_pence: Mapped[int] = mapped_column(BigInteger)  # a year, rounded once for display
    hourly_rate_pence: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class CostCode(ConsortiumScoped, Base):
    """What time is logged against: a hub function (H2), a bid, a contract or the employer's own work."""

    __tablename__ = "cost_code"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    chargeable: Mapped[bool] = mapped_column(Boolean)  # chargeable to the consortium
    source_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the opportunity or contract
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("consortium_id", "code"),
                      Index("ix_cost_code_by_kind", "consortium_id", "kind", "code", "id"))


class Timesheet(OrganisationScoped, Base):
    """One person's week (starting Monday): draft -> submitted -> approved | rejected."""

    __tablename__ = "timesheet"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the employer, copied for scoping
    week_starting: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("staff_id", "week_starting"),
                      # the approval queue: the weeks in one status, in its order (migration 0006)
                      Index("ix_timesheet_queue", "consortium_id", "status", "week_starting", "submitted_at"))


class WeekReminder(ConsortiumScoped, Base):
    """H4: a person reminded that a week's timesheet was not submitted by the Monday after: once a week and person."""

    __tablename__ = "week_reminder"
    __table_args__ = (UniqueConstraint("staff_id", "week_starting", name="uq_week_reminder_staff_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"))
    week_starting: Mapped[dt.date] = mapped_column(Date)
    announced_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class TimeEntry(OrganisationScoped, Base):
    """Minutes on one day against one cost code; a reversal is a negative copy of an approved entry."""

    __tablename__ = "time_entry"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    timesheet_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("timesheet.id"), index=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    cost_code_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cost_code.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    chargeable: Mapped[bool] = mapped_column(Boolean)  # the code's, when logged
    # Costed at approval: the rate it keeps, whatever later changes to the rate.
    rate_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_rate.id"))
    rate_pence: Mapped[int | None] = mapped_column(BigInteger)
    reverses_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("time_entry.id"))
    reversed_by_entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str | None] = mapped_column(String(200))
    invoice_line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # the live invoice line
    written_off_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    # an employer's month (recharge drafts, write-offs), not every employer's (migration 0006); the consortium's
    # months (the subsidy report), not every consortium's (migration 0008)
    __table_args__ = (Index("ix_time_entry_employer_day", "organisation_id", "day"),
                      Index("ix_time_entry_consortium_day", "consortium_id", "day"))


OPEN_TALLY = "approved AND invoice_id IS NULL AND written_off_id IS NULL"  # approved time on no invoice, not written off


class ChargeableTimeTally(OrganisationScoped, Base):
    """The subsidy report's chargeable time, summed (issue 16; domain/subsidy.py): per person, employer copied onto
    their entries, month and place (not yet approved, per day; approved and open, on an invoice or written off):
    minutes and minutes x costed rate. Kept up to date in the same transaction as the entries it sums
    (service_layer/tally.py); counted afresh from the entries by `adapters.tally.rebuild_statement` (migration 0011,
    the bench's loader). Several rows of one key add up."""

    __tablename__ = "chargeable_time_tally"
    # the open approved time of a month, read alone (index-only) for the employers to recharge (H4)
    __table_args__ = (Index("ix_chargeable_time_tally_month", "consortium_id", "month", "staff_id"),
                      Index("ix_chargeable_time_tally_open", "consortium_id", "month", "organisation_id", "staff_id",
                            postgresql_where=text(OPEN_TALLY)))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the entries' employer, for scoping
    month: Mapped[dt.date] = mapped_column(Date)
    day: Mapped[dt.date | None] = mapped_column(Date)  # time not yet approved only (valued at that day's rate)
    approved: Mapped[bool] = mapped_column(Boolean)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the invoice whose line holds the time
    written_off_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entries: Mapped[int] = mapped_column(Integer)  # how many entries (the row lasts while it counts some)
    minutes: Mapped[int] = mapped_column(BigInteger)
    worth: Mapped[int] = mapped_column(BigInteger)  # approved: sum of minutes x costed hourly rate in pence (exact)


class ClosedPeriod(ConsortiumScoped, Base):
    """A month the finance officer has closed: nothing dated in it changes."""

    __tablename__ = "closed_period"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    month: Mapped[dt.date] = mapped_column(Date)
    closed_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "month"),)


class HubModelCopy(ConsortiumScoped, Base):
    """Finance's copy of the hub model (H1), from governance's events: it says who recharges (H4)."""

    __tablename__ = "hub_model_copy"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    model: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    host_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    learned_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "decision_id"),)


class InvoiceIssuer(OrganisationScoped, Base):
    """An employer who invoices the consortium: VAT treatment and the gap-free number counter (row-locked)."""

    __tablename__ = "invoice_issuer"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    vat_treatment: Mapped[str] = mapped_column(String(20), default="standard")
    prefix: Mapped[str] = mapped_column(String(20), default="INV-")
    next_number: Mapped[int] = mapped_column(Integer, default=1)
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    account_code: Mapped[str] = mapped_column(String(20), default="200")
    bill_to_name: Mapped[str] = mapped_column(String(200), default="The consortium")

    __table_args__ = (UniqueConstraint("consortium_id", "organisation_id"),)


class XeroExport(OrganisationScoped, Base):
    """F4: one export of issued invoices and credit notes for Xero's sales invoice import: which were taken (each
    invoice names its export), chosen how, by whom and when, and when it was last downloaded again on purpose."""

    __tablename__ = "xero_export"
    __table_args__ = (Index("ix_xero_export_newest", "consortium_id", "exported_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # one issuer's, or every issuer's (none)
    issued_in: Mapped[dt.date | None] = mapped_column(Date)  # the month chosen (first day), or none: all not yet
    invoice_count: Mapped[int] = mapped_column(Integer)
    line_count: Mapped[int] = mapped_column(Integer)
    exported_by: Mapped[str] = mapped_column(String(200))
    exported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    times_exported_again: Mapped[int] = mapped_column(Integer, default=0)
    last_exported_again_by: Mapped[str | None] = mapped_column(String(200))
    last_exported_again_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class RechargeInvoice(OrganisationScoped, Base):
    """H4: a month's recharge from an employer to the consortium, or a credit note against one."""

    __tablename__ = "recharge_invoice"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # the issuer: the employer
    kind: Mapped[str] = mapped_column(String(20))  # invoice | credit_note
    month: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(40))
    sequence: Mapped[int | None] = mapped_column(Integer)
    vat_treatment: Mapped[str] = mapped_column(String(20))
    net_pence: Mapped[int] = mapped_column(BigInteger)
    vat_pence: Mapped[int] = mapped_column(BigInteger)
    total_pence: Mapped[int] = mapped_column(BigInteger)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    credits_invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("recharge_invoice.id"))
    credited_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # F4: the Xero export that carried it into the issuer's books (none yet: the next export takes it)
    xero_export_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("xero_export.id"), index=True)

    __table_args__ = (UniqueConstraint("consortium_id", "organisation_id", "sequence"),
                      Index("ix_recharge_invoice_newest", "consortium_id", "month", "created_at", "id"),
                      # recharged sums of months: issued, paid and credited invoices (migration 0008)
                      Index("ix_recharge_invoice_by_status", "consortium_id", "status", "month"))


class InvoiceLine(OrganisationScoped, Base):
    """One cost code, person and rate: minutes x rate, rounded once (F4)."""

    __tablename__ = "recharge_invoice_line"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recharge_invoice.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    position: Mapped[int] = mapped_column(Integer)
    cost_code_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cost_code.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_member.id"))
    description: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int] = mapped_column(Integer)
    rate_pence: Mapped[int] = mapped_column(BigInteger)
    net_pence: Mapped[int] = mapped_column(BigInteger)
    vat_pence: Mapped[int] = mapped_column(BigInteger)


class InvoiceLineEntry(OrganisationScoped, Base):
    """F4: which approved entries stand behind a line (kept for ever, also after a credit note)."""

    __tablename__ = "recharge_invoice_line_entry"

    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recharge_invoice_line.id"), primary_key=True)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("time_entry.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class SubsidyWriteOff(OrganisationScoped, Base):
    """H4: approved time the consortium will not be charged for, with the reason: a visible subsidy."""

    __tablename__ = "subsidy_write_off"
    __table_args__ = (Index("ix_subsidy_write_off_newest", "consortium_id", "written_off_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    month: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    written_off_by: Mapped[str] = mapped_column(String(200))
    written_off_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
