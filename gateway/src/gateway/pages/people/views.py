"""Web administration (issue 13): the host admin's consortia and Outbox; the people of a consortium for the host
admin and its consortium manager (invite by email, roles, organisation, deactivate, reactivate, force a password
reset); and the pages anyone reaches from an emailed link (set your password, forgot your password).

Every rule is in domain/administration.py and every change in administration.py (audited there); forms are read
in forms.py; these views send the mail the use cases return once their transaction has committed, and show what
happened (a refused form is shown again with what was typed, passwords aside, and each field's own message)."""
from __future__ import annotations

import dataclasses
import functools
import json
import uuid

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from ... import administration, mail
from ...auth.session import current_user, end_session, roles_required
from ...auth.signing_in import client_address
from ...domain.administration import (ADMINISTERS_PEOPLE, THRESHOLD_OWNERS, Administrator, NotAllowed,
                                      VariationThreshold, check_consortium, grantable_roles)
from ...domain.one_time_links import INVITATION, PASSWORD_RESET, LinkRefused, lifetime_in_words
from ...domain.passwords import MAX_LENGTH, MIN_LENGTH, WeakPassword
from ...domain.roles import HOST_ADMIN, MEMBER_USER, ROLE_NAMES, RUNS_THE_HOST
from ...domain.users import UserRuleBroken
from ...proxy.upstream import Trace, UpstreamError
from ..common.money import pounds_typed
from . import forms

bp = Blueprint("people_ui", __name__, template_folder="templates")

OUTBOX_PER_PAGE = 20


def _db():
    return current_app.extensions["gateway.db"]


def _mail() -> mail.MailSettings:
    return current_app.extensions["gateway.settings"].mail


def _admin() -> Administrator:
    return Administrator.of(current_user())


def _actor() -> str:
    return str(current_user().id)


def _send_all(messages: list[mail.Message]) -> str | None:
    """Send messages whose change has committed; the reason, fit to show, if the mail server refused."""
    for message in messages:
        try:
            with _db().session() as session:
                mail.send(session, message, _mail())
        except mail.MailNotSent as not_sent:
            return not_sent.reason
    return None


def _sent_words(message: mail.Message) -> str:
    if _mail().kept_in_outbox:
        return f"The email to {message.to} is in the Outbox (no mail server is configured)."
    return f"An email has been sent to {message.to}."


def administers_consortium(view):
    """The host admin (any consortium) or the consortium's own manager; anyone else 403, an unknown one 404."""
    @functools.wraps(view)
    @roles_required(ADMINISTERS_PEOPLE)
    def wrapped(consortium_id: uuid.UUID, *args, **kwargs):
        try:
            check_consortium(_admin(), consortium_id)
        except NotAllowed:
            abort(403)
        with _db().session() as session:
            g.consortium = administration.consortium(session, consortium_id)
        if g.consortium is None:
            abort(404)
        return view(consortium_id, *args, **kwargs)
    return wrapped


# ------------------------------------------------------------------ consortia (host admin)

@bp.route("/admin/consortia")
@roles_required(RUNS_THE_HOST)
def consortia():
    with _db().session() as session:
        found = administration.consortia(session)
    return render_template("people/consortia.html", consortia=found, outbox=_mail().kept_in_outbox)


@bp.route("/admin/consortia/new", methods=["GET", "POST"])
@roles_required(RUNS_THE_HOST)
def new_consortium():
    form = forms.consortium_form(request.form)
    if request.method == "POST":
        try:
            with _db().session() as session:
                made = administration.create_consortium(session, form["name"], form["slug"], actor=_actor())
        except administration.FormProblems as problems:
            return render_template("people/new_consortium.html", form=form, errors=problems.problems), 400
        flash(f"Consortium {made.name} is created. Invite its consortium manager next.", "success")
        return redirect(url_for("people_ui.consortium", consortium_id=made.id))
    return render_template("people/new_consortium.html", form=form, errors={})


