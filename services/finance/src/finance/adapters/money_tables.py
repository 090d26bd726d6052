"""Income, management fee, subcontractor payments, budgets and variations (F1), attendance claims (G11).

Every amount is integer pence in a BigInteger column (F4).
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint, Uuid)
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import ConsortiumScoped, OrganisationScoped, UtcDateTime

from .orm import Base


class MoneySettings(ConsortiumScoped, Base):
    """The consortium's configuration: F1's threshold and its owner, G11's daily rate and whether deputies may claim."""

    __tablename__ = "money_settings"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    variation_threshold_pence: Mapped[int] = mapped_column(BigInteger)
    variation_threshold_owner: Mapped[str] = mapped_column(String(32), server_default="finance_officer")  # F1
    claim_daily_rate_pence: Mapped[int] = mapped_column(BigInteger)
    deputy_may_claim: Mapped[bool] = mapped_column(Boolean)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id"),)


# --- income and the management fee -----------------------------------------------------------------

class ContractIncome(ConsortiumScoped, Base):
    """A head contract awarded to the consortium: its value and the management fee top-sliced from it."""

    __tablename__ = "contract_income"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(300))
    commissioner_name: Mapped[str] = mapped_column(String(300))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    fee_basis_points: Mapped[int] = mapped_column(Integer)
    fee_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    awarded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "contract_id"),
                      Index("ix_contract_income_by_start", "consortium_id", "starts_on", "title", "id"))


class IncomeInstalment(ConsortiumScoped, Base):
    """One payment the commissioner owes, with its share of the management fee; received when recorded."""

    __tablename__ = "income_instalment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_income_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract_income.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    fee_pence: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    received_by: Mapped[str | None] = mapped_column(String(200))


# --- subcontractor payments (F2) -------------------------------------------------------------------

class Payee(OrganisationScoped, Base):
    """Who a member organisation is paid as, with bank details (placeholders until the finance officer sets them)."""

    __tablename__ = "payee"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(200))
    sort_code: Mapped[str] = mapped_column(String(8))
    account_number: Mapped[str] = mapped_column(String(8))
    details_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("consortium_id", "organisation_id"),
                      Index("ix_payee_by_name", "consortium_id", "name", "id"))


class SubcontractCopy(OrganisationScoped, Base):
    """F2: a subcontract as contracts last told us (issued, then varied)."""

    __tablename__ = "subcontract_copy"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(40))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    last_variation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "subcontract_id"),
                      Index("ix_subcontract_copy_by_organisation", "consortium_id", "organisation_name", "starts_on",
                            "id"),
                      # the payments page's other orders (payments.SCHEDULE_ORDERS), read either way
                      Index("ix_subcontract_copy_by_start", "consortium_id", "starts_on", "id"),
                      Index("ix_subcontract_copy_by_value", "consortium_id", "value_pence", "id"))


class PaymentInstalment(OrganisationScoped, Base):
    """One payment due to a subcontractor: by date or by results, held / released / in a run / paid."""

    __tablename__ = "payment_instalment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    instalment_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # contracts' id
    subcontract_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    release: Mapped[str] = mapped_column(String(30))
    period_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    released_on: Mapped[dt.date | None] = mapped_column(Date)
    released_by_return_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    release_published: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("consortium_id", "instalment_id"),
                      Index("ix_payment_instalment_due", "consortium_id", "status", "due_on", "id"),
                      # GET /payments/instalments of every state (payments.INSTALMENT_ORDER)
                      Index("ix_payment_instalment_by_due", "consortium_id", "due_on", "id"))


class PeriodReturn(OrganisationScoped, Base):
    """What finance knows of a subcontract's return for a period: queried or accepted (once)."""

    __tablename__ = "period_return"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    period_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    period_label: Mapped[str] = mapped_column(String(100))
    return_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20))  # queried | accepted
    comment: Mapped[str | None] = mapped_column(Text)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("consortium_id", "subcontract_id", "period_id"),)


class PaymentRun(ConsortiumScoped, Base):
    """A batch of payments the finance officer selects, approves, exports for the bank and marks paid."""

    __tablename__ = "payment_run"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    total_pence: Mapped[int] = mapped_column(BigInteger)
    pay_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    paid_by: Mapped[str | None] = mapped_column(String(200))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("consortium_id", "number"),
                      # GET /payment-runs (payments.RUN_ORDER)
                      Index("ix_payment_run_newest", "consortium_id", "number", "id"))


