"""The membership pages: directory and exports, an organisation's page and profile, the application and
due-diligence journey, membership changes, expiring evidence, capability search and the M2/M3 reports.

Every page is a server-rendered form over membership's API (call_service); membership decides, and its
422 `errors` are shown by field, its 409 `detail` as the reason.
"""
from __future__ import annotations

import datetime as dt
import time
import uuid

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from wtforms import ValidationError

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import EDITS_OWN_ORGANISATION, MANAGES_MEMBERSHIP, MEMBER_USER, SEES_MEMBERS, \
    SEES_MEMBERS_OR_OWN
from ...proxy.client import ServiceDown, call_service, upload_to_service
from ..common import charts
from .forms import LEGAL_FORMS, CONTACT_ROLES, profile_error_keys, profile_from_form, values_from_organisation
from ..common.forms import flatten_errors
from ..common.file_imports import check_and_import, columns_of
from ...adapters.audit_reads import people_named
from ..common.errors import (CHOICE, DATE, EMAIL, FILE, WHOLE, Field, default_kind, default_label, plain, refuse,
                             tidy)
from ..common.dates import date_parts, day, read_date
from ..common.money import pounds, pounds_to_pence
from ..common.service_pages import csv_response, page_links, xlsx_response
from ..home.views import bp  # the membership pages are the "ui" blueprint's, with home's
from hubkit import clock
from hubkit.audit_trail import USER_ACTOR, actor_label

STATUSES = {
    "applicant": ("Applicant (draft)", "grey"),
    "in_due_diligence": ("In due diligence", "blue"),
    "awaiting_decision": ("Awaiting decision", "yellow"),
    "active": ("Active", "green"),
    "rejected": ("Rejected", "red"),
    "suspended": ("Suspended", "orange"),
    "lapsed": ("Lapsed", "grey"),
    "withdrawn": ("Withdrawn", "grey"),
    "expelled": ("Expelled", "red"),
}
CHANGES = {  # membership changes a manager may record, with the words the form uses
    "suspended": "Suspend", "lapsed": "Record as lapsed", "withdrawn": "Record as withdrawn",
    "expelled": "Expel (needs the Partners Group's decision)", "active": "Reinstate as active",
}
APPLICATION_STAGES = ("applicant", "in_due_diligence", "awaiting_decision", "rejected")
EVIDENCE_STATES = {"missing": ("Missing", "red"), "expired": ("Expired", "red"),
                   "provided": ("Provided, not verified", "yellow"), "verified": ("Verified", "green")}
DIRECTORY_FILTERS = ("q", "status", "service_category", "area", "diversity", "eligible", "sort")
DIRECTORY_SORTS = ("", "name_desc")  # membership's orders: A to Z (its default, not named) or Z to A
EXPORT_COLUMNS = (
    ("Name", lambda o, c: o.get("name")),
    ("Status", lambda o, c: status_label(o.get("status"))),
    ("Eligible for new work", lambda o, c: "Yes" if o.get("eligible_for_new_work") else "No"),
    ("Legal form", lambda o, c: c["legal_forms"].get(o.get("legal_form"), o.get("legal_form"))),
    ("Charity number", lambda o, c: o.get("charity_number")),
    ("Company number", lambda o, c: o.get("company_number")),
    ("Town", lambda o, c: o.get("town")),
    ("Postcode", lambda o, c: o.get("postcode")),
    ("Areas served", lambda o, c: "; ".join(o.get("areas_served") or [])),
    ("Service categories", lambda o, c: "; ".join(c["service_categories"].get(k, k)
                                                  for k in o.get("service_categories") or [])),
    ("Diversity", lambda o, c: "; ".join(c["diversity_characteristics"].get(k, k) for k in o.get("diversity") or [])),
    ("Income band", lambda o, c: c["income_bands"].get(o.get("income_band"), o.get("income_band"))),
    ("Staff", lambda o, c: o.get("staff_count")),
    ("Volunteers", lambda o, c: o.get("volunteer_count")),
    ("Main contact", lambda o, c: _contact(o, "main")),
    ("Reference", lambda o, c: o.get("id")),
)
DOCUMENT_KINDS = {"quality_mark": "Quality mark certificate", "other": "Other document"}  # if membership cannot say
CATALOGUE_KEYS = ("legal_forms", "service_categories", "client_groups", "diversity_characteristics",
                  "income_bands", "contact_roles", "document_kinds")


# ---------------------------------------------------------------- template helpers

def status_label(status: str | None) -> str:
    return STATUSES.get(status or "", ((status or "").replace("_", " ").capitalize(), "grey"))[0]


@bp.app_template_global("status_tag")
def status_tag(status: str | None, element_id: str | None = None) -> Markup:
    """A membership status as a tag whose words say it (colour only repeats them)."""
    label, colour = STATUSES.get(status or "", (status_label(status), "grey"))
    id_attr = Markup(' id="{}"').format(element_id) if element_id else ""
    return Markup('<strong class="govuk-tag govuk-tag--{}"{}>{}</strong>').format(colour, id_attr, label)


CATALOGUE_TTL_S = 300.0  # membership's lists are its code's: they change when membership is released


