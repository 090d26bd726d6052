"""Ids that exist: what governance stores about another service's entities is checked against its read copy."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from hubkit.domain import InvalidField

from ..adapters.orm import MemberOrganisation


def check_organisation(session, organisation_id: uuid.UUID | None, field: str = "organisation_id") -> None:
    """An organisation named here is one on the consortium's membership register (422 naming the field if not).

    The copy is kept from membership's events, so one registered a moment ago may not be here yet: try again.
    """
    if organisation_id is None:
        return
    if session.execute(select(MemberOrganisation.id).where(MemberOrganisation.id == organisation_id)).first() is None:
        raise InvalidField.on(field, "No organisation with this id is on the consortium's membership register "
                                     "(if it was registered a moment ago, try again shortly).")


def organisation_in_subject(session, subject: str | None, field: str = "subject") -> None:
    """A subject naming an organisation (`organisation/<id>`) names one on the register."""
    if not subject or not subject.startswith("organisation/"):
        return
    try:
        organisation_id = uuid.UUID(subject.split("/", 1)[1])
    except ValueError:
        raise InvalidField.on(field, "organisation/<id> takes an organisation's id.") from None
    check_organisation(session, organisation_id, field)
