"""Shared-staff time (H4, F3): my timesheet, approvals, rates, cost codes, recharge invoices, subsidy, closed months.

Server-rendered forms over finance's API; finance applies the rules and its 409 `detail` or 422 `errors` are
shown as they come. Hours are typed as 7.5 or 7:30 and sent as integer minutes; pounds typed in forms are
sent as integer pence (F4).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, request, url_for

from ...adapters.repository import UserRepository
from ...auth.session import current_user, roles_required
from ...domain.roles import APPROVES_TIME, KEEPS_THE_MONEY, LOGS_TIME, MEMBER_USER, SEES_MONEY
from ...auth.csrf import csrf
from ..common.charts import bar_chart
from ..common.file_imports import check_and_import, columns_of
from ..common.dates import month as month_name
from ..common.money import pounds
from ...proxy.client import ServiceDown, call_service
from ..common.lists import Filter, list_page
from ..common.service_pages import (NOT_FOUND, csv_response, fetch, fetch_page, is_uuid, pdf_response, posted, refusal,
                                    render_page, send, xlsx_response)
from ..common.errors import refuse, typed
from .forms import (CODE_FIELDS, CORRECTION_FIELDS, CREDIT_FIELDS, DAY_NAMES, DRAFT_FIELDS, PAID_FIELDS, RATE_FIELDS,
                    SEND_BACK_FIELDS, STAFF_FIELDS, WRITE_OFF_FIELDS, grid_fields, parse_hours, read_grid, read_rate,
                    read_write_off)
from hubkit import clock

bp = Blueprint("time_ui", __name__, url_prefix="/time", template_folder="templates", static_folder="static",
               static_url_path="/static/time")

SEES_INVOICES = SEES_MONEY | frozenset({MEMBER_USER})
BLANK_ROWS = 2
VAT = {"standard": "Standard rate (20%)", "exempt": "Exempt", "outside_scope": "Outside the scope of VAT"}
EMPLOYERS = {"consortium": "The consortium", "host": "The host", "member": "A member organisation"}
XERO_TAX_TYPES = {"standard": "20% (VAT on Income)", "exempt": "Exempt Income", "outside_scope": "No VAT"}
XERO_HEADER = ("*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
               "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate",
               "*DueDate", "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount",
               "*AccountCode", "*TaxType", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2",
               "Currency", "BrandingTheme")


# --- small pure helpers (tested directly) -------------------------------------------------------------

def hours(minutes: int | None) -> str:
    """Minutes as hours: 450 -> '7.5', 480 -> '8', 0 -> '0'."""
    value = Decimal(minutes or 0) / 60
    return format(value.normalize(), "f") if value else "0"


def cell(minutes: int | None) -> str:
    return hours(minutes) if minutes else ""


def monday_of(text: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        day = clock.today()
    return day - dt.timedelta(days=day.weekday())


def xero_rows(invoice: dict, contact_name: str) -> list[list]:
    """An invoice or credit note as rows of Xero's sales invoice import (tax-exclusive; quantity in hours)."""
    issued = dt.date.fromisoformat(invoice["issued_on"]) if invoice.get("issued_on") else None
    due = dt.date.fromisoformat(invoice["due_on"]) if invoice.get("due_on") else None
    rows = []
    for line in invoice["lines"]:
        rows.append([contact_name, "", "", "", "", "", "", "", "", "", invoice["number"] or "",
                     f"Recharge {invoice['month'][:7]}", issued.strftime("%d/%m/%Y") if issued else "",
                     due.strftime("%d/%m/%Y") if due else "", "", line["description"],
                     Decimal(line["minutes"]) / 60, Decimal(line["rate_pence"]) / 100, "",
                     invoice.get("account_code") or "200", XERO_TAX_TYPES.get(invoice["vat_treatment"], "No VAT"),
                     "", "", "", "", "GBP", ""])
    return rows


# --- helpers -----------------------------------------------------------------------------------------

def _get(path: str, query=None):
    return fetch("finance", path, query)


def _roles():
    return current_user().roles


def _render(template: str, **context):
    roles = _roles()
    return render_page(f"time/{template}", can_keep=bool(roles & KEEPS_THE_MONEY),
                       can_approve=bool(roles & APPROVES_TIME), sees_money=bool(roles & SEES_MONEY),
                       hours=hours, cell=cell, day_names=DAY_NAMES, vat=VAT, employers=EMPLOYERS,
                       **context)


