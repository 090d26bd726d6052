"""Membership's tables."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import OrganisationScoped, UtcDateTime, declarative_base_for, utcnow

Base = declarative_base_for("membership")


class Organisation(OrganisationScoped, Base):
    """A member (or would-be member) organisation of the consortium."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("consortium_id", "name", name="uq_organisation_consortium_name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    charity_number: Mapped[str | None] = mapped_column(String(7))
    company_number: Mapped[str | None] = mapped_column(String(8))
    postcode: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(30))
    decision_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    @classmethod
    def owning_organisation(cls):
        return cls.id
