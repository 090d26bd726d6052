"""Ids that exist (issue 12 item 3): what finance stores about another service's organisations is checked against
its read copies, and an unknown id is refused with 422 naming the field.

Finance knows an organisation of the caller's consortium from membership's register (its copy of member
organisations) or from a subcontract contracts issued to it (its subcontract copy: a subcontractor need not be a
member). Both copies are kept from events and are scoped to the caller's consortium, so another consortium's
organisation is never known here. A refusal rather than a pending row: settings and bank details for an
organisation nobody has told finance of have no use until it is known, and the answer says to try again shortly
if it was registered (or subcontracted) a moment ago.

Where the id is in the request's path (`PUT /payments/payees/{organisation_id}`, `PUT /invoices/issuers/
{organisation_id}`) the api layer answers 404 instead, naming organisation_id: the path names something that is
not the caller's consortium's, answered as if it did not exist (as the authorisation matrix expects of every path).
"""
from __future__ import annotations

import uuid

from sqlalchemy import select

from hubkit.domain import InvalidField

from ..adapters.money_tables import SubcontractCopy
from ..adapters.orm import MemberOrganisation


def is_known_organisation(session, organisation_id: uuid.UUID) -> bool:
    """On the consortium's membership register, or a subcontractor of one of its contracts."""
    if session.execute(select(MemberOrganisation.id).where(MemberOrganisation.id == organisation_id)).first():
        return True
    return session.execute(select(SubcontractCopy.id).where(
        SubcontractCopy.organisation_id == organisation_id).limit(1)).first() is not None


class UnknownOrganisation(InvalidField):
    """An organisation id finance does not know in the caller's consortium (422 naming the field)."""

    MESSAGE = ("No organisation with this id is on the consortium's membership register or holds one of its "
               "subcontracts (if it was registered a moment ago, try again shortly).")

    def __init__(self, field: str):
        super().__init__({field: [self.MESSAGE]})
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.MESSAGE}"


def check_organisation(session, organisation_id: uuid.UUID | None, field: str = "organisation_id") -> None:
    """UnknownOrganisation naming `field` unless the organisation is known to finance (see the module's docstring)."""
    if organisation_id is None or is_known_organisation(session, organisation_id):
        return
    raise UnknownOrganisation(field)
