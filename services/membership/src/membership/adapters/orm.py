"""Membership's tables."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, \
    UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hubkit.db import ConsortiumScoped, OrganisationScoped, UtcDateTime, declarative_base_for, utcnow

Base = declarative_base_for("membership")


class Organisation(OrganisationScoped, Base):
    """A member (or would-be member) organisation of the consortium, with its profile."""

    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("consortium_id", "name", name="uq_organisation_consortium_name"),
        UniqueConstraint("consortium_id", "charity_number", name="uq_organisation_consortium_charity_number"),
        UniqueConstraint("consortium_id", "company_number", name="uq_organisation_consortium_company_number"),
        # the directory's pages: by name within a status (the name-only order uses uq_organisation_consortium_name)
        Index("ix_organisation_directory", "consortium_id", "status", "name", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    charity_number: Mapped[str | None] = mapped_column(String(7))
    company_number: Mapped[str | None] = mapped_column(String(8))
    address_line_1: Mapped[str | None] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8))
    areas_served: Mapped[list] = mapped_column(JSON, default=list)
    client_groups: Mapped[list] = mapped_column(JSON, default=list)
    service_categories: Mapped[list] = mapped_column(JSON, default=list)
    income_band: Mapped[str | None] = mapped_column(String(20))
    staff_count: Mapped[int | None] = mapped_column(Integer)
    volunteer_count: Mapped[int | None] = mapped_column(Integer)
    diversity: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[str | None] = mapped_column(Text)  # what more it could take on, in its own words
    past_contracts: Mapped[list] = mapped_column(JSON, default=list)  # [{title, commissioner, value_pence, year}]
    status: Mapped[str] = mapped_column(String(30))
    eligible_for_new_work: Mapped[bool] = mapped_column(Boolean, default=True)
    decision_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    expulsion_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # G5: put to the Partners Group, pending
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["Contact"]] = relationship(cascade="all, delete-orphan", order_by="Contact.role",
                                                     lazy="selectin")
    quality_marks: Mapped[list["QualityMark"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="QualityMark.name", lazy="selectin")

    @classmethod
    def owning_organisation(cls):
        return cls.id


class OwnedByOrganisation(OrganisationScoped):
    """Rows belonging to one organisation: its staff see only their own."""

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)

    @classmethod
    def owning_organisation(cls):
        return cls.organisation_id


class Contact(OwnedByOrganisation, Base):
    """The organisation's main, finance or safeguarding contact."""

    __tablename__ = "organisation_contact"
    __table_args__ = (UniqueConstraint("organisation_id", "role", name="uq_organisation_contact_role"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))


class QualityMark(OwnedByOrganisation, Base):
    """A quality mark the organisation holds (e.g. Advice Quality Standard), with its expiry."""

    __tablename__ = "quality_mark"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[dt.date | None] = mapped_column(Date)


class MembershipChange(OwnedByOrganisation, Base):
    """One change of membership status, kept for ever: who, when, why and the decision behind it."""

    __tablename__ = "membership_change"
    __table_args__ = (Index("ix_membership_change_history", "organisation_id", "recorded_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(200))
    decision_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DueDiligenceSetting(ConsortiumScoped, Base):
    """A consortium's choice about one checklist item (M1); items without a setting use the defaults."""

    __tablename__ = "due_diligence_setting"
    __table_args__ = (UniqueConstraint("consortium_id", "kind", name="uq_due_diligence_setting_kind"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    required: Mapped[bool] = mapped_column(Boolean)


class DueDiligenceEvidence(OwnedByOrganisation, Base):
    """What an applicant provided for one checklist item, and its verification by a named person."""

    __tablename__ = "due_diligence_evidence"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", name="uq_due_diligence_evidence_kind"),
                      Index("ix_due_diligence_evidence_expiring", "consortium_id", "expires_on"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    provided_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    cover_pence: Mapped[int | None] = mapped_column(BigInteger)
    document_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    expiry_warned_for: Mapped[dt.date | None] = mapped_column(Date)  # the expiry date we last warned of
    expiry_warned_within: Mapped[int | None] = mapped_column(Integer)  # and how near (30, 7, 0 days)
    expired_noted: Mapped[bool] = mapped_column(Boolean, default=False)


class ComplianceDocument(OwnedByOrganisation, Base):
    """An uploaded document (policy, certificate, accounts), kept in the database with its checksum."""

    __tablename__ = "compliance_document"
    __table_args__ = (Index("ix_compliance_document_newest", "organisation_id", "uploaded_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    verified_by: Mapped[str | None] = mapped_column(String(200))
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