# --- my timesheet ------------------------------------------------------------------------------------

def _codes():
    codes, _ = _get("/cost-codes")
    return [c for c in (codes or []) if c["active"]], {c["id"]: c for c in (codes or [])}


def _grid_context(sheet: dict, typed: dict | None = None):
    """Rows for the grid: the saved rows, then blank rows to add codes; typed values win after an error."""
    rows = [{"code_id": r["cost_code_id"], "label": f"{r['code']} – {r['title']}", "fixed": True,
             "values": [cell(m) for m in r["minutes"]], "total": r["total_minutes"]} for r in sheet["rows"]]
    for _ in range(BLANK_ROWS):
        rows.append({"code_id": "", "label": "", "fixed": False, "values": [""] * 7, "total": 0})
    if typed:
        for index, row in enumerate(rows):
            row["values"] = [typed.get(f"h-{index}-{d}", "") for d in range(7)]
            if not row["fixed"]:
                row["code_id"] = typed.get(f"code-{index}", "")
    return rows


def _typed_week(sheet: dict) -> dict | None:
    """What was typed into this week's grid when it was refused just before (common/errors.py's `typed`), or None."""
    if typed("week") != sheet["week_starting"] or typed("staff_id") != str(sheet["staff_id"]):
        return None
    rows = len(sheet["rows"]) + BLANK_ROWS
    return {key: typed(key, "") for index in range(rows)
            for key in (f"code-{index}", *(f"h-{index}-{d}" for d in range(7)))}


def _show_week(sheet: dict):
    active, _ = _codes()
    monday = dt.date.fromisoformat(sheet["week_starting"])
    return _render("timesheet.html", title="My timesheet",
                   sheet=sheet, rows=_grid_context(sheet, _typed_week(sheet)), codes=active,
                   days=[dt.date.fromisoformat(d) for d in sheet["days"]],
                   previous=(monday - dt.timedelta(days=7)).isoformat(), next=(monday + dt.timedelta(days=7)).isoformat(),
                   editable=sheet["status"] in ("draft", "rejected"))


@bp.route("")
@roles_required(LOGS_TIME)
def index():
    """My timesheet: the week as a grid of cost codes by days."""
    week = monday_of(request.args.get("week"))
    sheet, problem = _get("/timesheets/mine", {"week": week.isoformat()})
    if sheet is None and problem == NOT_FOUND:
        return _render("not_set_up.html", title="My timesheet", problem=None,
                       message="You are not set up to log time yet: ask the finance officer to add you as a "
                               "staff member linked to your login.")
    if sheet is None:
        return _render("not_set_up.html", title="My timesheet", problem=problem)
    return _show_week(sheet)


@bp.route("/week", methods=["POST"])
@roles_required(LOGS_TIME)
def save_week():
    """Save the grid (and submit it, if asked)."""
    staff_id = request.form.get("staff_id", "")
    monday = monday_of(request.form.get("week"))
    rows_count = min(int(request.form.get("rows", "0") or 0), 200) if (request.form.get("rows") or "").isdigit() else 0
    entries, errors = read_grid(rows_count, monday)
    back = url_for("time_ui.index", week=monday.isoformat())
    if not is_uuid(staff_id):
        flash("That timesheet could not be found.", "error")
        return redirect(back)
    if errors:  # hours not written as hours: said beside each cell, and the grid as typed on the week's page
        refuse(errors)
        return redirect(back)
    answer = send("finance", "PUT", f"/timesheets/staff/{staff_id}/weeks/{monday.isoformat()}",
                  {"entries": entries}, None if request.form.get("action") == "submit" else "Week saved.",
                  grid_fields(entries, rows_count))
    if answer is not None and answer.ok and request.form.get("action") == "submit":
        # saved; checked by the person before it is submitted
        return redirect(url_for("time_ui.check_week", staff_id=staff_id, week=monday.isoformat()))
    return redirect(back)


