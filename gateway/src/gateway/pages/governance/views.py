"""Governance pages: bodies and seats, the meeting page the secretary uses live, the decisions log, the hub.

Each page is a server-rendered form over governance's API; governance applies the rules (G1-G12, H1-H3) and its
refusals are said in plain words beside the fields they are about (issue 14 item 3); forms.py reads what each form
sends and names governance's fields on it.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from wtforms import ValidationError

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import DECIDES, ROLE_NAMES, SEES_DECISIONS
from ...proxy.client import ServiceDown, upload_to_service
from ..common.errors import FORM, flash_errors, form_errors, keep_typed, refuse
from ..common.lists import list_page
from ..common.service_pages import NOT_FOUND, fetch, posted, render_page, send
from . import forms

bp = Blueprint("governance_ui", __name__, url_prefix="/governance", template_folder="templates")

BODY_KINDS = {"partners_group": "Partners Group", "management_board": "Management Board", "sub_group": "Sub-group"}
SEAT_ROLES = {"chair": "Independent chair", "member": "Member", "co_opted": "Co-opted (no vote)",
              "deputy": "Deputy", "secretary": "Secretary (no vote; records decisions)"}
ATTENDANCE = {"present": "Present", "deputy": "Represented by a deputy", "apologies": "Apologies",
              "absent": "Absent"}
ITEM_KINDS = {"business": "Business", "chosen_provider": "Chosen provider (C5)", "about_chair": "About the chair (G7)"}
VOTES = {"for": "For", "against": "Against", "abstain": "Abstain"}
MOTION_KINDS = {"ordinary": "Ordinary", "expulsion": "Expulsion (needs 14 days' notice, G5)",
                "hub_model": "The hub model (H1: a change of model cites it)"}
RESOLUTION_STATUSES = {"open": "Open for answers", "approved": "Passed", "rejected": "Not passed"}

# Anyone whose hub username a seat names, whatever their role, sees the meetings and written resolutions of the
# bodies they sit on and declares, votes and answers for that seat; governance decides (404 for what is not theirs).
SITS_ON_A_BODY = frozenset(ROLE_NAMES)
OWN_ACTIONS = ("my-declarations", "my-vote", "my-answer")  # what a seat holder does for their own seat


def _get(path: str, query=None):
    """(body, problem): governance's answer, or why it cannot be shown."""
    return fetch("governance", path, query)


def _send(method: str, path: str, payload: dict, done: str, fields: dict | None = None):
    """Send a change to governance and flash what happened: when refused, each field's message beside it and what
    was typed kept for the page the form goes back to."""
    return send("governance", method, path, payload, done, fields)


def _can_run() -> bool:
    return bool(current_user().roles & DECIDES)


def _sees_governance() -> bool:
    """The roles that see every body's business (the rest: only the bodies they sit on)."""
    return bool(current_user().roles & SEES_DECISIONS)


def _render(template: str, **context):
    return render_page(f"governance/{template}", can_run=_can_run(), sees_governance=_sees_governance(),
                       body_kinds=BODY_KINDS, seat_roles=SEAT_ROLES, attendance=ATTENDANCE, item_kinds=ITEM_KINDS,
                       votes=VOTES, motion_kinds=MOTION_KINDS, **context)


@bp.route("")
@roles_required(SEES_DECISIONS)
def index():
    bodies, problem = _get("/bodies")
    return _render("index.html", bodies=bodies or [], problem=problem, person_name=current_user().display_name)


@bp.route("/my-meetings")
@roles_required(SITS_ON_A_BODY)
def my_meetings():
    """The meetings of the bodies the signed-in person sits on (matched by their name; for member staff, governance
    counts only the seats naming their hub username), with the calendar link."""
    person_name = current_user().display_name
    meetings, problem = _get("/meetings", query={"person_name": person_name})
    return _render("my_meetings.html", meetings=meetings or [], person_name=person_name, problem=problem)


@bp.route("/bodies", methods=["POST"])
@roles_required(DECIDES)
def create_body():
    _send("POST", "/bodies", forms.body(), "Body set up.", forms.BODY_FIELDS)
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


