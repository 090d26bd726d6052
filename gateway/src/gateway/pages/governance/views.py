"""Governance pages: bodies and seats, the meeting page the secretary uses live, the decisions log, the hub.

Each page is a server-rendered form over governance's API; governance applies the rules (G1-G12, H1-H3) and
its 409 `detail` or 422 `errors` are shown to the user as they come.
"""
from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, current_app, flash, redirect, request, url_for
from wtforms import ValidationError

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import DECIDES, SEES_DECISIONS
from ...proxy.client import ServiceDown, upload_to_service
from ..common.dates import utc_moment
from ..common.errors import DATE, Field
from ..common.lists import list_page
from ..common.service_pages import fetch, posted, refusal, render_page, send

bp = Blueprint("governance_ui", __name__, url_prefix="/governance", template_folder="templates")

BODY_KINDS = {"partners_group": "Partners Group", "management_board": "Management Board", "sub_group": "Sub-group"}
SEAT_ROLES = {"chair": "Independent chair", "member": "Member", "co_opted": "Co-opted (no vote)",
              "deputy": "Deputy", "secretary": "Secretary (no vote; records decisions)"}
ATTENDANCE = {"present": "Present", "deputy": "Represented by a deputy", "apologies": "Apologies",
              "absent": "Absent"}
ITEM_KINDS = {"business": "Business", "chosen_provider": "Chosen provider (C5)", "about_chair": "About the chair (G7)"}
VOTES = {"for": "For", "against": "Against", "abstain": "Abstain"}
RESOLUTION_STATUSES = {"open": "Open for answers", "approved": "Passed", "rejected": "Not passed"}


def _get(path: str, query=None):
    """(body, problem): governance's answer, or why it cannot be shown."""
    return fetch("governance", path, query)


def _send(method: str, path: str, payload: dict, done: str, fields: dict | None = None) -> None:
    """Send a change to governance and flash what happened, naming the rule or the fields when refused."""
    send("governance", method, path, payload, done, fields)


MEETING_FIELDS = {"title": Field("the meeting's title"), "starts_at": Field("the meeting's date", DATE, "date"),
                  "notice_given_on": Field("the day notice was given", DATE), "location": Field("where it meets")}


_form = posted


def _can_run() -> bool:
    return bool(current_user().roles & DECIDES)


def _render(template: str, **context):
    return render_page(f"governance/{template}", can_run=_can_run(), body_kinds=BODY_KINDS,
                       seat_roles=SEAT_ROLES, attendance=ATTENDANCE, item_kinds=ITEM_KINDS, votes=VOTES,
                       **context)


@bp.route("")
@roles_required(SEES_DECISIONS)
def index():
    bodies, problem = _get("/bodies")
    return _render("index.html", bodies=bodies or [], problem=problem, person_name=current_user().display_name)


@bp.route("/my-meetings")
@roles_required(SEES_DECISIONS)
def my_meetings():
    """The meetings of the bodies the signed-in person sits on (matched by their name), with the calendar link."""
    person_name = current_user().display_name
    meetings, problem = _get("/meetings", query={"person_name": person_name})
    return _render("my_meetings.html", meetings=meetings or [], person_name=person_name, problem=problem)


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
    resolutions, _ = _get(f"/bodies/{body_id}/written-resolutions") if found else ([], None)
    # Seats are held for member organisations: name them, and offer the register's members to choose from.
    organisations, _ = fetch("membership", "/organisations") if found else (None, None)
    organisations = sorted(organisations or [], key=lambda o: o.get("name", "").casefold())
    return _render("body.html", body=found, meetings=meetings or [], resolutions=resolutions or [],
                   resolution_statuses=RESOLUTION_STATUSES, problem=problem,
                   organisation_names={o["id"]: o["name"] for o in organisations},
                   members=[o for o in organisations if o.get("status") in ("active", "suspended")])


def _moment(day: str | None, time: str) -> str | None:
    """A day and a time typed in the hub's display time zone (as every page shows times) as the moment governance
    stores; one that is not real is passed on as typed, for governance to refuse by field."""
    if not day:
        return None
    return utc_moment(day, time) or f"{day}T{time}"


@bp.route("/bodies/<uuid:body_id>/written-resolutions", methods=["POST"])
@roles_required(DECIDES)
def circulate_resolution(body_id):
    """Circulate a motion to be decided in writing by a deadline (the body's rules must allow it)."""
    fields = _form("text", "deadline_date", "deadline_time")
    deadline = _moment(fields["deadline_date"], fields["deadline_time"] or "17:00")
    answer = send("governance", "POST", f"/bodies/{body_id}/written-resolutions",
                  {"text": fields["text"], "deadline": deadline}, "Written resolution circulated.")
    if answer is not None and answer.ok:
        return redirect(url_for("governance_ui.resolution", resolution_id=answer.body["id"]))
    return redirect(url_for("governance_ui.body", body_id=body_id) + "#written-resolutions")


@bp.route("/written-resolutions/<uuid:resolution_id>")
@roles_required(SEES_DECISIONS)
def resolution(resolution_id):
    found, problem = _get(f"/written-resolutions/{resolution_id}")
    body_, _ = _get(f"/bodies/{found['body_id']}") if found else (None, None)
    seats = [s for s in (body_ or {}).get("seats", []) if s["role"] in ("chair", "member")]
    return _render("resolution.html", resolution=found, body=body_, seats=seats,
                   resolution_statuses=RESOLUTION_STATUSES, problem=problem, you=(found or {}).get("you"))


