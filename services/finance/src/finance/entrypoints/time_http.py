"""Shared-staff time (H4, F3): staff, rates, cost codes, timesheets, recharge invoices, subsidy: HTTP resources.

Roles: the finance officer keeps rates, cost codes, closes months and runs invoices, and approves anyone's
week but their own; a consortium manager approves the weeks of the people they line-manage (and sees the
reports); everyone who logs time keeps their own sheet; member staff see only their own organisation's
staff, sheets and invoices (the rows are organisation-scoped).
"""
from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from hubkit.auth import ALL_ROLES, current_principal, allow
from hubkit.domain import InvalidField
from hubkit.paging import Order, asc, paged
from hubkit.web import get_or_404, request_uow
from hubkit import clock

from ..adapters.time_tables import ClosedPeriod, CostCode, RechargeInvoice, StaffMember, Timesheet, XeroExport
from ..domain.time import check_can_edit, parse_month, week_start
from ..service_layer import (cost_codes, invoices, references, staff as staff_cases, subsidy, timesheets,
                             xero_exports)
from . import time_schemas as s

FINANCE = ("finance_officer",)
# Salaries and the rates worked out from them are personal data: only the finance officer, who sets them (F3),
# reads them. Others see hours and invoice totals, never a person's salary or rate (README, "Roles").
SEES_SALARIES = FINANCE
OVERSEES = ("finance_officer", "consortium_manager", "board_member")
APPROVERS = ("finance_officer", "consortium_manager")

staff_blp = Blueprint("staff", __name__, url_prefix="/staff", description="Staff who log time, and their rates (F3)")
codes_blp = Blueprint("cost_codes", __name__, url_prefix="/cost-codes", description="Cost codes (H2)")
sheets_blp = Blueprint("timesheets", __name__, url_prefix="/timesheets", description="Weekly timesheets (H4)")
periods_blp = Blueprint("periods", __name__, url_prefix="/periods", description="Closed months")
invoices_blp = Blueprint("recharge_invoices", __name__, url_prefix="/invoices",
                         description="Recharge invoices (H4, F4)")
subsidy_blp = Blueprint("subsidy", __name__, url_prefix="/subsidy", description="The subsidy report (H4)")
BLUEPRINTS = [staff_blp, codes_blp, sheets_blp, periods_blp, invoices_blp, subsidy_blp]


# --- staff and rates ---------------------------------------------------------------------------------

def _staff_out(session, rows) -> list[dict]:
    rows = list(rows)
    names = invoices.organisation_names(session, [row.organisation_id for row in rows])
    rates = (staff_cases.current_rates(session, [row.id for row in rows], clock.today())  # one query, not one each
             if current_principal().has_any(SEES_SALARIES) else {})
    return [{**{k: getattr(row, k) for k in ("id", "name", "employer_kind", "organisation_id", "line_manager_id",
                                            "user_id")},
             "organisation_name": names.get(row.organisation_id) if row.organisation_id else None,
             "current_rate_pence": rates.get(row.id)} for row in rows]


@staff_blp.route("")
class StaffList(MethodView):
    @allow(*ALL_ROLES)
    @staff_blp.arguments(s.StaffQuery, location="query")
    @paged(staff_blp, s.StaffOut)
    def get(self, query, page):
        """Staff who log time, by name (member staff: their own organisation's), those whose name holds `name` if
        given; current rates for the finance officer only."""
        with request_uow() as uow:
            return _staff_out(uow.session, page.select(uow.session, staff_cases.listing_query(query.get("name")),
                                                       Order(asc(StaffMember.name), asc(StaffMember.id))))

    @allow(*FINANCE)
    @staff_blp.arguments(s.StaffIn)
    @staff_blp.response(201, s.StaffOut)
    def post(self, data):
        """Record a person who logs time, with their employer and line manager."""
        with request_uow() as uow:
            row = staff_cases.add_staff(uow, **data)
            return _staff_out(uow.session, [row])[0]


@staff_blp.route("/me")
class StaffMe(MethodView):
    @allow(*ALL_ROLES)
    @staff_blp.response(200, s.StaffOut)
    def get(self):
        """The staff record linked to the caller's user."""
        with request_uow() as uow:
            row = staff_cases.staff_for_user(uow.session, current_principal().user_id)
            if row is None:
                abort(404, message="You are not set up to log time yet: ask the finance officer.")
            return _staff_out(uow.session, [row])[0]


