"""Contracts, subcontracts and performance (P1): pages over contracts' API.

Contracts list and page (targets, periods, subcontracts, the management fee, H5's notice), subcontract page
(shares, schedule, variations, returns), returns to review, the performance dashboard (a page of subcontracts at a
time, of one overall RAG if chosen: a RAG heat map as SVG with a table and the RAG in words), the commissioner's
report (page, XLSX, PDF) and, for member organisations' staff, their subcontracts and a return form. Contracts
applies the rules; its 409 `detail` or 422 `errors` are shown.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from markupsafe import Markup, escape
from wtforms import ValidationError

from hubkit import clock
from hubkit.uploads import content_disposition

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import MANAGES_CONTRACTS, MEMBER_USER, SEES_CONTRACTS
from ...proxy.client import ServiceDown, upload_to_service
from ..common.charts import actual_and_target_chart
from ..common.errors import (CHOICE, DATE, FILE, MONEY, NUMBER, WHOLE, Field, flash_errors, form_errors, keep_typed,
                             refuse)
from ..common.money import pounds_to_pence
from ..common.lists import list_page
from ..common.service_pages import (NOT_FOUND, fetch, fetch_page, pdf_response, posted, render_page, send,
                                    stored_file_from, xlsx_response)
from .heatmap import WORD, heat_map
from .forms import INDICATOR_ROWS, contract_form, figure

bp = Blueprint("delivery_ui", __name__, url_prefix="/contracts", template_folder="templates")

MEMBER_ONLY = frozenset({MEMBER_USER})
SEES_SUBCONTRACTS = SEES_CONTRACTS | MEMBER_ONLY
RAG_TAGS = {"green": "green", "amber": "yellow", "red": "red"}
STATUS_TEXT = {"submitted": "Submitted, awaiting review", "queried": "Queried", "accepted": "Accepted",
               "overdue": "Overdue: not received", "not_due": "Not due yet"}
FREQUENCIES = {"quarterly": "Quarterly", "monthly": "Monthly", "half_yearly": "Every six months", "annual": "Yearly"}


@bp.app_template_filter("rag_text")
def rag_text(rag) -> str:
    return WORD.get(rag, "Not rated") if rag else "Not rated"


@bp.app_template_filter("highlights_html")
def highlights_html(highlights: list, p_class: str) -> Markup:
    """The commissioner report's highlights as paragraphs, made in Python (a big contract's report has hundreds,
    and the template's loop was most of its page's time, issue 16); each text escaped as the template escapes."""
    cls = escape(p_class)
    if not highlights:
        return Markup(f'<p class="{cls}">No accepted returns with a narrative in these periods.</p>')
    return Markup("\n".join(f'<p class="{cls}"><strong>{escape(h["period"]["label"])}, '
                            f'{escape(h["organisation_name"])}:</strong> {escape(h["narrative"])}</p>'
                            for h in highlights))


@bp.app_template_filter("worst_text")
def worst_text(line: dict) -> str:
    """P1: the worst subcontractor's RAG on a roll-up line, and who, against their own share (e.g. "Red:
    Wharfedale Carers (76.0% of its share)"), so a red one is not hidden behind the total's RAG."""
    if not line.get("worst_rag"):
        return "Not rated"
    who = "; ".join(f"{w['organisation_name']} ({w['percent']}% of its share)" for w in line.get("worst") or [])
    return f"{rag_text(line['worst_rag'])}: {who}" if who else rag_text(line["worst_rag"])


@bp.app_template_filter("rag_tag")
def rag_tag(rag) -> Markup:
    """A RAG as a GOV.UK tag ("Not rated" without one): the `rag` macro's output, made in Python for the
    dashboard's thousands of cells (issue 16)."""
    if not rag:
        return Markup("Not rated")
    return Markup('<strong class="govuk-tag govuk-tag--{}">{}</strong>').format(RAG_TAGS.get(rag, ""), rag_text(rag))


@bp.app_template_filter("figure")
def figure_text(value) -> str:
    """A figure as the pages show it (forms.figure reads one typed in)."""
    if value is None:
        return "Not given"  # never "None" (issue 14 item 5)
    number = Decimal(str(value))
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def _can_manage() -> bool:
    return bool(current_user().roles & MANAGES_CONTRACTS)


def _render(template: str, **context):
    return render_page(f"delivery/{template}", can_manage=_can_manage(), rag_tags=RAG_TAGS,
                       status_text=STATUS_TEXT, frequencies=FREQUENCIES, **context)


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        abort(404)


