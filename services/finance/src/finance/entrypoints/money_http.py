"""Income, management fee, subcontractor payments, budgets and variations (F1), claims (G11): HTTP resources.

Roles: the finance officer does everything here; the consortium manager and the board read; member staff see
only their own organisation's payment schedules, payments and claims (those rows are organisation-scoped), and
add travel costs to their own organisation's claims.
"""
from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from hubkit.auth import STAFF, allow, current_principal
from hubkit.paging import paged
from hubkit.uploads import UnacceptableFile
from hubkit.web import accepts_upload, get_or_404, request_uow, settings, stored_file

from ..adapters.money_tables import (AttendanceClaim, Budget, BudgetLine, BudgetVariation, ClaimExpense,
                                     ContractIncome, IncomeInstalment, PaymentRun, SubcontractCopy)
from ..domain import budgets as budget_rules
from ..domain import claims as claim_rules
from ..service_layer import budgets, claims, income, money_settings, payments, references
from . import money_schemas as s

FINANCE = ("finance_officer",)
OVERSEES = ("finance_officer", "consortium_manager", "board_member")
OWN_ORGANISATION = (*OVERSEES, "member_user")
# Bank details are read by the finance officer, who pays (F2), and by an organisation's own staff for its own; the
# manager and the board see payment runs with the account masked (README, "Roles").
SEES_BANK_DETAILS = FINANCE
RUN_ITEM_KEYS = ("id", "kind", "payment_instalment_id", "claim_id", "organisation_id", "payee_name", "amount_pence",
                 "reference", "description")


def _bank_details_for_caller(view: dict) -> dict:
    if current_principal().has_any(SEES_BANK_DETAILS):
        return view
    return view | {"items": [{**{key: getattr(item, key) for key in RUN_ITEM_KEYS}, "sort_code": "**-**-**",
                              "account_number": "****" + item.account_number[-4:]} for item in view["items"]]}

money_blp = Blueprint("money", __name__, url_prefix="/money", description="Money settings, overview and ledger")
income_blp = Blueprint("income", __name__, url_prefix="/income", description="Contract income and management fee")
payments_blp = Blueprint("payments", __name__, url_prefix="/payments",
                         description="Subcontractor payment schedules and payees (F2)")
runs_blp = Blueprint("payment_runs", __name__, url_prefix="/payment-runs", description="Payment runs for the bank")
budgets_blp = Blueprint("budgets", __name__, url_prefix="/budgets", description="Budgets, budget vs actual (F1)")
variations_blp = Blueprint("variations", __name__, url_prefix="/variations",
                           description="Budget variations and virements (F1)")
claims_blp = Blueprint("claims", __name__, url_prefix="/claims", description="Attendance claims (G11)")

# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = [money_blp, income_blp, payments_blp, runs_blp, budgets_blp, variations_blp, claims_blp]


def _who() -> str:
    return f"user:{current_principal().user_id}"


# --- settings, overview, ledger ------------------------------------------------------------------------

@money_blp.route("/settings")
class Settings(MethodView):
    @allow(*OWN_ORGANISATION)
    @money_blp.response(200, s.SettingsOut)
    def get(self):
        """F1's threshold, G11's daily rate and whether a deputy's attendance may be claimed."""
        with request_uow() as uow:
            return money_settings.current(uow.session)

    @allow(*FINANCE)
    @money_blp.arguments(s.SettingsIn)
    @money_blp.response(200, s.SettingsOut)
    def put(self, data):
        """Change the consortium's settings (applies to variations asked and claims made from now); the variation
        threshold only while the finance officer is its owner (else 403, F1)."""
        with request_uow() as uow:
            return money_settings.change(uow, _who(), current_principal().roles, **data)


