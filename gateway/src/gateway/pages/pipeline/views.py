"""Opportunities pipeline, go/no-go and bids: pages over contracts' API.

The pipeline board (by stage, with each opportunity's next deadline), the opportunity page (details, lots,
stage moves, asking the board for its go/no-go and then waiting for it: only the board's decision in governance
answers, so the page links to the decision request) and the bid page (lead, tasks, partners, pricing with the
hub's fee, documents, submission, outcome). The consortium manager changes things; board members and the finance
officer read. Contracts applies the rules; its 409 `detail` or 422 `errors` are shown as they come.
"""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from flask import Blueprint, current_app, flash, redirect, request, url_for
from wtforms import ValidationError

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import MANAGES_CONTRACTS, SEES_CONTRACTS, SEES_DECISIONS
from ...proxy.client import ServiceDown, call_service, upload_to_service
from ..common.errors import CHOICE, DATE, MONEY, NUMBER, WHOLE, Field, form_errors, refuse
from ..common.lists import Filter, list_page
from ..common.money import pounds, pounds_to_pence
from ..common.service_pages import fetch, posted, refusal, render_page, send
from .forms import DATE_FIELDS, OPPORTUNITY_TEXT, opportunity_form
from hubkit import clock

bp = Blueprint("pipeline_ui", __name__, url_prefix="/pipeline", template_folder="templates")

STAGES = {"identified": "Identified", "qualifying": "Qualifying", "go_no_go_requested": "Go/no-go requested",
          "bidding": "Bidding", "submitted": "Submitted", "won": "Won", "lost": "Lost", "withdrawn": "Withdrawn"}
STAGE_TAGS = {"won": "green", "lost": "red", "withdrawn": "grey", "go_no_go_requested": "yellow",
              "bidding": "blue", "submitted": "purple"}
MOVE_LABELS = {"qualifying": "Move to qualifying", "identified": "Move back to identified",
               "withdrawn": "Withdraw the opportunity"}
COMMISSIONER_TYPES = {"local_authority": "Local authority", "nhs": "NHS", "central_government": "Central government",
                      "police_and_crime": "Police and crime commissioner", "housing_association": "Housing association",
                      "charitable_funder": "Charitable funder", "other": "Other"}
DOCUMENT_KINDS = {"method_statement": "Method statement", "pricing_schedule": "Pricing schedule",
                  "case_study": "Case study", "policy": "Policy", "declaration": "Declaration", "other": "Other"}
SCORE_ROWS = 4


def deadline_text(deadline: dict | None) -> str:
    """'Overdue by 2 days', 'Due today', 'Due in 5 days' for a next deadline from contracts."""
    if not deadline:
        return "No deadline set"
    days = deadline["days_left"]
    if days < 0:
        return f"Overdue by {-days} day{'' if days == -1 else 's'}"
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'' if days == 1 else 's'}"


@bp.app_template_filter("deadline_text")
def _deadline_text(deadline):
    return deadline_text(deadline)


def _can_manage() -> bool:
    return bool(current_user().roles & MANAGES_CONTRACTS)


def _render(template: str, **context):
    return render_page(f"pipeline/{template}", can_manage=_can_manage(),
                       sees_decisions=bool(current_user().roles & SEES_DECISIONS), stages=STAGES,
                       stage_tags=STAGE_TAGS, move_labels=MOVE_LABELS, commissioner_types=COMMISSIONER_TYPES,
                       document_kinds=DOCUMENT_KINDS, date_fields=DATE_FIELDS, **context)


def _members() -> list[dict]:
    """The member organisations a bid accepts as partner or lead now, as contracts' own rule judges them."""
    found, _ = fetch("contracts", "/bids/partner-candidates")
    return found or []


# --- the board -------------------------------------------------------------------------------------

@bp.route("")
@roles_required(SEES_CONTRACTS)
def index():
    # the pipeline a page at a time, in the order chosen and of the stage chosen (issue 14 item 7)
    listing = list_page("contracts", "/opportunities", sorts=OPPORTUNITY_SORTS, filters=OPPORTUNITY_FILTERS)
    return _render("index.html", title="Pipeline and bids", listing=listing, problem=listing.problem)


OPPORTUNITY_SORTS = {"deadline": "Submission deadline, soonest first", "title": "Title, A to Z",
                     "value": "Estimated value, highest first"}
OPPORTUNITY_FILTERS = (Filter("stage", "Stage", (("", "All stages"), *STAGES.items())),)


