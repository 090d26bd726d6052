"""Income, management fee, payments (F2), budgets and variations (F1), attendance claims (G11), exports.

Server-rendered forms over finance's API: these views route and call finance; what a form sends is read in
forms.py (pounds typed sent as integer pence, F4), and a refusal, finance's or the form's own, is said beside the
box it is about (common/errors.py). Member staff see what finance lets them see (their own organisation's
payments and claims).
"""
from __future__ import annotations


from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from wtforms import ValidationError

from ...auth.csrf import CSRFError, csrf, validate_csrf
from ...auth.session import current_user, roles_required
from ...domain.roles import KEEPS_THE_MONEY, MEMBER_USER, SEES_MONEY
from ...proxy.client import ServiceDown, upload_to_service
from ..common.charts import bar_chart
from ..common.errors import flash_errors, form_errors, keep_typed, refuse
from ..common.money import pounds, pounds_cell
from ..common.lists import list_page
from ..common.service_pages import (csv_response, fetch, is_uuid, posted, render_page, send,
                                   stored_file_from, xlsx_response)
from hubkit import clock
from .forms import (BUDGET_FIELDS, EXPENSE_FIELDS, LINE_FIELDS, PAID_FIELDS, REASON_FIELDS, RUN_FIELDS,
                    SETTINGS_FIELDS, VARIATION_FIELDS, payee_fields, read_budget, read_expense, read_line, read_run,
                    read_received, read_settings, read_variation, received_fields)

bp = Blueprint("money_ui", __name__, url_prefix="/money", template_folder="templates", static_folder="static",
               static_url_path="/static/money")

SEES_OWN = SEES_MONEY | frozenset({MEMBER_USER})
ADDS_COSTS = KEEPS_THE_MONEY | frozenset({MEMBER_USER})

# Where a variation stands, in words (F1): pending ones say who they wait for.
VARIATION_STATUS = {
    "requested": "Pending: waiting for the finance officer",
    "awaiting_board": "Pending: waiting for the Management Board",
    "awaiting_ratification": "Pending: waiting for ratification by the accountable body",
    "approved": "Approved by the finance officer",
    "ratified": "Ratified by the accountable body",
    "rejected": "Rejected",
}
INSTALMENT_STATUS = {"scheduled": "Scheduled", "held": "Held", "released": "Released", "in_run": "In a payment run",
                     "paid": "Paid", "withdrawn": "Withdrawn"}
CLAIM_STATUS = {"open": "Open", "approved": "Approved", "in_run": "In a payment run", "paid": "Paid",
                "withdrawn": "Withdrawn", "rejected": "Rejected"}
EXPENSE_KINDS = {"rail": "Rail or bus fare", "mileage": "Mileage", "taxi": "Taxi", "parking": "Parking",
                 "other_travel": "Other travel"}
LINE_CATEGORIES = {"": "None (no actuals)", "income": "Contract income", "management_fee": "Management fee",
                   "subcontractor_payments": "Subcontractor payments", "attendance_claims": "Attendance claims",
                   "staff_recharges": "Staff recharges"}


# --- helpers -----------------------------------------------------------------------------------------

def _get(path: str, query=None):
    return fetch("finance", path, query)


def _roles():
    return current_user().roles


def _render(template: str, **context):
    roles = _roles()
    return render_page(f"money/{template}", can_keep=bool(roles & KEEPS_THE_MONEY),
                       sees_money=bool(roles & SEES_MONEY), is_member=not roles & SEES_MONEY,
                       variation_status=VARIATION_STATUS, instalment_status=INSTALMENT_STATUS,
                       claim_status=CLAIM_STATUS, expense_kinds=EXPENSE_KINDS, line_categories=LINE_CATEGORIES,
                       **context)


def _back(endpoint: str, **values):
    return redirect(url_for(f"money_ui.{endpoint}", **values))


# --- overview ----------------------------------------------------------------------------------------

@bp.route("")
@roles_required(SEES_OWN)
def index():
    overview, problem = _get("/money/overview")
    settings, _ = _get("/money/settings")
    return _render("index.html", title="Money", overview=overview or {}, settings=settings or {}, problem=problem)