def catalogue() -> dict:
    """membership's maintained lists as {key: label} in membership's order, once per request; empty if it cannot say.

    The lists are the same for every caller, so an answer is kept by this process for CATALOGUE_TTL_S (a failure
    is not kept): the directory and the other pages showing them no longer ask membership each time (issue 16)."""
    if "membership_catalogue" not in g:
        found: dict = {}
        kept = current_app.extensions.get("gateway.membership_catalogue")
        if kept is not None and time.monotonic() - kept[0] < CATALOGUE_TTL_S:
            found = kept[1]
        else:
            try:
                answer = call_service("membership", "GET", "/catalogue")
                if answer.ok and isinstance(answer.body, dict):
                    found = answer.body
                    current_app.extensions["gateway.membership_catalogue"] = (time.monotonic(), found)
            except ServiceDown:
                pass
        g.membership_catalogue = {key: _labels(found.get(key)) for key in CATALOGUE_KEYS}
        if not g.membership_catalogue["legal_forms"]:
            g.membership_catalogue["legal_forms"] = dict(LEGAL_FORMS)
    return g.membership_catalogue


def _labels(choices) -> dict[str, str]:
    """[{key, label}] (membership sends each list in the order to show it) as an ordered {key: label}."""
    if not isinstance(choices, list):
        return {}
    return {str(c["key"]): str(c.get("label") or c["key"]) for c in choices if isinstance(c, dict) and c.get("key")}


def _contact(organisation: dict, role: str) -> str:
    for contact in organisation.get("contacts") or []:
        if contact.get("role") == role:
            return ", ".join(part for part in (contact.get("name"), contact.get("email"), contact.get("phone")) if part)
    return ""


def _problem_detail(answer, fallback: str) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    return tidy(body.get("detail") or body.get("title") or fallback)


FIELD_WORDS = {  # membership's fields as its forms name them, for plain messages (common/errors.py)
    "name": Field("the name"), "legal_form": Field("the legal form", CHOICE), "email": Field("the email address", EMAIL),
    "phone": Field("the phone number"), "postcode": Field("the postcode"), "town": Field("the town or city"),
    "address_line_1": Field("the first line of the address"), "charity_number": Field("the charity number"),
    "company_number": Field("the company number"), "staff_count": Field("the number of paid staff", WHOLE),
    "volunteer_count": Field("the number of volunteers", WHOLE), "income_band": Field("the income band", CHOICE),
    "to_status": Field("the new status", CHOICE), "reason": Field("the reason"),
    "effective_on": Field("the date it takes effect", DATE), "expires_on": Field("the expiry date", DATE),
    "kind": Field("the kind of document", CHOICE), "file": Field("a file", FILE), "status": Field("the status", CHOICE),
}


def _errors_of(answer) -> dict[str, list[str]]:
    """A refusal as field errors in plain words: 422's `errors` by field, otherwise the problem's detail for the
    whole form."""
    body = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 422 and body.get("errors"):
        found = {}
        for key, messages in flatten_errors(body["errors"]).items():
            path = tuple(key.split("."))
            field = FIELD_WORDS.get(path[-1]) or Field(default_label(path), default_kind(path))
            found[key] = [plain(message, field.label, field.kind) for message in messages]
        return found
    return {"_form": [_problem_detail(answer, "Membership refused the change.")]}


def _is_staff() -> bool:
    return bool(current_user().roles & SEES_MEMBERS)


def _manages() -> bool:
    return bool(current_user().roles & MANAGES_MEMBERSHIP)


def _own(organisation_id: uuid.UUID) -> bool:
    user = current_user()
    return MEMBER_USER in user.roles and user.organisation_id == organisation_id


def _may_see(organisation_id: uuid.UUID) -> None:
    """Staff see every organisation; member staff only their own (anything else does not exist for them)."""
    if not (_is_staff() or _own(organisation_id)):
        abort(404)


def _may_edit(organisation_id: uuid.UUID) -> bool:
    return _manages() or _own(organisation_id)


def _fetch_organisation(organisation_id: uuid.UUID) -> tuple[dict | None, tuple | None]:
    """The organisation, or a ready (page, status) to return instead."""
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}")
    except ServiceDown as exc:
        return None, (render_template("membership/member.html", organisation=None, problem=exc.message), 503)
    if answer.status in (403, 404):
        return None, (render_template("errors/error.html", title="Organisation not found",
                                      detail="There is no organisation with that id on the register.",
                                      status=404), 404)
    if not answer.ok:
        return None, (render_template("membership/member.html", organisation=None,
                                      problem="This organisation cannot be shown just now."), 502)
    return answer.body, None


# ---------------------------------------------------------------- directory, register, exports

def _directory_filters() -> dict[str, str]:
    filters = {key: (request.args.get(key) or "").strip() for key in DIRECTORY_FILTERS}
    if filters["eligible"] not in ("", "true", "false"):
        filters["eligible"] = ""
    if filters["sort"] not in DIRECTORY_SORTS:
        filters["sort"] = ""
    return filters


def _directory(filters: dict[str, str], *, one_page: bool = False) -> tuple[list[dict], str | None,
                                                                             dict[str, list[str]], dict]:
    """The filtered directory from membership: (organisations, problem, filter errors, links to the pages around);
    one_page: the page the request's `cursor` names, else every page (for the exports)."""
    query = filters | ({"cursor": request.args.get("cursor")} if one_page else {})
    answer = call_service("membership", "GET", "/organisations", query=query, one_page=one_page)
    if answer.status == 422:
        return [], None, _errors_of(answer), {}
    if not answer.ok or not isinstance(answer.body, list):
        return [], "The register of organisations cannot be shown just now.", {}, {}
    return answer.body, None, {}, page_links(answer)


def _query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(query)