@bp.route("/bodies/<uuid:body_id>/written-resolutions", methods=["POST"])
@roles_required(DECIDES)
def circulate_resolution(body_id):
    """Circulate a motion to be decided in writing by a deadline (the body's rules must allow it)."""
    answer = _send("POST", f"/bodies/{body_id}/written-resolutions", forms.resolution(),
                   "Written resolution circulated.", forms.RESOLUTION_FIELDS)
    if answer is not None and answer.ok:
        return redirect(url_for("governance_ui.resolution", resolution_id=answer.body["id"]))
    return redirect(url_for("governance_ui.body", body_id=body_id) + "#written-resolutions")


def _not_theirs(found) -> bool:
    """A meeting or resolution shown to someone who sees only their own bodies' business, without a seat there."""
    return bool(found) and not _sees_governance() and not found.get("you")


@bp.route("/written-resolutions/<uuid:resolution_id>")
@roles_required(SITS_ON_A_BODY)
def resolution(resolution_id):
    found, problem = _get(f"/written-resolutions/{resolution_id}")
    if _not_theirs(found):
        found, problem = None, NOT_FOUND
    body_, _ = _get(f"/bodies/{found['body_id']}") if found and _sees_governance() else (None, None)
    seats = [s for s in (body_ or {}).get("seats", []) if s["role"] in ("chair", "member")]
    return _render("resolution.html", resolution=found, body=body_, seats=seats,
                   resolution_statuses=RESOLUTION_STATUSES, problem=problem, you=(found or {}).get("you"))


@bp.route("/written-resolutions/<uuid:resolution_id>/<action>", methods=["POST"])
@roles_required(SITS_ON_A_BODY)
def resolution_action(resolution_id, action):
    path = f"/written-resolutions/{resolution_id}"
    if action not in OWN_ACTIONS and not _can_run():
        abort(403)
    if action == "my-answer":  # the signed-in seat holder's own answer
        vote = request.form.get("vote", "")
        if vote not in VOTES:
            refuse({forms.MY_ANSWER: "Choose for, against or abstain, then send your answer"})
        else:
            _send("POST", f"{path}/my-answer", {"vote": vote}, f"Your answer is recorded: {VOTES[vote]}.")
    elif action == "my-declarations":
        _send("POST", f"{path}/my-declarations", posted("interest"), "Your interest is declared.",
              forms.my_interest_fields("my-interest"))
    elif action == "answers":
        _send("POST", f"{path}/answers", posted("seat_id", "vote"), "Answer recorded.", forms.ANSWER_FIELDS)
    elif action == "declarations":
        _send("POST", f"{path}/declarations", posted("seat_id", "interest"), "Interest declared.",
              forms.WRITTEN_DECLARATION_FIELDS)
    elif action == "close":
        _send("POST", f"{path}/close", {}, "Closed and the decision recorded.")
    else:
        refuse({FORM: "Unknown action."})
    return redirect(url_for("governance_ui.resolution", resolution_id=resolution_id))


@bp.route("/bodies/<uuid:body_id>/seats", methods=["POST"])
@roles_required(DECIDES)
def add_seat(body_id):
    back = redirect(url_for("governance_ui.body", body_id=body_id) + "#add-seat")
    fields = forms.seat()
    if fields["account"]:
        fields["account"], refused = forms.hub_user(fields["account"])
        if refused:
            refuse({"account": refused})
            return back
    _send("POST", f"/bodies/{body_id}/seats", fields, "Seat added.", forms.SEAT_FIELDS)
    return back


@bp.route("/bodies/<uuid:body_id>/meetings", methods=["POST"])
@roles_required(DECIDES)
def schedule_meeting(body_id):
    _send("POST", f"/bodies/{body_id}/meetings", forms.meeting(), "Meeting scheduled.", forms.MEETING_FIELDS)
    return redirect(url_for("governance_ui.body", body_id=body_id))


@bp.route("/meetings/<uuid:meeting_id>")
@roles_required(SITS_ON_A_BODY)
def meeting(meeting_id):
    found, problem = _get(f"/meetings/{meeting_id}")
    if _not_theirs(found):
        found, problem = None, NOT_FOUND
    seats = []
    if found and _sees_governance():
        body_, _ = _get(f"/bodies/{found['body_id']}")
        seats = [s for s in (body_ or {}).get("seats", []) if s["role"] != "deputy"]
    elif found:  # a seat holder who sees only the meeting: its people as its attendance names them
        seats = [{"id": a["seat_id"], "person_name": a["person_name"], "role": a["role"]}
                 for a in found.get("attendance", []) if a["role"] != "deputy"]
    recorded = {a["seat_id"]: a for a in (found or {}).get("attendance", [])}
    started = bool(found) and dt.datetime.fromisoformat(found["starts_at"]) <= dt.datetime.now(dt.timezone.utc)
    seat_names = {s["id"]: s["person_name"] for s in seats}
    return _render("meeting.html", meeting=found, seats=seats, recorded=recorded, problem=problem, started=started,
                   seat_names=seat_names, you=(found or {}).get("you"))