@bp.route("/settings", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def change_settings():
    body, errors = read_settings(request.form)
    if errors:
        refuse(errors)
    else:
        send("finance", "PUT", "/money/settings", body, "Settings saved.", SETTINGS_FIELDS)
    return _back("index")


# --- income and the management fee -------------------------------------------------------------------

@bp.route("/income")
@roles_required(SEES_MONEY)
def income():
    contracts, problem = _get("/income/contracts")
    return _render("income.html", title="Income and management fee", contracts=contracts or [], problem=problem,
                   today=clock.today().isoformat())


@bp.route("/income/instalments/<uuid:instalment_id>/received", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def income_received(instalment_id):
    send("finance", "POST", f"/income/instalments/{instalment_id}/received",
         read_received(request.form, instalment_id),
         "Income recorded as received, with the management fee.", received_fields(instalment_id))
    return _back("income")


# --- payments ----------------------------------------------------------------------------------------

SCHEDULES_PAGE = 10  # subcontracts' payment schedules a page
# The schedules' orders (issue 14 item 7): finance's `sort` values (services/finance payments.SCHEDULE_ORDERS),
# the first its default.
SCHEDULE_SORTS = {"payee": "Payee, A to Z", "newest": "Newest subcontract first", "value": "Largest value first"}


@bp.route("/payments")
@roles_required(SEES_OWN)
def payments():
    """Payment schedules a page of subcontracts at a time (issue 14 item 8; finance's limit and cursor), in the order
    chosen (item 7), and for the finance officer every released payment and approved claim, whichever page they
    are on, to make a run of."""
    listing = list_page("finance", "/payments/subcontracts", sorts=SCHEDULE_SORTS, query={"limit": SCHEDULES_PAGE})
    payees, _ = _get("/payments/payees")
    released, approved_claims = [], []
    if _roles() & KEEPS_THE_MONEY:
        released, _ = _get("/payments/instalments", {"status": "released"})
        approved_claims, _ = _get("/claims", {"status": "approved"})
    return _render("payments.html", title="Payments to subcontractors", subcontracts=listing.rows, listing=listing,
                   payees=payees or [], released=released or [], approved_claims=approved_claims or [],
                   problem=listing.problem, today=clock.today().isoformat())


@bp.route("/payments/release-due", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def release_due():
    answer = send("finance", "POST", "/payments/release-due", None, None)
    if answer is not None and answer.ok:
        flash(f"{answer.body['released']} payment(s) released.", "success")
    return _back("payments")


@bp.route("/payments/payees/<uuid:organisation_id>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def set_payee(organisation_id):
    send("finance", "PUT", f"/payments/payees/{organisation_id}", posted("name", "sort_code", "account_number"),
         "Bank details saved.", payee_fields(organisation_id))
    return _back("payments")


# --- payment runs ------------------------------------------------------------------------------------

@bp.route("/payment-runs")
@roles_required(SEES_MONEY)
def runs():
    found, problem = _get("/payment-runs")
    return _render("runs.html", title="Payment runs", runs=found or [], problem=problem)


@bp.route("/payment-runs", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def create_run():
    answer = send("finance", "POST", "/payment-runs", read_run(request.form), "Draft payment run made.", RUN_FIELDS)
    if answer is not None and answer.ok:
        return _back("run", run_id=answer.body["id"])
    return _back("payments")


@bp.route("/payment-runs/<uuid:run_id>")
@roles_required(SEES_MONEY)
def run(run_id):
    found, problem = _get(f"/payment-runs/{run_id}")
    return _render("run.html", title=f"Payment run {found['number']}" if found else "Payment run", run=found,
                   problem=problem, today=clock.today().isoformat())


@bp.route("/payment-runs/<uuid:run_id>/<action>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def run_action(run_id, action):
    if action == "approve":
        send("finance", "POST", f"/payment-runs/{run_id}/approve", None, "Payment run approved: download the bank file.")
    elif action == "paid":
        send("finance", "POST", f"/payment-runs/{run_id}/paid", posted("paid_on"), "Payment run marked as paid.",
             PAID_FIELDS)
    elif action == "discard":
        answer = send("finance", "DELETE", f"/payment-runs/{run_id}", None, "Draft payment run discarded.")
        if answer is not None and answer.ok:
            return _back("payments")
    else:
        flash("Unknown action.", "error")
    return _back("run", run_id=run_id)


def _export(run_id, kind: str):
    found, problem = _get(f"/payment-runs/{run_id}/export", {"format": kind})
    if found is None:
        flash(problem or "Approve the payment run before exporting it.", "error")
        return None
    return found


@bp.route("/payment-runs/<uuid:run_id>/bank.csv")
@roles_required(KEEPS_THE_MONEY)
def run_bank_csv(run_id):
    """The bank's file: amounts exactly as finance wrote them from pence, no byte-order mark for the bank."""
    found = _export(run_id, "bank")
    if found is None:
        return _back("run", run_id=run_id)
    return csv_response(found["filename"], found["header"], found["rows"], bom=False)


@bp.route("/payment-runs/<uuid:run_id>/xero-bills.csv")
@roles_required(KEEPS_THE_MONEY)
def run_xero_csv(run_id):
    """Xero's bills import (one bill per payment or claim)."""
    found = _export(run_id, "xero_bills")
    if found is None:
        return _back("run", run_id=run_id)
    return csv_response(found["filename"], found["header"], found["rows"], bom=False)


@bp.route("/payment-runs/<uuid:run_id>/run.xlsx")
@roles_required(SEES_MONEY)
def run_xlsx(run_id):
    found, problem = _get(f"/payment-runs/{run_id}")
    if found is None:
        abort(404)
    header = ("Reference", "Kind", "Payee", "Sort code", "Account number", "Description", "Amount (£)")
    rows = [[i["reference"], i["kind"], i["payee_name"], i["sort_code"], i["account_number"], i["description"],
             pounds_cell(i["amount_pence"])] for i in found["items"]]
    return xlsx_response(f"payment-run-{found['number']:04d}.xlsx", [("Payment run", header, rows)])


# --- budgets and variations (F1) ---------------------------------------------------------------------

@bp.route("/budgets")
@roles_required(SEES_MONEY)
def budgets():
    found, problem = _get("/budgets")
    settings, _ = _get("/money/settings")
    return _render("budgets.html", title="Budgets", budgets=found or [], problem=problem, settings=settings or {},
                   this_year=clock.today().year if clock.today().month >= 4 else clock.today().year - 1)


@bp.route("/budgets", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def create_budget():
    body, errors = read_budget(request.form)
    if errors:
        refuse(errors)
        return _back("budgets")
    answer = send("finance", "POST", "/budgets", body, "Draft budget made: add its lines, then adopt it.",
                  BUDGET_FIELDS)
    if answer is not None and answer.ok:
        return _back("budget", budget_id=answer.body["id"])
    return _back("budgets")


def _budget_chart(budget: dict):
    rows = []
    for line in budget["lines"]:
        rows.append((f"{line['code']} {line['title']}: budget", line["amount_pence"]))
        rows.append((f"{line['code']} {line['title']}: actual", line["actual_pence"]))
    return bar_chart(f"Budget and actual by line, {budget['label']}", rows, chart_id="budget-chart",
                     value_text=pounds)


@bp.route("/budgets/<uuid:budget_id>")
@roles_required(SEES_MONEY)
def budget(budget_id):
    found, problem = _get(f"/budgets/{budget_id}")
    others, _ = _get("/budgets")
    all_lines = [(line["id"], f"{b['label']}: {line['code']} {line['title']}") for b in others or []
                 for line in b["lines"] if b["status"] == "adopted"]
    history, _ = _get("/variations", {"budget_id": str(budget_id)}) if found else ([], None)
    return _render("budget.html", title=f"Budget {found['label']}" if found else "Budget", budget=found,
                   problem=problem, chart=_budget_chart(found) if found else None, all_lines=all_lines,
                   history=history or [])


@bp.route("/budgets/<uuid:budget_id>/lines", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def add_line(budget_id):
    body, errors = read_line(request.form)
    if errors:
        refuse(errors)
    else:
        send("finance", "POST", f"/budgets/{budget_id}/lines", body, "Line added.", LINE_FIELDS)
    return _back("budget", budget_id=budget_id)


@bp.route("/budgets/<uuid:budget_id>/adopt", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def adopt(budget_id):
    send("finance", "POST", f"/budgets/{budget_id}/adopt", None,
         "Budget adopted: from now its figures change only by variations and virements (F1).")
    return _back("budget", budget_id=budget_id)


@bp.route("/variations")
@roles_required(SEES_MONEY)
def variations():
    status = request.args.get("status") if request.args.get("status") in ("pending",) else None
    found, problem = _get("/variations", {"status": status})
    # `shown`, not `status`: a page's context `status` is its HTTP status (common/service_pages.render_page)
    return _render("variations.html", title="Variations and virements", variations=found or [], problem=problem,
                   shown=status)


@bp.route("/variations", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def request_variation():
    budget_id = request.form.get("budget_id") or ""
    back = _back("budget", budget_id=budget_id) if is_uuid(budget_id) else _back("variations")
    body, errors = read_variation(request.form)
    if errors:
        refuse(errors)
        return back
    answer = send("finance", "POST", "/variations", body, None, VARIATION_FIELDS)
    if answer is not None and answer.ok:
        waiting = VARIATION_STATUS.get(answer.body["status"], answer.body["status"])
        flash(f"Variation requested. {waiting}.", "success")
        return _back("variation", variation_id=answer.body["id"])
    return back


@bp.route("/variations/<uuid:variation_id>")
@roles_required(SEES_MONEY)
def variation(variation_id):
    found, problem = _get(f"/variations/{variation_id}")
    return _render("variation.html", title="Variation" if not found or found["kind"] == "variation" else "Virement",
                   variation=found, problem=problem)


@bp.route("/variations/<uuid:variation_id>/<action>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def variation_action(variation_id, action):
    if action == "approve":
        send("finance", "POST", f"/variations/{variation_id}/approve", None, "Variation approved: it takes effect now.")
    elif action == "ratify":
        send("finance", "POST", f"/variations/{variation_id}/ratify", None,
             "Ratified on behalf of the accountable body: the budget changes now.")
    elif action == "reject":
        send("finance", "POST", f"/variations/{variation_id}/reject", posted("reason"), "Variation rejected.",
             REASON_FIELDS)
    else:
        flash("Unknown action.", "error")
    return _back("variation", variation_id=variation_id)



# --- attendance claims (G11) -------------------------------------------------------------------------

@bp.route("/claims")
@roles_required(SEES_OWN)
def claims():
    found, problem = _get("/claims")
    return _render("claims.html", title="Attendance claims", claims=found or [], problem=problem)


@bp.route("/claims/<uuid:claim_id>")
@roles_required(SEES_OWN)
def claim(claim_id):
    found, problem = _get(f"/claims/{claim_id}")
    return _render("claim.html", title=f"Claim: {found['person_name']}" if found else "Claim", claim=found,
                   problem=problem, can_add=bool(_roles() & ADDS_COSTS))


@bp.route("/claims/<uuid:claim_id>/expenses", methods=["POST"])
@roles_required(ADDS_COSTS)
def add_expense(claim_id):
    """A travel cost with its receipt, sent on to finance (which judges the file by its content)."""
    request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    back = _back("claim", claim_id=claim_id)
    upload = request.files.get("receipt")
    content = upload.read() if upload and upload.filename else b""
    fields, errors = read_expense(request.form, content)
    if errors:
        refuse(errors)
        return back
    try:
        answer = upload_to_service("finance", f"/claims/{claim_id}/expenses", fields,
                                   (upload.filename, content, upload.mimetype or "application/octet-stream"))
    except ServiceDown as exc:
        flash(exc.message, "error")
        keep_typed()
        return back
    if answer.ok:
        flash("Travel cost added with its receipt.", "success")
    else:
        flash_errors(form_errors(answer, EXPENSE_FIELDS))
        keep_typed()
    return back


csrf.exempt(add_expense)  # checked in the view, once the larger upload limit is set


@bp.route("/claims/<uuid:claim_id>/expenses/<uuid:expense_id>/receipt")
@roles_required(SEES_OWN)
def receipt(claim_id, expense_id):
    """A receipt, passed through from finance (which checks who may see it)."""
    return stored_file_from("finance", f"/claims/{claim_id}/expenses/{expense_id}/receipt")

@bp.route("/claims/<uuid:claim_id>/<action>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def claim_action(claim_id, action):
    if action == "approve":
        send("finance", "POST", f"/claims/{claim_id}/approve", None, "Claim approved: it can go into a payment run.")
    elif action == "reject":
        send("finance", "POST", f"/claims/{claim_id}/reject", posted("reason"), "Claim rejected.", REASON_FIELDS)
    else:
        flash("Unknown action.", "error")
    return _back("claim", claim_id=claim_id)


# --- exports -----------------------------------------------------------------------------------------

@bp.route("/exports")
@roles_required(SEES_MONEY)
def exports():
    found, problem = _get("/payment-runs")
    return _render("exports.html", title="Exports", runs=[r for r in found or [] if r["status"] != "draft"],
                   problem=problem)


@bp.route("/exports/money.xlsx")
@roles_required(SEES_MONEY)
def money_xlsx():
    """One workbook: budgets (budget vs actual), variations, payments, claims and the ledger, amounts exact."""
    found_budgets, _ = _get("/budgets")
    found_variations, _ = _get("/variations")
    subcontracts, _ = _get("/payments/subcontracts")
    found_claims, _ = _get("/claims")
    ledger, _ = _get("/money/ledger")
    budget_rows = [[b["label"], b["status"], line["code"], line["title"], line["kind"], pounds_cell(line["original_pence"]),
                    pounds_cell(line["amount_pence"]), pounds_cell(line["actual_pence"]),
                    pounds_cell(line["remaining_pence"]), pounds_cell(line["pending_change_pence"])]
                   for b in found_budgets or [] for line in b["lines"]]
    variation_rows = [[v["title"], VARIATION_STATUS.get(v["status"], v["status"]), pounds_cell(v["amount_pence"]),
                       v["reason"], v["requested_at"], v["decided_at"] or ""] for v in found_variations or []]
    payment_rows = [[s["organisation_name"], i["due_on"], INSTALMENT_STATUS.get(i["status"], i["status"]), i["reason"],
                     pounds_cell(i["amount_pence"]), i["paid_on"] or ""]
                    for s in subcontracts or [] for i in s["instalments"]]
    claim_rows = [[c["person_name"], c["meeting_on"], CLAIM_STATUS.get(c["status"], c["status"]),
                   pounds_cell(c["daily_rate_pence"]), pounds_cell(c["expenses_pence"]), pounds_cell(c["total_pence"])]
                  for c in found_claims or []]
    ledger_rows = [[p["posted_on"], p["category"], p["description"], pounds_cell(p["amount_pence"])]
                   for p in ledger or []]
    return xlsx_response("money.xlsx", [
        ("Budgets", ("Year", "Status", "Code", "Line", "Kind", "Original (£)", "Budget (£)", "Actual (£)",
                     "Remaining (£)", "Pending change (£)"), budget_rows),
        ("Variations", ("Variation", "Status", "Amount (£)", "Reason", "Requested", "Decided"), variation_rows),
        ("Payments", ("Payee", "Due", "Status", "Why", "Amount (£)", "Paid on"), payment_rows),
        ("Claims", ("Person", "Meeting", "Status", "Daily rate (£)", "Travel (£)", "Total (£)"), claim_rows),
        ("Ledger", ("Date", "Category", "Description", "Amount (£)"), ledger_rows)])