@money_blp.route("/settings/variation-threshold")
class VariationThreshold(MethodView):
    @allow(*STAFF)
    @money_blp.response(200, s.ThresholdOut)
    def get(self):
        """F1's threshold and who alone moves it (its owner: finance_officer or host_admin)."""
        with request_uow() as uow:
            return money_settings.current(uow.session)

    @allow("host_admin")
    @money_blp.arguments(s.ThresholdIn)
    @money_blp.response(200, s.ThresholdOut)
    def put(self, data):
        """The host admin's consortium settings: who owns F1's threshold and, while the host admin owns it, the
        threshold (403 otherwise). Applies to variations asked from now."""
        with request_uow() as uow:
            return money_settings.set_threshold(uow, _who(), current_principal().roles,
                                                owner=data.get("variation_threshold_owner"),
                                                variation_threshold_pence=data.get("variation_threshold_pence"))


@money_blp.route("/overview")
class Overview(MethodView):
    @allow(*OWN_ORGANISATION)
    @money_blp.response(200, s.OverviewOut)
    def get(self):
        """Income due and received, the fee, payments by state, claims by state, pending variations."""
        principal = current_principal()
        with request_uow() as uow:
            session = uow.session
            out = {"income_due_pence": 0, "income_received_pence": 0, "fee_pence": 0, "pending_variations": 0,
                   "pending_variations_pence": 0, "payments": {}, "claims": {}}
            if not principal.is_member_user_only:
                rows = list(session.execute(select(IncomeInstalment)).scalars())
                out["income_due_pence"] = sum(r.amount_pence for r in rows if r.received_on is None)
                out["income_received_pence"] = sum(r.amount_pence for r in rows if r.received_on is not None)
                out["fee_pence"] = sum(c.fee_pence for c in income.contracts(session))
                pending = budgets.variations(session, "pending")
                out["pending_variations"] = len(pending)
                out["pending_variations_pence"] = sum(v.amount_pence for v in pending)
            for row in payments.instalments(session):
                bucket = out["payments"].setdefault(row["status"], {"count": 0, "pence": 0})
                bucket["count"] += 1
                bucket["pence"] += row["amount_pence"]
            for claim in claims.claims(session):
                bucket = out["claims"].setdefault(claim.status, {"count": 0, "pence": 0})
                bucket["count"] += 1
                bucket["pence"] += claims.view(session, claim)["total_pence"]
            return out


@money_blp.route("/ledger")
class Ledger(MethodView):
    @allow(*OVERSEES)
    @money_blp.arguments(s.LedgerArgs, location="query")
    @paged(money_blp, s.PostingOut)
    def get(self, args, page):
        """The ledger's postings (of a financial year, if given): where budget actuals come from."""
        with request_uow() as uow:
            bounds = budget_rules.year_bounds(args["year"]) if args.get("year") else (None, None)
            return page.select(uow.session, money_settings.postings_query(*bounds), money_settings.POSTING_ORDER)


# --- income and the management fee ---------------------------------------------------------------------

@income_blp.route("/contracts")
class Contracts(MethodView):
    @allow(*OVERSEES)
    @paged(income_blp, s.ContractIncomeOut)
    def get(self, page):
        """Each awarded contract's income schedule and management fee top-slice."""
        with request_uow() as uow:
            return [income.view(uow.session, c) for c in page.select(
                uow.session, income.contracts_query(), income.CONTRACT_ORDER)]


@income_blp.route("/contracts/<contract_id>")
class ContractOne(MethodView):
    @allow(*OVERSEES)
    @income_blp.response(200, s.ContractIncomeOut)
    def get(self, contract_id):
        """One contract by contracts' id (or ours)."""
        with request_uow() as uow:
            return income.view(uow.session, _contract(uow.session, contract_id))


def _contract(session, ident) -> ContractIncome:
    try:
        key = uuid.UUID(str(ident))
    except ValueError:
        abort(404, message="No such contract.")
    row = session.execute(select(ContractIncome).where(
        (ContractIncome.contract_id == key) | (ContractIncome.id == key))).scalar_one_or_none()
    if row is None:
        abort(404, message="No such contract.")
    return row


@income_blp.route("/instalments/<instalment_id>/received")
class Received(MethodView):
    @allow(*FINANCE)
    @income_blp.arguments(s.ReceivedIn)
    @income_blp.response(200, s.IncomeInstalmentOut)
    def post(self, data, instalment_id):
        """The commissioner paid this instalment: income and the fee go into the ledger (once: 409 after)."""
        with request_uow() as uow:
            row = get_or_404(uow.session, IncomeInstalment, instalment_id, "income instalment")
            return income.record_received(uow, row, data["received_on"], _who())


