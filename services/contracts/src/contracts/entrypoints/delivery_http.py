"""Contracts, subcontracts and variations (F2, H5), and performance (P1): HTTP resources.

The consortium manager sets up contracts, issues and varies subcontracts and reviews returns; board members and
the finance officer read; a member organisation's staff see only their own organisation's subcontracts (others
answer 404) and submit its returns.
"""
from __future__ import annotations

import json
from decimal import Decimal

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from hubkit import clock
from hubkit.auth import allow, current_principal
from hubkit.paging import PAGE_HEADERS_DOC, Page, paged
from hubkit.web import accepts_upload, get_or_404, request_uow, stored_file

from ..adapters.contract_tables import Contract, ImprovementPlan, PerformanceReturn, ReturnEvidence, Subcontract
from hubkit.uploads import UnacceptableFile
from ..service_layer import contracts as cases
from ..service_layer import performance as perf
from ..service_layer import dashboard, reports, returns_due
from ..domain import returns_due as returns_due_rules
from . import dashboard_schemas as ds
from . import delivery_schemas as s

MANAGES = ("consortium_manager",)
READS = ("consortium_manager", "board_member", "finance_officer")
MEMBER = ("member_user",)

contracts_blp = Blueprint("contracts", __name__, url_prefix="/contracts",
                          description="Head contracts: indicators, periods, targets, subcontracts, reports (P1, F2, H5)")
subcontracts_blp = Blueprint("subcontracts", __name__, url_prefix="/subcontracts",
                             description="Subcontracts to members, variations, returns and improvement plans")
returns_blp = Blueprint("returns", __name__, url_prefix="/returns", description="Performance returns and their review")
plans_blp = Blueprint("improvement_plans", __name__, url_prefix="/improvement-plans",
                      description="Improvement plans for subcontracts rated red")


def _actor() -> str:
    return f"user:{current_principal().user_id}"


def _contract(uow, contract_id) -> Contract:
    return get_or_404(uow.session, Contract, contract_id, "contract")


@contracts_blp.route("")
class Contracts(MethodView):
    @allow(*READS)
    @paged(contracts_blp, s.ContractOut)
    def get(self, page):
        """Every head contract, latest start first."""
        with request_uow() as uow:
            return page.select(uow.session, cases.contracts_query(), cases.CONTRACT_ORDER)

    @allow(*MANAGES)
    @contracts_blp.arguments(s.ContractIn)
    @contracts_blp.response(201, s.ContractDetailOut)
    def post(self, details):
        """Record a head contract won from the commissioner (contracts.contract.awarded); its reporting periods are
        generated from its dates (quarterly unless told), each return due `return_due_days` after the period."""
        with request_uow() as uow:
            contract = cases.award_contract(uow, details)
            return cases.contract_view(uow.session, contract)


@contracts_blp.route("/<contract_id>")
class ContractById(MethodView):
    @allow(*READS)
    @contracts_blp.response(200, s.ContractDetailOut)
    def get(self, contract_id):
        """A contract with indicators, periods, targets, subcontracts, the fee and H5's state."""
        with request_uow() as uow:
            return cases.contract_view(uow.session, _contract(uow, contract_id))


@contracts_blp.route("/<contract_id>/indicators")
class Indicators(MethodView):
    @allow(*MANAGES)
    @contracts_blp.arguments(s.IndicatorIn)
    @contracts_blp.response(201, s.IndicatorOut)
    def post(self, details, contract_id):
        """Add an output or outcome indicator (codes are unique per contract)."""
        with request_uow() as uow:
            return cases.add_indicator(uow, _contract(uow, contract_id), details)


@contracts_blp.route("/<contract_id>/targets")
class Targets(MethodView):
    @allow(*MANAGES)
    @contracts_blp.arguments(s.TargetsIn)
    @contracts_blp.response(200, s.ContractDetailOut)
    def put(self, body, contract_id):
        """Set targets per indicator (id or code) and period (id or number); others are kept."""
        with request_uow() as uow:
            contract = _contract(uow, contract_id)
            cases.set_targets(uow, contract, body["targets"])
            return cases.contract_view(uow.session, contract)


@contracts_blp.route("/<contract_id>/rag-thresholds")
class Thresholds(MethodView):
    @allow(*MANAGES)
    @contracts_blp.arguments(s.ThresholdsIn)
    @contracts_blp.response(200, s.ContractOut)
    def put(self, body, contract_id):
        """Set the contract's RAG thresholds: percentages of profile for green and amber (P1)."""
        with request_uow() as uow:
            return cases.set_thresholds(uow, _contract(uow, contract_id), body["green_percent"],
                                        body["amber_percent"])


