"""Bids: bid lead, tasks, delivery partners, pricing, documents, submission and outcome; and the pipeline's
history of stage moves."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text, \
    UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hubkit.db import ConsortiumScoped, UtcDateTime, utcnow

from .orm import Base


class StageChange(ConsortiumScoped, Base):
    """One move of an opportunity along the pipeline, with who made it and why."""

    __tablename__ = "opportunity_stage_change"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("opportunity.id"), index=True)
    from_stage: Mapped[str] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Bid(ConsortiumScoped, Base):
    """The consortium's bid for an opportunity, or for one of its lots (one each)."""

    __tablename__ = "bid"
    __table_args__ = (UniqueConstraint("opportunity_id", "scope", name="uq_bid_opportunity_id_scope"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("opportunity.id"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lot.id"))
    scope: Mapped[str] = mapped_column(String(40))  # "whole" or the lot's id: one bid per opportunity or lot
    lead_name: Mapped[str] = mapped_column(String(200))
    lead_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    price_pence: Mapped[int | None] = mapped_column(BigInteger)
    management_fee_basis_points: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(10))
    scores: Mapped[list] = mapped_column(JSON, default=list)  # [{criterion, score, max_score}]
    feedback: Mapped[str | None] = mapped_column(Text)
    outcome_recorded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BidTask(ConsortiumScoped, Base):
    """A piece of work on a bid, with its owner and deadline."""

    __tablename__ = "bid_task"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bid.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class BidPartner(ConsortiumScoped, Base):
    """A member organisation proposed to deliver part of the work, its share of the value and its outputs."""

    __tablename__ = "bid_partner"
    __table_args__ = (UniqueConstraint("bid_id", "organisation_id", name="uq_bid_partner_bid_id_organisation_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bid.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_name: Mapped[str] = mapped_column(String(200))
    share_pence: Mapped[int] = mapped_column(BigInteger)
    outputs: Mapped[list] = mapped_column(JSON, default=list)


class BidDocument(ConsortiumScoped, Base):
    """A file that goes with the bid (method statement, pricing schedule...), kept with its checksum."""

    __tablename__ = "bid_document"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    bid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bid.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