@staff_blp.route("/whoami")
class WhoAmI(MethodView):
    @allow(*ALL_ROLES)
    @staff_blp.response(200, s.WhoAmIOut)
    def get(self):
        """The caller's user id and organisation, to link a staff record to (e.g. from a script)."""
        principal = current_principal()
        return {"user_id": principal.user_id, "organisation_id": principal.organisation_id}


@staff_blp.route("/<staff_id>")
class StaffOne(MethodView):
    @allow(*ALL_ROLES)
    @staff_blp.response(200, s.StaffOut)
    def get(self, staff_id):
        with request_uow() as uow:
            return _staff_out(uow.session, [get_or_404(uow.session, StaffMember, staff_id, "staff member")])[0]

    @allow(*FINANCE)
    @staff_blp.arguments(s.StaffPatch)
    @staff_blp.response(200, s.StaffOut)
    def patch(self, data, staff_id):
        """Change the name, line manager or linked user."""
        with request_uow() as uow:
            row = get_or_404(uow.session, StaffMember, staff_id, "staff member")
            return _staff_out(uow.session, [staff_cases.update_staff(uow, row, **data)])[0]


@staff_blp.route("/<staff_id>/rates")
class StaffRates(MethodView):
    @allow(*SEES_SALARIES)
    @paged(staff_blp, s.RateOut)
    def get(self, staff_id, page):
        """F3: the person's full-cost rates, oldest first."""
        with request_uow() as uow:
            row = get_or_404(uow.session, StaffMember, staff_id, "staff member")
            return page.select(uow.session, staff_cases.rates_query(row.id), staff_cases.RATE_ORDER)

    @allow(*FINANCE)
    @staff_blp.arguments(s.RateIn)
    @staff_blp.response(201, s.RateOut)
    def post(self, data, staff_id):
        """F3: set a full-cost rate from a date; entries already costed keep their rate."""
        with request_uow() as uow:
            row = get_or_404(uow.session, StaffMember, staff_id, "staff member")
            return staff_cases.set_rate(uow, row, **data)


# --- cost codes --------------------------------------------------------------------------------------

@codes_blp.route("")
class CostCodes(MethodView):
    @allow(*ALL_ROLES)
    @paged(codes_blp, s.CostCodeOut)
    def get(self, page):
        """The consortium's cost codes (the ten hub functions are set up on first use)."""
        with request_uow() as uow:
            cost_codes.ensure_seeded(uow)
            return page.select(uow.session, cost_codes.codes_query(), cost_codes.CODE_ORDER)

    @allow(*FINANCE)
    @codes_blp.arguments(s.CostCodeIn)
    @codes_blp.response(201, s.CostCodeOut)
    def post(self, data):
        """Another code of the consortium's own, chargeable or not."""
        with request_uow() as uow:
            cost_codes.ensure_seeded(uow)
            return cost_codes.add_code(uow, **data)


@codes_blp.route("/seed")
class SeedCodes(MethodView):
    @allow(*FINANCE)
    @codes_blp.response(200, s.CostCodeOut(many=True))
    def post(self):
        """Set up the ten hub functions (H2) and the employer's own work; safe to repeat."""
        with request_uow() as uow:
            cost_codes.ensure_seeded(uow)
            return cost_codes.all_codes(uow.session)


@codes_blp.route("/<code_id>")
class CostCodeOne(MethodView):
    @allow(*FINANCE)
    @codes_blp.arguments(s.CostCodePatch)
    @codes_blp.response(200, s.CostCodeOut)
    def patch(self, data, code_id):
        """Open or close a code to new time."""
        with request_uow() as uow:
            return cost_codes.set_active(uow, get_or_404(uow.session, CostCode, code_id, "cost code"), data["active"])


# --- timesheets --------------------------------------------------------------------------------------

def _week(value) -> dt.date:
    try:
        week = dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidField({"week_starting": ["Give the week as YYYY-MM-DD (a Monday)."]}) from None
    if week.weekday() != 0:
        raise InvalidField({"week_starting": ["A week starts on a Monday."]})
    return week