# --- opportunities ---------------------------------------------------------------------------------


def _values_of(opportunity: dict) -> dict:
    values = {name: opportunity.get(name) or "" for name in OPPORTUNITY_TEXT}
    values["estimated_value"] = pounds(opportunity.get("estimated_value_pence")).lstrip("£")
    values["contract_length_months"] = str(opportunity.get("contract_length_months") or "")
    values["service_categories"] = ", ".join(opportunity.get("service_categories") or [])
    values["areas"] = "\n".join(opportunity.get("areas") or [])
    return values


OPPORTUNITY_FIELDS = {  # contracts' fields as the opportunity form names them (common/errors.py)
    "title": Field("the opportunity's title"), "commissioner_name": Field("the commissioner's name"),
    "commissioner_type": Field("the type of commissioner", CHOICE), "description": Field("the description"),
    "estimated_value_pence": Field("the estimated value", MONEY, "estimated_value"),
    "contract_length_months": Field("the contract length in months", WHOLE),
    "service_categories": Field("the service categories"), "areas": Field("the areas"),
    "notice_reference": Field("the public notice reference"),
    **{name: Field(f"the {label.lower()}", DATE) for name, label in DATE_FIELDS.items()},
}
LOT_FIELDS = {"title": Field("the lot's title", id="lot-title"), "number": Field("the lot number", WHOLE, "lot-number"),
              "estimated_value_pence": Field("the lot's estimated value", MONEY, "lot-value")}
TASK_FIELDS = {"title": Field("the task", id="task-title"), "owner": Field("who owns the task", id="task-owner"),
               "due_on": Field("the date the task is due", DATE, "task-due")}


def _save_form(method: str, path: str, payload: dict, done: str):
    """Send the opportunity form: (answer, errors by form field, in plain words). Field errors are shown beside
    the fields and in the page's summary; a refusal that names no field (a rule's 409) is the summary's alone."""
    try:
        answer = call_service("contracts", method, path, payload)
    except ServiceDown as exc:
        flash(exc.message, "error")
        return None, {}
    if answer.ok:
        flash(done, "success")
        return answer, {}
    return answer, form_errors(answer, OPPORTUNITY_FIELDS)


@bp.route("/opportunities/new", methods=["GET", "POST"])
@roles_required(MANAGES_CONTRACTS)
def new_opportunity():
    if request.method == "GET":
        return _render("opportunity_form.html", title="Add an opportunity", values={"commissioner_type": ""},
                       errors={}, action=url_for("pipeline_ui.new_opportunity"))
    values, payload, errors = opportunity_form()
    if not errors:
        answer, errors = _save_form("POST", "/opportunities", payload, f"{payload['title']} is in the pipeline.")
        if answer is not None and answer.ok:
            return redirect(url_for("pipeline_ui.opportunity", opportunity_id=answer.body["opportunity"]["id"]))
    return _render("opportunity_form.html", title="Add an opportunity", values=values, errors=errors,
                   action=url_for("pipeline_ui.new_opportunity"), status=422)


@bp.route("/opportunities/<uuid:opportunity_id>/edit", methods=["GET", "POST"])
@roles_required(MANAGES_CONTRACTS)
def edit_opportunity(opportunity_id):
    action = url_for("pipeline_ui.edit_opportunity", opportunity_id=opportunity_id)
    if request.method == "GET":
        found, problem = fetch("contracts", f"/opportunities/{opportunity_id}")
        values = _values_of(found["opportunity"]) if found else {}
        return _render("opportunity_form.html", title="Change the opportunity", values=values, errors={},
                       action=action, problem=problem, opportunity_id=opportunity_id)
    values, payload, errors = opportunity_form()
    if not errors:
        answer, errors = _save_form("PATCH", f"/opportunities/{opportunity_id}", payload, "Details saved.")
        if answer is not None and answer.ok:
            return redirect(url_for("pipeline_ui.opportunity", opportunity_id=opportunity_id))
    return _render("opportunity_form.html", title="Change the opportunity", values=values, errors=errors,
                   action=action, opportunity_id=opportunity_id, status=422)


@bp.route("/opportunities/<uuid:opportunity_id>")
@roles_required(SEES_CONTRACTS)
def opportunity(opportunity_id):
    found, problem = fetch("contracts", f"/opportunities/{opportunity_id}")
    lots_with_bids = {b["lot_id"] for b in (found or {}).get("bids", [])}
    members = _members() if found and _can_manage() else []
    return _render("opportunity.html", detail=found, problem=problem, lots_with_bids=lots_with_bids,
                   members=members)


