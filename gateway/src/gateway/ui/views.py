"""Home, member organisations and decisions: pages over the services' APIs."""
from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..auth.session import current_user, login_required, roles_required
from ..domain.roles import DECIDES, MANAGES_MEMBERSHIP, MEMBER_USER, SEES_DECISIONS, SEES_MEMBERS
from ..proxy.client import ServiceDown, call_service
from .forms import LEGAL_FORMS, ActionForm, DecisionForm, RegisterOrganisationForm

bp = Blueprint("ui", __name__, template_folder="templates")

LEGAL_FORM_NAMES = dict(LEGAL_FORMS)


@bp.app_template_filter("legal_form_name")
def legal_form_name(value: str | None) -> str:
    return LEGAL_FORM_NAMES.get(value or "", value or "Not given")


@bp.app_template_filter("humanise")
def humanise(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


@bp.app_template_filter("when")
def when(value: str | dt.datetime | None) -> str:
    """A UTC time from a service, shown in the hub's time zone, e.g. '23 November 2026 at 3:35pm'."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(current_app.extensions["gateway.settings"].display_time_zone)
    return f"{local.day} {local:%B %Y} at {local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@bp.route("/")
@login_required
def home():
    user = current_user()
    own_organisation, own_organisation_problem = None, None
    if MEMBER_USER in user.roles:
        own_organisation, own_organisation_problem = _own_organisation(user.organisation_id)
    return render_template("ui/home.html", own_organisation=own_organisation,
                           own_organisation_problem=own_organisation_problem)


def _own_organisation(organisation_id: uuid.UUID | None) -> tuple[dict | None, str | None]:
    if organisation_id is None:
        return None, "Your account is not linked to an organisation yet. Ask your consortium manager to link it."
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}")
    except ServiceDown as exc:
        return None, exc.message
    if answer.status == 404:
        return None, "Your organisation is not on the membership register."
    return (answer.body, None) if answer.ok else (None, "Your organisation's details cannot be shown just now.")


@bp.route("/members", methods=["GET", "POST"])
@roles_required(SEES_MEMBERS)
def members():
    user = current_user()
    can_register = bool(user.roles & MANAGES_MEMBERSHIP)
    form = RegisterOrganisationForm()
    field_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not can_register:
            return render_template("errors/error.html", title="You cannot register organisations",
                                   detail="Only consortium managers register organisations.", status=403), 403
        if form.validate_on_submit():
            try:
                answer = call_service("membership", "POST", "/organisations", form.payload())
            except ServiceDown as exc:
                flash(exc.message, "error")
                answer = None
            if answer is not None and answer.ok:
                flash(f"{answer.body.get('name', 'The organisation')} is registered as an applicant.", "success")
                return redirect(url_for("ui.member", organisation_id=answer.body["id"]))
            if answer is not None:
                field_errors = _field_errors(answer)
            status = 422 if field_errors else 503
    organisations, problem = [], None
    try:
        listing = call_service("membership", "GET", "/organisations")
        organisations = listing.body if listing.ok and isinstance(listing.body, list) else []
        if not listing.ok:
            problem = "The register of organisations cannot be shown just now."
    except ServiceDown as exc:
        problem, status = exc.message, (status if status != 200 else 503)
    return render_template("ui/members.html", organisations=organisations, problem=problem, form=form,
                           can_register=can_register, field_errors=field_errors,
                           legal_forms=LEGAL_FORMS), status


def _field_errors(answer) -> dict[str, list[str]]:
    """membership's 422 problem: errors maps field -> messages; anything else becomes a form-wide error."""
    body = answer.body if isinstance(answer.body, dict) else {}
    errors = body.get("errors") or {}
    flat = {str(field): messages if isinstance(messages, list) else [str(messages)]
            for field, messages in errors.items()}
    if not flat:
        flat = {"_form": [body.get("detail") or body.get("title") or "The organisation could not be registered."]}
    return flat


@bp.route("/members/<uuid:organisation_id>")
@roles_required(SEES_MEMBERS)
def member(organisation_id: uuid.UUID):
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}")
    except ServiceDown as exc:
        return render_template("ui/member.html", organisation=None, problem=exc.message), 503
    if answer.status == 404:
        return render_template("errors/error.html", title="Organisation not found",
                               detail="There is no organisation with that id on the register.", status=404), 404
    if not answer.ok:
        return render_template("ui/member.html", organisation=None,
                               problem="This organisation cannot be shown just now."), 502
    panels = {service: _known_to(service, path.format(id=organisation_id))
              for service, path in (("contracts", "/members/{id}"), ("finance", "/organisations/{id}"))}
    manages = bool(current_user().roles & MANAGES_MEMBERSHIP)
    status = answer.body.get("status")
    return render_template("ui/member.html", organisation=answer.body, panels=panels, problem=None,
                           can_submit=manages and status == "applicant",
                           can_put_to_board=manages and status == "in_due_diligence", action_form=ActionForm())