@bp.route("/week/check")
@roles_required(LOGS_TIME)
def check_week():
    """Check your answers (issue 14 item 7): the saved week as it will be submitted, before it is."""
    monday = monday_of(request.args.get("week"))
    staff_id = request.args.get("staff_id", "")
    if not is_uuid(staff_id):
        flash("That timesheet could not be found.", "error")
        return redirect(url_for("time_ui.index", week=monday.isoformat()))
    sheet, problem = _get(f"/timesheets/staff/{staff_id}/weeks/{monday.isoformat()}")
    if sheet is None:
        return _render("not_set_up.html", title="Check your timesheet", problem=problem)
    if sheet["status"] not in ("draft", "rejected") or not sheet.get("id"):
        return redirect(url_for("time_ui.index", week=monday.isoformat()))
    return _render("check_week.html", title="Check your timesheet", sheet=sheet,
                   days=[dt.date.fromisoformat(d) for d in sheet["days"]])


@bp.route("/week/submit", methods=["POST"])
@roles_required(LOGS_TIME)
def submit_week():
    """Submit a checked week for approval (finance applies its rules: an empty or closed week is refused)."""
    monday = monday_of(request.form.get("week"))
    sheet_id = request.form.get("sheet_id", "")
    if not is_uuid(sheet_id):
        flash("That timesheet could not be found.", "error")
    else:
        send("finance", "POST", f"/timesheets/{sheet_id}/submit", None, "Week submitted for approval.")
    return redirect(url_for("time_ui.index", week=monday.isoformat()))


@bp.route("/week/copy", methods=["POST"])
@roles_required(LOGS_TIME)
def copy_week():
    monday = monday_of(request.form.get("week"))
    staff_id = request.form.get("staff_id", "")
    try:
        uuid.UUID(staff_id)
    except ValueError:
        flash("That timesheet could not be found.", "error")
    else:
        send("finance", "POST", f"/timesheets/staff/{staff_id}/weeks/{monday.isoformat()}/copy-previous", None,
             "Last week's codes and hours copied: check them and save.")
    return redirect(url_for("time_ui.index", week=monday.isoformat()))


# --- approvals ---------------------------------------------------------------------------------------

@bp.route("/approvals")
@roles_required(APPROVES_TIME)
def approvals():
    # A page at a time: a big consortium has thousands of weeks waiting at the start of a month.
    listing = list_page("finance", "/timesheets", sorts=QUEUE_SORTS, query={"status": "submitted"})
    return _render("approvals.html", title="Approve timesheets", waiting=listing.rows, problem=listing.problem,
                   pages=listing.pages, listing=listing)


QUEUE_SORTS = {"oldest": "Oldest week first", "newest": "Newest week first"}
MOST_AT_ONCE = 100  # weeks approved by one press of the button (a page of the queue is at most this)


@bp.route("/approvals", methods=["POST"])
@roles_required(APPROVES_TIME)
def approve_selected():
    """Approve the weeks ticked (issue 14 item 7): each goes through finance's approval on its own, with its rules
    (one's own week, a closed month...); those approved are counted and each refused one named with finance's
    reason, without losing the rest."""
    chosen = list(dict.fromkeys(i for i in request.form.getlist("sheet_id") if is_uuid(i)))[:MOST_AT_ONCE]
    if not chosen:
        flash("Choose the weeks to approve.", "error")
        return redirect(_queue_again())
    approved, refused = 0, []
    for sheet_id in chosen:
        who = (request.form.get(f"who-{sheet_id}") or "").strip()[:200] or "A week"
        try:
            answer = call_service("finance", "POST", f"/timesheets/{sheet_id}/approve")
        except ServiceDown as exc:
            refused.append(f"{who}: {exc.message}")
            continue
        if answer.ok:
            approved += 1
        else:
            refused.append(f"{who}: {refusal(answer)}")
    if approved:
        flash(f"{approved} timesheet{'s' if approved != 1 else ''} approved.", "success")
    if refused:
        flash("Not approved: " + " ".join(refused), "error")
    return redirect(_queue_again())


def _queue_again() -> str:
    """The queue's first page in the order it was shown (the weeks approved have left it)."""
    sort = request.form.get("sort")
    return url_for("time_ui.approvals", **({"sort": sort} if sort in QUEUE_SORTS else {}))


@bp.route("/sheets/<uuid:sheet_id>")
@roles_required(LOGS_TIME)
def sheet(sheet_id):
    found, problem = _get(f"/timesheets/{sheet_id}")
    if found is None:
        return _render("not_set_up.html", title="Timesheet", problem=problem)
    _, codes = _codes()
    return _render("sheet.html", title=f"Timesheet: {found['staff_name']}", sheet=found, codes=codes,
                   days=[dt.date.fromisoformat(d) for d in found["days"]])


