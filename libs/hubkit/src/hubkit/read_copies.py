"""Read copies of another service's entities, kept up to date from its events.

Contracts and finance both keep a copy of membership's organisations; the columns and the way an
event updates them are written once, here.
"""
from __future__ import annotations

import datetime as dt
import uuid

from marshmallow import Schema, fields
from sqlalchemy import Boolean, String, Uuid, select, true
from sqlalchemy.orm import Mapped, mapped_column

from .db import ConsortiumScoped, UtcDateTime, audit_as_event
from .events import Envelope

ORGANISATION_EVENTS = (
    "membership.organisation.registered", "membership.organisation.updated", "membership.application.submitted",
    "membership.member.activated", "membership.application.rejected", "membership.member.suspended",
    "membership.member.lapsed", "membership.member.withdrawn", "membership.member.expelled",
    "membership.member.reinstated", "membership.eligibility.changed",
)


class MemberOrganisationCopy(ConsortiumScoped):
    """Columns of a read copy of a membership organisation."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    eligible_for_new_work: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


def apply_organisation_event(session, model: type[MemberOrganisationCopy], event: Envelope) -> None:
    """Insert or update the copy from an organisation event; an older event never overwrites a newer one."""
    apply_organisation_events(session, model, [event])


def apply_organisation_events(session, model: type[MemberOrganisationCopy], events: list[Envelope]) -> None:
    """`apply_organisation_event` for a run of events of one consortium, in order: one read for all their copies."""
    ids = {uuid.UUID(str(event.data["organisation_id"])) for event in events}
    copies = {c.id: c for c in session.execute(select(model).where(model.id.in_(ids))).scalars()}
    for event in events:
        org_id = uuid.UUID(str(event.data["organisation_id"]))
        copy = copies.get(org_id)
        if copy is None:
            copy = copies[org_id] = model(id=org_id, consortium_id=event.consortium_id)
            session.add(copy)
        elif copy.updated_at and _aware(copy.updated_at) > event.occurred_at:
            continue
        copy.name = event.data["name"]
        copy.legal_form = event.data["legal_form"]
        copy.status = event.data["status"]
        if "eligible_for_new_work" in event.data:
            copy.eligible_for_new_work = event.data["eligible_for_new_work"]
        elif copy.eligible_for_new_work is None:
            copy.eligible_for_new_work = True
        copy.updated_at = event.occurred_at
        if len(events) > 1:
            audit_as_event(session, copy, event)  # audited as its own event, as one by one


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def subscribe_organisation_copy(handlers, model: type[MemberOrganisationCopy]) -> None:
    """Register the handlers that keep `model` in step with membership's organisation events (one by one,
    and set-wise for a consumer's batch)."""
    def one(uow, event):
        apply_organisation_event(uow.session, model, event)

    def many(uow, events):
        apply_organisation_events(uow.session, model, events)

    for event_type in ORGANISATION_EVENTS:
        handlers.on(event_type, many=many)(one)


class MemberOrganisationCopySchema(Schema):
    """How a read copy of an organisation is shown by the service keeping it."""

    id = fields.UUID()
    name = fields.String()
    legal_form = fields.String()
    status = fields.String()
    eligible_for_new_work = fields.Boolean()
    updated_at = fields.DateTime()


def organisation_copy_blueprint(model: type[MemberOrganisationCopy], *, url_prefix: str, who: str):
    """The read-only API over a service's copy of membership's organisations (staff roles only)."""
    from flask.views import MethodView
    from flask_smorest import Blueprint

    from .auth import STAFF, allow
    from .paging import Order, asc, paged
    from .web import get_or_404, request_uow

    blp = Blueprint(url_prefix.strip("/"), __name__, url_prefix=url_prefix,
                    description=f"Member organisations known to {who}, from membership's events")

    @blp.route("")
    class Copies(MethodView):
        @allow(*STAFF)
        @paged(blp, MemberOrganisationCopySchema)
        def get(self, page):
            """Member organisations as this service knows them, by name."""
            with request_uow() as uow:
                return page.select(uow.session, select(model), Order(asc(model.name), asc(model.id)))

    @blp.route("/<organisation_id>")
    class CopyById(MethodView):
        @allow(*STAFF)
        @blp.response(200, MemberOrganisationCopySchema)
        def get(self, organisation_id):
            """One member organisation as this service knows it."""
            with request_uow() as uow:
                return get_or_404(uow.session, model, organisation_id, "organisation")

    return blp
