"""How membership describes an organisation in its events."""
from __future__ import annotations

from ..adapters.orm import Organisation


def subject(org: Organisation) -> str:
    return f"organisation/{org.id}"


def organisation_fields(org: Organisation) -> dict:
    """The fields every organisation event carries (enough for a read copy)."""
    return {"organisation_id": org.id, "name": org.name, "legal_form": org.legal_form, "status": org.status}


def profile_fields(org: Organisation) -> dict:
    return organisation_fields(org) | {"charity_number": org.charity_number, "company_number": org.company_number,
                                       "postcode": org.postcode}


def capability_fields(org: Organisation) -> dict:
    """M2: what the organisation can deliver, for the contracts service's invitations."""
    return organisation_fields(org) | {
        "service_categories": org.service_categories, "areas_served": org.areas_served, "capacity": org.capacity,
        "past_contracts": org.past_contracts, "eligible_for_new_work": org.eligible_for_new_work}
