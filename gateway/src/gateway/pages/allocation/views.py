"""Fair allocation of work among members (C1-C7): pages over contracts' API.

The rounds list, the round page (route, invitations, declarations, panel with its C2/C3/C7 feedback, criteria and
weights, expressions of interest, moderation, result), a scoring sheet per panel member, the report for the
Management Board and the Partners Group (page and PDF), and for member staff their invitations and expressions
of interest. Contracts applies the rules; its 409 `detail` (naming the rule) or 422 `errors` are shown as they come.
"""
from __future__ import annotations


from flask import Blueprint, abort, current_app, flash, redirect, request, url_for

from ...adapters.repository import UserRepository
from ...auth.session import current_user, roles_required
from ...domain.roles import BOARD_MEMBER, CONSORTIUM_MANAGER, MANAGES_CONTRACTS, MEMBER_USER, SEES_CONTRACTS
from ..common.errors import CHOICE, DATE, FORM, MONEY, WHOLE, Field, refuse
from ..common.forms import lines
from ..common.money import pounds_to_pence
from ..common.service_pages import fetch, is_uuid, pdf_response, posted, render_page, send
from .forms import CRITERIA_ROWS, criteria_payload

bp = Blueprint("allocation_ui", __name__, url_prefix="/allocation", template_folder="templates")

SCORES = frozenset({CONSORTIUM_MANAGER, BOARD_MEMBER, MEMBER_USER})
STATUSES = {"declarations": "Declarations and panel", "eois_open": "Open for expressions of interest",
            "scoring": "Scoring", "decided": "Decided"}
ROUTES = {"open": "Open competition", "chosen_provider": "Chosen provider"}
PANEL_ROLES = {"lead_member": "Lead member who will manage the work", "member": "Member",
               "hub_staff": "Hub staff", "outside_expert": "Outside expert"}
SERVICING = {"management_board": "Management Board member", "partners_group_nominee": "Nominated Partners Group member"}
TIE_BREAKS = {"heaviest_criterion": "Higher agreed score on the most heavily weighted criterion, then the next, "
                                    "then the earlier expression of interest",
              "earliest_submission": "The earlier expression of interest"}


def _can_manage() -> bool:
    return bool(current_user().roles & MANAGES_CONTRACTS)


def _render(template: str, **context):
    return render_page(f"allocation/{template}", can_manage=_can_manage(),
                       can_score=bool(current_user().roles & SCORES), me=str(current_user().id),
                       statuses=STATUSES, routes=ROUTES,
                       panel_roles=PANEL_ROLES, servicing=SERVICING, tie_breaks=TIE_BREAKS, **context)


def _consortium_users() -> list:
    with current_app.extensions["gateway.db"].session() as session:
        return [u for u in UserRepository(session).all()
                if u.consortium_id == current_user().consortium_id and u.active and u.roles & SCORES]


def _members() -> list[dict]:
    found, _ = fetch("contracts", "/members")
    return [m for m in (found or []) if m.get("status") == "active"]


# --- rounds -------------------------------------------------------------------------------------------

@bp.route("")
@roles_required(SEES_CONTRACTS)
def index():
    rounds, problem = fetch("contracts", "/allocation-rounds")
    contracts = fetch("contracts", "/contracts")[0] or [] if _can_manage() else []
    return _render("index.html", title="Allocating work", rounds=rounds or [], problem=problem, contracts=contracts,
                   lot_id=request.args.get("lot_id", ""), lot_title=request.args.get("lot_title", ""),
                   contract_id=request.args.get("contract_id", ""))