@bp.route("/sheets/<uuid:sheet_id>/<action>", methods=["POST"])
@roles_required(APPROVES_TIME)
def decide(sheet_id, action):
    if action == "approve":
        send("finance", "POST", f"/timesheets/{sheet_id}/approve", None, "Timesheet approved.")
        return redirect(url_for("time_ui.approvals"))
    if action == "reject":
        answer = send("finance", "POST", f"/timesheets/{sheet_id}/reject", posted("reason"), "Timesheet sent back.",
                      SEND_BACK_FIELDS)
        if answer is not None and answer.ok:
            return redirect(url_for("time_ui.approvals"))
    elif action == "correct":
        form = posted("entry_id", "reason", "hours", "cost_code_id")
        try:
            minutes = parse_hours(form.pop("hours"))
        except ValueError as exc:
            refuse({"hours": f"The right hours: {str(exc)[:1].lower()}{str(exc)[1:]}"})
        else:
            send("finance", "POST", f"/timesheets/{sheet_id}/corrections", form | {"minutes": minutes},
                 "Entry reversed and corrected.", CORRECTION_FIELDS)
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("time_ui.sheet", sheet_id=sheet_id))


# --- staff and rates ---------------------------------------------------------------------------------

def _consortium_users():
    with current_app.extensions["gateway.db"].session() as session:
        return [u for u in UserRepository(session).all() if u.consortium_id == current_user().consortium_id]


def _organisations():
    found, _ = _get("/organisations", {"limit": 500})  # the service's largest page: one call for most consortia
    return sorted(found or [], key=lambda o: o["name"])


MANAGER_MATCHES = 20


def _staff_named(text: str) -> tuple[list[dict], bool]:
    """(the first few staff whose name holds the text, whether there are more): the line-manager chooser offers
    these, not every person of the consortium (issue 16: 1,200 staff were fetched page by page for one select)."""
    try:
        answer = call_service("finance", "GET", "/staff", query={"name": text, "limit": MANAGER_MATCHES},
                              one_page=True)
    except ServiceDown:
        return [], False
    return (answer.body, bool(answer.next_cursor)) if answer.ok and isinstance(answer.body, list) else ([], False)


@bp.route("/staff")
@roles_required(SEES_MONEY)
def staff():
    # A page at a time (GOV.UK pagination): a big consortium has over a thousand staff. The rows carry their
    # employer's name, so the page asks finance for that one page and nothing else (issue 16: every organisation
    # and every login were loaded for the add-a-person form, which is now a page of its own).
    people, problem, pages = fetch_page("finance", "/staff")
    return _render("staff.html", title="Staff and rates", people=people or [], problem=problem, pages=pages)


@bp.route("/staff/new")
@roles_required(KEEPS_THE_MONEY)
def new_staff():
    manager_name = (request.args.get("manager_name") or "").strip()[:200]
    managers, more = _staff_named(manager_name) if manager_name else ([], False)
    users = {str(u.id): u for u in _consortium_users()}
    return _render("staff_new.html", title="Add a staff member", users=users, organisations=_organisations(),
                   errors={}, manager_name=manager_name, managers=managers, more_managers=more)