@bp.route("/members", methods=["GET", "POST"])
@roles_required(SEES_MEMBERS)
def members():
    """The directory (GET) and registering an organisation (POST, from the registration page, /members/new)."""
    can_register = _manages()
    status = 200
    if request.method == "POST":
        if not can_register:
            return render_template("errors/error.html", title="You cannot register organisations",
                                   detail="Only consortium managers register organisations.", status=403), 403
        values, payload, _ = profile_from_form(request.form, full=False)
        try:
            answer = call_service("membership", "POST", "/organisations", payload)
        except ServiceDown as exc:
            flash(exc.message, "error")
            answer = None
        if answer is not None and answer.ok:
            flash(f"{answer.body.get('name', 'The organisation')} is registered as an applicant.", "success")
            return redirect(url_for("ui.member", organisation_id=answer.body["id"]))
        field_errors = profile_error_keys(_errors_of(answer), payload, values) if answer is not None else {}
        return _registration_page(values, field_errors,
                                  503 if answer is None else (answer.status if answer.status in (409, 422) else 502))
    filters = _directory_filters()
    organisations, problem, filter_errors, pages = [], None, {}, {}
    try:
        organisations, problem, filter_errors, pages = _directory(filters, one_page=True)
    except ServiceDown as exc:
        problem, status = exc.message, 503
    if filter_errors and status == 200:
        status = 422
    export_query = _query_string({k: v for k, v in filters.items() if v}) if any(filters.values()) else ""
    return render_template("membership/members.html", organisations=organisations, problem=problem,
                           can_register=can_register, filter_errors=filter_errors,
                           filters=filters, catalogue=catalogue(), statuses=STATUSES,
                           export_query=export_query, pages=pages), status


@bp.route("/members/new")
@roles_required(SEES_MEMBERS)
def register_member():
    """The registration form, a page of its own (issue 14 item 8): it posts to the directory, POST /members."""
    if not _manages():
        return render_template("errors/error.html", title="You cannot register organisations",
                               detail="Only consortium managers register organisations.", status=403), 403
    return _registration_page({"service_categories": [], "areas_served": ""}, {}, 200)


def _registration_page(values: dict, field_errors: dict, status: int):
    return render_template("membership/members_new.html", values=values, field_errors=field_errors,
                           catalogue=catalogue()), status


def _export_rows() -> tuple[list[str], list[list]]:
    filters = _directory_filters()
    try:
        organisations, problem, errors, _pages = _directory(filters)
    except ServiceDown as exc:
        abort(Response(exc.message, status=503, mimetype="text/plain"))
    if problem or errors:
        abort(Response(problem or "The filters are not valid.", status=502 if problem else 422, mimetype="text/plain"))
    labels = catalogue()
    return [title for title, _ in EXPORT_COLUMNS], [[read(o, labels) for _, read in EXPORT_COLUMNS]
                                                    for o in organisations]


def _export_name(extension: str) -> str:
    return f"member-organisations-{clock.today().isoformat()}.{extension}"


@bp.route("/members.csv")
@roles_required(SEES_MEMBERS)
def members_csv():
    header, rows = _export_rows()
    return csv_response(_export_name("csv"), header, rows)


@bp.route("/members.xlsx")
@roles_required(SEES_MEMBERS)
def members_xlsx():
    header, rows = _export_rows()
    return xlsx_response(_export_name("xlsx"), [("Member organisations", header, rows)])


# ---------------------------------------------------------------- an organisation's page

@bp.route("/my-organisation")
@roles_required(frozenset({MEMBER_USER}))
def my_organisation():
    organisation_id = current_user().organisation_id
    if organisation_id is None:
        return render_template("errors/error.html", title="Your organisation",
                               detail="Your account is not linked to an organisation yet. "
                                      "Ask your consortium manager to link it.", status=404), 404
    return redirect(url_for("ui.member", organisation_id=organisation_id))


# An organisation's pages (issue 14 item 8): the one long page split by task, each with the organisation's name,
# status and next application step above a sub-navigation. (endpoint, label, for managers only)
MEMBER_SECTIONS = [("ui.member", "Profile", False), ("ui.member_capability", "Capability", False),
                   ("ui.member_documents", "Documents", False), ("ui.due_diligence", "Due diligence", False),
                   ("ui.member_history", "History", False), ("ui.member_membership", "Membership", True)]


@bp.route("/members/<uuid:organisation_id>")
@roles_required(SEES_MEMBERS_OR_OWN)
def member(organisation_id: uuid.UUID):
    """The profile: who the organisation is, its people and quality marks."""
    _may_see(organisation_id)
    context, failed = _member_context(organisation_id, "Profile")
    if failed:
        return failed
    return render_template("membership/member.html", **context)


@bp.route("/members/<uuid:organisation_id>/capability")
@roles_required(SEES_MEMBERS_OR_OWN)
def member_capability(organisation_id: uuid.UUID):
    """M2: its capacity and the contracts it has delivered, added and removed here."""
    _may_see(organisation_id)
    context, failed = _member_context(organisation_id, "Capability")
    return failed or render_template("membership/member_capability.html", **context)


@bp.route("/members/<uuid:organisation_id>/documents")
@roles_required(SEES_MEMBERS_OR_OWN)
def member_documents(organisation_id: uuid.UUID):
    _may_see(organisation_id)
    context, failed = _member_context(organisation_id, "Documents")
    if failed:
        return failed
    documents, problem = [], None
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}/documents")
        documents = answer.body if answer.ok and isinstance(answer.body, list) else []
        problem = (None if answer.ok else
                   "Only the consortium manager and the organisation's own staff see its documents."
                   if answer.status == 403 else "The documents cannot be listed just now.")
    except ServiceDown as exc:
        problem = exc.message
    return render_template("membership/member_documents.html", documents=documents, documents_problem=problem,
                           **context)