@bp.route("/rounds", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def new_round():
    payload = posted("title", "contract_id", "lot_id", "declarations_close_on", "eois_close_on", "decision_by")
    payload["specification"] = request.form.get("specification", "")
    payload["service_categories"] = [c.lower().replace(" ", "_") for c in lines(request.form.get("service_categories"))]
    payload["areas"] = lines(request.form.get("areas", ""))
    value = (request.form.get("value") or "").strip()
    again = url_for("allocation_ui.index", **{k: request.form[k] for k in ("lot_id", "contract_id")
                                              if request.form.get(k)}) + "#new-round"
    if value:
        try:
            payload["value_pence"] = pounds_to_pence(value)
        except ValueError:
            refuse({"round-value": "Enter the round's value in pounds, like 150,000 or 150,000.00"})
            return redirect(again)
    answer = send("contracts", "POST", "/allocation-rounds", payload, "The round is open; capable members are invited.",
                  ROUND_FIELDS)
    if answer is not None and answer.ok:
        return redirect(url_for("allocation_ui.round_page", round_id=answer.body["round"]["id"]))
    return redirect(again)


ROUND_FIELDS = {  # contracts' fields as the new round form names them (common/errors.py)
    "contract_id": Field("the head contract", CHOICE), "lot_id": Field("the lot", CHOICE, "new-round"),
    "title": Field("the round's title", id="round-title"), "specification": Field("the specification"),
    "value_pence": Field("the round's value", MONEY, "round-value"),
    "service_categories": Field("the service categories", id="round-categories"),
    "areas": Field("the areas", id="round-areas"),
    "declarations_close_on": Field("the day declarations close", DATE),
    "eois_close_on": Field("the day expressions of interest close", DATE),
    "decision_by": Field("the day of the decision", DATE),
}


@bp.route("/rounds/<uuid:round_id>")
@roles_required(SEES_CONTRACTS)
def round_page(round_id):
    found, problem = fetch("contracts", f"/allocation-rounds/{round_id}")
    manage = found and _can_manage()
    return _render("round.html", detail=found, problem=problem, title=found["round"]["title"] if found else "Round",
                   members=_members() if manage else [], users=_consortium_users() if manage else [],
                   criteria_rows=CRITERIA_ROWS)


@bp.route("/rounds/<uuid:round_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def round_action(round_id, action):
    path = f"/allocation-rounds/{round_id}"
    here = url_for("allocation_ui.round_page", round_id=round_id)
    anchor = ""
    if action == "declaration":
        send("contracts", "POST", f"{path}/declarations", posted("organisation_id") | {
            "detail": request.form.get("detail", "")}, "Declaration recorded (C2).", DECLARATION_FIELDS)
        anchor = "#declarations"
    elif action == "panel":
        person = posted("name", "role", "organisation_id", "user_id")
        person["expertise"] = request.form.get("expertise", "")
        send("contracts", "POST", f"{path}/panel", person, f"{person['name'] or 'The person'} proposed for the panel.",
             PANEL_FIELDS)
        anchor = "#panel"
    elif action == "remove-panel-member":
        member_id = request.form.get("member_id", "")
        if is_uuid(member_id):
            send("contracts", "DELETE", f"{path}/panel/{member_id}", None, "Taken off the proposed panel.")
        anchor = "#panel"
    elif action == "servicing":
        send("contracts", "PUT", f"{path}/servicing", posted("name", "capacity", "organisation_id") | {
            "note": request.form.get("note", "")}, "Servicing member recorded (C7).", SERVICING_FIELDS)
        anchor = "#panel"
    elif action == "confirm-panel":
        send("contracts", "POST", f"{path}/panel/confirmation", None, "The panel is confirmed; declarations closed.")
        anchor = "#panel"
    elif action == "criteria":
        payload, refused, fields = criteria_payload()
        if refused:
            refuse(refused)
        else:
            send("contracts", "PUT", f"{path}/criteria", payload, "Criteria and weights saved.", fields)
        anchor = "#criteria"
    elif action == "chosen-provider":
        send("contracts", "POST", f"{path}/chosen-provider", posted("organisation_id", "reason"),
             "The Partners Group has been asked (C1).", CHOSEN_PROVIDER_FIELDS)
        anchor = "#route"
    elif action == "assessment":
        meets = request.form.get("meets_specification")
        if meets not in ("yes", "no"):
            refuse({"meets": "Select whether the chosen provider meets the specification"})
        else:
            send("contracts", "POST", f"{path}/chosen-provider/assessment", {
                "meets_specification": meets == "yes", "note": request.form.get("note", "")},
                "Work awarded to the chosen provider." if meets == "yes" else
                "The round reverts to open competition (C6).",
                {"meets_specification": Field("whether the chosen provider meets the specification", CHOICE, "meets"),
                 "note": Field("the note", id="assessment-note")})
        anchor = "#route"
    elif action == "open-eois":
        send("contracts", "POST", f"{path}/eois/opening", None,
             "Open for expressions of interest; criteria and weights are now fixed (C4).")
    elif action == "close-eois":
        send("contracts", "POST", f"{path}/eois/closing", None, "Expressions of interest closed; the panel scores.")
    elif action == "moderation":
        fields = posted("eoi_id", "criterion_id")
        try:
            score = int(request.form.get("score") or "")
        except ValueError:
            refuse({"mod-score": "Enter the agreed score as a whole number, like 7"})
            return redirect(here + "#moderation")
        send("contracts", "PUT", f"{path}/moderation", fields | {"score": score} | posted("reason"),
             "Moderated score recorded.", MODERATION_FIELDS)
        anchor = "#moderation"
    elif action == "shortlist":
        on = request.form.get("shortlisted") == "yes"
        if not is_uuid(request.form.get("eoi_id", "")):
            flash("Choose an expression of interest.", "error")
            return redirect(here + "#eois")
        send("contracts", "PUT", f"{path}/eois/{request.form.get('eoi_id', '')}/shortlist",
             {"shortlisted": on, "reason": request.form.get("reason", "")},
             "Put back on the shortlist." if on else "Left off the shortlist (C4).",
             {"reason": Field("why it is not shortlisted", id=f"reason-{request.form['eoi_id']}")})
        anchor = "#eois"
    elif action == "award":
        send("contracts", "POST", f"{path}/award", None, "The work is awarded by weighted score.")
        anchor = "#result"
    else:
        flash("Unknown action.", "error")
    return redirect(here + anchor)


DECLARATION_FIELDS = {  # contracts' fields as the round page's forms name them (common/errors.py)
    "organisation_id": Field("the organisation", CHOICE, "decl-org"), "detail": Field("the detail", id="decl-detail")}
CHOSEN_PROVIDER_FIELDS = {"organisation_id": Field("the member organisation", CHOICE, "cp-org"),
                          "reason": Field("why it is clearly the one credible provider", id="cp-reason")}
PANEL_FIELDS = {
    "name": Field("the person's name", id="panel-name"), "role": Field("their role on the panel", CHOICE, "panel-role"),
    "organisation_id": Field("their organisation", CHOICE, "panel-org"),
    "user_id": Field("their login", CHOICE, "panel-user"), "expertise": Field("their expertise", id="panel-expertise")}
SERVICING_FIELDS = {
    "name": Field("the name of who services the process", id="servicing-name"),
    "capacity": Field("what they service it as", CHOICE, "servicing-capacity"),
    "organisation_id": Field("their organisation", CHOICE, "servicing-org"),
    "note": Field("the note", id="servicing-note")}
MODERATION_FIELDS = {
    "eoi_id": Field("the expression of interest", CHOICE, "mod-eoi"),
    "criterion_id": Field("the criterion", CHOICE, "mod-criterion"),
    "score": Field("the agreed score", WHOLE, "mod-score"),
    "reason": Field("the reason for the moderated score", id="mod-reason")}



# --- scoring sheets ----------------------------------------------------------------------------------

@bp.route("/rounds/<uuid:round_id>/sheets/<uuid:member_id>", methods=["GET", "POST"])
@roles_required(SCORES)
def sheet(round_id, member_id):
    path = f"/allocation-rounds/{round_id}/panel/{member_id}/scores"
    if request.method == "POST":
        found, _ = fetch("contracts", path)
        if found is None:
            abort(404)
        scores, bad, fields = [], {}, {}
        for row in found["eois"]:
            for criterion in found["criteria"]:
                key = f"{row['eoi']['id']}-{criterion['id']}"
                text = (request.form.get(f"score-{key}") or "").strip()
                if not text:
                    continue
                on = f"{row['eoi']['organisation_name']} on {criterion['name']}"
                try:
                    score = int(text)
                except ValueError:
                    bad[f"score-{key}"] = f"Enter the score for {on} as a whole number, like 7"
                    continue
                sent = len(scores)  # contracts names a score by its place in the list sent: said on its own box
                fields |= {f"scores.{sent}.score": Field(f"the score for {on}", WHOLE, f"score-{key}"),
                           f"scores.{sent}.eoi_id": Field(f"the score for {on}", CHOICE, f"score-{key}"),
                           f"scores.{sent}.criterion_id": Field(f"the score for {on}", CHOICE, f"score-{key}"),
                           f"scores.{sent}.comment": Field(f"the comment on {on}", id=f"comment-{key}")}
                scores.append({"eoi_id": row["eoi"]["id"], "criterion_id": criterion["id"], "score": score,
                               "comment": request.form.get(f"comment-{key}", "")})
        if bad:
            refuse(bad)
        elif not scores:
            first = (f"score-{found['eois'][0]['eoi']['id']}-{found['criteria'][0]['id']}"
                     if found["eois"] and found["criteria"] else FORM)
            refuse({first: "Enter at least one score"})
        else:
            send("contracts", "PUT", path, {"scores": scores}, "Scores saved.", fields)
        return redirect(url_for("allocation_ui.sheet", round_id=round_id, member_id=member_id))
    found, problem = fetch("contracts", path)
    return _render("sheet.html", sheet=found, problem=problem, round_id=round_id,
                   title=f"Scoring sheet: {found['panel_member']['name']}" if found else "Scoring sheet")


@bp.route("/panels")
@roles_required(SCORES)
def my_panels():
    found, problem = fetch("contracts", "/allocation/panels")
    return _render("panels.html", title="My scoring sheets", seats=found or [], problem=problem)


# --- the report (C4) ---------------------------------------------------------------------------------

@bp.route("/rounds/<uuid:round_id>/report")
@roles_required(SEES_CONTRACTS)
def report(round_id):
    found, problem = fetch("contracts", f"/allocation-rounds/{round_id}/report")
    return _render("report.html", report=found, problem=problem, round_id=round_id,
                   title=f"Allocation report: {found['round']['title']}" if found else "Allocation report")


@bp.route("/rounds/<uuid:round_id>/report.pdf")
@roles_required(SEES_CONTRACTS)
def report_pdf(round_id):
    found, problem = fetch("contracts", f"/allocation-rounds/{round_id}/report")
    if problem:
        abort(404)
    return pdf_response(f"allocation-report-{round_id}.pdf", "allocation/report_pdf.html", report=found,
                        title=f"Allocation report: {found['round']['title']}", footer=found["round"]["title"],
                        statuses=STATUSES, routes=ROUTES, panel_roles=PANEL_ROLES, servicing=SERVICING)


# --- member staff ------------------------------------------------------------------------------------

@bp.route("/mine")
@roles_required(frozenset({MEMBER_USER}))
def my_invitations():
    found, problem = fetch("contracts", "/allocation/invitations")
    return _render("mine.html", title="My invitations", invitations=found or [], problem=problem)


@bp.route("/mine/<uuid:round_id>/<action>", methods=["POST"])
@roles_required(frozenset({MEMBER_USER}))
def my_action(round_id, action):
    path = f"/allocation-rounds/{round_id}"
    if action == "declaration":
        send("contracts", "POST", f"{path}/declarations", {"detail": request.form.get("detail", "")},
             "Your interest is declared. Your organisation's people are kept off the panel (C2).",
             {"detail": Field("the detail of your interest", id=f"detail-{round_id}")})
    elif action == "eoi":
        payload = posted("statement")  # an empty statement is "Enter your expression of interest"
        value = (request.form.get("proposed_value") or "").strip()
        if value:
            try:
                payload["proposed_value_pence"] = pounds_to_pence(value)
            except ValueError:
                refuse({f"value-{round_id}": "Enter the proposed value in pounds, like 140,000 or 140,000.00"})
                return redirect(url_for("allocation_ui.my_invitations") + f"#round-{round_id}")
        send("contracts", "POST", f"{path}/eois", payload, "Your expression of interest is in.",
             {"statement": Field("your expression of interest", id=f"statement-{round_id}"),
              "proposed_value_pence": Field("the proposed value", MONEY, f"value-{round_id}")})
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("allocation_ui.my_invitations") + f"#round-{round_id}")