# --- subcontractor payments ----------------------------------------------------------------------------

@payments_blp.route("/subcontracts")
class Subcontracts(MethodView):
    @allow(*OWN_ORGANISATION)
    @paged(payments_blp, s.SubcontractOut, sorts=payments.SCHEDULE_ORDERS)
    def get(self, page):
        """Payment schedules per subcontractor, each instalment with its state and why (member staff: their own):
        by payee A to Z (`sort=payee`, the default), newest start first (`sort=newest`) or largest value first
        (`sort=value`), paged in SQL."""
        with request_uow() as uow:
            return [payments.subcontract_view(uow.session, r) for r in page.select(
                uow.session, payments.subcontracts_query(), page.order(payments.SCHEDULE_ORDERS))]


@payments_blp.route("/subcontracts/<subcontract_id>")
class SubcontractOne(MethodView):
    @allow(*OWN_ORGANISATION)
    @payments_blp.response(200, s.SubcontractOut)
    def get(self, subcontract_id):
        with request_uow() as uow:
            try:
                key = uuid.UUID(str(subcontract_id))
            except ValueError:
                abort(404, message="No such subcontract.")
            row = uow.session.execute(select(SubcontractCopy).where(
                (SubcontractCopy.subcontract_id == key) | (SubcontractCopy.id == key))).scalar_one_or_none()
            if row is None:
                abort(404, message="No such subcontract.")
            return payments.subcontract_view(uow.session, row)


@payments_blp.route("/instalments")
class Instalments(MethodView):
    @allow(*OWN_ORGANISATION)
    @payments_blp.arguments(s.InstalmentArgs, location="query")
    @paged(payments_blp, s.InstalmentOut)
    def get(self, args, page):
        """Instalments by state (released: ready for a payment run)."""
        with request_uow() as uow:
            return payments.instalment_views(uow.session, page.select(
                uow.session, payments.instalments_query(args["status"]), payments.INSTALMENT_ORDER))


@payments_blp.route("/release-due")
class ReleaseDue(MethodView):
    @allow(*FINANCE)
    @payments_blp.response(200, s.ReleasedOut)
    def post(self):
        """Release date-based instalments whose day has come (the worker also does this daily)."""
        with request_uow() as uow:
            count = payments.release_due(uow)
            uow.commit()
            return {"released": count}


@payments_blp.route("/payees")
class Payees(MethodView):
    @allow(*SEES_BANK_DETAILS, "member_user")
    @paged(payments_blp, s.PayeeOut)
    def get(self, page):
        """Who each organisation is paid as (member staff: their own)."""
        with request_uow() as uow:
            return page.select(uow.session, payments.payees_query(), payments.PAYEE_ORDER)


@payments_blp.route("/payees/<uuid:organisation_id>")
class PayeeOne(MethodView):
    @allow(*FINANCE)
    @payments_blp.arguments(s.PayeeIn)
    @payments_blp.response(200, s.PayeeOut)
    def put(self, data, organisation_id):
        """Set the payee's name and bank details (sort code 12-34-56, 8-digit account).

        The organisation is one finance knows (issue 12 item 3): 404 naming organisation_id if not."""
        with request_uow() as uow:
            try:
                return payments.set_payee(uow, organisation_id, by=_who(), **data)
            except references.UnknownOrganisation as unknown:  # named in the path: as if it did not exist
                abort(404, message=str(unknown))


# --- payment runs --------------------------------------------------------------------------------------

def _run(session, run_id) -> PaymentRun:
    return get_or_404(session, PaymentRun, run_id, "payment run")


