"""Governance pages: bodies and seats, the meeting page the secretary uses live, the decisions log, the hub.

Each page is a server-rendered form over governance's API; governance applies the rules (G1-G12, H1-H3) and
its 409 `detail` or 422 `errors` are shown to the user as they come.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..auth.session import current_user, roles_required
from ..domain.roles import DECIDES, SEES_DECISIONS
from ..proxy.client import ServiceDown, call_service

bp = Blueprint("governance_ui", __name__, url_prefix="/governance", template_folder="templates")

BODY_KINDS = {"partners_group": "Partners Group", "management_board": "Management Board", "sub_group": "Sub-group"}
SEAT_ROLES = {"chair": "Independent chair", "member": "Member", "co_opted": "Co-opted (no vote)",
              "deputy": "Deputy"}
ATTENDANCE = {"present": "Present", "deputy": "Represented by a deputy", "apologies": "Apologies",
              "absent": "Absent"}
ITEM_KINDS = {"business": "Business", "chosen_provider": "Chosen provider (C5)", "about_chair": "About the chair (G7)"}
VOTES = {"for": "For", "against": "Against", "abstain": "Abstain"}


def _get(path: str, query=None):
    """(body, problem): the service's answer, or why it cannot be shown."""
    try:
        answer = call_service("governance", "GET", path, query=query)
    except ServiceDown as exc:
        return None, exc.message
    if answer.status == 404:
        return None, "Not found."
    return (answer.body, None) if answer.ok else (None, "This cannot be shown just now.")


def _send(method: str, path: str, payload: dict, done: str) -> None:
    """Send a change to governance and flash what happened, naming the rule or the fields when refused."""
    try:
        answer = call_service("governance", method, path, payload)
    except ServiceDown as exc:
        flash(exc.message, "error")
        return
    if answer.ok:
        flash(done, "success")
        return
    body = answer.body if isinstance(answer.body, dict) else {}
    errors = body.get("errors")
    if isinstance(errors, dict):
        flash("Check " + ", ".join(f"{k.replace('_', ' ')}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                                   for k, v in errors.items()), "error")
    else:
        flash(body.get("detail") or body.get("title") or "That could not be saved.", "error")


def _form(*names: str) -> dict:
    """The named fields of the posted form; empty ones as None so the service applies its defaults."""
    return {name: (request.form.get(name) or "").strip() or None for name in names}


def _can_run() -> bool:
    return bool(current_user().roles & DECIDES)


def _render(template: str, **context):
    status = 404 if context.get("problem") == "Not found." else 200
    return render_template(f"governance_ui/{template}", can_run=_can_run(), body_kinds=BODY_KINDS,
                           seat_roles=SEAT_ROLES, attendance=ATTENDANCE, item_kinds=ITEM_KINDS, votes=VOTES,
                           **context), status


@bp.route("")
@roles_required(SEES_DECISIONS)
def index():
    bodies, problem = _get("/bodies")
    return _render("index.html", bodies=bodies or [], problem=problem)


@bp.route("/bodies", methods=["POST"])
@roles_required(DECIDES)
def create_body():
    _send("POST", "/bodies", _form("kind", "name"), "Body set up.")
    return redirect(url_for("governance_ui.index"))


@bp.route("/bodies/<uuid:body_id>")
@roles_required(SEES_DECISIONS)
def body(body_id):
    found, problem = _get(f"/bodies/{body_id}")
    meetings, _ = _get(f"/bodies/{body_id}/meetings") if found else ([], None)
    return _render("body.html", body=found, meetings=meetings or [], problem=problem)


@bp.route("/bodies/<uuid:body_id>/seats", methods=["POST"])
@roles_required(DECIDES)
def add_seat(body_id):
    _send("POST", f"/bodies/{body_id}/seats",
          _form("role", "person_name", "organisation_id", "starts_on", "ends_on", "deputy_for"), "Seat added.")
    return redirect(url_for("governance_ui.body", body_id=body_id))


@bp.route("/bodies/<uuid:body_id>/meetings", methods=["POST"])
@roles_required(DECIDES)
def schedule_meeting(body_id):
    fields = _form("title", "date", "time", "notice_given_on", "location")
    starts_at = f"{fields.pop('date')}T{fields.pop('time') or '18:00'}:00+00:00" if fields.get("date") else None
    _send("POST", f"/bodies/{body_id}/meetings", fields | {"starts_at": starts_at}, "Meeting scheduled.")
    return redirect(url_for("governance_ui.body", body_id=body_id))


@bp.route("/meetings/<uuid:meeting_id>")
@roles_required(SEES_DECISIONS)
def meeting(meeting_id):
    found, problem = _get(f"/meetings/{meeting_id}")
    seats = []
    if found:
        body_, _ = _get(f"/bodies/{found['body_id']}")
        seats = [s for s in (body_ or {}).get("seats", []) if s["role"] != "deputy"]
    recorded = {a["seat_id"]: a for a in (found or {}).get("attendance", [])}
    return _render("meeting.html", meeting=found, seats=seats, recorded=recorded, problem=problem)


@bp.route("/meetings/<uuid:meeting_id>/<action>", methods=["POST"])
@roles_required(DECIDES)
def meeting_action(meeting_id, action):
    path = f"/meetings/{meeting_id}"
    if action == "attendance":
        _send("POST", f"{path}/attendance", _form("seat_id", "status", "deputy_name"), "Attendance recorded.")
    elif action == "declarations":
        _send("POST", f"{path}/declarations", _form("agenda_item_id", "seat_id", "interest"), "Interest declared.")
    elif action == "agenda-items":
        _send("POST", f"{path}/agenda-items", _form("title", "kind", "notified_on"), "Item added.")
    elif action == "motions":
        _send("POST", f"{path}/motions", _form("agenda_item_id", "text", "kind", "subject"), "Motion moved.")
    elif action == "votes":
        votes = [{"seat_id": key.removeprefix("vote-"), "vote": value} for key, value in request.form.items()
                 if key.startswith("vote-") and value in VOTES]
        try:
            motion_id = uuid.UUID(request.form.get("motion_id", ""))
        except ValueError:
            motion_id = None
        if not votes or motion_id is None:
            flash("Record at least one vote.", "error")
        else:
            _send("POST", f"{path}/motions/{motion_id}/votes",
                  {"votes": votes, "note": request.form.get("note", "")}, "Votes recorded and the decision made.")
    elif action == "minutes":
        _send("PUT", f"{path}/minutes", {"minutes": request.form.get("minutes", "")}, "Minutes saved.")
    elif action == "actions":
        _send("POST", f"{path}/actions", _form("description", "owner", "due_on"), "Action added.")
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("governance_ui.meeting", meeting_id=meeting_id))


@bp.route("/decisions-log")
@roles_required(SEES_DECISIONS)
def decisions_log():
    q = (request.args.get("q") or "").strip()
    decisions, problem = _get("/decisions", query={"q": q})
    return _render("decisions_log.html", decisions=decisions or [], q=q, problem=problem)


@bp.route("/policies")
@roles_required(SEES_DECISIONS)
def policies():
    found, problem = _get("/policies")
    return _render("policies.html", register=found, problem=problem)


@bp.route("/hub")
@roles_required(SEES_DECISIONS)
def hub():
    found, problem = _get("/hub")
    return _render("hub.html", hub=found, problem=problem)