@bp.route("/meetings/<uuid:meeting_id>/<action>", methods=["POST"])
@roles_required(SITS_ON_A_BODY)
def meeting_action(meeting_id, action):
    path = f"/meetings/{meeting_id}"
    if action not in OWN_ACTIONS and not _can_run():
        abort(403)
    item_id = forms.uuid_posted("agenda_item_id")
    anchor = f"#item-{item_id}" if item_id and action in ("my-declarations", "my-vote") else ""
    if action == "my-declarations":  # the signed-in seat holder's own interest: governance finds their seat
        _send("POST", f"{path}/my-declarations", posted("agenda_item_id", "interest"), "Your interest is declared.",
              forms.my_interest_fields(f"my-interest-{item_id}"))
    elif action == "my-vote":
        vote, motion_id = request.form.get("vote", ""), forms.uuid_posted("motion_id")
        if motion_id is None:
            refuse({FORM: "Choose for, against or abstain, then cast your vote."})
        elif vote not in VOTES:
            refuse({forms.my_vote_box(motion_id): "Choose for, against or abstain, then cast your vote"})
        else:
            _send("POST", f"{path}/motions/{motion_id}/my-vote", {"vote": vote}, f"Your vote is cast: {VOTES[vote]}.")
    elif action == "attendance":
        seat_id = request.form.get("seat_id", "")
        _send("POST", f"{path}/attendance", posted("seat_id", "status", "deputy_name"), "Attendance recorded.",
              forms.attendance_fields(seat_id))
    elif action == "declarations":
        _send("POST", f"{path}/declarations", posted("agenda_item_id", "seat_id", "interest"), "Interest declared.",
              forms.DECLARATION_FIELDS)
    elif action == "agenda-items":
        _send("POST", f"{path}/agenda-items", posted("title", "kind", "notified_on"), "Item added.",
              forms.ITEM_FIELDS)
    elif action == "motions":
        _send("POST", f"{path}/motions", posted("agenda_item_id", "text", "kind", "subject"), "Motion moved.",
              forms.MOTION_FIELDS)
    elif action == "votes":
        motion_id, votes, any_vote = forms.show_of_hands()
        if motion_id is None or not any_vote:
            refuse({FORM: "Record at least one vote."})
        else:
            _send("POST", f"{path}/motions/{motion_id}/votes", {"votes": votes, "note": request.form.get("note", "")},
                  "Votes recorded and the decision made.")
    elif action == "minutes":
        _send("PUT", f"{path}/minutes", {"minutes": request.form.get("minutes", "")}, "Minutes saved.",
              forms.MINUTES_FIELDS)
    elif action == "actions":
        _send("POST", f"{path}/actions", posted("description", "owner", "due_on"), "Action added.",
              forms.ACTION_FIELDS)
    elif action == "chair":
        _send("PUT", f"{path}/chair", posted("seat_id"), "Who chaired is recorded.", forms.CHAIR_FIELDS)
    else:
        refuse({FORM: "Unknown action."})
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
        refuse({"paper-file": "Choose a file to attach" if not (upload and upload.filename) else
                "The file you chose is empty: choose the paper's file"})
        return back
    fields = {k: v for k, v in posted("title", "agenda_item_id").items() if v}
    try:
        answer = upload_to_service("governance", f"/meetings/{meeting_id}/papers", fields,
                                   (upload.filename, content, upload.mimetype or "application/octet-stream"))
    except ServiceDown as exc:
        refuse({FORM: exc.message})
        return back
    if answer.ok:
        flash(f"{answer.body.get('filename', upload.filename)} is attached.", "success")
    elif answer.status in (413, 415):  # too large, or not a kind of file governance keeps: about the file
        refuse({"paper-file": form_errors(answer)[FORM][0]})
    else:
        flash_errors(form_errors(answer, forms.PAPER_FIELDS))
        keep_typed()
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
