"""Fair allocation of work among members (C1-C7): rounds, declarations, panels, criteria, EOIs, scores; and the
read copy of membership's capability register (M2) that invitations are drawn from."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, \
    Uuid, true
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import ConsortiumScoped, OrganisationScoped, UtcDateTime, utcnow

from .orm import Base


class MemberCapability(ConsortiumScoped, Base):
    """What a member organisation can deliver and where, from membership.capability.updated (M2)."""

    __tablename__ = "member_capability"
    __table_args__ = (Index("ix_member_capability_latest", "consortium_id", "updated_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the organisation's id
    service_categories: Mapped[list] = mapped_column(JSON, default=list)
    areas_served: Mapped[list] = mapped_column(JSON, default=list)
    capacity: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class AllocationRound(ConsortiumScoped, Base):
    """Sharing out a contract, or a lot, among members: route, timetable, panel, criteria and the decision."""

    __tablename__ = "allocation_round"
    __table_args__ = (Index("ix_allocation_round_newest", "consortium_id", "status", "created_at", "id"),
                      Index("ix_allocation_round_newest_of_all", "consortium_id", "created_at", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(300))
    specification: Mapped[str] = mapped_column(Text, default="")
    # No foreign key: the contract tables come in a later migration (0006); the service checks the contract exists.
    contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("opportunity.id"), index=True)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lot.id"), index=True)
    value_pence: Mapped[int | None] = mapped_column(BigInteger)
    service_categories: Mapped[list] = mapped_column(JSON, default=list)
    areas: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    # Timetable (C4).
    declarations_close_on: Mapped[dt.date | None] = mapped_column(Date)
    eois_close_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_by: Mapped[dt.date | None] = mapped_column(Date)
    # Route (C1, C6).
    route: Mapped[str] = mapped_column(String(20))
    chosen_provider_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    chosen_provider_name: Mapped[str | None] = mapped_column(String(200))
    chosen_provider_reason: Mapped[str | None] = mapped_column(Text)
    chosen_provider_request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    chosen_provider_outcome: Mapped[str | None] = mapped_column(String(20))
    chosen_provider_note: Mapped[str | None] = mapped_column(Text)
    chosen_provider_decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    specification_met: Mapped[bool | None] = mapped_column()
    specification_note: Mapped[str | None] = mapped_column(Text)
    # Servicing (C7).
    servicing_name: Mapped[str | None] = mapped_column(String(200))
    servicing_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    servicing_capacity: Mapped[str | None] = mapped_column(String(30))
    servicing_note: Mapped[str] = mapped_column(Text, default="")
    # Criteria (C4): the scale and the tie-break rule are fixed with them.
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    tie_break: Mapped[str] = mapped_column(String(30))
    panel_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    eois_opened_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    eois_closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # The decision.
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    awarded_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    awarded_organisation_name: Mapped[str | None] = mapped_column(String(200))
    awarded_score: Mapped[str | None] = mapped_column(String(10))  # weighted score out of 100, e.g. "78.50"
    tie_broken_by: Mapped[str | None] = mapped_column(String(30))
    decision_explanation: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class RoundStep(ConsortiumScoped, Base):
    """The round's papers (C4): each step taken, by whom and when."""

    __tablename__ = "allocation_round_step"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Invitation(OrganisationScoped, Base):
    """A member the register says can deliver the work, invited to the round."""

    __tablename__ = "allocation_invitation"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", name="uq_allocation_invitation_round_id"),
                      Index("ix_allocation_invitation_newest", "organisation_id", "invited_at", "id"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    invited_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Declaration(OrganisationScoped, Base):
    """C2: an organisation's interest in bidding, declared at the start; its people are kept off the panel."""

    __tablename__ = "allocation_declaration"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", name="uq_allocation_declaration_round_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    declared_by: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PanelMember(ConsortiumScoped, Base):
    """A person on the selection panel (C3); `user_id` links a login, so they can score their own sheet."""

    __tablename__ = "allocation_panel_member"
    # GET /allocation/panels: the caller's own seats (service_layer/allocation.py panels_query)
    __table_args__ = (Index("ix_allocation_panel_member_by_user", "consortium_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(100), index=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AllocationCriterion(ConsortiumScoped, Base):
    """A criterion the panel scores against, with its weight in percent (C4)."""

    __tablename__ = "allocation_criterion"
    __table_args__ = (UniqueConstraint("round_id", "position", name="uq_allocation_criterion_round_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)


class ExpressionOfInterest(OrganisationScoped, Base):
    """A member's bid for the work in the round."""

    __tablename__ = "allocation_eoi"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", name="uq_allocation_eoi_round_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    proposed_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    # C4: the panel shortlists before it scores; one left off the shortlist says why.
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    shortlist_note: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PanelScore(ConsortiumScoped, Base):
    """One panel member's score for one expression of interest on one criterion."""

    __tablename__ = "allocation_score"
    __table_args__ = (UniqueConstraint("panel_member_id", "eoi_id", "criterion_id",
                                       name="uq_allocation_score_panel_member_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    panel_member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_panel_member.id"), index=True)
    eoi_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_eoi.id"))
    criterion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_criterion.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_by: Mapped[str] = mapped_column(String(200))
    scored_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ModeratedScore(ConsortiumScoped, Base):
    """The panel's agreed score after moderation, replacing the mean of its members' scores."""

    __tablename__ = "allocation_moderated_score"
    __table_args__ = (UniqueConstraint("eoi_id", "criterion_id", name="uq_allocation_moderated_score_eoi_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_round.id"), index=True)
    eoi_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_eoi.id"))
    criterion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("allocation_criterion.id"))
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    moderated_by: Mapped[str] = mapped_column(String(200))
    moderated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow)
