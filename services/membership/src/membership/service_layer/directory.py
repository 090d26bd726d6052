"""Finding members: the directory's filters and the capability search (M2)."""
from __future__ import annotations

from sqlalchemy import select

from ..adapters.orm import Organisation


def search_directory(session, q: str | None = None, status: str | None = None, service_category: str | None = None,
                     area: str | None = None, diversity: str | None = None,
                     eligible: bool | None = None) -> list[Organisation]:
    """Organisations matching every filter given, by name.

    List-valued profile fields are matched here rather than in SQL: a consortium has tens or hundreds
    of members, and this keeps SQLite and PostgreSQL alike.
    """
    query = select(Organisation).order_by(Organisation.name)
    if status:
        query = query.where(Organisation.status == status)
    if eligible is not None:
        query = query.where(Organisation.eligible_for_new_work.is_(eligible))
    found = session.execute(query).scalars().all()
    if q:
        needle = q.strip().lower()
        found = [o for o in found if needle in o.name.lower() or needle in (o.town or "").lower()
                 or needle in (o.postcode or "").lower()]
    if service_category:
        found = [o for o in found if service_category in (o.service_categories or [])]
    if area:
        wanted = area.strip().lower()
        found = [o for o in found if wanted in {a.lower() for a in (o.areas_served or [])}]
    if diversity:
        found = [o for o in found if diversity in (o.diversity or [])]
    return found