@runs_blp.route("")
class Runs(MethodView):
    @allow(*OVERSEES)
    @paged(runs_blp, s.RunOut)
    def get(self, page):
        with request_uow() as uow:
            return payments.run_views(uow.session, page.select(
                uow.session, payments.runs_query(), payments.RUN_ORDER))

    @allow(*FINANCE)
    @runs_blp.arguments(s.RunIn)
    @runs_blp.response(201, s.RunOut)
    def post(self, data):
        """A draft run of released instalments and approved claims (409 if one is not payable or already in a run)."""
        with request_uow() as uow:
            run = payments.create_run(uow, data["instalment_ids"], data["claim_ids"], data["pay_on"], _who())
            return payments.run_view(uow.session, run)


@runs_blp.route("/<run_id>")
class RunOne(MethodView):
    @allow(*OVERSEES)
    @runs_blp.response(200, s.RunOut)
    def get(self, run_id):
        """A payment run (the account numbers masked for all but the finance officer)."""
        with request_uow() as uow:
            return _bank_details_for_caller(payments.run_view(uow.session, _run(uow.session, run_id)))

    @allow(*FINANCE)
    @runs_blp.response(204)
    def delete(self, run_id):
        """Discard a draft run; its payments can go into another."""
        with request_uow() as uow:
            payments.discard_run(uow, _run(uow.session, run_id))


@runs_blp.route("/<run_id>/approve")
class ApproveRun(MethodView):
    @allow(*FINANCE)
    @runs_blp.response(200, s.RunOut)
    def post(self, run_id):
        with request_uow() as uow:
            return payments.run_view(uow.session, payments.approve_run(uow, _run(uow.session, run_id), _who()))


@runs_blp.route("/<run_id>/paid")
class PaidRun(MethodView):
    @allow(*FINANCE)
    @runs_blp.arguments(s.RunPaidIn)
    @runs_blp.response(200, s.RunOut)
    def post(self, data, run_id):
        """The bank paid the run: each payment and claim is paid once and posted to the ledger (again: 409)."""
        with request_uow() as uow:
            run = payments.mark_paid(uow, _run(uow.session, run_id), data["paid_on"], _who())
            return payments.run_view(uow.session, run)


@runs_blp.route("/<run_id>/export")
class ExportRun(MethodView):
    @allow(*FINANCE)
    @runs_blp.arguments(s.ExportArgs, location="query")
    @runs_blp.response(200, s.ExportOut)
    def get(self, args, run_id):
        """An approved run as the bank's file or Xero's bills import: rows of text, amounts exact from pence."""
        with request_uow() as uow:
            return payments.export(uow.session, _run(uow.session, run_id), args["format"])


# --- budgets -------------------------------------------------------------------------------------------

def _budget(session, budget_id) -> Budget:
    return get_or_404(session, Budget, budget_id, "budget")


@budgets_blp.route("")
class Budgets(MethodView):
    @allow(*OVERSEES)
    @paged(budgets_blp, s.BudgetOut)
    def get(self, page):
        """Every financial year's budget with budget vs actual per line and the variations pending."""
        with request_uow() as uow:
            return budgets.budget_views(uow.session, page.select(
                uow.session, budgets.budgets_query(), budgets.BUDGET_ORDER))

    @allow(*FINANCE)
    @budgets_blp.arguments(s.BudgetIn)
    @budgets_blp.response(201, s.BudgetOut)
    def post(self, data):
        """A draft budget for a financial year (April to March), named by the year it starts."""
        with request_uow() as uow:
            return budgets.budget_view(uow.session, budgets.create_budget(uow, data["year"], data["title"]))


@budgets_blp.route("/<budget_id>")
class BudgetOne(MethodView):
    @allow(*OVERSEES)
    @budgets_blp.response(200, s.BudgetOut)
    def get(self, budget_id):
        with request_uow() as uow:
            return budgets.budget_view(uow.session, _budget(uow.session, budget_id))


@budgets_blp.route("/<budget_id>/adopt")
class Adopt(MethodView):
    @allow(*FINANCE)
    @budgets_blp.response(200, s.BudgetOut)
    def post(self, budget_id):
        """Adopt the budget: from now its figures change only by variations (F1)."""
        with request_uow() as uow:
            row = budgets.adopt(uow, _budget(uow.session, budget_id), _who())
            return budgets.budget_view(uow.session, row)