@bp.route("/staff", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def add_staff():
    form = posted("name", "employer_kind", "organisation_id", "line_manager_id", "user_id")
    if form["employer_kind"] == "consortium":
        form["organisation_id"] = None
    answer = send("finance", "POST", "/staff", form, "Staff member added.", STAFF_FIELDS)
    if answer is not None and answer.ok:
        return redirect(url_for("time_ui.person", staff_id=answer.body["id"]))
    manager_name = (request.form.get("manager_name") or "").strip()[:200]  # the line managers found, found again
    return redirect(url_for("time_ui.new_staff", **({"manager_name": manager_name} if manager_name else {})))


@bp.route("/staff/<uuid:staff_id>")
@roles_required(SEES_MONEY)
def person(staff_id):
    found, problem = _get(f"/staff/{staff_id}")
    history, _ = _get(f"/staff/{staff_id}/rates") if found and _roles() & KEEPS_THE_MONEY else ([], None)
    return _render("person.html", title=found["name"] if found else "Staff member", person=found,
                   history=history or [], problem=problem)


@bp.route("/staff/<uuid:staff_id>/rates", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def set_rate(staff_id):
    """A new full-cost rate (F3): amounts not written as pounds or numbers are said beside their boxes before
    finance sees them; finance's own refusal likewise. Either way the form comes back as typed."""
    body, errors = read_rate(request.form)
    if errors:
        refuse(errors)
    else:
        send("finance", "POST", f"/staff/{staff_id}/rates", body, "Rate set.", RATE_FIELDS)
    return redirect(url_for("time_ui.person", staff_id=staff_id))


# --- cost codes --------------------------------------------------------------------------------------

@bp.route("/cost-codes")
@roles_required(LOGS_TIME)
def cost_codes():
    codes, problem = _get("/cost-codes")
    return _render("cost_codes.html", title="Cost codes", codes=codes or [], problem=problem)


@bp.route("/cost-codes", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def add_cost_code():
    # the box is "cost_code", not "code": a form's "code" is never kept for the next page (common/errors.py)
    form = posted("title") | {"code": posted("cost_code")["cost_code"]}
    send("finance", "POST", "/cost-codes", form | {"chargeable": request.form.get("chargeable") == "yes"},
         "Cost code added.", CODE_FIELDS)
    return redirect(url_for("time_ui.cost_codes"))


@bp.route("/cost-codes/<uuid:code_id>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def toggle_cost_code(code_id):
    active = request.form.get("active") == "yes"
    send("finance", "PATCH", f"/cost-codes/{code_id}", {"active": active},
         "Cost code opened." if active else "Cost code closed to new time.")
    return redirect(url_for("time_ui.cost_codes"))


# --- closed months -----------------------------------------------------------------------------------

@bp.route("/periods")
@roles_required(KEEPS_THE_MONEY)
def periods():
    closed, problem = _get("/periods")
    return _render("periods.html", title="Close a month", closed=closed or [], problem=problem)


@bp.route("/periods", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def close_period():
    month = (request.form.get("month") or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        refuse({"month": "Enter the month to close, like 10 2026" if not month else
                "The month to close must be a real month"}, {"month": "month-month"})
    else:
        send("finance", "POST", f"/periods/{month}/close", None, f"{month} closed.")
    return redirect(url_for("time_ui.periods"))


# --- invoices ----------------------------------------------------------------------------------------

def _employers(people) -> list[tuple[str, str]]:
    names = {o["id"]: o["name"] for o in _organisations()}
    found = {p["organisation_id"]: p.get("organisation_name") or names.get(p["organisation_id"]) or p["organisation_id"]
             for p in people or [] if p["organisation_id"]}
    return sorted(found.items(), key=lambda kv: kv[1])


@bp.route("/invoices")
@roles_required(SEES_INVOICES)
def invoices():
    listing = list_page("finance", "/invoices", sorts=INVOICE_SORTS, filters=INVOICE_FILTERS)
    found, problem = listing.rows, listing.problem
    people, _ = _get("/staff") if _roles() & KEEPS_THE_MONEY else ([], None)
    model, _ = _get("/invoices/hub-model")
    last_month = (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return _render("invoices.html", title="Recharge invoices", invoices=found or [], problem=problem, listing=listing,
                   issuers=_employers(people), hub_model=model or {}, last_month=last_month)


INVOICE_SORTS = {"newest": "Newest month first", "oldest": "Oldest month first"}
INVOICE_FILTERS = (Filter("status", "Status", (("", "All"), ("draft", "Draft"), ("issued", "Issued"),
                                               ("paid", "Paid"), ("credited", "Credited"))),)


@bp.route("/invoices", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def draft_invoice():
    answer = send("finance", "POST", "/invoices", posted("organisation_id", "month"), "Draft invoice made.",
                  DRAFT_FIELDS)
    if answer is not None and answer.ok:
        return redirect(url_for("time_ui.invoice", invoice_id=answer.body["id"]))
    return redirect(url_for("time_ui.invoices"))


@bp.route("/invoices/<uuid:invoice_id>")
@roles_required(SEES_INVOICES)
def invoice(invoice_id):
    found, problem = _get(f"/invoices/{invoice_id}")
    return _render("invoice.html", title=f"Invoice {found['number'] or '(draft)'}" if found else "Invoice",
                   invoice=found, problem=problem, today=clock.today().isoformat())


@bp.route("/invoices/<uuid:invoice_id>/<action>", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def invoice_action(invoice_id, action):
    path = f"/invoices/{invoice_id}"
    if action == "issue":
        send("finance", "POST", f"{path}/issue", None, "Invoice issued.")
    elif action == "paid":
        send("finance", "POST", f"{path}/paid", posted("paid_on"), "Invoice marked as paid.", PAID_FIELDS)
    elif action == "credit":
        answer = send("finance", "POST", f"{path}/credit-note", posted("reason"), "Credit note issued.",
                      CREDIT_FIELDS)
        if answer is not None and answer.ok:
            return redirect(url_for("time_ui.invoice", invoice_id=answer.body["id"]))
    elif action == "discard":
        answer = send("finance", "DELETE", path, None, "Draft discarded.")
        if answer is not None and answer.ok:
            return redirect(url_for("time_ui.invoices"))
    else:
        flash("Unknown action.", "error")
    return redirect(url_for("time_ui.invoice", invoice_id=invoice_id))


@bp.route("/invoices/<uuid:invoice_id>.pdf")
@roles_required(SEES_INVOICES)
def invoice_pdf(invoice_id):
    found, problem = _get(f"/invoices/{invoice_id}")
    if found is None:
        return _render("not_set_up.html", title="Invoice", problem=problem)
    name = found["number"] or f"draft-{str(invoice_id)[:8]}"
    return pdf_response(f"{name}.pdf", "time/invoice_pdf.html", invoice=found, hours=hours,
                        title=f"{'Credit note' if found['kind'] == 'credit_note' else 'Invoice'} {name}",
                        footer=f"{found['issuer_name']} – {name}", author=found["issuer_name"])


def _issued_invoices(invoice_id=None) -> list[dict]:
    if invoice_id:
        found, _ = _get(f"/invoices/{invoice_id}")
        return [found] if found else []
    listed, _ = _get("/invoices")
    out = []
    for summary in listed or []:
        if summary["status"] != "draft":
            found, _ = _get(f"/invoices/{summary['id']}")
            if found:
                out.append(found)
    return out


@bp.route("/invoices/xero.csv")
@roles_required(SEES_INVOICES)
def invoices_xero():
    """One issued invoice or credit note in Xero's sales invoice import format (the issuer imports it). Every
    invoice at once is an export (xero.py): bounded to what was not exported yet, in files Xero takes."""
    one = request.args.get("invoice")
    if not (one and is_uuid(one)):
        return redirect(url_for("time_ui.xero_exports"))
    rows = []
    for found in _issued_invoices(one):
        rows.extend(xero_rows(found, found["bill_to_name"]))
    return csv_response("recharge-invoices-xero.csv", XERO_HEADER, rows, bom=False)



@bp.route("/invoices/invoices.xlsx")
@roles_required(SEES_INVOICES)
def invoices_xlsx():
    found = _issued_invoices()
    header = ("Number", "Kind", "Issuer", "Month", "Issued", "Due", "Status", "Net (£)", "VAT (£)", "Total (£)")
    rows = [[i["number"], i["kind"].replace("_", " "), i["issuer_name"], i["month"][:7], i["issued_on"], i["due_on"],
             i["status"], Decimal(i["net_pence"]) / 100, Decimal(i["vat_pence"]) / 100,
             Decimal(i["total_pence"]) / 100] for i in found]
    line_header = ("Number", "Line", "Description", "Person", "Cost code", "Hours", "Rate (£)", "Net (£)", "VAT (£)",
                   "Entries")
    lines = [[i["number"], line["position"], line["description"], line["staff_name"], line["cost_code"],
              Decimal(line["minutes"]) / 60, Decimal(line["rate_pence"]) / 100, Decimal(line["net_pence"]) / 100,
              Decimal(line["vat_pence"]) / 100, len(line["entry_ids"])] for i in found for line in i["lines"]]
    return xlsx_response("recharge-invoices.xlsx", [("Invoices", header, rows), ("Lines", line_header, lines)])


# --- subsidy -----------------------------------------------------------------------------------------

@bp.route("/subsidy")
@roles_required(SEES_MONEY)
def subsidy():
    month = (request.args.get("month") or "").strip()
    query = {"month": month} if re.fullmatch(r"\d{4}-\d{2}", month) else None
    rows, problem = _get("/subsidy", query)
    rows = rows or []
    chart = bar_chart("Subsidy by employer and month",
                      [(f"{r['organisation_name']}, {month_name(r['month'])}", max(r["subsidy_pence"], 0))
                       for r in rows], chart_id="subsidy-chart", value_text=pounds)
    write_offs, _ = _get("/subsidy/write-offs")
    return _render("subsidy.html", title="Subsidy report", rows=rows, problem=problem, chart=chart, month=month,
                   write_offs=write_offs or [])


@bp.route("/subsidy/write-offs", methods=["POST"])
@roles_required(APPROVES_TIME)
def write_off():
    send("finance", "POST", "/subsidy/write-offs", read_write_off(request.form),
         "Written off: the subsidy shows it with your reason.", WRITE_OFF_FIELDS)
    return redirect(url_for("time_ui.subsidy"))


# --- staff and their rates brought in from a file (issue 12, item 6) ---------------------------------------

STAFF_COLUMNS_HELP = ("One rate a row: a person's several rows are their rate history. employer_kind is consortium, "
                      "host or member; employer is the organisation's name as finance knows it; line_manager is the "
                      "name of someone in the file or already in finance; login (optional) is the person's hub "
                      "username or email, so they find their own timesheet. On-costs as on_costs_percent or "
                      "on_costs; salary and on_costs in pounds.")


def consortium_logins() -> dict[str, str]:
    """The consortium's logins by username and by email (lower case) -> login id, as the add-a-person page offers
    them: what a staff file's login column is looked up in (finance has no copy of the gateway's accounts). An
    email two logins share is left out, so it matches nobody rather than the wrong person."""
    found: dict[str, str] = {}
    shared: set[str] = set()
    for user in _consortium_users():
        for key in {user.username.strip().casefold(), (user.email or "").strip().casefold()} - {""}:
            if found.setdefault(key, str(user.id)) != str(user.id):
                shared.add(key)
    return {key: user_id for key, user_id in found.items() if key not in shared}


def _staff_import_page(result=None, errors=None, status=200):
    columns, required, problem = columns_of("finance", "/imports/staff")
    preview = [[r["row"], r.get("name") or "",
                "The consortium" if r.get("employer_kind") == "consortium" else r.get("employer") or "",
                r.get("effective_from") or ""] for r in (result or {}).get("staff", [])]
    page, page_status = _render("staff_import.html", title="Import staff and rates from a file", columns=columns,
                                required=required, problem=problem, columns_help=STAFF_COLUMNS_HELP,
                                template_url=url_for("time_ui.staff_import_template"),
                                form_action=url_for("time_ui.staff_import_file"), result=result,
                                errors=errors or {}, preview_header=["Person", "Employer", "Rate from"],
                                preview_rows=preview)
    return page, 503 if problem and status == 200 else status


@bp.route("/staff/import")
@roles_required(KEEPS_THE_MONEY)
def staff_import():
    """Bring staff who log time and their full-cost rates (F3) in from a CSV or XLSX file: checked first."""
    return _staff_import_page()


@bp.route("/staff/import/template.csv")
@roles_required(KEEPS_THE_MONEY)
def staff_import_template():
    columns, _, problem = columns_of("finance", "/imports/staff")
    if problem:
        return redirect(url_for("time_ui.staff_import"))
    return csv_response("staff-template.csv", columns, [])


@bp.route("/staff/import", methods=["POST"])
@roles_required(KEEPS_THE_MONEY)
def staff_import_file():
    """Check the file (finance's dry run); to import, the same check first and the import only when it is clean."""
    result, errors, imported, status = check_and_import("finance", "/imports/staff",
                                                        {"logins": json.dumps(consortium_logins())})
    if imported:
        people = len({r["name"].casefold() for r in result["staff"]})
        flash(f"{people} {'person' if people == 1 else 'people'} and {result['rows']} "
              f"rate{'' if result['rows'] == 1 else 's'} imported from {result['filename']}.", "success")
        return redirect(url_for("time_ui.staff"))
    return _staff_import_page(result, errors, status)


csrf.exempt(staff_import_file)  # checked in the view, once the larger upload limit is set
