"""Finding members: the directory's filters and the capability search (M2), as selects the database pages."""
from __future__ import annotations

from sqlalchemy import JSON, Select, case, exists, func, literal, select

from ..adapters.orm import Organisation


def _has_element(session, column, value: str, ignore_case: bool = False):
    """SQL: the JSON list in `column` has `value` as an element (compared lower-cased when `ignore_case`); a NULL
    or non-list holds nothing. json_each on SQLite, json_array_elements_text on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        listed = case((func.json_typeof(column) == "array", column), else_=literal([], JSON))
        elements = func.json_array_elements_text(listed).table_valued("value")
    else:
        elements = func.json_each(column).table_valued("value")
    element = func.lower(elements.c.value) if ignore_case else elements.c.value
    return exists(select(1).select_from(elements).where(element == value))


def _contains(column, needle: str):
    return func.lower(func.coalesce(column, "")).contains(needle, autoescape=True)


def search_directory(session, q: str | None = None, status: str | None = None, service_category: str | None = None,
                     area: str | None = None, diversity: str | None = None,
                     eligible: bool | None = None) -> Select:
    """Organisations matching every filter given, by name: a select, so the database filters and pages it (the
    text search and the area are matched case-insensitively, as SQL's lower() has it)."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if status:
        query = query.where(Organisation.status == status)
    if eligible is not None:
        query = query.where(Organisation.eligible_for_new_work.is_(eligible))
    if q and q.strip():
        needle = q.strip().lower()
        query = query.where(_contains(Organisation.name, needle) | _contains(Organisation.town, needle)
                            | _contains(Organisation.postcode, needle))
    if service_category:
        query = query.where(_has_element(session, Organisation.service_categories, service_category))
    if area:
        query = query.where(_has_element(session, Organisation.areas_served, area.strip().lower(), ignore_case=True))
    if diversity:
        query = query.where(_has_element(session, Organisation.diversity, diversity))
    return query