@budgets_blp.route("/<budget_id>/lines")
class Lines(MethodView):
    @allow(*FINANCE)
    @budgets_blp.arguments(s.LineIn)
    @budgets_blp.response(201, s.BudgetOut)
    def post(self, data, budget_id):
        """Add a line (to an adopted budget only at £0: money comes by variation, F1)."""
        with request_uow() as uow:
            row = _budget(uow.session, budget_id)
            budgets.add_line(uow, row, **data)
            return budgets.budget_view(uow.session, row)


@budgets_blp.route("/<budget_id>/lines/<line_id>")
class LineOne(MethodView):
    @allow(*FINANCE)
    @budgets_blp.arguments(s.LinePatch)
    @budgets_blp.response(200, s.BudgetOut)
    def patch(self, data, budget_id, line_id):
        """Rename or recategorise; the amount changes only while the budget is a draft (else 409, F1)."""
        with request_uow() as uow:
            row = _budget(uow.session, budget_id)
            line = get_or_404(uow.session, BudgetLine, line_id, "budget line")
            if line.budget_id != row.id:
                abort(404, message="No such budget line.")
            budgets.change_line(uow, row, line, **data)
            return budgets.budget_view(uow.session, row)


# --- variations and virements (F1) ---------------------------------------------------------------------

def _variation(session, variation_id) -> BudgetVariation:
    return get_or_404(session, BudgetVariation, variation_id, "variation")


@variations_blp.route("")
class Variations(MethodView):
    @allow(*OVERSEES)
    @variations_blp.arguments(s.VariationArgs, location="query")
    @paged(variations_blp, s.VariationOut)
    def get(self, args, page):
        """Variations and virements, newest first (status=pending: those not yet in effect)."""
        with request_uow() as uow:
            return budgets.variation_views(uow.session, page.select(
                uow.session, budgets.variations_query(args["status"], args["budget_id"]), budgets.VARIATION_ORDER))

    @allow(*FINANCE)
    @variations_blp.arguments(s.VariationIn)
    @variations_blp.response(201, s.VariationOut)
    def post(self, data):
        """Ask for a variation to a line or a virement between lines or years; over the threshold it goes to the
        Management Board, then to the accountable body (F1). Nothing changes until it takes effect."""
        with request_uow() as uow:
            row = budgets.request(uow, data["kind"], data["line_id"], data["from_line_id"], data["amount_pence"],
                                  data["direction"], data["reason"], _who())
            return budgets.variation_view(uow.session, row)


@variations_blp.route("/<variation_id>")
class VariationOne(MethodView):
    @allow(*OVERSEES)
    @variations_blp.response(200, s.VariationOut)
    def get(self, variation_id):
        """A variation and its journey: requested, the board's decision, ratified or approved."""
        with request_uow() as uow:
            return budgets.variation_view(uow.session, _variation(uow.session, variation_id))


@variations_blp.route("/<variation_id>/approve")
class ApproveVariation(MethodView):
    @allow(*FINANCE)
    @variations_blp.response(200, s.VariationOut)
    def post(self, variation_id):
        """At or under the threshold: approve, and it takes effect (over it: 409, F1)."""
        with request_uow() as uow:
            row = budgets.approve(uow, _variation(uow.session, variation_id), _who())
            return budgets.variation_view(uow.session, row)


@variations_blp.route("/<variation_id>/ratify")
class RatifyVariation(MethodView):
    @allow(*FINANCE)
    @variations_blp.response(200, s.VariationOut)
    def post(self, variation_id):
        """Ratify on behalf of the accountable body what the Management Board agreed (before it: 409, F1)."""
        with request_uow() as uow:
            row = budgets.ratify(uow, _variation(uow.session, variation_id), _who())
            return budgets.variation_view(uow.session, row)


@variations_blp.route("/<variation_id>/reject")
class RejectVariation(MethodView):
    @allow(*FINANCE)
    @variations_blp.arguments(s.ReasonIn)
    @variations_blp.response(200, s.VariationOut)
    def post(self, data, variation_id):
        """Refuse a variation within the threshold, or decline to ratify on behalf of the accountable body."""
        with request_uow() as uow:
            row = budgets.reject(uow, _variation(uow.session, variation_id), _who(), data["reason"])
            return budgets.variation_view(uow.session, row)