@contracts_blp.route("/<contract_id>/go-live")
class GoLive(MethodView):
    @allow(*MANAGES)
    @contracts_blp.response(200, s.ContractDetailOut)
    @contracts_blp.alt_response(409, description="Already live, or (H5) a virtual hub without a management subcontract")
    def post(self, contract_id):
        """Mark the contract live; in a virtual hub its management must first be subcontracted to a member (H5)."""
        with request_uow() as uow:
            contract = cases.go_live(uow, _contract(uow, contract_id))
            return cases.contract_view(uow.session, contract)


@contracts_blp.route("/<contract_id>/subcontracts")
class ContractSubcontracts(MethodView):
    @allow(*MANAGES)
    @contracts_blp.arguments(s.SubcontractIn)
    @contracts_blp.response(201, s.SubcontractDetailOut)
    @contracts_blp.alt_response(409, description="F2: over the contract's value less the fee; or not an active member")
    def post(self, details, contract_id):
        """Issue a subcontract to an active member with its shares of the targets and payment schedule (F2)."""
        with request_uow() as uow:
            contract = _contract(uow, contract_id)
            subcontract = cases.issue_subcontract(uow, contract, details)
            return perf.subcontract_view(uow.session, subcontract)


@contracts_blp.route("/<contract_id>/rollup")
class Rollup(MethodView):
    @allow(*READS)
    @paged(contracts_blp, s.RollupRowOut)
    def get(self, contract_id, page):
        """All subcontracts' accepted actuals added up per indicator and period, against the contract's targets
        (by indicator, then period)."""
        with request_uow() as uow:
            return page.in_given_order(perf.rollup(uow.session, _contract(uow, contract_id)))


@contracts_blp.route("/<contract_id>/dashboard")
class Dashboard(MethodView):
    @allow(*READS)
    @contracts_blp.arguments(ds.DashboardQuery, location="query")
    @contracts_blp.response(200, s.DashboardOut, headers=PAGE_HEADERS_DOC)
    def get(self, query, contract_id):
        """RAG of each delivery subcontract by indicator and period, with overall RAG and trends (P1), a page of
        subcontracts at a time by name (issue 16: a big contract's whole dashboard was thousands of cells in one
        answer), optionally of one overall RAG; each cell spelt out (`/dashboard/matrix` gives the same page as
        matrices); the pages around are named in the headers (hubkit.paging)."""
        page = Page(query["limit"], query["cursor"])
        with request_uow() as uow:
            contract = _contract(uow, contract_id)
            found = perf.dashboard(uow.session, contract,
                                   dashboard.delivery_page(uow.session, contract, page, query["overall"]))
        return found, page.headers()


@contracts_blp.route("/<contract_id>/dashboard/matrix")
class DashboardMatrix(MethodView):
    @allow(*READS)
    @contracts_blp.arguments(ds.DashboardQuery, location="query")
    @contracts_blp.response(200, ds.DashboardMatrixOut, headers=PAGE_HEADERS_DOC)
    def get(self, query, contract_id):
        """The RAG dashboard a page of delivery subcontracts at a time, by name, optionally of one overall RAG
        (P1): the indicators and periods listed once, and each subcontract's RAG codes, shares, actuals and
        percentages of profile as matrices (indicator by period), with each period's return state and overall
        RAG and each indicator's trend. The same figures as `/dashboard`, which spells each cell out; the pages
        around are named in the headers (hubkit.paging)."""
        page = Page(query["limit"], query["cursor"])
        with request_uow() as uow:
            found = dashboard.dashboard_page(uow.session, _contract(uow, contract_id), page, query["overall"])
        return found, page.headers()


@contracts_blp.route("/<contract_id>/report")
class Report(MethodView):
    @allow(*READS)
    @contracts_blp.arguments(s.ReportQuery, location="query")
    @contracts_blp.response(200, s.ReportOut)
    def get(self, query, contract_id):
        """The commissioner's report for a range of periods (by number): targets, actuals, RAG, highlights."""
        with request_uow() as uow:
            return reports.commissioner_report(uow.session, _contract(uow, contract_id), query["from_period"],
                                               query["to_period"])


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@contracts_blp.route("/<contract_id>/ocds")
class Ocds(MethodView):
    @allow(*READS)
    @contracts_blp.response(200, description="An OCDS 1.1 release package (application/json)")
    def get(self, contract_id):
        """The contract as an Open Contracting Data Standard 1.1 release package: tender, award, contract and
        implementation (planned income as transactions, reporting periods as milestones)."""
        with request_uow() as uow:
            package = reports.ocds_package(uow.session, _contract(uow, contract_id),
                                           request.args.get("publisher") or "Consortium hub", request.url)
        return Response(json.dumps(package, default=_number), mimetype="application/json")


# --- subcontracts ----------------------------------------------------------------------------------