# --- contracts -------------------------------------------------------------------------------------

@bp.route("")
@roles_required(SEES_CONTRACTS)
def index():
    found, problem = fetch("contracts", "/contracts")
    waiting = None
    if _can_manage():  # counted by contracts' summary (one bounded query), not by reading every return waiting
        summary, _ = fetch("contracts", "/summary")
        waiting = ((summary or {}).get("returns_to_review") or {}).get("count")
    return _render("index.html", title="Contracts and performance", contracts=found or [], problem=problem,
                   waiting=waiting)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(MANAGES_CONTRACTS)
def new_contract():
    values = {}
    if request.method == "POST":
        values, payload, errors, rows = contract_form()
        if errors:
            refuse(errors, {name: f"{name}-day" for name in ("starts_on", "ends_on") if name in errors})
        else:
            answer = send("contracts", "POST", "/contracts", payload, "Contract recorded.", contract_fields(rows))
            if answer is not None and answer.ok:
                return redirect(url_for("delivery_ui.contract", contract_id=answer.body["contract"]["id"]))
        values = values | {k: v for k, v in request.form.items()}
    return _render("contract_form.html", title="Record a contract", values=values, rows=range(INDICATOR_ROWS),
                   status=422 if request.method == "POST" else None)


CONTRACT_FIELDS = {  # contracts' fields as the contract form names them (common/errors.py)
    "title": Field("the contract's title"), "commissioner_name": Field("the commissioner's name"),
    "value_pence": Field("the contract's value", MONEY, "value"),
    "management_fee_basis_points": Field("the management fee", NUMBER, "fee_percent"),
    "starts_on": Field("the start date", DATE), "ends_on": Field("the end date", DATE),
    "payment_terms": Field("the payment terms"), "income_schedule": Field("the income schedule", id="income"),
    "income_schedule.*.due_on": Field("the date of income instalment {n0}", id="income"),
    "income_schedule.*.amount_pence": Field("the amount of income instalment {n0}", MONEY, "income"),
    "reporting_frequency": Field("the reporting periods", CHOICE),
    "return_due_days": Field("the days after a period that returns are due", WHOLE),
    "indicators": Field("the indicators", id="code-0"),
}


def contract_fields(rows: list[int]) -> dict:
    """CONTRACT_FIELDS with each indicator the payload sends named by its row on the form (empty rows are not
    sent, so the service's indicators.1 may be the form's third row)."""
    fields = dict(CONTRACT_FIELDS)
    for sent, row in enumerate(rows):
        fields |= {f"indicators.{sent}.code": Field(f"the code of indicator {row + 1}", id=f"code-{row}"),
                   f"indicators.{sent}.name": Field(f"the name of indicator {row + 1}", id=f"name-{row}"),
                   f"indicators.{sent}.kind": Field(f"the kind of indicator {row + 1}", CHOICE, f"kind-{row}"),
                   f"indicators.{sent}.unit": Field(f"the unit of indicator {row + 1}", id=f"unit-{row}")}
    return fields


def _typed_figure(key: str, label: str, example: str, bad: dict[str, str]) -> float | None:
    """The number of 0 or more typed in the form's box `key`, or None for a blank box or one that is not such a
    number (its message, naming `label` and like `example`, is then put in `bad`)."""
    text = (request.form.get(key) or "").strip()
    if not text:
        return None
    try:
        return figure(text)
    except (ValueError, InvalidOperation):
        bad[key] = f"Enter {label} as a number of 0 or more, like {example}"
        return None


def _members() -> list[dict]:
    found, _ = fetch("contracts", "/members")
    return [m for m in (found or []) if m.get("status") == "active"]


@bp.route("/<uuid:contract_id>")
@roles_required(SEES_CONTRACTS)
def contract(contract_id):
    found, problem = fetch("contracts", f"/contracts/{contract_id}")
    targets = {}
    if found:
        targets = {(t["indicator_id"], t["period_id"]): t["target"] for t in found["targets"]}
    return _render("contract.html", detail=found, problem=problem, targets=targets,
                   members=_members() if found and _can_manage() else [])