# --- attendance claims (G11) ---------------------------------------------------------------------------

def _claim(session, claim_id) -> AttendanceClaim:
    return get_or_404(session, AttendanceClaim, claim_id, "claim")


@claims_blp.route("")
class Claims(MethodView):
    @allow(*OWN_ORGANISATION)
    @claims_blp.arguments(s.ClaimArgs, location="query")
    @paged(claims_blp, s.ClaimOut)
    def get(self, args, page):
        """Claims for meetings attended (member staff: their own organisation's)."""
        with request_uow() as uow:
            return [claims.view(uow.session, c) for c in page.select(
                uow.session, claims.claims_query(args["status"]), claims.CLAIM_ORDER)]


@claims_blp.route("/<claim_id>")
class ClaimOne(MethodView):
    @allow(*OWN_ORGANISATION)
    @claims_blp.response(200, s.ClaimOut)
    def get(self, claim_id):
        with request_uow() as uow:
            return claims.view(uow.session, _claim(uow.session, claim_id))


@claims_blp.route("/<claim_id>/expenses")
class Expenses(MethodView):
    @allow("finance_officer", "member_user")
    @accepts_upload
    @claims_blp.arguments(s.ExpenseForm, location="form")
    @claims_blp.arguments(s.ReceiptFile, location="files")
    @claims_blp.response(201, s.ClaimOut)
    @claims_blp.alt_response(413, description="Larger than the receipt limit")
    @claims_blp.alt_response(415, description="Not a PDF, PNG or JPEG")
    def post(self, form, files, claim_id):
        """Add a travel cost with its receipt (multipart/form-data: file, kind, description, amount_pence)."""
        principal = current_principal()
        if not principal.has_any(FINANCE) and not principal.is_member_user_only:
            abort(403, message="Only the claimant's organisation or the finance officer adds costs.")
        content = files["file"].read()
        limit = min(claim_rules.MAX_RECEIPT_BYTES, settings().max_upload_bytes)
        if len(content) > limit:
            abort(413, message=f"A receipt is at most {limit // 1024} KB.")
        with request_uow() as uow:
            claim = _claim(uow.session, claim_id)
            try:
                claims.add_expense(uow, claim, form["kind"], form["description"], form["amount_pence"],
                                   files["file"].filename or "receipt", content, _who(), limit)
            except UnacceptableFile as exc:
                abort(415, message=str(exc))
            return claims.view(uow.session, claim)


@claims_blp.route("/<claim_id>/expenses/<expense_id>/receipt")
class Receipt(MethodView):
    @allow(*OWN_ORGANISATION)
    @claims_blp.response(200, description="The receipt, as uploaded")
    def get(self, claim_id, expense_id):
        with request_uow() as uow:
            claim = _claim(uow.session, claim_id)
            expense = get_or_404(uow.session, ClaimExpense, expense_id, "receipt")
            if expense.claim_id != claim.id:
                abort(404, message="No such receipt.")
            return stored_file(expense.receipt, expense.receipt_content_type, expense.receipt_filename,
                               expense.receipt_sha256)


@claims_blp.route("/<claim_id>/approve")
class ApproveClaim(MethodView):
    @allow(*FINANCE)
    @claims_blp.response(200, s.ClaimOut)
    def post(self, claim_id):
        """Approve an open claim: it can then go into a payment run."""
        with request_uow() as uow:
            return claims.view(uow.session, claims.approve(uow, _claim(uow.session, claim_id), _who()))


@claims_blp.route("/<claim_id>/reject")
class RejectClaim(MethodView):
    @allow(*FINANCE)
    @claims_blp.arguments(s.ReasonIn)
    @claims_blp.response(200, s.ClaimOut)
    def post(self, data, claim_id):
        with request_uow() as uow:
            return claims.view(uow.session, claims.reject(uow, _claim(uow.session, claim_id), _who(),
                                                           data["reason"]))
