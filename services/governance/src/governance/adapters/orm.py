"""Governance's tables."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, \
    Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hubkit.db import ConsortiumScoped, UtcDateTime, declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy

Base = declarative_base_for("governance")


class MemberOrganisation(MemberOrganisationCopy, Base):
    """Governance's read copy of membership's organisations: a seat or a hub role names one that exists."""

    __tablename__ = "member_organisation"


class DecisionRequest(ConsortiumScoped, Base):
    """Another service asks for a body's decision (e.g. a membership application, M1)."""

    __tablename__ = "decision_request"
    __table_args__ = (Index("ix_decision_request_newest", "consortium_id", "requested_at", "id"),)

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


class Body(ConsortiumScoped, Base):
    """The Partners Group, the Management Board or a sub-group, with its rules (defaults + overrides)."""

    __tablename__ = "body"
    __table_args__ = (Index("ix_body_by_creation", "consortium_id", "created_at", "id"),)  # GET /bodies' order

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    rules: Mapped[dict] = mapped_column(JSON)  # only the settings that differ from the kind's defaults
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Seat(ConsortiumScoped, Base):
    """Who sits on a body, for which organisation, in what role, for what term."""

    __tablename__ = "seat"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    person_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    deputy_for: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("seat.id"))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    lapsed_on: Mapped[dt.date | None] = mapped_column(Date)
    account: Mapped[str | None] = mapped_column(String(64))  # the holder's hub username: a chair or secretary records


class Meeting(ConsortiumScoped, Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_by_start", "body_id", "starts_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    notice_given_on: Mapped[dt.date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(300))
    minutes: Mapped[str | None] = mapped_column(Text)
    chaired_by_seat_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("seat.id"))  # G8: who chaired


class AgendaItem(ConsortiumScoped, Base):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("decision_request_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    notified_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision_request.id"))


class Attendance(ConsortiumScoped, Base):
    __tablename__ = "attendance"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    seat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("seat.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    deputy_name: Mapped[str | None] = mapped_column(String(200))


class Declaration(ConsortiumScoped, Base):
    """An interest declared in an agenda item; the declarer does not vote on it (G12)."""

    __tablename__ = "declaration"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agenda_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    seat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("seat.id"))
    interest: Mapped[str] = mapped_column(Text)
    excluded_from_discussion: Mapped[bool] = mapped_column(Boolean)
    declared_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class RegisteredInterest(ConsortiumScoped, Base):
    """The standing register of interests, per person and organisation."""

    __tablename__ = "registered_interest"
    __table_args__ = (Index("ix_registered_interest_by_person", "consortium_id", "person_name", "registered_on", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    person_name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    interest: Mapped[str] = mapped_column(Text)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class Motion(ConsortiumScoped, Base):
    __tablename__ = "motion"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agenda_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))  # open, then approved or rejected


class Vote(ConsortiumScoped, Base):
    __tablename__ = "vote"

    motion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("motion.id"), primary_key=True)
    seat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("seat.id"), primary_key=True)
    vote: Mapped[str] = mapped_column(String(10))


class Decision(ConsortiumScoped, Base):
    """What a body decided: meeting, item, votes, declarations and outcome, kept as recorded."""

    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_log", "consortium_id", "decided_at", "id"),
                      Index("ix_decision_log_by_body", "body_id", "decided_at", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    body_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("body.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meeting.id"))
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agenda_item.id"))
    motion_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("motion.id"))
    decision_request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision_request.id"))
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    votes: Mapped[dict] = mapped_column(JSON)
    declarations: Mapped[list] = mapped_column(JSON)
    decided_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    # a decision the body took elsewhere, recorded by its chair or secretary (who, and from which resolution)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    written_resolution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class ActionItem(ConsortiumScoped, Base):
    __tablename__ = "action_item"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class HubModelChange(ConsortiumScoped, Base):
    """H1: the hub's delivery model from a date, each change tied to the decision that made it."""

    __tablename__ = "hub_model_change"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    model: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decision.id"))
    host_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class FunctionAssignment(ConsortiumScoped, Base):
    """H2: who delivers one of the hub's ten functions, from a date (the latest row is current)."""

    __tablename__ = "function_assignment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    function: Mapped[str] = mapped_column(String(40), index=True)
    delivered_by: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    people: Mapped[list] = mapped_column(JSON)
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ServiceStandard(ConsortiumScoped, Base):
    """H3: a standard in an outsourced hub's service specification."""

    __tablename__ = "service_standard"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    what: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(200))
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)


class Policy(ConsortiumScoped, Base):
    """A policy in the register: its owner, the decision that approved it, and when it is next reviewed."""

    __tablename__ = "policy"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    approved_by_decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    approved_on: Mapped[dt.date] = mapped_column(Date)
    review_due_on: Mapped[dt.date] = mapped_column(Date)
    last_reviewed_on: Mapped[dt.date | None] = mapped_column(Date)


class MeetingPaper(ConsortiumScoped, Base):
    """A paper for a meeting (or one item on its agenda), kept in the database with its checksum."""

    __tablename__ = "meeting_paper"
    __table_args__ = (Index("ix_meeting_paper_in_order", "meeting_id", "uploaded_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting.id"), index=True)
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agenda_item.id"))
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class WrittenResolution(ConsortiumScoped, Base):
    """A motion decided by a body's members in writing between meetings, by a deadline."""

    __tablename__ = "written_resolution"
    __table_args__ = (Index("ix_written_resolution_by_deadline", "body_id", "deadline", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("body.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(300))
    circulated_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))  # open, then approved or rejected
    declarations: Mapped[list] = mapped_column(JSON)  # [{seat_id, person_name, interest}] (G12)
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decision.id"))
    circulated_by: Mapped[str] = mapped_column(String(200))


class WrittenAnswer(ConsortiumScoped, Base):
    """One member's answer to a written resolution."""

    __tablename__ = "written_answer"

    resolution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("written_resolution.id"), primary_key=True)
    seat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("seat.id"), primary_key=True)
    vote: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