class PaymentRunItem(OrganisationScoped, Base):
    """One payment in a run: an instalment or a claim. The unique keys make paying either twice impossible."""

    __tablename__ = "payment_run_item"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_run.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # instalment | claim
    payment_instalment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_instalment.id"))
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attendance_claim.id"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    payee_name: Mapped[str] = mapped_column(String(200))
    sort_code: Mapped[str] = mapped_column(String(8))
    account_number: Mapped[str] = mapped_column(String(8))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("consortium_id", "payment_instalment_id", name="uq_payment_run_item_instalment"),
                      UniqueConstraint("consortium_id", "claim_id", name="uq_payment_run_item_claim"))


# --- the ledger and budgets (F1) -------------------------------------------------------------------

class LedgerPosting(ConsortiumScoped, Base):
    """A simple ledger: what was received or spent, by category and date; one posting per source."""

    __tablename__ = "ledger_posting"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    posted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(40))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    source_kind: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    description: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("consortium_id", "source_kind", "source_id"),
                      Index("ix_ledger_posting_by_day", "consortium_id", "posted_on", "category", "id"))


class Budget(ConsortiumScoped, Base):
    """A financial year's budget (1 April - 31 March), a draft until adopted."""

    __tablename__ = "budget"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(Integer)  # the calendar year the financial year starts in
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    adopted_by: Mapped[str | None] = mapped_column(String(200))
    adopted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "year"),
                      # GET /budgets (budgets.BUDGET_ORDER)
                      Index("ix_budget_by_year", "consortium_id", "year", "id"))


class BudgetLine(ConsortiumScoped, Base):
    """A line of a budget; after adoption its amount moves only by applied variations (F1)."""

    __tablename__ = "budget_line"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    budget_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("budget.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # income | expenditure
    category: Mapped[str | None] = mapped_column(String(40))  # the ledger category its actuals come from
    original_pence: Mapped[int] = mapped_column(BigInteger)
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("budget_id", "code", name="uq_budget_line_code"),
                      UniqueConstraint("budget_id", "category", name="uq_budget_line_category"))


class BudgetVariation(ConsortiumScoped, Base):
    """F1: a variation to a line or a virement between lines (or years), and its journey to taking effect."""

    __tablename__ = "budget_variation"
    __table_args__ = (Index("ix_budget_variation_newest", "consortium_id", "status", "requested_at", "id"),
                      # GET /variations of every state (budgets.VARIATION_ORDER)
                      Index("ix_budget_variation_by_request", "consortium_id", "requested_at", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("budget_line.id"), index=True)
    from_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("budget_line.id"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    change_pence: Mapped[int] = mapped_column(BigInteger)  # to line_id
    reason: Mapped[str] = mapped_column(Text)
    threshold_pence: Mapped[int] = mapped_column(BigInteger)  # the threshold when it was asked
    needs_board: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(30))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decision_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    board_outcome: Mapped[str | None] = mapped_column(String(20))
    board_note: Mapped[str | None] = mapped_column(Text)
    board_decision_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    board_decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))  # who approved, ratified or rejected it
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


# --- attendance claims (G11) -----------------------------------------------------------------------

class AttendanceClaim(OrganisationScoped, Base):
    """G11: the daily rate for a seat's attendance at one meeting, plus travel; one per seat and meeting."""

    __tablename__ = "attendance_claim"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    body_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seat_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    deputy_name: Mapped[str | None] = mapped_column(String(200))
    meeting_on: Mapped[dt.date] = mapped_column(Date)
    attendance: Mapped[str] = mapped_column(String(20))
    daily_rate_pence: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("consortium_id", "meeting_id", "seat_id"),
                      Index("ix_attendance_claim_newest", "consortium_id", "status", "meeting_on", "person_name",
                            "id"),
                      # GET /claims of every state (claims.CLAIM_ORDER)
                      Index("ix_attendance_claim_by_meeting", "consortium_id", "meeting_on", "person_name", "id"))


class ClaimExpense(OrganisationScoped, Base):
    """A travel cost on a claim, with its receipt (checked by content, kept in the database)."""

    __tablename__ = "claim_expense"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("attendance_claim.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    receipt_filename: Mapped[str] = mapped_column(String(200))
    receipt_content_type: Mapped[str] = mapped_column(String(100))
    receipt_size: Mapped[int] = mapped_column(Integer)
    receipt_sha256: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