@bp.route("/admin/outbox")
@roles_required(RUNS_THE_HOST)
def outbox():
    if not _mail().kept_in_outbox:
        abort(404)  # development only (GATEWAY_MAIL_OUTBOX): anywhere else it would show everyone's links
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    with _db().session() as session:
        messages, total = mail.outbox_page(session, offset=(page - 1) * OUTBOX_PER_PAGE, limit=OUTBOX_PER_PAGE)
    pages = max(1, -(-total // OUTBOX_PER_PAGE))
    return render_template("people/outbox.html", messages=messages, total=total, page=page, pages=pages)


# ------------------------------------------------------------------ a consortium's people

@bp.route("/people")
@roles_required(ADMINISTERS_PEOPLE)
def own_people():
    return redirect(url_for("people_ui.consortium", consortium_id=current_user().consortium_id))


def _consortium_page(consortium_id: uuid.UUID, status: int = 200, errors: dict | None = None, name: str | None = None):
    with _db().session() as session:
        found = administration.people(session, consortium_id)
    return render_template("people/consortium.html", consortium=g.consortium, people=found,
                           errors=errors or {}, name=g.consortium.name if name is None else name,
                           runs_the_host=_admin().runs_the_host, role_names=ROLE_NAMES), status


@bp.route("/consortia/<uuid:consortium_id>")
@administers_consortium
def consortium(consortium_id: uuid.UUID):
    return _consortium_page(consortium_id)


@bp.route("/consortia/<uuid:consortium_id>/name", methods=["POST"])
@administers_consortium
def rename_consortium(consortium_id: uuid.UUID):
    if not _admin().runs_the_host:
        abort(403)
    name = forms.consortium_name(request.form)
    try:
        with _db().session() as session:
            renamed = administration.rename_consortium(session, consortium_id, name, actor=_actor())
    except administration.FormProblems as problems:
        return _consortium_page(consortium_id, 400, problems.problems, name)
    flash(f"The consortium is now called {renamed.name}.", "success")
    return redirect(url_for("people_ui.consortium", consortium_id=consortium_id))


# ------------------------------------------------------------------ a consortium's settings (host admin)

THRESHOLD_PATH = "/money/settings/variation-threshold"  # finance keeps F1's threshold and its owner


class FinanceRefused(Exception):
    """Finance refused the threshold's change; `detail` is its problem's words, fit to show."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


def _as_host_in(consortium_id: uuid.UUID):
    return dataclasses.replace(current_user().principal(), consortium_id=consortium_id)


def _finance(method: str, consortium_id: uuid.UUID, body: dict | None = None):
    return current_app.extensions["gateway.upstreams"].send(
        "finance", method, THRESHOLD_PATH, _as_host_in(consortium_id), Trace(g.request_id, g.correlation_id),
        body=json.dumps(body).encode() if body is not None else None,
        content_type="application/json" if body is not None else None, accept="application/json")


def threshold_of(consortium_id: uuid.UUID) -> VariationThreshold | None:
    """F1's threshold and its owner, as finance keeps them for the consortium; None when finance cannot answer."""
    try:
        answer = _finance("GET", consortium_id)
        if answer.status_code != 200:
            return None
        found = answer.json()
        return VariationThreshold(found["variation_threshold_owner"], int(found["variation_threshold_pence"]))
    except (UpstreamError, ValueError, KeyError, TypeError):
        return None


def _set_threshold(consortium_id: uuid.UUID):
    def send(threshold: VariationThreshold) -> None:
        body = {"variation_threshold_owner": threshold.owner}
        if threshold.owner == HOST_ADMIN:
            body["variation_threshold_pence"] = threshold.pence
        answer = _finance("PUT", consortium_id, body)
        if answer.status_code != 200:
            try:
                detail = answer.json().get("detail") or ""
            except ValueError:
                detail = ""
            raise FinanceRefused(detail or "The finance service refused the change.")
    return send


def _settings_page(consortium_id: uuid.UUID, form: dict, threshold: VariationThreshold | None, errors: dict,
                   status: int = 200):
    return render_template("people/settings.html", consortium=g.consortium, form=form, threshold=threshold,
                           owners=THRESHOLD_OWNERS, host_admin=HOST_ADMIN, errors=errors), status


@bp.route("/consortia/<uuid:consortium_id>/settings", methods=["GET", "POST"])
@administers_consortium
def consortium_settings(consortium_id: uuid.UUID):
    """The host admin's settings of a consortium: what its people's page header shows, and who owns F1's variation
    threshold (finance keeps it; asked here as the host admin acting in that consortium)."""
    if not _admin().runs_the_host:
        abort(403)
    before = threshold_of(consortium_id)
    if request.method == "GET":
        form = {"display_name": g.consortium.display_name, "logo_text": g.consortium.logo_text,
                "threshold_owner": before.owner if before else "",
                "threshold": pounds_typed(before.pence) if before else ""}
        return _settings_page(consortium_id, form, before, {})
    form = forms.settings_form(request.form)
    if before is None:
        return _settings_page(consortium_id, form, None, {"threshold_owner": [
            "The finance service cannot be reached just now, so nothing is saved. Try again in a few minutes."]}, 503)
    threshold, errors = forms.settings_threshold(form, before.pence)
    if errors:  # every problem of the form at once
        return _settings_page(consortium_id, form, before, errors, 400)
    try:
        with _db().session() as session:
            administration.change_settings(
                session, _admin(), consortium_id, display_name=form["display_name"], logo_text=form["logo_text"],
                threshold=threshold, threshold_before=before, set_threshold=_set_threshold(consortium_id))
    except NotAllowed:
        abort(403)
    except administration.FormProblems as problems:
        return _settings_page(consortium_id, form, before, problems.problems, 400)
    except FinanceRefused as refused:
        return _settings_page(consortium_id, form, before, {"threshold_owner": [refused.detail]}, 409)
    except UpstreamError:
        return _settings_page(consortium_id, form, before, {"threshold_owner": [
            "The finance service did not answer, so nothing is saved. Try again in a few minutes."]}, 503)
    flash(f"The settings of {g.consortium.name} are saved.", "success")
    return redirect(url_for("people_ui.consortium", consortium_id=consortium_id))


def organisations_of(consortium_id: uuid.UUID) -> list[dict] | None:
    """The consortium's member organisations (id, name) from membership, asked as the signed-in administrator acting
    in that consortium; None when membership cannot answer."""
    principal = dataclasses.replace(current_user().principal(), consortium_id=consortium_id)
    upstreams = current_app.extensions["gateway.upstreams"]
    rows, cursor = [], None
    try:
        for _ in range(50):
            answer = upstreams.send("membership", "GET", "/organisations", principal,
                                    Trace(g.request_id, g.correlation_id),
                                    query=f"limit=200&cursor={cursor}" if cursor else "limit=200",
                                    accept="application/json")
            if answer.status_code != 200:
                return None
            rows += [{"id": row["id"], "name": row.get("name") or row["id"]} for row in answer.json()]
            cursor = answer.headers.get("X-Next-Cursor")
            if not cursor:
                break
    except (UpstreamError, ValueError, KeyError, TypeError):
        return None
    return sorted(rows, key=lambda row: row["name"].lower())


def _invite_page(consortium_id: uuid.UUID, form: dict, errors: dict, status: int = 200):
    return render_template("people/invite.html", consortium=g.consortium, form=form, errors=errors,
                           roles=[(role, ROLE_NAMES[role]) for role in grantable_roles(_admin())],
                           organisations=organisations_of(consortium_id), member_user=MEMBER_USER), status


@bp.route("/consortia/<uuid:consortium_id>/invite", methods=["GET", "POST"])
@administers_consortium
def invite(consortium_id: uuid.UUID):
    form = forms.invite_form(request.form)
    if request.method == "GET":
        return _invite_page(consortium_id, form, {})
    _, errors = forms.roles_chosen(request.form)
    organisation_id = forms.organisation_choice(form["organisation_id"])
    if organisation_id is not None:
        offered = {row["id"] for row in organisations_of(consortium_id) or []}
        errors |= forms.invited_organisation_problems(organisation_id, form["roles"], offered, MEMBER_USER)
    if errors:
        return _invite_page(consortium_id, form, errors, 400)
    try:
        with _db().session() as session:
            invited = administration.invite(
                session, _admin(), _mail(), consortium_id=consortium_id, username=form["username"],
                display_name=form["display_name"], email=form["email"], roles=frozenset(form["roles"]),
                organisation_id=organisation_id, inviter_name=current_user().display_name)
    except NotAllowed as refused:
        return _invite_page(consortium_id, form, {"roles": [str(refused)]}, 403)
    except administration.FormProblems as problems:
        return _invite_page(consortium_id, form, problems.problems, 400)
    except UserRuleBroken as broken:
        return _invite_page(consortium_id, form, forms.user_rule_errors(broken), 400)
    failed = _send_all([invited.message])
    if failed:
        flash(f"{invited.account.display_name}'s account is made, but {failed[0].lower()}{failed[1:]} "
              "Send the invitation again from their page.", "error")
    else:
        flash(f"{invited.account.display_name} is invited. {_sent_words(invited.message)} The link works once, for "
              f"{lifetime_in_words(INVITATION)}.", "success")
    return redirect(url_for("people_ui.consortium", consortium_id=consortium_id))


# ------------------------------------------------------------------ one person

def _person_or_404(session, consortium_id: uuid.UUID, user_id: uuid.UUID):
    found = administration.person(session, user_id)
    if found is None or found.account.consortium_id != consortium_id:
        abort(404)
    return found


def _person_page(consortium_id: uuid.UUID, user_id: uuid.UUID, status: int = 200, errors: dict | None = None,
                 typed: dict | None = None):
    """A person's page; after a refused change, with the form's own messages and what was typed in it (`typed`:
    the roles ticked, the organisation chosen)."""
    with _db().session() as session:
        found = _person_or_404(session, consortium_id, user_id)
    admin = _admin()
    organisations = organisations_of(consortium_id) if MEMBER_USER in found.account.roles else []
    names = {row["id"]: row["name"] for row in organisations or []}
    return render_template(
        "people/person.html", consortium=g.consortium, person=found, errors=errors or {},
        roles=[(role, ROLE_NAMES[role]) for role in grantable_roles(admin)], organisations=organisations,
        organisation_name=names.get(str(found.account.organisation_id)) if found.account.organisation_id else None,
        own_account=found.account.id == admin.user_id, member_user=MEMBER_USER,
        may_act=_may_act(admin, found.account), typed=typed or {}), status


def _may_act(admin: Administrator, account) -> bool:
    from ...domain.administration import check_person

    try:
        check_person(admin, account)
    except NotAllowed:
        return False
    return True


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>")
@administers_consortium
def person(consortium_id: uuid.UUID, user_id: uuid.UUID):
    return _person_page(consortium_id, user_id)


def _act(consortium_id: uuid.UUID, user_id: uuid.UUID, change, done: str, field: str = "_form",
         typed: dict | None = None):
    """Run one change on a person in its own transaction: 403 when not allowed, the page with the problem (and
    what was `typed`) when a rule is broken, else back to their page with `done` (and the message sent)."""
    try:
        with _db().session() as session:
            _person_or_404(session, consortium_id, user_id)
            result = change(session)
    except NotAllowed as refused:
        return _person_page(consortium_id, user_id, 403, {field: [str(refused)]}, typed)
    except administration.FormProblems as problems:
        return _person_page(consortium_id, user_id, 400, problems.problems, typed)
    except UserRuleBroken as broken:
        return _person_page(consortium_id, user_id, 400, forms.user_rule_errors(broken, field), typed)
    if isinstance(result, mail.Message):
        failed = _send_all([result])
        if failed:
            flash(f"{done} But {failed[0].lower()}{failed[1:]}", "error")
            return redirect(url_for("people_ui.person", consortium_id=consortium_id, user_id=user_id))
        done = f"{done} {_sent_words(result)}"
    flash(done, "success")
    return redirect(url_for("people_ui.person", consortium_id=consortium_id, user_id=user_id))


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/roles", methods=["POST"])
@administers_consortium
def change_roles(consortium_id: uuid.UUID, user_id: uuid.UUID):
    roles, errors = forms.roles_chosen(request.form)
    typed = {"roles": sorted(roles)}
    if errors:
        return _person_page(consortium_id, user_id, 400, errors, typed)
    return _act(consortium_id, user_id, lambda s: administration.change_roles(s, _admin(), user_id, roles),
                "Their roles are changed; API tokens made before no longer work.", "roles", typed)


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/organisation", methods=["POST"])
@administers_consortium
def link_organisation(consortium_id: uuid.UUID, user_id: uuid.UUID):
    chosen = forms.organisation_choice(request.form.get("organisation_id", ""))
    typed = {"organisation_id": str(chosen) if chosen else ""}
    if chosen is None:
        return _person_page(consortium_id, user_id, 400, {"organisation_id": ["Choose their organisation"]})
    offered = organisations_of(consortium_id)
    if offered is None:
        return _person_page(consortium_id, user_id, 503, {"organisation_id": [
            "The consortium's organisations cannot be listed just now. Try again in a few minutes."]}, typed)
    ids = {uuid.UUID(row["id"]) for row in offered}
    return _act(consortium_id, user_id,
                lambda s: administration.link_organisation(s, _admin(), user_id, chosen, ids),
                "Their organisation is linked.", "organisation_id", typed)


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/deactivate", methods=["POST"])
@administers_consortium
def deactivate(consortium_id: uuid.UUID, user_id: uuid.UUID):
    return _act(consortium_id, user_id, lambda s: administration.deactivate(s, _admin(), user_id),
                "They are deactivated: signed out everywhere, their API tokens and keys no longer work.")


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/reactivate", methods=["POST"])
@administers_consortium
def reactivate(consortium_id: uuid.UUID, user_id: uuid.UUID):
    return _act(consortium_id, user_id, lambda s: administration.reactivate(s, _admin(), user_id),
                "They are reactivated and can sign in again.")


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/password-reset", methods=["POST"])
@administers_consortium
def force_password_reset(consortium_id: uuid.UUID, user_id: uuid.UUID):
    return _act(consortium_id, user_id,
                lambda s: administration.force_password_reset(s, _admin(), _mail(), user_id),
                "Their password is cleared: they are signed out everywhere and their API tokens no longer work.")


@bp.route("/consortia/<uuid:consortium_id>/people/<uuid:user_id>/invitation", methods=["POST"])
@administers_consortium
def resend_invitation(consortium_id: uuid.UUID, user_id: uuid.UUID):
    return _act(consortium_id, user_id,
                lambda s: administration.resend_invitation(s, _admin(), _mail(), user_id,
                                                           inviter_name=current_user().display_name),
                "A new invitation is made; earlier links no longer work.")


# ------------------------------------------------------------------ from an emailed link (not signed in)

LINK_PAGES = {INVITATION: ("Set your password", "Set password and continue"),
              PASSWORD_RESET: ("Choose a new password", "Save new password")}


def _set_password_page(secret: str, purpose: str):
    title, button = LINK_PAGES[purpose]
    errors: dict[str, list[str]] = {}
    try:
        with _db().session() as session:
            holder = administration.link_holder(session, secret, purpose)
    except LinkRefused as refused:
        return render_template("people/link_refused.html", reason=str(refused), purpose=purpose), 404
    if request.method == "POST":
        password, errors = forms.new_password(request.form)
        if not errors:
            try:
                with _db().session() as session:
                    administration.use_link(session, secret, purpose, password)
            except WeakPassword as weak:
                errors["password"] = [str(weak)]
            except LinkRefused as refused:
                return render_template("people/link_refused.html", reason=str(refused), purpose=purpose), 404
            else:
                if current_user() is not None:
                    end_session()  # whoever was signed in on this browser, the link's holder signs in afresh
                flash("Your password is set. Sign in with your username and new password.", "success")
                return redirect(url_for("auth.login"))
    return render_template("people/set_password.html", holder=holder, errors=errors, title=title, button=button,
                           min_length=MIN_LENGTH, max_length=MAX_LENGTH), 400 if errors else 200


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str):
    return _set_password_page(secret, INVITATION)


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
def reset_password(secret: str):
    return _set_password_page(secret, PASSWORD_RESET)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    if request.method == "GET":
        return render_template("people/forgot_password.html", email="", errors={})
    email, errors = forms.email_for_reset(request.form)
    if errors:
        return render_template("people/forgot_password.html", email=email, errors=errors), 400
    try:
        with _db().session() as session:
            messages = administration.request_password_reset(session, _mail(), email, client_address())
    except administration.ResetThrottled:
        return render_template("people/forgot_password.html", email=email, errors={
            "email": ["Too many requests to reset a password from here. Try again in an hour."]}), 429, \
            {"Retry-After": str(int(administration.RESET_WINDOW.total_seconds()))}
    for message in messages:
        mail.send_in_background(message, _mail())
    # The same answer whether or not the address belongs to anyone.
    return render_template("people/forgot_password_sent.html", email=email.strip(),
                           lifetime=lifetime_in_words(PASSWORD_RESET))