@bp.route("/members/<uuid:organisation_id>/history")
@roles_required(SEES_MEMBERS_OR_OWN)
def member_history(organisation_id: uuid.UUID):
    """Its changes of membership status, each with its reason and decision."""
    _may_see(organisation_id)
    context, failed = _member_context(organisation_id, "History")
    if failed:
        return failed
    history, problem = [], None
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}/history")
        history = answer.body if answer.ok and isinstance(answer.body, list) else []
        problem = None if answer.ok else "The history cannot be shown just now."
    except ServiceDown as exc:
        problem = exc.message
    return render_template("membership/member_history.html", history=_who_did_each(history),
                           history_problem=problem, **context)


def _who_did_each(history: list[dict]) -> list[dict]:
    """Each change with `who` in words: a person by name, the hub's own work in plain words, never `user:<id>`."""
    ids = {str(h.get("actor"))[len(USER_ACTOR):] for h in history if str(h.get("actor")).startswith(USER_ACTOR)}
    people = {}
    if ids:
        with current_app.extensions["gateway.db"].session() as session:
            people = people_named(session, current_user().consortium_id, ids)
    return [h | {"who": people.get(str(h.get("actor"))[len(USER_ACTOR):], "Someone without a login here")
                 if str(h.get("actor")).startswith(USER_ACTOR) else actor_label(str(h.get("actor") or "system"))}
            for h in history]


@bp.route("/members/<uuid:organisation_id>/membership")
@roles_required(MANAGES_MEMBERSHIP)
def member_membership(organisation_id: uuid.UUID):
    """The consortium manager's membership actions: record a change, ask the Partners Group to expel (G5)."""
    return _membership_page(organisation_id)


def _membership_page(organisation_id: uuid.UUID, *, change_values: dict | None = None,
                     change_errors: dict[str, list[str]] | None = None, status: int = 200):
    context, failed = _member_context(organisation_id, "Membership", error=bool(change_errors))
    if failed:
        return failed
    return render_template(
        "membership/member_membership.html", changes=CHANGES, change_errors=change_errors or {},
        change_values=change_values or {"effective_on": {"day": "", "month": "", "year": ""}}, **context), status


def _member_context(organisation_id: uuid.UUID, section: str, *, error: bool = False) -> tuple[dict, tuple | None]:
    """What each of an organisation's pages shows above its own part, or a ready (page, status) instead."""
    organisation, failed = _fetch_organisation(organisation_id)
    if failed:
        return {}, failed
    manages, current = _manages(), organisation.get("status")
    return {"organisation": organisation, "section": section, "title_error": error, "problem": None,
            "sections": [(endpoint, label) for endpoint, label, managers in MEMBER_SECTIONS if manages or not managers],
            "catalogue": catalogue(), "staff": _is_staff(), "can_edit": _may_edit(organisation_id),
            "can_submit": (manages or _own(organisation_id)) and current == "applicant",
            "can_put_to_board": manages and current == "in_due_diligence",
            "can_change": manages and current not in APPLICATION_STAGES}, None