def _known_to(service: str, path: str) -> dict:
    """What another service knows of an organisation: its record, 'not yet', or why it cannot say."""
    try:
        answer = call_service(service, "GET", path)
    except ServiceDown as exc:
        return {"state": "down", "message": exc.message}
    if answer.status == 404:
        return {"state": "unknown"}
    if not answer.ok:
        return {"state": "down", "message": f"The {service} service refused the request ({answer.status})."}
    return {"state": "known", "record": answer.body}


@bp.route("/members/<uuid:organisation_id>/application/submission", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def submit_application(organisation_id: uuid.UUID):
    """M1: the draft application is submitted and due diligence starts."""
    try:
        answer = call_service("membership", "POST", f"/organisations/{organisation_id}/application/submission", {})
        if answer.ok:
            flash("The application is submitted. Due diligence can start.", "success")
        else:
            flash(_problem_text(answer, "The application could not be submitted."), "error")
    except ServiceDown as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui.member", organisation_id=organisation_id))


@bp.route("/members/<uuid:organisation_id>/application", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def put_to_board(organisation_id: uuid.UUID):
    try:
        answer = call_service("membership", "POST", f"/organisations/{organisation_id}/application", {})
        if answer.ok:
            flash("The application has been put to the board. It is now awaiting a decision.", "success")
        else:
            flash(_problem_text(answer, "The application could not be put to the board."), "error")
    except ServiceDown as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui.member", organisation_id=organisation_id))


@bp.route("/decisions")
@roles_required(SEES_DECISIONS)
def decisions():
    can_decide = bool(current_user().roles & DECIDES)
    try:
        answer = call_service("governance", "GET", "/decision-requests")
    except ServiceDown as exc:
        return render_template("ui/decisions.html", requests=[], problem=exc.message, can_decide=False), 503
    requests_ = answer.body if answer.ok and isinstance(answer.body, list) else []
    problem = None if answer.ok else "Decision requests cannot be shown just now."
    return render_template("ui/decisions.html", requests=requests_, problem=problem, can_decide=can_decide,
                           decision_form=DecisionForm())


@bp.route("/decisions/<uuid:request_id>/decision", methods=["POST"])
@roles_required(DECIDES)
def decide(request_id: uuid.UUID):
    outcome = request.form.get("outcome")
    if outcome not in ("approved", "rejected"):
        flash("Choose Approve or Reject.", "error")
        return redirect(url_for("ui.decisions"))
    try:
        answer = call_service("governance", "POST", f"/decision-requests/{request_id}/decision",
                              {"outcome": outcome, "note": request.form.get("note", "")})
        if answer.ok:
            flash(f"Decision recorded: {outcome}.", "success")
        else:
            flash(_problem_text(answer, "The decision could not be recorded."), "error")
    except ServiceDown as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui.decisions"))


def _problem_text(answer, fallback: str) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    return body.get("detail") or body.get("title") or fallback