@bp.route("/opportunities/<uuid:opportunity_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def opportunity_action(opportunity_id, action):
    path = f"/opportunities/{opportunity_id}"
    here = url_for("pipeline_ui.opportunity", opportunity_id=opportunity_id)
    if action == "stage":
        stage = request.form.get("stage") or ""
        if stage not in STAGES:
            flash("Choose where to move the opportunity.", "error")
        else:
            send("contracts", "POST", f"{path}/stage", {"stage": stage, "note": request.form.get("note", "")},
                 f"The opportunity is now {STAGES[stage].lower()}.")
    elif action == "go-no-go":
        send("contracts", "POST", f"{path}/go-no-go", {"detail": request.form.get("detail", "")},
             "The board has been asked for its go/no-go decision.")
    elif action == "lots":
        fields, bad = posted("number", "title"), {}
        try:
            fields["number"] = int(fields["number"] or "")
        except ValueError:
            bad["lot-number"] = "Enter the lot number as a whole number, like 2"
        value = (request.form.get("estimated_value") or "").strip()
        try:
            fields["estimated_value_pence"] = pounds_to_pence(value) if value else None
        except ValueError:
            bad["lot-value"] = "Enter the lot's estimated value in pounds, like 150,000 or 150,000.00"
        if bad:
            refuse(bad)
            return redirect(here + "#lots")
        send("contracts", "POST", f"{path}/lots", fields, f"Lot {fields['number']} added.", LOT_FIELDS)
        return redirect(here + "#lots")
    elif action == "bids":
        fields = posted("lead_name", "lot_id", "lead_organisation_id")
        answer = send("contracts", "POST", f"{path}/bids", fields, "The bid is started.")
        if answer is not None and answer.ok:
            return redirect(url_for("pipeline_ui.bid", bid_id=answer.body["bid"]["id"]))
        return redirect(here + "#bids")
    else:
        flash("Unknown action.", "error")
    return redirect(here)


# --- bids ------------------------------------------------------------------------------------------

def _basis_points(text: str) -> int:
    """'8' or '7.5' (per cent) -> 800 or 750 basis points."""
    try:
        percent = Decimal(text.strip().rstrip("%").strip())
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    points = percent * 100
    if not percent.is_finite() or points != points.to_integral_value() or not 0 <= points <= 10000:
        raise ValueError(text)
    return int(points)


@bp.route("/bids/<uuid:bid_id>")
@roles_required(SEES_CONTRACTS)
def bid(bid_id):
    found, problem = fetch("contracts", f"/bids/{bid_id}")
    members = _members() if found and _can_manage() and found["editable"] else []
    known = {m["id"] for m in members}
    partners = {p["organisation_id"] for p in (found or {}).get("partners", [])}
    return _render("bid.html", detail=found, problem=problem, members=members,
                   candidates=[m for m in members if m["id"] not in partners], known=known,
                   today=clock.today().isoformat(), score_rows=range(SCORE_ROWS))


@bp.route("/bids/<uuid:bid_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def bid_action(bid_id, action):
    path = f"/bids/{bid_id}"
    here = url_for("pipeline_ui.bid", bid_id=bid_id)
    anchor = ""
    if action == "lead":
        send("contracts", "PATCH", path, posted("lead_name", "lead_organisation_id"), "Bid lead saved.", LEAD_FIELDS)
        anchor = "#lead"
    elif action == "tasks":
        send("contracts", "POST", f"{path}/tasks", posted("title", "owner", "due_on"), "Task added.", TASK_FIELDS)
        anchor = "#tasks"
    elif action == "task-done":
        task_id, done = request.form.get("task_id", ""), request.form.get("done") == "true"
        if _is_uuid(task_id):
            send("contracts", "PATCH", f"{path}/tasks/{task_id}", {"done": done},
                 "Task marked done." if done else "Task marked not done.")
        anchor = "#tasks"
    elif action == "partners":
        fields = posted("organisation_id")
        try:
            fields["share_pence"] = _pence_or_zero(request.form.get("share") or "")
        except ValueError:
            refuse({"partner-share": "Enter the partner's proposed share in pounds, like 120,000 or 120,000.00"})
            return redirect(here + "#partners")
        fields["outputs"] = [line for line in (request.form.get("outputs") or "").splitlines() if line.strip()]
        send("contracts", "POST", f"{path}/partners", fields, "Partner added.", PARTNER_FIELDS)
        anchor = "#partners"
    elif action == "remove-partner":
        partner_id = request.form.get("partner_id", "")
        if _is_uuid(partner_id):
            send("contracts", "DELETE", f"{path}/partners/{partner_id}", None, "Partner removed.")
        anchor = "#partners"
    elif action == "pricing":
        payload, bad = {}, {}
        try:
            payload["price_pence"] = pounds_to_pence(request.form.get("price") or "")
        except ValueError:
            bad["price"] = "Enter the total price in pounds, like 450,000 or 450,000.00"
        try:
            payload["management_fee_basis_points"] = _basis_points(request.form.get("fee_percent") or "")
        except ValueError:
            bad["fee_percent"] = "Enter the management fee as a percentage from 0 to 100, like 8 or 7.5"
        if bad:
            refuse(bad)
            return redirect(here + "#pricing")
        send("contracts", "PUT", f"{path}/pricing", payload, "Pricing saved.", PRICING_FIELDS)
        anchor = "#pricing"
    elif action == "submission":
        send("contracts", "POST", f"{path}/submission", None, "The bid is submitted.")
    elif action == "outcome":
        outcome = request.form.get("outcome")
        scores, bad = [], False
        for row in range(SCORE_ROWS):
            criterion = (request.form.get(f"criterion-{row}") or "").strip()
            score, max_score = (request.form.get(f"score-{row}") or "").strip(), \
                (request.form.get(f"max-{row}") or "").strip()
            if not (criterion or score or max_score):
                continue
            try:
                scores.append({"criterion": criterion, "score": int(score), "max_score": int(max_score)})
            except ValueError:
                bad = True
        if outcome not in ("won", "lost"):
            refuse({"outcome-won": "Select whether the bid was won or lost"})
        elif bad:
            refuse({"_form": "Give each score and its maximum as whole numbers, like 8 out of 10"})
        else:
            send("contracts", "POST", f"{path}/outcome",
                 {"outcome": outcome, "scores": scores, "feedback": request.form.get("feedback", "")},
                 f"Outcome recorded: {outcome}.")
        anchor = "#outcome"
    else:
        flash("Unknown action.", "error")
    return redirect(here + anchor)


LEAD_FIELDS = {"lead_name": Field("the bid lead's name"),
               "lead_organisation_id": Field("the bid lead's organisation", CHOICE)}
PARTNER_FIELDS = {"organisation_id": Field("the member organisation", CHOICE, "partner-organisation"),
                  "share_pence": Field("the partner's proposed share", MONEY, "partner-share"),
                  "outputs": Field("the outputs they will deliver", id="partner-outputs")}
PRICING_FIELDS = {"price_pence": Field("the total price", MONEY, "price"),
                  "management_fee_basis_points": Field("the management fee", NUMBER, "fee_percent")}


def _pence_or_zero(text: str) -> int:
    cleaned = text.strip().replace(",", "").replace("£", "")
    if cleaned in ("0", "0.00", "0.0"):
        return 0
    return pounds_to_pence(text)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
        return True
    except ValueError:
        flash("That item could not be found.", "error")
        return False


@bp.route("/bids/<uuid:bid_id>/documents", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def upload_document(bid_id):
    """A bid document, sent on to contracts (which checks its type and size and keeps it)."""
    request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    here = url_for("pipeline_ui.bid", bid_id=bid_id) + "#documents"
    kind = request.form.get("kind") or ""
    upload = request.files.get("file")
    content = upload.read() if upload and upload.filename else b""
    if kind not in DOCUMENT_KINDS:
        flash("Choose what the document is.", "error")
        return redirect(here)
    if not content:
        flash("Choose a file to upload." if not (upload and upload.filename) else "The file is empty.", "error")
        return redirect(here)
    try:
        answer = upload_to_service("contracts", f"/bids/{bid_id}/documents", {"kind": kind},
                                   (upload.filename, content, upload.mimetype or "application/octet-stream"))
    except ServiceDown as exc:
        flash(exc.message, "error")
        return redirect(here)
    if answer.ok:
        flash(f"{answer.body.get('filename', upload.filename)} is uploaded.", "success")
    else:
        flash(refusal(answer), "error")
    return redirect(here)


csrf.exempt(upload_document)  # checked in the view, once the larger upload limit is set
