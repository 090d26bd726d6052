"""Governance's tables."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import ConsortiumScoped, UtcDateTime, declarative_base_for

Base = declarative_base_for("governance")


class DecisionRequest(ConsortiumScoped, Base):
    """Another service asks for a body's decision (e.g. a membership application, M1)."""

    __tablename__ = "decision_request"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the requester's request id
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    requested_by: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