def _sheet_staff(uow, staff_id) -> StaffMember:
    row = get_or_404(uow.session, StaffMember, staff_id, "staff member")
    principal = current_principal()
    if row.user_id != principal.user_id and not principal.has_any(OVERSEES):
        abort(404, message="No such staff member.")  # a colleague's sheet is none of a member user's business
    return row


@sheets_blp.route("")
class Queue(MethodView):
    @allow(*APPROVERS)
    @sheets_blp.arguments(s.QueueArgs, location="query")
    @paged(sheets_blp, s.SheetSummaryOut, sorts=timesheets.QUEUE_ORDERS)
    def get(self, args, page):
        """The weeks this approver may decide (finance officer: all; manager: the people they line-manage), oldest
        week first (`sort=newest`: newest first)."""
        with request_uow() as uow:
            return timesheets.queue_page(uow.session, current_principal(), args["status"], page)


@sheets_blp.route("/mine")
class MySheet(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.arguments(s.WeekArgs, location="query")
    @sheets_blp.response(200, s.SheetOut)
    def get(self, args):
        """The caller's own week (this week unless told), as a grid with totals."""
        with request_uow() as uow:
            cost_codes.ensure_seeded(uow)
            row = staff_cases.staff_for_user(uow.session, current_principal().user_id)
            if row is None:
                abort(404, message="You are not set up to log time yet: ask the finance officer.")
            week = week_start(args["week"] or clock.today())
            return timesheets.sheet_view(uow.session, row, week, timesheets.find_sheet(uow.session, row.id, week))


@sheets_blp.route("/staff/<staff_id>/weeks/<week>")
class Week(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.response(200, s.SheetOut)
    def get(self, staff_id, week):
        with request_uow() as uow:
            row = _sheet_staff(uow, staff_id)
            monday = _week(week)
            return timesheets.sheet_view(uow.session, row, monday, timesheets.find_sheet(uow.session, row.id, monday))

    @allow(*ALL_ROLES)
    @sheets_blp.arguments(s.WeekIn)
    @sheets_blp.response(200, s.SheetOut)
    def put(self, data, staff_id, week):
        """Save the week's grid (replaces a draft or rejected week's entries; approved weeks are locked: 409)."""
        with request_uow() as uow:
            row = _sheet_staff(uow, staff_id)
            timesheets.check_can_log_for(current_principal(), row)
            monday = _week(week)
            sheet = timesheets.save_week(uow, row, monday, data["entries"])
            return timesheets.sheet_view(uow.session, row, monday, sheet)


@sheets_blp.route("/staff/<staff_id>/weeks/<week>/copy-previous")
class CopyPrevious(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.response(200, s.SheetOut)
    def post(self, staff_id, week):
        """Fill the week from the week before (same codes, same hours, same weekdays)."""
        with request_uow() as uow:
            row = _sheet_staff(uow, staff_id)
            timesheets.check_can_log_for(current_principal(), row)
            monday = _week(week)
            sheet = timesheets.copy_previous_week(uow, row, monday)
            return timesheets.sheet_view(uow.session, row, monday, sheet)


def _sheet(uow, sheet_id) -> tuple[Timesheet, StaffMember]:
    sheet = get_or_404(uow.session, Timesheet, sheet_id, "timesheet")
    return sheet, _sheet_staff(uow, sheet.staff_id)


@sheets_blp.route("/<sheet_id>")
class SheetOne(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.response(200, s.SheetOut)
    def get(self, sheet_id):
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


@sheets_blp.route("/<sheet_id>/submit")
class Submit(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.response(200, s.SheetOut)
    def post(self, sheet_id):
        """Put the week forward for approval."""
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            timesheets.check_can_log_for(current_principal(), row)
            timesheets.submit(uow, sheet)
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


@sheets_blp.route("/<sheet_id>/approve")
class Approve(MethodView):
    @allow(*APPROVERS)
    @sheets_blp.response(200, s.SheetOut)
    def post(self, sheet_id):
        """Approve a submitted week (never one's own: 403); it is costed and locked."""
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            timesheets.approve(uow, sheet, current_principal())
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


@sheets_blp.route("/<sheet_id>/reject")
class Reject(MethodView):
    @allow(*APPROVERS)
    @sheets_blp.arguments(s.RejectIn)
    @sheets_blp.response(200, s.SheetOut)
    def post(self, data, sheet_id):
        """Send a submitted week back with a reason."""
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            timesheets.reject(uow, sheet, current_principal(), data["reason"])
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


@sheets_blp.route("/<sheet_id>/corrections")
class Corrections(MethodView):
    @allow(*APPROVERS)
    @sheets_blp.arguments(s.CorrectionIn)
    @sheets_blp.response(201, s.SheetOut)
    def post(self, data, sheet_id):
        """Correct an approved week: a reversal of the entry (with who and why) and, if minutes, a new entry."""
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            timesheets.correct(uow, sheet, current_principal(), **data)
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


@sheets_blp.route("/<sheet_id>/entries/<entry_id>")
class EntryEdit(MethodView):
    @allow(*ALL_ROLES)
    @sheets_blp.arguments(s.EntryIn)
    @sheets_blp.response(200, s.SheetOut)
    def put(self, data, sheet_id, entry_id):
        """Change one entry of a draft or rejected week (an approved week is locked: 409)."""
        with request_uow() as uow:
            sheet, row = _sheet(uow, sheet_id)
            timesheets.check_can_log_for(current_principal(), row)
            entries = timesheets.entries_of(uow.session, sheet.id)
            if not any(str(e.id) == str(entry_id) for e in entries):
                abort(404, message="No such entry.")
            check_can_edit(sheet.status)
            grid = [{"day": e.day, "cost_code_id": e.cost_code_id, "minutes": e.minutes} for e in entries
                    if str(e.id) != str(entry_id)] + [data]
            timesheets.save_week(uow, row, sheet.week_starting, grid)
            return timesheets.sheet_view(uow.session, row, sheet.week_starting, sheet)


# --- closed months -----------------------------------------------------------------------------------

@periods_blp.route("")
class Periods(MethodView):
    @allow(*ALL_ROLES)
    @paged(periods_blp, s.PeriodOut)
    def get(self, page):
        """The closed months."""
        with request_uow() as uow:
            return page.select(uow.session, select(ClosedPeriod), Order(asc(ClosedPeriod.month), asc(ClosedPeriod.id)))


@periods_blp.route("/<month>/close")
class ClosePeriod(MethodView):
    @allow(*FINANCE)
    @periods_blp.response(201, s.PeriodOut)
    def post(self, month):
        """Close a month (YYYY-MM): nothing dated in it changes any more."""
        try:
            first = parse_month(month)
        except ValueError as exc:
            raise InvalidField({"month": [str(exc)]}) from None
        with request_uow() as uow:
            return timesheets.close_month(uow, first, current_principal().user_id)


# --- invoices ----------------------------------------------------------------------------------------

@invoices_blp.route("/hub-model")
class HubModel(MethodView):
    @allow(*ALL_ROLES)
    @invoices_blp.response(200, s.HubModelOut)
    def get(self):
        """The hub model finance has learned from governance (it says who recharges, H4)."""
        with request_uow() as uow:
            model = invoices.hub_model(uow.session)
            return model or {"model": None, "effective_from": None, "host_organisation_id": None}


@invoices_blp.route("/issuers/<uuid:organisation_id>")
class Issuer(MethodView):
    @allow(*ALL_ROLES)
    @invoices_blp.response(200, s.IssuerOut)
    def get(self, organisation_id):
        with request_uow() as uow:
            found = invoices.issuer(uow.session, organisation_id)
            if found is None:
                abort(404, message="This organisation has no invoice settings yet.")
            return found

    @allow(*FINANCE)
    @invoices_blp.arguments(s.IssuerIn)
    @invoices_blp.response(200, s.IssuerOut)
    def put(self, data, organisation_id):
        """VAT treatment (standard 20%, exempt, outside scope), number prefix, terms and account code.

        The issuer is an organisation finance knows (issue 12 item 3): 404 naming organisation_id if not."""
        with request_uow() as uow:
            try:
                return invoices.configure_issuer(uow, organisation_id, **data)
            except references.UnknownOrganisation as unknown:  # named in the path: as if it did not exist
                abort(404, message=str(unknown))


@invoices_blp.route("")
class Invoices(MethodView):
    @allow(*OVERSEES, "member_user")
    @invoices_blp.arguments(s.InvoiceArgs, location="query")
    @paged(invoices_blp, s.InvoiceSummaryOut, sorts=invoices.LISTING_ORDERS)
    def get(self, args, page):
        """Recharge invoices and credit notes (member staff: their own organisation's), newest month first
        (`sort=oldest`: oldest first)."""
        with request_uow() as uow:
            found = page.select(uow.session, invoices.listing_query(**args), page.order(invoices.LISTING_ORDERS))
            names = invoices.organisation_names(uow.session, [i.organisation_id for i in found])
            return [invoices.summary(i, names) for i in found]

    @allow(*FINANCE)
    @invoices_blp.arguments(s.DraftIn)
    @invoices_blp.response(201, s.InvoiceOut)
    def post(self, data):
        """H4: draft an employer's recharge for a month from its approved chargeable time."""
        with request_uow() as uow:
            return invoices.create_draft(uow, data["organisation_id"], parse_month(data["month"]))


@invoices_blp.route("/month-end")
class MonthEnd(MethodView):
    @allow(*FINANCE)
    @invoices_blp.arguments(s.MonthEndIn)
    @invoices_blp.response(201, s.MonthEndOut)
    def post(self, data):
        """H4, the month-end run: a draft recharge for every employer with approved chargeable time of the month not
        yet invoiced, in one transaction (whole or not at all); employers the hub model does not let recharge are
        named, not drafted. Each draft is as POST /invoices makes it; read one for its lines."""
        with request_uow() as uow:
            return invoices.month_end(uow, parse_month(data["month"]))


@invoices_blp.route("/xero-exports")
class XeroExports(MethodView):
    @allow(*OVERSEES, "member_user")
    @paged(invoices_blp, s.XeroExportSummaryOut)
    def get(self, page):
        """F4: the exports to Xero made so far, newest first (member staff: their own organisation's)."""
        with request_uow() as uow:
            found = page.select(uow.session, xero_exports.listing_query(), xero_exports.LISTING_ORDER)
            names = invoices.organisation_names(uow.session, [e.organisation_id for e in found])
            return [xero_exports.summary(e, names) for e in found]

    @allow(*FINANCE, "member_user")
    @invoices_blp.arguments(s.XeroExportIn)
    @invoices_blp.response(201, s.XeroExportOut)
    def post(self, data):
        """F4: export the issued invoices and credit notes not exported yet (of the month `issued_in`, of one
        issuer, if given) for Xero's sales invoice import, each marked with this export so that the next export
        leaves it out: files of at most 500 lines (Xero refuses more), an invoice never split. 409 if there is
        nothing new to export."""
        with request_uow() as uow:
            batch = xero_exports.export(uow, data["issued_in"] and parse_month(data["issued_in"]),
                                        data["organisation_id"])
            return xero_exports.view(uow.session, batch)


def _xero_export(uow, export_id) -> XeroExport:
    return get_or_404(uow.session, XeroExport, export_id, "Xero export")


@invoices_blp.route("/xero-exports/<export_id>")
class XeroExportOne(MethodView):
    @allow(*OVERSEES, "member_user")
    @invoices_blp.response(200, s.XeroExportOut)
    def get(self, export_id):
        """F4: an export with its files, as it was made (reading it records nothing)."""
        with request_uow() as uow:
            return xero_exports.view(uow.session, _xero_export(uow, export_id))


@invoices_blp.route("/xero-exports/<export_id>/again")
class XeroExportAgain(MethodView):
    @allow(*FINANCE, "member_user")
    @invoices_blp.response(200, s.XeroExportOut)
    def post(self, export_id):
        """F4: download an earlier export again on purpose (its invoice numbers go to Xero once more): recorded on
        the export (how many times, last by whom and when) and audited."""
        with request_uow() as uow:
            batch = xero_exports.export_again(uow, _xero_export(uow, export_id))
            return xero_exports.view(uow.session, batch)


def _invoice(uow, invoice_id) -> RechargeInvoice:
    return get_or_404(uow.session, RechargeInvoice, invoice_id, "invoice")


@invoices_blp.route("/<invoice_id>")
class InvoiceOne(MethodView):
    @allow(*OVERSEES, "member_user")
    @invoices_blp.response(200, s.InvoiceOut)
    def get(self, invoice_id):
        """The invoice with its lines; each line lists the entries behind it (F4)."""
        with request_uow() as uow:
            return invoices.view(uow.session, _invoice(uow, invoice_id))

    @allow(*FINANCE)
    @invoices_blp.response(204)
    def delete(self, invoice_id):
        """Discard a draft; its entries can be invoiced again."""
        with request_uow() as uow:
            invoices.discard_draft(uow, _invoice(uow, invoice_id))


@invoices_blp.route("/<invoice_id>/lines/<line_id>/entries")
class LineEntries(MethodView):
    @allow(*OVERSEES, "member_user")
    @paged(invoices_blp, s.EntryOut)
    def get(self, invoice_id, line_id, page):
        """F4: the approved entries behind one line."""
        with request_uow() as uow:
            invoice = _invoice(uow, invoice_id)
            line = next((line for line in invoices.lines_of(uow.session, invoice.id) if str(line.id) == line_id), None)
            if line is None:
                abort(404, message="No such line.")
            # the line's UUID: SQLite cannot compare a string
            return page.select(uow.session, invoices.line_entries_query(line.id), invoices.LINE_ENTRY_ORDER)


@invoices_blp.route("/<invoice_id>/issue")
class Issue(MethodView):
    @allow(*FINANCE)
    @invoices_blp.response(200, s.InvoiceOut)
    def post(self, invoice_id):
        """Issue a draft with the issuer's next gap-free number."""
        with request_uow() as uow:
            invoice = invoices.issue(uow, _invoice(uow, invoice_id))
            return invoices.view(uow.session, invoice)


@invoices_blp.route("/<invoice_id>/paid")
class Paid(MethodView):
    @allow(*FINANCE)
    @invoices_blp.arguments(s.PaidIn)
    @invoices_blp.response(200, s.InvoiceOut)
    def post(self, data, invoice_id):
        with request_uow() as uow:
            invoice = invoices.mark_paid(uow, _invoice(uow, invoice_id), data["paid_on"])
            return invoices.view(uow.session, invoice)


@invoices_blp.route("/<invoice_id>/credit-note")
class CreditNote(MethodView):
    @allow(*FINANCE)
    @invoices_blp.arguments(s.CreditIn)
    @invoices_blp.response(201, s.InvoiceOut)
    def post(self, data, invoice_id):
        """Credit an issued invoice in full (next number of the issuer's run); its entries can be invoiced again."""
        with request_uow() as uow:
            note = invoices.credit(uow, _invoice(uow, invoice_id), data["reason"])
            return invoices.view(uow.session, note)


# --- subsidy -----------------------------------------------------------------------------------------

@subsidy_blp.route("")
class Subsidy(MethodView):
    @allow(*OVERSEES)
    @subsidy_blp.arguments(s.SubsidyArgs, location="query")
    @paged(subsidy_blp, s.SubsidyRowOut)
    def get(self, args, page):
        """H4: per employer and month, time logged, approved and recharged, and the subsidy with its reasons."""
        with request_uow() as uow:
            months = [parse_month(args["month"])] if args.get("month") else None
            return page.in_given_order(subsidy.report(uow.session, months))


@subsidy_blp.route("/write-offs")
class WriteOffs(MethodView):
    @allow(*OVERSEES)
    @paged(subsidy_blp, s.WriteOffOut)
    def get(self, page):
        with request_uow() as uow:
            return page.select(uow.session, subsidy.write_offs_query(), subsidy.WRITE_OFF_ORDER)

    @allow(*APPROVERS)
    @subsidy_blp.arguments(s.WriteOffIn)
    @subsidy_blp.response(201, s.WriteOffOut)
    def post(self, data):
        """H4: write off an employer's approved, uninvoiced time of a month, with the reason."""
        with request_uow() as uow:
            return subsidy.write_off(uow, data["organisation_id"], parse_month(data["month"]), data["reason"])
