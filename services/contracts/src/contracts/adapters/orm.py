"""Contracts's tables: the read copy of member organisations and the opportunities pipeline.

Each area keeps its tables in its own module (bids, allocation, contracts and performance), imported at the
bottom so that `Base.metadata` always holds every table (migrations and the models-match test rely on it).
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, Uuid, func, literal_column, \
    type_coerce
from sqlalchemy.orm import Mapped, column_property, mapped_column

from hubkit.db import ConsortiumScoped, UtcDateTime, declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy

Base = declarative_base_for("contracts")


class MemberOrganisation(MemberOrganisationCopy, Base):
    """Read copy of membership's organisations, kept by events."""

    __tablename__ = "member_organisation"
    __table_args__ = (Index("ix_member_organisation_by_name", "consortium_id", "name", "id"),)


class Opportunity(ConsortiumScoped, Base):
    """A contract the consortium might bid for, from identification to won, lost or withdrawn."""

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_pipeline", "consortium_id", "stage", "submission_deadline", "created_at",
                            "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    commissioner_name: Mapped[str] = mapped_column(String(200))
    commissioner_type: Mapped[str] = mapped_column(String(40))
    estimated_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    contract_length_months: Mapped[int | None] = mapped_column(Integer)
    service_categories: Mapped[list] = mapped_column(JSON, default=list)
    areas: Mapped[list] = mapped_column(JSON, default=list)
    notice_reference: Mapped[str | None] = mapped_column(String(300))  # e.g. a Find a Tender notice id or URL
    clarification_deadline: Mapped[dt.date | None] = mapped_column(Date)
    submission_deadline: Mapped[dt.date | None] = mapped_column(Date)
    award_expected_on: Mapped[dt.date | None] = mapped_column(Date)
    start_expected_on: Mapped[dt.date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    # The board's go/no-go (migration 0004): the request sent to governance and its one answer.
    go_no_go_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    go_no_go_outcome: Mapped[str | None] = mapped_column(String(20))
    go_no_go_note: Mapped[str | None] = mapped_column(Text)
    go_no_go_decided_by: Mapped[str | None] = mapped_column(String(20))  # governance, or the manager standing in
    go_no_go_decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # The pipeline list's sort keys (issue 14 item 7), never NULL: hubkit.paging compares a page's keys in SQL,
    # and NULLs sort differently per database. No submission deadline sorts after every date; no estimated
    # value below every value. Each has its index below (the same expression, so the databases use it).
    deadline_key: Mapped[dt.date] = column_property(type_coerce(
        func.coalesce(submission_deadline, literal_column("'9999-12-31'")), Date))
    value_key: Mapped[int] = column_property(type_coerce(
        func.coalesce(estimated_value_pence, literal_column("-1")), BigInteger))


# The pipeline list's orders (service_layer/pipeline.py OPPORTUNITY_ORDERS), one index each (migration 0011).
Index("ix_opportunity_by_deadline", Opportunity.consortium_id, Opportunity.deadline_key.expression,
      Opportunity.created_at, Opportunity.id)
Index("ix_opportunity_by_title", Opportunity.consortium_id, Opportunity.title, Opportunity.id)
Index("ix_opportunity_by_value", Opportunity.consortium_id, Opportunity.value_key.expression, Opportunity.created_at,
      Opportunity.id)


class Lot(ConsortiumScoped, Base):
    """A part of an opportunity that is bid for (and allocated) on its own."""

    __tablename__ = "lot"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("opportunity.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    estimated_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    service_categories: Mapped[list] = mapped_column(JSON, default=list)


# Each area's tables (imported last: they use Base and the classes above).
from . import bid_tables, allocation_tables, contract_tables  # noqa: E402,F401