def _subcontract(uow, subcontract_id) -> Subcontract:
    return get_or_404(uow.session, Subcontract, subcontract_id, "subcontract")


@subcontracts_blp.route("")
class Subcontracts(MethodView):
    @allow(*READS, *MEMBER)
    @paged(subcontracts_blp, s.SubcontractOut)
    def get(self, page):
        """Subcontracts, latest issued first (member staff: their own organisation's only)."""
        with request_uow() as uow:
            return page.select(uow.session, select(Subcontract), cases.SUBCONTRACTS_LATEST)


@subcontracts_blp.route("/<subcontract_id>")
class SubcontractById(MethodView):
    @allow(*READS, *MEMBER)
    @subcontracts_blp.response(200, s.SubcontractDetailOut)
    def get(self, subcontract_id):
        """A subcontract: shares of the targets, payment schedule, variations, returns with RAG, plans."""
        with request_uow() as uow:
            return perf.subcontract_view(uow.session, _subcontract(uow, subcontract_id))


@subcontracts_blp.route("/<subcontract_id>/variations")
class Variations(MethodView):
    @allow(*MANAGES)
    @subcontracts_blp.arguments(s.VariationIn)
    @subcontracts_blp.response(201, s.SubcontractDetailOut)
    @subcontracts_blp.alt_response(409, description="F2: over the contract's value less the fee, or no change")
    def post(self, changes, subcontract_id):
        """Vary the subcontract (value, dates, shares, schedule) with a reason; history is kept (subcontract.varied)."""
        with request_uow() as uow:
            subcontract = _subcontract(uow, subcontract_id)
            cases.vary_subcontract(uow, _contract(uow, subcontract.contract_id), subcontract, changes)
            return perf.subcontract_view(uow.session, subcontract)


@subcontracts_blp.route("/<subcontract_id>/returns")
class SubcontractReturns(MethodView):
    @allow(*MEMBER)
    @subcontracts_blp.arguments(s.ReturnIn)
    @subcontracts_blp.response(201, s.ReturnDetailOut)
    @subcontracts_blp.alt_response(409, description="A return for that period already exists, or the period has not "
                                                    "ended and confirm_early was not given")
    def post(self, body, subcontract_id):
        """P1: submit the organisation's return for a period: an actual (zero or more) per indicator, narrative;
        for a period still running, only with confirm_early (409 with the warning otherwise)."""
        with request_uow() as uow:
            subcontract = _subcontract(uow, subcontract_id)
            ret = perf.submit_return(uow, subcontract, body["period_id"], body["actuals"], body["narrative"],
                                     _actor(), body["confirm_early"])
            return perf.return_view(uow.session, ret)


@subcontracts_blp.route("/<subcontract_id>/improvement-plans")
class SubcontractPlans(MethodView):
    @allow(*MANAGES)
    @subcontracts_blp.arguments(s.PlanIn)
    @subcontracts_blp.response(201, s.PlanOut)
    @subcontracts_blp.alt_response(409, description="Not rated red, or a plan is already open")
    def post(self, body, subcontract_id):
        """Open an improvement plan for a subcontract rated red (contracts.improvement_plan.opened)."""
        with request_uow() as uow:
            return perf.open_plan(uow, _subcontract(uow, subcontract_id), body["reason"], body["actions"],
                                  body["review_on"], _actor())


# --- returns -----------------------------------------------------------------------------------------

def _return(uow, return_id) -> PerformanceReturn:
    return get_or_404(uow.session, PerformanceReturn, return_id, "return")


@returns_blp.route("")
class Returns(MethodView):
    @allow(*READS, *MEMBER)
    @returns_blp.arguments(s.ReturnsQuery, location="query")
    @paged(returns_blp, s.ReturnDetailOut, sorts=perf.RETURN_ORDERS)
    def get(self, query, page):
        """Returns by when submitted, oldest first (`sort=newest`: newest first); `status=submitted` gives those to
        review (member staff: their own only)."""
        with request_uow() as uow:
            return perf.list_returns(uow.session, query["status"], page)


@returns_blp.route("/due")
class ReturnsDue(MethodView):
    @allow(*READS, *MEMBER)
    @returns_blp.arguments(s.ReturnsDueQuery, location="query")
    @paged(returns_blp, s.ReturnDueOut)
    def get(self, query, page):
        """P1: the returns owed and not sent, by due date, between due_from and due_until (without them, those
        overdue for up to 28 days or due within 7); member staff: their own organisation's only. Paged in SQL."""
        today = clock.today()
        due_from, due_until = ((query["due_from"], query["due_until"]) if query["due_from"]
                               else returns_due_rules.review_window(today))
        with request_uow() as uow:
            rows = page.select(uow.session, returns_due.due_between(due_from, due_until), returns_due.ORDER)
            return [returns_due.as_owed(row, today) for row in rows]