@bp.route("/members/<uuid:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def edit_member(organisation_id: uuid.UUID):
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    organisation, failed = _fetch_organisation(organisation_id)
    if failed:
        return failed
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values, payload, errors = profile_from_form(request.form, full=True)
        if not errors:
            try:
                answer = call_service("membership", "PATCH", f"/organisations/{organisation_id}", payload)
            except ServiceDown as exc:
                answer, errors = None, {"_form": [exc.message]}
            if answer is not None and answer.ok:
                flash("The profile is saved.", "success")
                return redirect(url_for("ui.member", organisation_id=organisation_id))
            if answer is not None:
                errors = profile_error_keys(_errors_of(answer), payload, values)
        status = 422 if any(key != "_form" for key in errors) else 409
    else:
        values = values_from_organisation(organisation)
    return render_template("membership/member_edit.html", organisation=organisation, values=values, field_errors=errors,
                           catalogue=catalogue(), contact_roles=CONTACT_ROLES), status


# ---------------------------------------------------------------- past contracts (M2 capability)

def _save_past_contracts(organisation_id: uuid.UUID, contracts: list[dict], done: str):
    try:
        answer = call_service("membership", "PATCH", f"/organisations/{organisation_id}",
                              {"past_contracts": contracts})
    except ServiceDown as exc:
        flash(exc.message, "error")
    else:
        if answer.ok:
            flash(done, "success")
        elif answer.status == 404:
            abort(404)
        else:
            flash("The past contracts were not saved: " + " ".join(
                " ".join(m) for m in _errors_of(answer).values()), "error")
    return redirect(url_for("ui.member_capability", organisation_id=organisation_id) + "#past-contracts")


def _past_contracts(organisation_id: uuid.UUID) -> list[dict]:
    organisation, failed = _fetch_organisation(organisation_id)
    if failed:
        abort(failed[1])
    return [{k: c.get(k) for k in ("title", "commissioner", "value_pence", "year")}
            for c in organisation.get("past_contracts") or []]


@bp.route("/members/<uuid:organisation_id>/past-contracts", methods=["POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def add_past_contract(organisation_id: uuid.UUID):
    """M2: add a contract the organisation has delivered, with its commissioner, value and year."""
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    form = request.form
    title, commissioner = (form.get("title") or "").strip(), (form.get("commissioner") or "").strip()
    problems = {}  # by the form's field ids, each said beside its field; what was typed is put back (refuse)
    if not title:
        problems["contract-title"] = "Enter the contract's name"
    if not commissioner:
        problems["contract-commissioner"] = "Enter who commissioned it"
    value_pence = year = None
    try:
        value_pence = pounds_to_pence((form.get("value") or "").strip())
    except ValueError:
        problems["contract-value"] = "Enter the value in pounds, like 120000 or £120,000"
    try:
        year = int((form.get("year") or "").strip())
    except ValueError:
        problems["contract-year"] = "Enter the year as four digits, like 2024"
    if problems:
        refuse(problems)
        return redirect(url_for("ui.member_capability", organisation_id=organisation_id) + "#add-past-contract")
    contracts = _past_contracts(organisation_id) + [{"title": title, "commissioner": commissioner,
                                                      "value_pence": value_pence, "year": year}]
    return _save_past_contracts(organisation_id, contracts, f"{title} is added to the past contracts.")


@bp.route("/members/<uuid:organisation_id>/past-contracts/<int:index>/removal", methods=["POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def remove_past_contract(organisation_id: uuid.UUID, index: int):
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    contracts = _past_contracts(organisation_id)
    if index >= len(contracts):
        abort(404)
    removed = contracts.pop(index)
    return _save_past_contracts(organisation_id, contracts, f"{removed['title']} is removed from the past contracts.")


# ---------------------------------------------------------------- application and due diligence (M1)

@bp.route("/members/<uuid:organisation_id>/application/submission", methods=["POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def submit_application(organisation_id: uuid.UUID):
    """M1: the draft application is submitted and due diligence starts."""
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    try:
        answer = call_service("membership", "POST", f"/organisations/{organisation_id}/application/submission", {})
        if answer.ok:
            flash("The application is submitted. Due diligence can start.", "success")
        else:
            flash(_problem_detail(answer, "The application could not be submitted."), "error")
    except ServiceDown as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui.member", organisation_id=organisation_id))


@bp.route("/members/<uuid:organisation_id>/application", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def put_to_board(organisation_id: uuid.UUID):
    """M1: only a complete due diligence goes to the board; when refused, say what is outstanding."""
    try:
        answer = call_service("membership", "POST", f"/organisations/{organisation_id}/application", {})
    except ServiceDown as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui.member", organisation_id=organisation_id))
    if answer.ok:
        flash("The application has been put to the board. It is now awaiting a decision.", "success")
        return redirect(url_for("ui.member", organisation_id=organisation_id))
    if answer.status == 409:
        return _due_diligence_page(organisation_id, refusal=_problem_detail(
            answer, "The application cannot go to the board yet."), status=409)
    flash(_problem_detail(answer, "The application could not be put to the board."), "error")
    return redirect(url_for("ui.member", organisation_id=organisation_id))


def evidence_state(item: dict, today: dt.date | None = None) -> str:
    """missing / expired / verified / provided: what the due-diligence page says of one item."""
    today = today or clock.today()
    if not item.get("provided_on"):
        return "missing"
    expires_on = item.get("expires_on")
    if expires_on and dt.date.fromisoformat(str(expires_on)[:10]) < today:
        return "expired"
    if item.get("verified_on"):
        return "verified"
    return "provided"


@bp.route("/members/<uuid:organisation_id>/due-diligence")
@roles_required(SEES_MEMBERS_OR_OWN)
def due_diligence(organisation_id: uuid.UUID):
    _may_see(organisation_id)
    return _due_diligence_page(organisation_id)


def _due_diligence_page(organisation_id: uuid.UUID, *, refusal: str | None = None, item_kind: str | None = None,
                        item_values: dict | None = None, item_errors: dict | None = None, status: int = 200,
                        upload_values: dict | None = None, upload_errors: dict | None = None):
    organisation, failed = _fetch_organisation(organisation_id)
    if failed:
        return failed
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}/due-diligence")
    except ServiceDown as exc:
        return render_template("membership/member.html", organisation=None, problem=exc.message), 503
    if not answer.ok or not isinstance(answer.body, dict):
        return render_template("membership/member.html", organisation=None,
                               problem="The due-diligence checklist cannot be shown just now."), 502
    view = answer.body
    today = clock.today()
    items = []
    for item in view.get("items") or []:
        kind = item.get("kind")
        newer = item.get("newer_document")
        if kind == item_kind and item_values is not None:
            values = item_values
        elif newer:  # an uploaded certificate the evidence does not name yet: offered, its expiry filled in
            values = {"provided_on": date_parts(today.isoformat()),
                      "expires_on": date_parts(newer.get("expires_on") or item.get("expires_on")),
                      "cover": pounds(item.get("cover_pence")).lstrip("£"),
                      "note": item.get("note") or "", "document_id": newer.get("id") or ""}
        else:
            values = {"provided_on": _parts_or_today(item.get("provided_on"), today),
                      "expires_on": date_parts(item.get("expires_on")),
                      "cover": pounds(item.get("cover_pence")).lstrip("£"),
                      "note": item.get("note") or "", "document_id": item.get("document_id") or ""}
        items.append(item | {"state": evidence_state(item, today), "values": values,
                             "errors": (item_errors or {}) if kind == item_kind else {}})
    manages = _manages()
    documents = _documents_of(organisation_id)
    labels = catalogue()["document_kinds"]
    checklist_kinds = {item.get("kind") for item in items}
    beyond_checklist = {k: v for k, v in labels.items() if k not in checklist_kinds} or DOCUMENT_KINDS
    return render_template("membership/due_diligence.html", organisation=organisation, view=view, items=items,
                           documents=documents, all_document_kinds={i.get("kind"): i.get("label") for i in items}
                           | beyond_checklist,
                           evidence_states=EVIDENCE_STATES, refusal=refusal, failed_kind=item_kind,
                           can_provide=_may_edit(organisation_id), can_verify=manages,
                           can_put_to_board=manages and organisation.get("status") == "in_due_diligence",
                           today=today.isoformat(), document_kinds=beyond_checklist,
                           upload_values=upload_values or {"kind": "", "expires_on": date_parts(None), "cover": "",
                                                           "as_evidence": True},
                           upload_errors=upload_errors or {}), status


def _documents_of(organisation_id: uuid.UUID) -> list[dict]:
    """The organisation's uploaded documents (to link to checklist items); none if membership cannot say."""
    try:
        answer = call_service("membership", "GET", f"/organisations/{organisation_id}/documents")
    except ServiceDown:
        return []
    return answer.body if answer.ok and isinstance(answer.body, list) else []


def _checklist_kinds() -> set[str]:
    """The kinds on the consortium's due-diligence checklist (none if membership cannot say)."""
    try:
        answer = call_service("membership", "GET", "/due-diligence/checklist")
    except ServiceDown:
        return set()
    return {item.get("kind") for item in answer.body} if answer.ok and isinstance(answer.body, list) else set()


def _parts_or_today(value, today: dt.date) -> dict:
    return date_parts(value or today.isoformat())


@bp.route("/members/<uuid:organisation_id>/due-diligence/<kind>", methods=["POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def provide_evidence(organisation_id: uuid.UUID, kind: str):
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    form = request.form
    errors: dict[str, list[str]] = {}
    values: dict = {"note": (form.get("note") or "").strip(), "cover": (form.get("cover") or "").strip(),
                    "document_id": (form.get("document_id") or "").strip()}
    payload: dict = {}
    if values["document_id"]:  # evidence is replaced whole: without one, no document stays linked
        try:
            payload["document_id"] = str(uuid.UUID(values["document_id"]))
        except ValueError:
            errors["document_id"] = ["Choose one of the organisation's uploaded documents"]
    values["provided_on"], payload["provided_on"], error = read_date(form, "provided_on", "the date it was provided",
                                                                     required=True)
    if error:
        errors["provided_on"] = [error]
    if "expires_on-day" in form:
        values["expires_on"], payload["expires_on"], error = read_date(form, "expires_on", "the expiry date",
                                                                       required=False)
        if error:
            errors["expires_on"] = [error]
    if values["cover"]:
        try:
            payload["cover_pence"] = pounds_to_pence(values["cover"])
        except ValueError:
            errors["cover"] = ["Enter the amount of cover in pounds, like 5000000 or £5,000,000"]
    if values["note"]:
        payload["note"] = values["note"]
    if not errors:
        try:
            answer = call_service("membership", "PUT", f"/organisations/{organisation_id}/due-diligence/{kind}",
                                  payload)
        except ServiceDown as exc:
            flash(exc.message, "error")
            return redirect(url_for("ui.due_diligence", organisation_id=organisation_id))
        if answer.ok:
            flash("The evidence is recorded. It needs verifying by a consortium manager.", "success")
            return redirect(url_for("ui.due_diligence", organisation_id=organisation_id) + f"#item-{kind}")
        if answer.status == 404:
            abort(404)
        errors = {("cover" if key == "cover_pence" else key): messages
                  for key, messages in _errors_of(answer).items()}
        status = answer.status if answer.status in (409, 422) else 502
    else:
        status = 422
    return _due_diligence_page(organisation_id, item_kind=kind, item_values=values, item_errors=errors, status=status)


@bp.route("/members/<uuid:organisation_id>/due-diligence/<kind>/verification", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def verify_evidence(organisation_id: uuid.UUID, kind: str):
    """A manager verifies an item today, in their own name (M1: a named person on a date)."""
    body = {"verified_on": clock.today().isoformat(), "verified_by": current_user().display_name}
    try:
        answer = call_service("membership", "POST",
                              f"/organisations/{organisation_id}/due-diligence/{kind}/verification", body)
    except ServiceDown as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui.due_diligence", organisation_id=organisation_id))
    if answer.ok:
        flash("Verified.", "success")
    else:
        flash(_problem_detail(answer, "The item could not be verified."), "error")
    return redirect(url_for("ui.due_diligence", organisation_id=organisation_id) + f"#item-{kind}")


@bp.route("/members/checklist")
@roles_required(SEES_MEMBERS)
def members_checklist():
    """The consortium's due-diligence checklist (M1); a manager makes items required or optional."""
    problem, items, status = None, [], 200
    try:
        answer = call_service("membership", "GET", "/due-diligence/checklist")
        items = answer.body if answer.ok and isinstance(answer.body, list) else []
        problem = None if answer.ok else "The checklist cannot be shown just now."
    except ServiceDown as exc:
        problem, status = exc.message, 503
    return render_template("membership/members_checklist.html", items=items, problem=problem, can_configure=_manages()), status


@bp.route("/members/checklist/<kind>", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def configure_checklist(kind: str):
    required = request.form.get("required")
    if required not in ("true", "false"):
        abort(400)
    try:
        answer = call_service("membership", "PUT", f"/due-diligence/checklist/{kind}", {"required": required == "true"})
        if answer.ok:
            label = next((item.get("label") for item in answer.body or [] if item.get("kind") == kind), kind)
            flash(f"{label} is now {'required' if required == 'true' else 'optional'}.", "success")
        else:
            flash(_problem_detail(answer, "The checklist could not be changed."), "error")
    except ServiceDown as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui.members_checklist"))


@bp.route("/members/<uuid:organisation_id>/documents", methods=["POST"])
@roles_required(EDITS_OWN_ORGANISATION)
def upload_document(organisation_id: uuid.UUID):
    """A compliance document, sent on to membership (which checks its type and size and keeps it)."""
    if not _may_edit(organisation_id):
        abort(404 if not _is_staff() else 403)
    limit = current_app.extensions["gateway.settings"].max_upload_bytes
    request.max_content_length = limit  # files may be larger than other forms; set before the form is read
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    form = request.form
    values = {"kind": form.get("kind") or "", "cover": (form.get("document_cover") or "").strip(),
              "as_evidence": form.get("as_evidence") == "true"}
    errors: dict[str, list[str]] = {}
    if not values["kind"]:
        errors["kind"] = ["Choose what the document is"]
    values["expires_on"], expires_on, error = read_date(form, "document_expires_on", "the expiry date",
                                                        required=False)
    if error:
        errors["document_expires_on"] = [error]
    # only a checklist item's document can be its evidence (a quality mark or other document is just kept)
    as_evidence = values["as_evidence"] and values["kind"] in _checklist_kinds()
    cover_pence = None
    if as_evidence and values["cover"]:
        try:
            cover_pence = pounds_to_pence(values["cover"])
        except ValueError:
            errors["document_cover"] = ["Enter the amount of cover in pounds, like 5000000 or £5,000,000"]
    upload = request.files.get("file")
    content = upload.read() if upload and upload.filename else b""
    if not content:
        errors["file"] = ["Choose a file to upload" if not (upload and upload.filename) else "The file is empty"]
    if not errors:
        fields = {"kind": values["kind"]} | ({"expires_on": expires_on} if expires_on else {}) | (
            {"as_evidence": "true"} if as_evidence else {}) | ({"cover_pence": str(cover_pence)} if cover_pence else {})
        try:
            answer = upload_to_service("membership", f"/organisations/{organisation_id}/documents", fields,
                                       (upload.filename, content, upload.mimetype or "application/octet-stream"))
        except ServiceDown as exc:
            answer, errors = None, {"_form": [exc.message]}
        if answer is not None and answer.ok:
            filename = answer.body.get("filename", upload.filename)
            if as_evidence:
                flash(f"{filename} is uploaded and recorded as the evidence, with its expiry and cover. It needs "
                      "verifying by a consortium manager.", "success")
                return redirect(url_for("ui.due_diligence", organisation_id=organisation_id)
                                + f"#item-{values['kind']}")
            flash(f"{filename} is uploaded.", "success")
            return redirect(url_for("ui.member_documents", organisation_id=organisation_id) + "#documents-heading")
        if answer is not None and answer.status in (413, 415):
            errors = {"file": [_problem_detail(answer, "That file cannot be accepted.")]}
        elif answer is not None:
            renamed = {"expires_on": "document_expires_on", "cover_pence": "document_cover"}
            errors = {renamed.get(key, key): messages for key, messages in _errors_of(answer).items()}
    return _due_diligence_page(organisation_id, upload_values=values, upload_errors=errors,
                               status=413 if "too large" in " ".join(errors.get("file", [])).lower() else 422)


csrf.exempt(upload_document)  # checked in the view, once the larger upload limit is set


# ---------------------------------------------------------------- membership changes

@bp.route("/members/<uuid:organisation_id>/membership-changes", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def change_membership(organisation_id: uuid.UUID):
    form = request.form
    values = {"to_status": form.get("to_status") or "", "reason": (form.get("reason") or "").strip(),
              "decision_id": (form.get("decision_id") or "").strip()}
    errors: dict[str, list[str]] = {}
    if values["to_status"] not in CHANGES:
        errors["to_status"] = ["Choose the change to record"]
    values["effective_on"], effective_on, error = read_date(form, "effective_on", "the date it takes effect",
                                                            required=True)
    if error:
        errors["effective_on"] = [error]
    if values["decision_id"]:
        try:
            uuid.UUID(values["decision_id"])
        except ValueError:
            errors["decision_id"] = ["Enter the decision's reference as it appears on the decision, "
                                     "like 6f1c2d3e-0000-4000-8000-000000000000"]
    if not errors:
        payload = {"to_status": values["to_status"], "reason": values["reason"], "effective_on": effective_on,
                   "decision_id": values["decision_id"] or None}
        try:
            answer = call_service("membership", "POST", f"/organisations/{organisation_id}/membership-changes",
                                  payload)
        except ServiceDown as exc:
            answer, errors = None, {"_form": [exc.message]}
        if answer is not None and answer.ok:
            flash(f"Membership changed: {status_label(answer.body.get('status'))}.", "success")
            return redirect(url_for("ui.member_history", organisation_id=organisation_id))
        if answer is not None:
            if answer.status == 404:
                abort(404)
            errors = _errors_of(answer)
    status = 422 if any(key != "_form" for key in errors) else 409
    return _membership_page(organisation_id, change_values=values, change_errors=errors, status=status)


@bp.route("/members/<uuid:organisation_id>/expulsion-request", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def request_expulsion(organisation_id: uuid.UUID):
    """G5: ask governance to put the member's expulsion to the Partners Group."""
    reason = (request.form.get("reason") or "").strip()
    try:
        answer = call_service("membership", "POST", f"/organisations/{organisation_id}/expulsion-request",
                              {"reason": reason})
    except ServiceDown as exc:
        flash(exc.message, "error")
    else:
        if answer.ok:
            flash("The Partners Group is asked to decide on the expulsion.", "success")
        elif answer.status == 404:
            abort(404)
        else:  # the reason's own message beside it, and what was typed put back
            refuse({"expulsion-reason" if key == "reason" else key: " ".join(messages)
                    for key, messages in _errors_of(answer).items()})
    return redirect(url_for("ui.member_membership", organisation_id=organisation_id) + "#expulsion")


# ---------------------------------------------------------------- expiring evidence, capability, reports

@bp.route("/members/expiring")
@roles_required(SEES_MEMBERS)
def members_expiring():
    problem, rows, status = None, [], 200
    try:
        answer = call_service("membership", "GET", "/due-diligence/expiring", query={"within_days": 30})
        rows = answer.body if answer.ok and isinstance(answer.body, list) else []
        problem = None if answer.ok else "Expiring evidence cannot be shown just now."
    except ServiceDown as exc:
        problem, status = exc.message, 503
    rows = sorted(rows, key=lambda row: (str(row.get("expires_on")), row.get("organisation_name") or ""))
    today = clock.today()
    for row in rows:
        try:
            row["days_left"] = (dt.date.fromisoformat(str(row.get("expires_on"))[:10]) - today).days
        except ValueError:
            row["days_left"] = None
    return render_template("membership/members_expiring.html", rows=rows, problem=problem), status


@bp.route("/members/capability")
@roles_required(SEES_MEMBERS)
def members_capability():
    labels = catalogue()
    category = (request.args.get("service_category") or "").strip()
    area = (request.args.get("area") or "").strip()
    searched = "service_category" in request.args or "area" in request.args
    errors: dict[str, list[str]] = {}
    results, problem, status = [], None, 200
    if searched:
        if not category:
            errors["service_category"] = ["Choose the service to be delivered"]
        if not area:
            errors["area"] = ["Enter the area, like Leeds or LS6"]
        if not errors:
            try:
                answer = call_service("membership", "GET", "/capability/search",
                                      query={"service_category": category, "area": area})
                if answer.status == 422:
                    errors = _errors_of(answer)
                elif answer.ok and isinstance(answer.body, list):
                    results = answer.body
                else:
                    problem = "The capability search cannot be done just now."
            except ServiceDown as exc:
                problem, status = exc.message, 503
        if errors:
            status = 422
    return render_template("membership/members_capability.html", catalogue=labels, category=category, area=area,
                           searched=searched and not errors, results=results, problem=problem,
                           field_errors=errors), status


@bp.route("/members/reports")
@roles_required(SEES_MEMBERS)
def members_reports():
    try:
        threshold = max(1, min(100, int(request.args.get("threshold") or 2)))
    except ValueError:
        threshold = 2
    gaps, diversity, problems = None, None, []
    for name, path, query in (("gaps", "/reports/gaps", {"threshold": threshold}),
                              ("diversity", "/reports/diversity", None)):
        try:
            answer = call_service("membership", "GET", path, query=query)
            if answer.ok and isinstance(answer.body, dict):
                if name == "gaps":
                    gaps = answer.body
                else:
                    diversity = answer.body
            else:
                problems.append(f"The {name} report cannot be shown just now.")
        except ServiceDown as exc:
            problems.append(exc.message)
    charts_ = {}
    if gaps:
        charts_["categories"] = charts.bar_chart(
            "Active members by service category",
            [(row.get("label") or row.get("key"), row.get("members") or 0) for row in gaps.get("categories") or []],
            highlight_below=threshold, chart_id="chart-categories")
        charts_["areas"] = charts.bar_chart(
            "Active members by area served",
            [(row.get("area"), row.get("members") or 0) for row in gaps.get("areas") or []],
            highlight_below=threshold, chart_id="chart-areas")
    if diversity:
        charts_["diversity"] = charts.bar_chart(
            "Active members by declared characteristic",
            [(row.get("label") or row.get("key"), row.get("count") or 0)
             for row in diversity.get("characteristics") or []], chart_id="chart-diversity")
    return render_template("membership/members_reports.html", gaps=gaps, diversity=diversity, charts=charts_,
                           threshold=threshold, problems=problems, catalogue=catalogue()), 200


# ---------------------------------------------------------------- members brought in from a file

MEMBERS_COLUMNS_HELP = ("status is active (give member_since, the day it joined) or applicant. Lists (areas, service "
                        "categories) are separated by ;. For each checklist item: when it was provided, when it expires "
                        "and its cover where the item needs them, and who verified it on which day.")


def _members_import_page(result=None, errors=None, status=200):
    columns, required, problem = columns_of("membership", "/imports/members")
    preview = [[m["row"], m.get("name") or "",
                f"Member since {day(m['member_since'])}" if m.get("status") == "active"
                else (m.get("status") or "").capitalize(),
                ", ".join(e["kind"].replace("_", " ") for e in m.get("evidence") or []) or "None"]
               for m in (result or {}).get("members", [])]
    return render_template("membership/members_import.html", columns=columns, required=required, problem=problem,
                           columns_help=MEMBERS_COLUMNS_HELP, amounts="each item's cover",
                           template_url=url_for("ui.members_import_template"),
                           form_action=url_for("ui.members_import_file"), result=result, errors=errors or {},
                           preview_header=["Organisation", "Membership", "Evidence held"],
                           preview_rows=preview), 503 if problem and status == 200 else status


@bp.route("/members/import")
@roles_required(MANAGES_MEMBERSHIP)
def members_import():
    """Bring existing members in from a CSV or XLSX file: check it first, then import it (M1's evidence too)."""
    return _members_import_page()


@bp.route("/members/import/template.csv")
@roles_required(MANAGES_MEMBERSHIP)
def members_import_template():
    columns, _, problem = columns_of("membership", "/imports/members")
    if problem:
        abort(503)
    return csv_response("members-template.csv", columns, [])


@bp.route("/members/import", methods=["POST"])
@roles_required(MANAGES_MEMBERSHIP)
def members_import_file():
    """Check the file (membership's dry run: every row's problems, nothing written); to import, the same check
    first, and the import only when it finds nothing (membership writes every row in one transaction or none)."""
    result, errors, imported, status = check_and_import("membership", "/imports/members")
    if imported:
        count = len(result["members"])
        flash(f"{count} member{'' if count == 1 else 's'} imported from {result['filename']}.", "success")
        return redirect(url_for("ui.members"))
    return _members_import_page(result, errors, status)


csrf.exempt(members_import_file)  # checked in the view, once the larger upload limit is set
