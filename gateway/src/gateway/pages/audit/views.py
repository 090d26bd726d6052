"""/audit: the consortium's audit trail, read by people: every service's trail and the gateway's own, merged newest
first (or oldest first) a page at a time, in words (people by name, records by their name or title, events and tasks
in plain words, dates and times in the display time zone, money in pounds), filtered by person, part of the hub, kind
of record, record and days, and exported as CSV or XLSX.

Who may read it: the consortium manager and the host administrator (each their own consortium's, as the services
answer `GET /audit`, hubkit.audit_trail); other roles get 403. Refused access to another consortium's or
organisation's records shows here as one row per person, kind of record and hour, with how many times.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from flask import Blueprint, current_app, render_template, request, url_for
from hubkit import clock

from ...adapters.audit_reads import consortia_named, gateway_trail, people_named, people_of
from ...auth.session import current_user, roles_required
from ...domain.audit import CONSORTIUM, USER
from ...domain.roles import CONSORTIUM_MANAGER, HOST_ADMIN
from ...proxy.client import ServiceDown, call_service
from ..common.service_pages import csv_response, is_uuid, refusal, xlsx_response
from ..common.dates import day, month, when
from ..common.money import money
from .forms import KINDS, ORDERS, PARTS, filter_query, read_filters
from .merge import SOURCES, BadPosition, MergedPage, Position, merge

bp = Blueprint("audit_ui", __name__, url_prefix="/audit", template_folder="templates")

READS_THE_TRAIL = frozenset({CONSORTIUM_MANAGER, HOST_ADMIN})
PER_PAGE = 25
EXPORT_PAGE, EXPORT_MAX_ROWS = 500, 20_000
HIDDEN_FIELDS = {"id", "consortium_id"}  # every row has them; they never change
LONGEST_VALUE = 80


# --- one page of every trail, merged ---------------------------------------------------------------------------

def merged_page(filters: dict, part: str, limit: int, position: Position | None) -> tuple[MergedPage, list[str]]:
    """The page of the merged trails beyond `position`, and what could not be read (a service down, say)."""
    user = current_user()
    found, problems = [], []
    for rank, source in enumerate(SOURCES):
        if part and part != source:
            continue
        cursor = position.cursor_for(rank) if position else None
        backwards = bool(position and position.backwards)
        if source == "gateway":
            with current_app.extensions["gateway.db"].session() as session:
                rows, more = gateway_trail(session, user.consortium_id, filters, limit, cursor)
        else:
            rows, more, problem = _service_trail(source, filters, limit, cursor, backwards)
            if problem:
                problems.append(f"{PARTS[source]}: {problem}")
        for row in rows:
            row["rank"], row["source"] = rank, source
        found.append((rows, more))
    return merge(found, limit, position), problems


def in_order(page: MergedPage, order: str) -> tuple[list[dict], Position | None, Position | None]:
    """(the page's rows, the position of the page after, of the page before) in the order asked: oldest first is
    the merged order read the other way (merge.py)."""
    if order == "oldest":
        return page.rows[::-1], page.previous, page.next
    return page.rows, page.next, page.previous


def first_position(order: str) -> Position | None:
    return Position.beyond_the_oldest() if order == "oldest" else None


def _service_trail(service: str, filters: dict, limit: int, cursor: str | None,
                   backwards: bool) -> tuple[list[dict], bool, str | None]:
    query = {key: value for key, value in filters.items() if value} | {"limit": limit, "cursor": cursor}
    try:
        answer = call_service(service, "GET", "/audit", query=query, one_page=True)
    except ServiceDown as exc:
        return [], False, exc.message
    if not answer.ok or not isinstance(answer.body, list):
        return [], False, ("You do not have access to this." if answer.status == 403 else refusal(answer))
    rows = [row | {"at": dt.datetime.fromisoformat(row["at"])} for row in answer.body]
    return rows, (answer.prev_cursor if backwards else answer.next_cursor) is not None, None


# --- in words --------------------------------------------------------------------------------------------------

def in_words(rows: list[dict]) -> list[dict]:
    """Each row with `who`, `what`, `about` and `changes` for people: never a bare id, `user:<id>` or `event:<type>`."""
    user_ids = {row["actor_user_id"] for row in rows if row.get("actor_user_id")}
    user_ids |= {row["entity_id"] for row in rows if row["source"] == "gateway" and row["entity"] == USER}
    for row in rows:
        for copy in (row.get("before"), row.get("after")):
            if isinstance(copy, dict):
                user_ids |= {v for v in copy.values() if isinstance(v, str) and len(v) == 36}
                user_ids |= {v[len("user:"):] for v in copy.values() if isinstance(v, str) and v.startswith("user:")}
    consortia = {row["entity_id"] for row in rows if row["source"] == "gateway" and row["entity"] == CONSORTIUM}
    with current_app.extensions["gateway.db"].session() as session:
        people = people_named(session, current_user().consortium_id, user_ids)
        consortium_names = consortia_named(session, consortia)
    worded = []
    for row in rows:
        subject = row.get("subject_name")
        if row["source"] == "gateway":
            subject = people.get(row["entity_id"]) if row["entity"] == USER else consortium_names.get(row["entity_id"])
        who = people.get(row["actor_user_id"], "Someone without a login here") if row.get("actor_user_id") \
            else row.get("actor_label") or "The hub (automatic)"
        worded.append(row | {
            "part": PARTS[row["source"]], "who": who, "what": _what(row),
            "about": f"{row['entity_label']}: {subject}" if subject else row["entity_label"],
            "changes": [] if row["action"] == "refused" else _changes(row, people)})
    return worded


def _what(row: dict) -> str:
    if row["action"] != "refused":
        return row["action_label"]
    after = row.get("after") or {}
    times = row.get("occurrences") or 1
    start = row["at"]
    hour = f"{when(start).split(' at ')[1]} and {when(start + dt.timedelta(hours=1)).split(' at ')[1]}"
    return (f"Refused access to {after.get('whose', 'another organisation')}'s record, "
            f"{times} time{'s' if times != 1 else ''} between {hour}")


def _changes(row: dict, people: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, before, after) in words, for the fields a change changed (a creation lists nothing)."""
    before, after = row.get("before"), row.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    keys = list(before) + [key for key in after if key not in before]
    return [(_field_name(key), _shown(before.get(key), people, key), _shown(after.get(key), people, key))
            for key in keys if key not in HIDDEN_FIELDS and before.get(key) != after.get(key)]


def _field_name(key: str) -> str:
    return key.removesuffix("_pence").replace("_", " ").capitalize()


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MONTH = re.compile(r"\d{4}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


def _shown(value, people: dict[str, str], field: str = "") -> str:
    """A value of a record's copy in words: people by name, never a bare id, days and moments as every page shows
    them (in the display time zone), money in pounds (a `..._pence` field, F4)."""
    if value is None:
        return "none"
    if value is True or value is False:
        return "yes" if value else "no"
    if field.endswith("_pence") and isinstance(value, int):
        return money(value)
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        return when(value)
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return day(value)
    if isinstance(value, str) and field.endswith("month") and ISO_MONTH.fullmatch(value):
        return month(value)
    if isinstance(value, str) and value in people:
        return people[value]
    if isinstance(value, str) and value.startswith("user:"):  # a service's actor: the person, by name
        return people.get(value[len("user:"):], "someone without a login here")
    if isinstance(value, str) and len(value) == 36 and is_uuid(value):
        return "a record not named here"  # never a bare id (issue 14 item 5)
    if isinstance(value, (list, dict)):
        value = ", ".join(map(str, value)) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE - 1] + "…"


# --- the pages -------------------------------------------------------------------------------------------------

def _page_href(form: dict, position: Position | None) -> dict | None:
    if position is None:
        return None
    return {"href": url_for("audit_ui.trail", **filter_query(form), cursor=position.encode())}


@bp.route("")
@roles_required(READS_THE_TRAIL)
def trail():
    user = current_user()
    with current_app.extensions["gateway.db"].session() as session:
        people = people_of(session, user.consortium_id)
    filters, form, errors = read_filters(people)
    position, rows, problems, pages = first_position(form["order"]), [], [], {}
    if request.args.get("cursor"):
        try:
            position = Position.decode(request.args["cursor"])
        except BadPosition:
            errors["_form"] = ["That link to a page of the trail is not one this page gave out; start again."]
    if not errors:
        page, problems = merged_page(filters, form["reads"], PER_PAGE, position)
        shown, after, before = in_order(page, form["order"])
        rows = in_words(shown)
        pages = {"previous": _page_href(form, before), "next": _page_href(form, after)}
    subject_name = next((row["about"] for row in rows if row["entity_id"] == form["subject"]), None)
    return render_template(
        "audit/trail.html", rows=rows, form=form, errors=errors, problems=problems, people=people, parts=PARTS,
        kinds=KINDS, orders=ORDERS,
        pages={key: value for key, value in pages.items() if value} | {"landmarkLabel": "Pages of the audit trail"}
        if any(pages.values()) else {}, subject_name=subject_name, export_query=filter_query(form),
        every_record_query={k: v for k, v in filter_query(form).items() if k != "subject"},
        first_page=not request.args.get("cursor")), 400 if errors else 200


@bp.route("/export.<any(csv, xlsx):file_type>")
@roles_required(READS_THE_TRAIL)
def export(file_type: str):
    """Every row matching the filters (up to EXPORT_MAX_ROWS), in the order asked, in words."""
    user = current_user()
    with current_app.extensions["gateway.db"].session() as session:
        people = people_of(session, user.consortium_id)
    filters, form, errors = read_filters(people)
    if errors:
        return trail()
    rows, position = [], first_position(form["order"])
    while len(rows) < EXPORT_MAX_ROWS:
        page, problems = merged_page(filters, form["reads"], EXPORT_PAGE, position)
        if problems:
            return render_template("audit/export_failed.html", problems=problems), 502
        shown, position, _ = in_order(page, form["order"])
        rows.extend(in_words(shown))
        if position is None:
            break
    header = ("When", "Who", "What", "Part of the hub", "Record", "Record id", "Times", "Changes")
    table = [(when(row["at"]), row["who"], row["what"], row["part"], row["about"], row["entity_id"],
              row.get("occurrences") or 1, "; ".join(f"{field}: {before} → {after}"
                                                     for field, before, after in row["changes"]))
             for row in rows[:EXPORT_MAX_ROWS]]
    name = f"audit-trail-{clock.today().isoformat()}"
    if file_type == "csv":
        return csv_response(f"{name}.csv", header, table)
    return xlsx_response(f"{name}.xlsx", [("Audit trail", header, table)])

