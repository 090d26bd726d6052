"""Home and decisions: pages over the services' APIs (the membership pages, in ../membership/views.py, are this
blueprint's too); the decision form is read in forms.py."""
from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ...auth.session import current_user, login_required, roles_required
from ...domain.roles import DECIDES, MEMBER_USER, SEES_DECISIONS
from ...proxy.client import ServiceDown, call_service
from ..common.service_pages import send
from ..membership.forms import LEGAL_FORMS
from . import forms, summaries

bp = Blueprint("ui", __name__, template_folder="templates")

LEGAL_FORM_NAMES = dict(LEGAL_FORMS)


@bp.app_template_filter("legal_form_name")
def legal_form_name(value: str | None) -> str:
    return LEGAL_FORM_NAMES.get(value or "", value or "Not given")


@bp.app_template_filter("humanise")
def humanise(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


@bp.route("/")
@login_required
def home():
    """Each role's home: what needs them, from the services' summaries (issue 14 item 1; home/summaries.py)."""
    user = current_user()
    own_organisation, own_organisation_problem = None, None
    if MEMBER_USER in user.roles:
        own_organisation, own_organisation_problem = _own_organisation(user.organisation_id)
    found = summaries.gather(service for role in sorted(user.roles) for service in summaries.NEEDED.get(role, ()))
    return render_template("home/index.html", own_organisation=own_organisation,
                           own_organisation_problem=own_organisation_problem,
                           panels={role: summaries.panels_for(role, found, user.roles) for role in user.roles})


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


@bp.route("/decisions")
@roles_required(SEES_DECISIONS)
def decisions():
    can_decide = bool(current_user().roles & DECIDES)
    try:
        answer = call_service("governance", "GET", "/decision-requests")
        held = _meetings_held() if can_decide else []
    except ServiceDown as exc:
        return render_template("home/decisions.html", requests=[], problem=exc.message, can_decide=False,
                               meetings=[]), 503
    requests_ = answer.body if answer.ok and isinstance(answer.body, list) else []
    problem = None if answer.ok else "Decision requests cannot be shown just now."
    return render_template("home/decisions.html", requests=requests_, problem=problem, can_decide=can_decide,
                           meetings=held)


def _meetings_held() -> list[dict]:
    """The meetings of the bodies the signed-in person sits on that have taken place (the last year's, newest
    first): a decision is recorded from the meeting that took it, by the body's chair or secretary."""
    answer = call_service("governance", "GET", "/meetings",
                          query={"person_name": current_user().display_name, "upcoming": "false"})
    if not answer.ok or not isinstance(answer.body, list):
        return []
    now = dt.datetime.now(dt.timezone.utc)
    return sorted((m for m in answer.body if dt.datetime.fromisoformat(m["starts_at"]) <= now),
                  key=lambda m: m["starts_at"], reverse=True)


@bp.route("/decisions/<uuid:request_id>/decision", methods=["POST"])
@roles_required(DECIDES)
def decide(request_id: uuid.UUID):
    """Record the decision a body took at a meeting (its chair or secretary does, naming the meeting)."""
    payload, problem = forms.read_decision(request.form)
    if problem:
        flash(problem, "error")
    else:  # governance's refusal in plain words (common/errors.py), as every form's
        send("governance", "POST", f"/decision-requests/{request_id}/decision", payload,
             f"Decision recorded: {forms.OUTCOMES[payload['outcome']]}.")
    return redirect(url_for("ui.decisions"))
