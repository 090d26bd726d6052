"""Head contracts, subcontracts and variations (F2, H5), and performance (P1): periods, targets, returns."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, \
    Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hubkit.db import ConsortiumScoped, OrganisationScoped, UtcDateTime, utcnow

from .orm import Base

Amount = Numeric(14, 2)  # a count or measure of an indicator (people, sessions, percent...), not money


class HubModelCopy(ConsortiumScoped, Base):
    """The consortium's current hub model as governance last announced it (H1), for H5."""

    __tablename__ = "hub_model_copy"
    __table_args__ = (UniqueConstraint("consortium_id", name="uq_hub_model_copy_consortium_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    model: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    decision_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    announced_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Contract(ConsortiumScoped, Base):
    """The head contract with the commissioner."""

    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_latest_start", "consortium_id", "starts_on", "title", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("opportunity.id"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lot.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    commissioner_name: Mapped[str] = mapped_column(String(200))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    management_fee_basis_points: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    income_schedule: Mapped[list] = mapped_column(JSON, default=list)  # [{due_on, amount_pence}]
    reporting_frequency: Mapped[str] = mapped_column(String(20))
    return_due_days: Mapped[int] = mapped_column(Integer)
    rag_green_percent: Mapped[int] = mapped_column(Integer, default=95)
    rag_amber_percent: Mapped[int] = mapped_column(Integer, default=80)
    status: Mapped[str] = mapped_column(String(20))
    awarded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    went_live_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Indicator(ConsortiumScoped, Base):
    """An output or outcome the contract is measured by (P1)."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("contract_id", "code", name="uq_indicator_contract_id_code"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(60))
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ReportingPeriod(ConsortiumScoped, Base):
    """A period progress is reported for, with the day its returns are due."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("contract_id", "number", name="uq_reporting_period_contract_id_number"),
                      # the returns due between two dates (the daily reminders, GET /returns/due; migration 0010)
                      Index("ix_reporting_period_return_due", "consortium_id", "return_due_on", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    return_due_on: Mapped[dt.date] = mapped_column(Date)


class Target(ConsortiumScoped, Base):
    """The head contract's target for one indicator in one period."""

    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id", name="uq_indicator_target_indicator_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id"), index=True)
    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicator.id"))
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reporting_period.id"))
    target: Mapped[Decimal] = mapped_column(Amount)


class Subcontract(OrganisationScoped, Base):
    """Work passed to a member organisation (F2), or in a virtual hub the contract's management (H5)."""

    __tablename__ = "subcontract"
    __table_args__ = (Index("ix_subcontract_latest_issued", "consortium_id", "issued_at", "id"),
                      # a contract's dashboard: its delivery subcontracts by name (service_layer/dashboard.py)
                      Index("ix_subcontract_by_name", "consortium_id", "contract_id", "purpose", "organisation_name",
                            "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(30))
    value_pence: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    overall_rag: Mapped[str | None] = mapped_column(String(10))
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(200))

    @classmethod
    def owning_organisation(cls):
        return cls.organisation_id


class SubcontractTarget(ConsortiumScoped, Base):
    """The subcontractor's share of a target: what it is to deliver of one indicator in one period."""

    __tablename__ = "subcontract_target"
    __table_args__ = (UniqueConstraint("subcontract_id", "indicator_id", "period_id",
                                       name="uq_subcontract_target_subcontract_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"), index=True)
    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicator.id"))
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reporting_period.id"))
    target: Mapped[Decimal] = mapped_column(Amount)


class Instalment(ConsortiumScoped, Base):
    """One payment due to a subcontractor: on a date, or by results once the period's return is accepted."""

    __tablename__ = "subcontract_instalment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    release: Mapped[str] = mapped_column(String(30))
    period_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reporting_period.id"))


class Variation(ConsortiumScoped, Base):
    """A change to a subcontract: why, who, when, and the subcontract before and after."""

    __tablename__ = "subcontract_variation"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    varied_by: Mapped[str] = mapped_column(String(200))
    varied_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PerformanceReturn(OrganisationScoped, Base):
    """A subcontractor's return for a period (P1): actual per indicator, narrative, evidence; the hub's review."""

    __tablename__ = "performance_return"
    __table_args__ = (UniqueConstraint("subcontract_id", "period_id", name="uq_performance_return_subcontract_id"),
                      Index("ix_performance_return_review", "consortium_id", "status", "submitted_at", "id"),
                      Index("ix_performance_return_submitted", "consortium_id", "submitted_at", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id"), index=True)
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reporting_period.id"))
    actuals: Mapped[dict] = mapped_column(JSON)  # {indicator id: "12.5"} (strings keep the decimals exact)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    submitted_by: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_comment: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def owning_organisation(cls):
        return cls.organisation_id


class ReturnReminder(ConsortiumScoped, Base):
    """P1: a reminder announced for a subcontract's return for one period (due soon, or overdue): each once."""

    __tablename__ = "return_reminder"
    __table_args__ = (UniqueConstraint("subcontract_id", "period_id", "reminder",
                                       name="uq_return_reminder_subcontract_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"))
    period_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reporting_period.id"))
    reminder: Mapped[str] = mapped_column(String(20))  # due_soon | overdue
    announced_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReturnEvent(ConsortiumScoped, Base):
    """The history of a return: submitted, queried (with the hub's comment), submitted again, accepted."""

    __tablename__ = "performance_return_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("performance_return.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ReturnEvidence(OrganisationScoped, Base):
    """A file sent with a return as evidence, kept with its checksum."""

    __tablename__ = "performance_return_evidence"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("performance_return.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)

    @classmethod
    def owning_organisation(cls):
        return cls.organisation_id


class ImprovementPlan(OrganisationScoped, Base):
    """What a subcontractor rated red will do to recover: actions with owners and dates, reviews, closure."""

    __tablename__ = "improvement_plan"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subcontract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("subcontract.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(Text)
    actions: Mapped[list] = mapped_column(JSON, default=list)  # [{id, action, owner, due_on, done}]
    reviews: Mapped[list] = mapped_column(JSON, default=list)  # [{on, note, by}]
    review_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closing_note: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def owning_organisation(cls):
        return cls.organisation_id