@bp.route("/written-resolutions/<uuid:resolution_id>/<action>", methods=["POST"])
@roles_required(DECIDES)
def resolution_action(resolution_id, action):
    path = f"/written-resolutions/{resolution_id}"
    if action == "my-answer":  # the signed-in seat holder's own answer
        vote = request.form.get("vote", "")
        if vote not in VOTES:
            flash("Choose for, against or abstain, then send your answer.", "error")
        else:
            _send("POST", f"{path}/my-answer", {"vote": vote}, f"Your answer is recorded: {VOTES[vote]}.")
    elif action == "my-declarations":
        _send("POST", f"{path}/my-declarations", _form("interest"), "Your interest is declared.")
    elif action == "answers":
        _send("POST", f"{path}/answers", _form("seat_id", "vote"), "Answer recorded.")
    elif action == "declarations":
        _send("POST", f"{path}/declarations", _form("seat_id", "interest"), "Interest declared.")
    elif action == "close":
        _send("POST", f"{path}/close", {}, "Closed and the decision recorded.")
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("governance_ui.resolution", resolution_id=resolution_id))


@bp.route("/bodies/<uuid:body_id>/seats", methods=["POST"])
@roles_required(DECIDES)
def add_seat(body_id):
    _send("POST", f"/bodies/{body_id}/seats",
          _form("role", "person_name", "organisation_id", "starts_on", "ends_on", "deputy_for", "account"),
          "Seat added.")
    return redirect(url_for("governance_ui.body", body_id=body_id))


@bp.route("/bodies/<uuid:body_id>/meetings", methods=["POST"])
@roles_required(DECIDES)
def schedule_meeting(body_id):
    fields = _form("title", "date", "time", "notice_given_on", "location")
    starts_at = _moment(fields.pop("date"), fields.pop("time") or "18:00")
    _send("POST", f"/bodies/{body_id}/meetings", fields | {"starts_at": starts_at}, "Meeting scheduled.",
          MEETING_FIELDS)
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
    started = bool(found) and dt.datetime.fromisoformat(found["starts_at"]) <= dt.datetime.now(dt.timezone.utc)
    seat_names = {s["id"]: s["person_name"] for s in seats}
    return _render("meeting.html", meeting=found, seats=seats, recorded=recorded, problem=problem, started=started,
                   seat_names=seat_names, you=(found or {}).get("you"))


def _uuid_posted(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get(name, ""))
    except ValueError:
        return None


@bp.route("/meetings/<uuid:meeting_id>/<action>", methods=["POST"])
@roles_required(DECIDES)
def meeting_action(meeting_id, action):
    path = f"/meetings/{meeting_id}"
    item_id = _uuid_posted("agenda_item_id")
    anchor = f"#item-{item_id}" if item_id and action in ("my-declarations", "my-vote") else ""
    if action == "my-declarations":  # the signed-in seat holder's own interest: governance finds their seat
        _send("POST", f"{path}/my-declarations", _form("agenda_item_id", "interest"), "Your interest is declared.")
    elif action == "my-vote":
        vote, motion_id = request.form.get("vote", ""), _uuid_posted("motion_id")
        if vote not in VOTES or motion_id is None:
            flash("Choose for, against or abstain, then cast your vote.", "error")
        else:
            _send("POST", f"{path}/motions/{motion_id}/my-vote", {"vote": vote}, f"Your vote is cast: {VOTES[vote]}.")
    elif action == "attendance":
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
        cast = request.form.get("cast", "0")
        if motion_id is None or (not votes and not (cast.isdigit() and int(cast) > 0)):
            flash("Record at least one vote.", "error")
        else:
            _send("POST", f"{path}/motions/{motion_id}/votes",
                  {"votes": votes, "note": request.form.get("note", "")}, "Votes recorded and the decision made.")
    elif action == "minutes":
        _send("PUT", f"{path}/minutes", {"minutes": request.form.get("minutes", "")}, "Minutes saved.")
    elif action == "actions":
        _send("POST", f"{path}/actions", _form("description", "owner", "due_on"), "Action added.")
    elif action == "chair":
        _send("PUT", f"{path}/chair", _form("seat_id"), "Who chaired is recorded.")
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("governance_ui.meeting", meeting_id=meeting_id) + anchor)


@bp.route("/meetings/<uuid:meeting_id>/papers", methods=["POST"])
@roles_required(DECIDES)
def attach_paper(meeting_id):
    """A paper for the meeting, sent on to governance (which checks its type and size and keeps it)."""
    request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes  # before reading
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    upload = request.files.get("file")
    content = upload.read() if upload and upload.filename else b""
    back = redirect(url_for("governance_ui.meeting", meeting_id=meeting_id) + "#papers")
    if not content:
        flash("Choose a file to attach." if not (upload and upload.filename) else "The file is empty.", "error")
        return back
    fields = {k: v for k, v in posted("title", "agenda_item_id").items() if v}
    try:
        answer = upload_to_service("governance", f"/meetings/{meeting_id}/papers", fields,
                                   (upload.filename, content, upload.mimetype or "application/octet-stream"))
    except ServiceDown as exc:
        flash(exc.message, "error")
        return back
    if answer.ok:
        flash(f"{answer.body.get('filename', upload.filename)} is attached.", "success")
    else:
        flash(refusal(answer), "error")
    return back


csrf.exempt(attach_paper)  # checked in the view, once the larger upload limit is set


@bp.route("/decisions-log")
@roles_required(SEES_DECISIONS)
def decisions_log():
    q = (request.args.get("q") or "").strip()
    listing = list_page("governance", "/decisions", sorts=DECISION_SORTS, query={"q": q})  # a page at a time
    return _render("decisions_log.html", decisions=listing.rows, q=q, problem=listing.problem, pages=listing.pages,
                   listing=listing)


DECISION_SORTS = {"newest": "Newest first", "oldest": "Oldest first"}


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