@bp.route("/<uuid:contract_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def contract_action(contract_id, action):
    path = f"/contracts/{contract_id}"
    here = url_for("delivery_ui.contract", contract_id=contract_id)
    if action == "targets":
        found, problem = fetch("contracts", path)
        if found is None:  # no indicators and periods to read the boxes by: say why, and keep the targets typed
            flash("That contract could not be found." if problem == NOT_FOUND else problem, "error")
            keep_typed()
            return redirect(here + "#targets")
        rows, bad, fields = [], {}, {}
        for indicator in found.get("indicators", []):
            for row in found.get("periods", []):
                period = row["period"]
                key = f"target-{indicator['code']}-{period['number']}"
                label = f"the target for {indicator['code']} in {period['label']}"
                target = _typed_figure(key, label, "120 or 7.5", bad)
                if target is None:
                    continue
                rows.append({"indicator": indicator["code"], "period": str(period["number"]), "target": target})
                fields[f"targets.{len(rows) - 1}.target"] = Field(label, NUMBER, key)
        if bad:
            refuse(bad)
        elif rows:
            send("contracts", "PUT", f"{path}/targets", {"targets": rows}, "Targets saved.", fields)
        return redirect(here + "#targets")
    if action == "subcontracts":
        found, _ = fetch("contracts", path)
        payload = posted("organisation_id")
        payload["purpose"] = request.form.get("purpose") or "delivery"
        bad, fields = {}, dict(SUBCONTRACT_FIELDS)
        try:
            payload["value_pence"] = pounds_to_pence(request.form.get("value") or "")
        except ValueError:
            bad["sub-value"] = "Enter the subcontract's value in pounds, like 120,000 or 120,000.00"
        targets, schedule = [], []
        for indicator in (found or {}).get("indicators", []):
            key = f"share-{indicator['id']}"
            label = f"the share of {indicator['code']} each period"
            share = _typed_figure(key, label, "40 or 12.5", bad)
            if share is None:
                continue
            for p in found["periods"]:
                fields[f"targets.{len(targets)}.target"] = Field(label, NUMBER, key)
                targets.append({"indicator": indicator["id"], "period": p["period"]["id"], "target": share})
        per_period = (request.form.get("per_period") or "").strip()
        if per_period:
            try:
                amount = pounds_to_pence(per_period)
                schedule = [{"amount_pence": amount, "release": "on_accepted_return", "period_id": p["period"]["id"]}
                            for p in (found or {}).get("periods", [])]
            except ValueError:
                bad["per_period"] = "Enter the payment for each period's accepted return in pounds, like 5,000"
        if bad:
            refuse(bad)
            return redirect(here + "#issue")
        payload["targets"], payload["payment_schedule"] = targets, schedule
        answer = send("contracts", "POST", f"{path}/subcontracts", payload, "Subcontract issued.", fields)
        return redirect(here + ("#subcontracts" if answer is not None and answer.ok else "#issue"))
    if action == "go-live":
        send("contracts", "POST", f"{path}/go-live", None, "The contract is live.")
        return redirect(here)
    if action == "thresholds":
        try:
            payload = {"green_percent": int(request.form.get("green_percent") or ""),
                       "amber_percent": int(request.form.get("amber_percent") or "")}
        except ValueError:
            refuse({name: f"Enter {THRESHOLD_FIELDS[name].label} as a whole number, like 95"
                    for name in ("green_percent", "amber_percent")
                    if not (request.form.get(name) or "").strip().isdigit()})
            return redirect(here + "#rag")
        send("contracts", "PUT", f"{path}/rag-thresholds", payload, "RAG thresholds saved.", THRESHOLD_FIELDS)
        return redirect(here + "#rag")
    abort(404)


SUBCONTRACT_FIELDS = {  # contracts' fields as the issue-a-subcontract form names them; its targets are added
    "organisation_id": Field("the member organisation", CHOICE), "purpose": Field("the purpose", CHOICE),
    "value_pence": Field("the subcontract's value", MONEY, "sub-value"),
    "payment_schedule": Field("the payment for each period", MONEY, "per_period"),
    "payment_schedule.*.amount_pence": Field("the payment for each period", MONEY, "per_period"),
}
THRESHOLD_FIELDS = {"green_percent": Field("the per cent of profile that is green", WHOLE),
                    "amber_percent": Field("the per cent of profile that is amber", WHOLE)}


@bp.route("/<uuid:contract_id>/ocds.json")
@roles_required(SEES_CONTRACTS)
def ocds(contract_id):
    found, problem = fetch("contracts", f"/contracts/{contract_id}/ocds")
    if problem:
        abort(404 if problem == NOT_FOUND else 502)
    return Response(json.dumps(found, indent=2), mimetype="application/json", headers={
        "Content-Disposition": content_disposition(f"contract-{contract_id}-ocds.json")})


# --- dashboard and report --------------------------------------------------------------------------

DASHBOARD_PAGE = 10  # subcontracts a page (issue 16: the biggest contract's 60 at once made a 1.4 MB page)
OVERALL_FILTERS = {"": "All", "red": "Red", "amber": "Amber", "green": "Green", "not_rated": "Not rated"}


@bp.route("/<uuid:contract_id>/dashboard")
@roles_required(SEES_CONTRACTS)
def dashboard(contract_id):
    """The dashboard a page of subcontracts at a time (contracts' matrix of them), of one overall RAG if chosen."""
    overall = request.args.get("overall", "")
    found, problem, pages = fetch_page("contracts", f"/contracts/{contract_id}/dashboard/matrix",
                                       {"limit": DASHBOARD_PAGE, "overall": overall})
    chart = lines = None
    if found:
        periods, codes = found["periods"], [f"{i['code']} {i['name']}" for i in found["indicators"]]
        quarterly = found["contract"]["reporting_frequency"] == "quarterly"
        columns = [f"Q{p['number']}" if quarterly else f"P{p['number']}" for p in periods]
        rows = []
        for sub in found["subcontracts"]:
            rows += [(f"{sub['organisation_name']}: {code}", sub["rag"][i]) for i, code in enumerate(codes)]
            rows.append((f"{sub['organisation_name']}: overall", [b["overall"] for b in sub["by_period"]]))
        chart = heat_map(f"RAG by subcontract, indicator and period for {found['contract']['title']}", columns, rows)
        lines = [{"name": sub["organisation_name"], "period": period, "state": sub["by_period"][p],
                  "cells": [(sub["actual"][i][p], sub["target"][i][p], sub["percent"][i][p], sub["rag"][i][p])
                            for i in range(len(codes))]}
                 for sub in found["subcontracts"] for p, period in enumerate(periods)]
    return _render("dashboard.html", detail=found, problem=problem, chart=chart, lines=lines, pages=pages,
                   contract_id=contract_id, overall=overall if overall in OVERALL_FILTERS else "",
                   overall_filters=OVERALL_FILTERS)


def _report(contract_id):
    query = {k: request.args.get(k) for k in ("from_period", "to_period") if request.args.get(k)}
    return fetch("contracts", f"/contracts/{contract_id}/report", query or None)


def _report_rows(report: dict) -> list[list]:
    return [[line["indicator"]["code"], line["indicator"]["name"], line["period"]["label"], line["target"],
             line["actual"], None if line["percent"] is None else line["percent"], rag_text(line["rag"]),
             rag_text(line.get("worst_rag")), "; ".join(w["organisation_name"] for w in line.get("worst") or [])]
            for line in report["lines"]]


def _report_charts(report: dict) -> list[Markup]:
    """P1: a chart an indicator of its actual against its target, period by period, RAG in words (the report's
    table beside it has the same figures)."""
    by_indicator: dict[str, tuple[dict, list]] = {}
    for line in report["lines"]:
        by_indicator.setdefault(line["indicator"]["code"], (line["indicator"], []))[1].append(line)
    return [actual_and_target_chart(
        f"{indicator['code']} {indicator['name']}: actual against target by period",
        [(line["period"]["label"], line["target"], line["actual"], _report_words(line)) for line in lines],
        chart_id=f"report-chart-{number}")
        for number, (indicator, lines) in enumerate(by_indicator.values(), start=1)]


def _report_words(line: dict) -> str:
    if line["target"] is None:
        return "no target set"
    if line["actual"] is None:
        return f"no accepted return against {figure_text(line['target'])}"
    percent = "" if line["percent"] is None else f" ({line['percent']}%)"
    return f"{figure_text(line['actual'])} of {figure_text(line['target'])}{percent}, {rag_text(line['rag'])}"


REPORT_HEADER = ["Indicator", "Name", "Period", "Target", "Actual", "% of profile", "RAG",
                 "Worst subcontractor RAG", "Worst subcontractors"]


@bp.route("/<uuid:contract_id>/report")
@roles_required(SEES_CONTRACTS)
def report(contract_id):
    found, problem = _report(contract_id)
    if problem and problem != NOT_FOUND:
        found, problem = None, problem + " Check the range of periods."
    return _render("report.html", report=found, problem=problem, contract_id=contract_id,
                   charts=_report_charts(found) if found else [], query={k: request.args.get(k, "") for k in ("from_period", "to_period")})


@bp.route("/<uuid:contract_id>/report.xlsx")
@roles_required(SEES_CONTRACTS)
def report_xlsx(contract_id):
    found, problem = _report(contract_id)
    if problem:
        abort(404)
    highlights = [[h["period"]["label"], h["organisation_name"], h["narrative"]] for h in found["highlights"]]
    overall = [[o["period"]["label"], rag_text(o["rag"]), rag_text(o.get("worst_rag"))] for o in found["overall"]]
    return xlsx_response(f"commissioner-report-{contract_id}.xlsx", [
        ("Targets and actuals", REPORT_HEADER, _report_rows(found)),
        ("Overall RAG", ["Period", "Overall RAG", "Worst subcontractor RAG"], overall),
        ("Highlights", ["Period", "Organisation", "Narrative"], highlights)])


@bp.route("/<uuid:contract_id>/report.pdf")
@roles_required(SEES_CONTRACTS)
def report_pdf(contract_id):
    found, problem = _report(contract_id)
    if problem:
        abort(404)
    return pdf_response(f"commissioner-report-{contract_id}.pdf", "delivery/report_pdf.html", report=found,
                        title=f"Performance report: {found['contract']['title']}",
                        footer=found["contract"]["title"], charts=_report_charts(found))


# --- subcontracts and returns ----------------------------------------------------------------------

@bp.route("/subcontracts/<uuid:subcontract_id>")
@roles_required(SEES_SUBCONTRACTS)
def subcontract(subcontract_id):
    found, problem = fetch("contracts", f"/subcontracts/{subcontract_id}")
    shares = {}
    if found:
        shares = {(t["indicator_id"], t["period_id"]): t["target"] for t in found["targets"]}
    return _render("subcontract.html", detail=found, problem=problem, shares=shares,
                   is_member=MEMBER_USER in current_user().roles and not _can_manage())


@bp.route("/subcontracts/<uuid:subcontract_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def subcontract_action(subcontract_id, action):
    here = url_for("delivery_ui.subcontract", subcontract_id=subcontract_id)
    if action == "variations":
        payload = {"reason": (request.form.get("reason") or "").strip()}
        value = (request.form.get("value") or "").strip()
        try:
            if value:
                payload["value_pence"] = pounds_to_pence(value)
        except ValueError:
            refuse({"var-value": "Enter the new value in pounds, like 120,000 or 120,000.00"})
            return redirect(here + "#variations")
        if request.form.get("ends_on"):
            payload["ends_on"] = request.form["ends_on"]
        send("contracts", "POST", f"/subcontracts/{subcontract_id}/variations", payload, "Variation recorded.",
             VARIATION_FIELDS)
        return redirect(here + "#variations")
    if action == "improvement-plans":
        payload, fields = posted("reason", "review_on"), dict(PLAN_FIELDS)
        rows = [n for n in range(PLAN_ACTION_ROWS) if (request.form.get(f"action-{n}") or "").strip()]
        if not rows:
            refuse({"action-0": "Enter at least one action, with its owner and the day it is due"})
            return redirect(here + "#plans")
        payload["actions"] = [{"action": request.form[f"action-{n}"].strip(),  # an owner left empty is "Enter..."
                               "owner": (request.form.get(f"owner-{n}") or "").strip() or None,
                               "due_on": request.form.get(f"due-{n}") or None} for n in rows]
        for sent, n in enumerate(rows):  # each action the payload sends, named by its row on the form
            fields |= {f"actions.{sent}.action": Field(f"action {n + 1}", id=f"action-{n}"),
                       f"actions.{sent}.owner": Field(f"the owner of action {n + 1}", id=f"owner-{n}"),
                       f"actions.{sent}.due_on": Field(f"the day action {n + 1} is due", DATE, f"due-{n}")}
        send("contracts", "POST", f"/subcontracts/{subcontract_id}/improvement-plans", payload,
             "Improvement plan opened.", fields)
        return redirect(here + "#plans")
    abort(404)


PLAN_ACTION_ROWS = 3  # the improvement plan form's action rows (delivery/subcontract.html)
PLAN_FIELDS = {  # contracts' fields as the improvement plan form names them; its actions are added by row
    "reason": Field("the reason a plan is needed", id="plan-reason"),
    "review_on": Field("the day of the first review", DATE, "plan-review"),
    "actions": Field("at least one action", id="action-0"),
}


VARIATION_FIELDS = {"reason": Field("the reason for the variation"),
                    "value_pence": Field("the new value", MONEY, "var-value"),
                    "ends_on": Field("the new end date", DATE, "var-ends")}


@bp.route("/improvement-plans/<uuid:plan_id>/<action>", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def plan_action(plan_id, action):
    back = request.form.get("subcontract_id") or ""
    if action == "reviews":
        send("contracts", "POST", f"/improvement-plans/{plan_id}/reviews",
             posted("note", "next_review_on"), "Review recorded.",
             {"note": Field("the review note", id=f"note-{plan_id}"),
              "next_review_on": Field("the day of the next review", DATE, f"next-{plan_id}")})
    elif action == "close":
        send("contracts", "POST", f"/improvement-plans/{plan_id}/close", {"note": request.form.get("note", "")},
             "Improvement plan closed.")  # the form has no boxes: a refusal is for the whole form
    else:
        abort(404)
    return redirect(url_for("delivery_ui.subcontract", subcontract_id=_uuid_or_404(back)) + "#plans")


@bp.route("/returns")
@roles_required(SEES_CONTRACTS)
def returns():
    # the returns waiting for review a page at a time, in the order chosen (issue 14 item 7); those queried are
    # few (each waits on its subcontractor)
    listing = list_page("contracts", "/returns", sorts=RETURN_SORTS, query={"status": "submitted"})
    queried, _ = fetch("contracts", "/returns", {"status": "queried"})
    return _render("returns.html", title="Returns to review", to_review=listing.rows, queried=queried or [],
                   problem=listing.problem, listing=listing)


RETURN_SORTS = {"oldest": "Oldest submitted first", "newest": "Newest submitted first"}


@bp.route("/returns/<uuid:return_id>")
@roles_required(SEES_SUBCONTRACTS)
def performance_return(return_id):
    found, problem = fetch("contracts", f"/returns/{return_id}")
    return _render("return.html", detail=found, problem=problem,
                   is_member=MEMBER_USER in current_user().roles and not _can_manage())


@bp.route("/returns/<uuid:return_id>/review", methods=["POST"])
@roles_required(MANAGES_CONTRACTS)
def review(return_id):
    decision = request.form.get("decision")
    if decision not in ("accept", "query"):
        refuse({"decision": "Select whether to accept or query the return"})
    else:
        send("contracts", "POST", f"/returns/{return_id}/review",
             {"decision": decision, "comment": request.form.get("comment", "")},
             "Return accepted." if decision == "accept" else "Return queried.",
             {"decision": Field("whether to accept or query the return", CHOICE, "decision"),
              "comment": Field("the comment", id="comment")})
    return redirect(url_for("delivery_ui.performance_return", return_id=return_id))


@bp.route("/returns/<uuid:return_id>/evidence/<uuid:evidence_id>")
@roles_required(SEES_SUBCONTRACTS)
def evidence(return_id, evidence_id):
    """A file of evidence, passed through from contracts (which checks who may see it)."""
    return stored_file_from("contracts", f"/returns/{return_id}/evidence/{evidence_id}/content")

# --- member organisations' staff -------------------------------------------------------------------

@bp.route("/mine")
@roles_required(MEMBER_ONLY)
def mine():
    found, problem = fetch("contracts", "/subcontracts")
    details = []
    for row in found or []:
        detail, _ = fetch("contracts", f"/subcontracts/{row['id']}")
        if detail:
            details.append(detail)
    return _render("mine.html", title="My subcontracts and returns", subcontracts=details, problem=problem)


def _actuals(detail: dict) -> tuple[dict, dict[str, str]]:
    """The actuals typed, by indicator code, and what is wrong with any, by the form's field id."""
    actuals, errors = {}, {}
    for indicator in detail["indicators"]:
        text = (request.form.get(f"actual-{indicator['id']}") or "").strip()
        try:
            actuals[indicator["code"]] = float(Decimal(text.replace(",", "")))
        except (InvalidOperation, ValueError):
            errors[f"actual-{indicator['id']}"] = (f"Enter {indicator['name']} as a number, like 12 or 7.5" if text
                                                   else f"Enter {indicator['name']}")
    return actuals, errors


def _return_fields(detail: dict) -> dict:
    """contracts' fields as the return form names them (common/errors.py): each actual by its indicator's code."""
    return {"narrative": Field("the narrative"), "confirm_early": Field("whether these are the figures so far",
                                                                        CHOICE),
            **{f"actuals.{i['code']}": Field(i["name"], NUMBER, f"actual-{i['id']}") for i in detail["indicators"]}}


@bp.route("/mine/<uuid:subcontract_id>/returns/<uuid:period_id>", methods=["GET", "POST"])
@roles_required(MEMBER_ONLY)
def return_form(subcontract_id, period_id):
    """The return form: an actual per indicator, narrative, and a file of evidence (sent on after the return)."""
    detail, problem = fetch("contracts", f"/subcontracts/{subcontract_id}")
    period = next((p for p in (detail or {}).get("periods", []) if p["id"] == str(period_id)), None)
    if detail and period is None:
        problem = NOT_FOUND
    existing = None
    if detail and period:
        row = next(r for r in detail["scorecard"]["periods"] if r["period"]["id"] == str(period_id))
        existing = row["return_id"]
    values = {}
    running = bool(period) and not existing and dt.date.fromisoformat(period["ends_on"]) >= clock.today()
    if request.method == "POST" and detail and period:
        request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(exc.args[0]) from exc
        values = dict(request.form)
        step = request.form.get("step", "check")
        actuals, errors = _actuals(detail)
        if running and request.form.get("confirm_early") != "yes":  # P1: the figures so far, only if confirmed
            errors["confirm_early"] = (f"{period['label']} has not ended: confirm these are the figures so far, or "
                                       "submit the return after it ends")
        if errors and step != "change":
            refuse(errors)
        if not errors and step == "check":  # check your answers before they are sent (issue 14 item 7)
            return _render("return_check.html", title="Check your return", detail=detail, period=period,
                           values=values, running=running)
        if not errors and step == "submit":
            body = {"actuals": actuals, "narrative": request.form.get("narrative", "")}
            if existing:
                answer = send("contracts", "POST", f"/returns/{existing}/resubmission", body, "Return submitted again.",
                              _return_fields(detail))
            else:  # P1: a period still running is reported only when its figures so far are confirmed
                answer = send("contracts", "POST", f"/subcontracts/{subcontract_id}/returns",
                              body | {"period_id": str(period_id),
                                      "confirm_early": request.form.get("confirm_early") == "yes"},
                              "Return submitted.", _return_fields(detail))
            if answer is not None and answer.ok:
                return_id = answer.body["performance_return"]["id"]
                upload = request.files.get("evidence")
                if upload and upload.filename:
                    _send_evidence(return_id, upload)
                return redirect(url_for("delivery_ui.performance_return", return_id=return_id))
    return _render("return_form.html", title="Submit a return", detail=detail, period=period, problem=problem,
                   values=values, existing=existing, running=running)


csrf.exempt(return_form)  # checked in the view, once the larger upload limit is set


EVIDENCE_FIELDS = {"file": Field("the file of evidence", FILE, "evidence-file")}  # the return page's box


def _send_evidence(return_id: str, upload) -> None:
    """Send a file of evidence; a refusal is said beside the return page's file box (where both forms that
    upload go back to)."""
    content = upload.read()
    if not content:
        refuse({"evidence-file": "The selected file is empty, so it was not sent"})
        return
    try:
        answer = upload_to_service("contracts", f"/returns/{return_id}/evidence", {},
                                   (upload.filename, content, upload.mimetype or "application/octet-stream"))
    except ServiceDown as exc:
        flash(exc.message, "error")
        return
    if answer.ok:
        flash(f"{answer.body.get('filename', upload.filename)} is uploaded.", "success")
    else:
        flash_errors(form_errors(answer, EVIDENCE_FIELDS, refused="The evidence was not kept."))


@bp.route("/returns/<uuid:return_id>/evidence", methods=["POST"])
@roles_required(SEES_SUBCONTRACTS)
def upload_evidence(return_id):
    request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    upload = request.files.get("evidence")
    if upload and upload.filename:
        _send_evidence(str(return_id), upload)
    else:
        refuse({"evidence-file": "Select a file of evidence to upload"})
    return redirect(url_for("delivery_ui.performance_return", return_id=return_id) + "#evidence")


csrf.exempt(upload_evidence)