@returns_blp.route("/<return_id>")
class ReturnById(MethodView):
    @allow(*READS, *MEMBER)
    @returns_blp.response(200, s.ReturnDetailOut)
    def get(self, return_id):
        """A return with its lines against the shares of target, RAG, evidence and history."""
        with request_uow() as uow:
            return perf.return_view(uow.session, _return(uow, return_id))


@returns_blp.route("/<return_id>/resubmission")
class Resubmission(MethodView):
    @allow(*MEMBER)
    @returns_blp.arguments(s.ResubmissionIn)
    @returns_blp.response(200, s.ReturnDetailOut)
    @returns_blp.alt_response(409, description="Only a queried return can be submitted again")
    def post(self, body, return_id):
        """Answer the hub's query: submit the return again with corrected actuals and narrative."""
        with request_uow() as uow:
            ret = _return(uow, return_id)
            perf.resubmit_return(uow, ret, body["actuals"], body["narrative"], _actor())
            return perf.return_view(uow.session, ret)


@returns_blp.route("/<return_id>/review")
class Review(MethodView):
    @allow(*MANAGES)
    @returns_blp.arguments(s.ReviewIn)
    @returns_blp.response(200, s.ReturnDetailOut)
    @returns_blp.alt_response(409, description="Not waiting for review")
    def post(self, body, return_id):
        """Accept the return (contracts.return.accepted; RAG updated) or query it with a comment (return.queried)."""
        with request_uow() as uow:
            ret = _return(uow, return_id)
            perf.review_return(uow, ret, body["decision"], body["comment"], _actor())
            return perf.return_view(uow.session, ret)


@returns_blp.route("/<return_id>/evidence")
class Evidence(MethodView):
    @allow(*MEMBER, *MANAGES)
    @accepts_upload
    @returns_blp.arguments(s.EvidenceFile, location="files")
    @returns_blp.response(201, s.EvidenceOut)
    @returns_blp.alt_response(413, description="Larger than HUB_MAX_UPLOAD_BYTES")
    @returns_blp.alt_response(415, description="Not a PDF, office document, PNG or JPEG")
    def post(self, files, return_id):
        """Upload a file of evidence for the return (multipart/form-data: file)."""
        upload = files["file"]
        content = upload.read()
        with request_uow() as uow:
            ret = _return(uow, return_id)
            try:
                return perf.add_evidence(uow, ret, upload.filename or "evidence", content, _actor())
            except UnacceptableFile as exc:
                abort(415, message=str(exc))


@returns_blp.route("/<return_id>/evidence/<evidence_id>/content")
class EvidenceContent(MethodView):
    @allow(*READS, *MEMBER)
    @returns_blp.response(200, description="The file, as uploaded")
    def get(self, return_id, evidence_id):
        """Download a file of evidence."""
        with request_uow() as uow:
            ret = _return(uow, return_id)
            evidence = get_or_404(uow.session, ReturnEvidence, evidence_id, "evidence")
            if evidence.return_id != ret.id:
                abort(404, message="No such evidence.")
            return stored_file(evidence.content, evidence.content_type, evidence.filename, evidence.sha256)


# --- improvement plans -----------------------------------------------------------------------------

def _plan(uow, plan_id) -> ImprovementPlan:
    return get_or_404(uow.session, ImprovementPlan, plan_id, "improvement plan")


@plans_blp.route("/<plan_id>")
class PlanById(MethodView):
    @allow(*READS, *MEMBER)
    @plans_blp.response(200, s.PlanOut)
    def get(self, plan_id):
        with request_uow() as uow:
            return _plan(uow, plan_id)


@plans_blp.route("/<plan_id>/reviews")
class PlanReviews(MethodView):
    @allow(*MANAGES)
    @plans_blp.arguments(s.PlanReviewIn)
    @plans_blp.response(200, s.PlanOut)
    def post(self, body, plan_id):
        """Record a review: a note, the actions as they stand, the next review date."""
        with request_uow() as uow:
            return perf.review_plan(uow, _plan(uow, plan_id), body["note"], body["next_review_on"], body["actions"],
                                    _actor())


@plans_blp.route("/<plan_id>/close")
class PlanClose(MethodView):
    @allow(*MANAGES)
    @plans_blp.arguments(s.PlanCloseIn)
    @plans_blp.response(200, s.PlanOut)
    def post(self, body, plan_id):
        """Close the plan (contracts.improvement_plan.closed)."""
        with request_uow() as uow:
            plan = _plan(uow, plan_id)
            return perf.close_plan(uow, plan, _subcontract(uow, plan.subcontract_id), body["note"], _actor())


# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = [contracts_blp, subcontracts_blp, returns_blp, plans_blp]
