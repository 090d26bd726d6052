"""Opportunities pipeline, go/no-go and bids: HTTP resources.

The consortium manager runs the pipeline and the bids; board members and the finance officer read them.
"""
from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from hubkit.auth import allow
from hubkit.paging import paged
from hubkit.read_copies import MemberOrganisationCopySchema
from hubkit.web import accepts_upload, get_or_404, request_uow, stored_file
from hubkit import clock

from ..adapters.bid_tables import Bid, BidPartner, BidTask
from ..adapters.orm import Lot, Opportunity
from ..domain import pipeline as rules
from ..domain.bids import UnacceptableFile
from ..service_layer import bids as bid_cases
from ..service_layer import pipeline as use_cases
from . import pipeline_schemas as s

MANAGES = ("consortium_manager",)
READS = ("consortium_manager", "board_member", "finance_officer")

blp = Blueprint("opportunities", __name__, url_prefix="/opportunities",
                description="The opportunities pipeline and the board's go/no-go")
bids_blp = Blueprint("bids", __name__, url_prefix="/bids", description="Bids: lead, tasks, partners, pricing, "
                                                                       "documents, submission and outcome")


def _detail(uow, opportunity):
    return use_cases.opportunity_view(uow.session, opportunity, clock.today())


@blp.route("")
class Opportunities(MethodView):
    @allow(*READS)
    @blp.arguments(s.OpportunityQuery, location="query")
    @paged(blp, s.OpportunityListedOut, sorts=use_cases.OPPORTUNITY_ORDERS)
    def get(self, query, page):
        """The pipeline, each opportunity with its next deadline, paged in SQL: `sort=deadline` (the default)
        soonest submission deadline first, none last; `sort=title` by title; `sort=value` highest estimated value
        first (of equal value, the latest added first), none last. `stage` filters."""
        with request_uow() as uow:
            return use_cases.list_opportunities(uow.session, query["stage"], clock.today(), page)

    @allow(*MANAGES)
    @blp.arguments(s.OpportunityIn)
    @blp.response(201, s.OpportunityDetailOut)
    def post(self, details):
        """Add an opportunity (stage: identified); key dates must be in order."""
        with request_uow() as uow:
            opportunity = use_cases.create_opportunity(uow, details)
            return _detail(uow, opportunity)


@blp.route("/<opportunity_id>")
class OpportunityById(MethodView):
    @allow(*READS)
    @blp.response(200, s.OpportunityDetailOut)
    def get(self, opportunity_id):
        """An opportunity with its lots, bids, stage history and next deadline."""
        with request_uow() as uow:
            return _detail(uow, get_or_404(uow.session, Opportunity, opportunity_id, "opportunity"))

    @allow(*MANAGES)
    @blp.arguments(s.OpportunityChanges(partial=True))
    @blp.response(200, s.OpportunityDetailOut)
    def patch(self, changes, opportunity_id):
        """Change an open opportunity's details (only the fields sent)."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            use_cases.update_opportunity(uow, opportunity, changes)
            return _detail(uow, opportunity)


@blp.route("/<opportunity_id>/lots")
class Lots(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.LotIn)
    @blp.response(201, s.LotOut)
    def post(self, details, opportunity_id):
        """Add a lot to the opportunity."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            return use_cases.add_lot(uow, opportunity, details)


@blp.route("/<opportunity_id>/lots/<lot_id>")
class LotById(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.LotChanges(partial=True))
    @blp.response(200, s.LotOut)
    def patch(self, changes, opportunity_id, lot_id):
        """Change a lot."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            lot = get_or_404(uow.session, Lot, lot_id, "lot")
            if lot.opportunity_id != opportunity.id:
                abort(404, message="No such lot.")
            return use_cases.update_lot(uow, opportunity, lot, changes)


@blp.route("/<opportunity_id>/stage")
class Stage(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.OpportunityStageIn)
    @blp.response(200, s.OpportunityDetailOut)
    @blp.alt_response(409, description="Not a move the pipeline allows by hand")
    def post(self, move, opportunity_id):
        """Move the opportunity by hand (e.g. to qualifying, or withdraw it); other moves have their own action."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            use_cases.change_stage(uow, opportunity, move["stage"], move["note"])
            return _detail(uow, opportunity)


@blp.route("/<opportunity_id>/go-no-go")
class GoNoGo(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.GoNoGoRequestIn)
    @blp.response(200, s.OpportunityDetailOut)
    def post(self, body, opportunity_id):
        """Ask the board for its go/no-go decision (contracts.decision.requested, kind bid_go_no_go)."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            use_cases.request_go_no_go(uow, opportunity, body["detail"])
            return _detail(uow, opportunity)


@blp.route("/<opportunity_id>/go-no-go/decision")
class GoNoGoDecision(MethodView):
    @allow(*MANAGES)
    @blp.doc(deprecated=True)
    @blp.alt_response(410, description="Always: the go/no-go is the board's decision, recorded in governance")
    def post(self, opportunity_id):
        """Gone: the go/no-go is the board's decision, recorded in governance, not here.

        Nobody records a go/no-go in contracts (issue 12 item 1: a body's decision comes from the body). The
        board decides at a quorate meeting, or by written resolution; its chair or secretary records that in
        governance on the decision request named by the opportunity's go_no_go_request_id (POST
        /governance/decision-requests/{id}/decision), and the decision reaches the opportunity by event. Every
        call answers 410 with problem+json naming that request, and changes nothing.
        """
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            abort(410, message=rules.the_board_decides(opportunity.go_no_go_request_id))


@blp.route("/<opportunity_id>/bids")
class OpportunityBids(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.BidIn)
    @blp.response(201, s.BidDetailOut)
    def post(self, body, opportunity_id):
        """Start the bid for the opportunity, or for one of its lots (one bid each)."""
        with request_uow() as uow:
            opportunity = get_or_404(uow.session, Opportunity, opportunity_id, "opportunity")
            try:
                bid = bid_cases.start_bid(uow, opportunity, body["lot_id"], body["lead_name"],
                                          body["lead_organisation_id"])
            except bid_cases.NoSuchLot:
                abort(422, message="Some fields are missing or invalid: lot_id",
                      errors={"lot_id": ["Not a lot of this opportunity."]})
            return bid_cases.bid_view(uow.session, bid)


# --- bids ------------------------------------------------------------------------------------------

def _bid(uow, bid_id) -> Bid:
    return get_or_404(uow.session, Bid, bid_id, "bid")


def _part_of(uow, model, bid: Bid, ident, what: str):
    row = get_or_404(uow.session, model, ident, what)
    if row.bid_id != bid.id:
        abort(404, message=f"No such {what}.")
    return row


@bids_blp.route("/partner-candidates")
class PartnerCandidates(MethodView):
    @allow(*MANAGES)
    @paged(bids_blp, MemberOrganisationCopySchema)
    def get(self, page):
        """The member organisations a bid accepts as a partner or its lead now (active and eligible for new work),
        by name: what a form offers is judged by the rule that accepts it."""
        with request_uow() as uow:
            return page.select(uow.session, bid_cases.partner_candidates_query(), bid_cases.PARTNER_CANDIDATE_ORDER)


@bids_blp.route("/<bid_id>")
class BidById(MethodView):
    @allow(*READS)
    @bids_blp.response(200, s.BidDetailOut)
    def get(self, bid_id):
        """A bid with its tasks, partners, pricing (the fee and what is left to partners) and documents."""
        with request_uow() as uow:
            return bid_cases.bid_view(uow.session, _bid(uow, bid_id))

    @allow(*MANAGES)
    @bids_blp.arguments(s.BidChanges)
    @bids_blp.response(200, s.BidDetailOut)
    def patch(self, changes, bid_id):
        """Change the bid lead."""
        with request_uow() as uow:
            bid = bid_cases.update_bid(uow, _bid(uow, bid_id), changes)
            return bid_cases.bid_view(uow.session, bid)


@bids_blp.route("/<bid_id>/pricing")
class Pricing(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidPricingIn)
    @bids_blp.response(200, s.BidDetailOut)
    @bids_blp.alt_response(409, description="The partners' shares would exceed the price less the fee")
    def put(self, pricing, bid_id):
        """Set the total price and the hub's management fee (basis points)."""
        with request_uow() as uow:
            bid = bid_cases.set_pricing(uow, _bid(uow, bid_id), pricing["price_pence"],
                                        pricing["management_fee_basis_points"])
            return bid_cases.bid_view(uow.session, bid)


@bids_blp.route("/<bid_id>/tasks")
class Tasks(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidTaskIn)
    @bids_blp.response(201, s.BidTaskOut)
    def post(self, task, bid_id):
        """Add a task with its owner and deadline."""
        with request_uow() as uow:
            return bid_cases.add_task(uow, _bid(uow, bid_id), **task)


@bids_blp.route("/<bid_id>/tasks/<task_id>")
class TaskById(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidTaskChanges)
    @bids_blp.response(200, s.BidTaskOut)
    def patch(self, changes, bid_id, task_id):
        """Change a task, or mark it done (or not done)."""
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            return bid_cases.update_task(uow, bid, _part_of(uow, BidTask, bid, task_id, "task"), changes)


@bids_blp.route("/<bid_id>/partners")
class Partners(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidPartnerIn)
    @bids_blp.response(201, s.BidPartnerOut)
    @bids_blp.alt_response(409, description="Not an active member, already a partner, or shares over the limit")
    def post(self, partner, bid_id):
        """Propose an active member organisation as a delivery partner with its share (pence) and outputs."""
        with request_uow() as uow:
            return bid_cases.add_partner(uow, _bid(uow, bid_id), **partner)


@bids_blp.route("/<bid_id>/partners/<partner_id>")
class PartnerById(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidPartnerChanges)
    @bids_blp.response(200, s.BidPartnerOut)
    def patch(self, changes, bid_id, partner_id):
        """Change a partner's share or outputs."""
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            return bid_cases.update_partner(uow, bid, _part_of(uow, BidPartner, bid, partner_id, "partner"), changes)

    @allow(*MANAGES)
    @bids_blp.response(204)
    def delete(self, bid_id, partner_id):
        """Take a partner off the bid."""
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            bid_cases.remove_partner(uow, bid, _part_of(uow, BidPartner, bid, partner_id, "partner"))


@bids_blp.route("/<bid_id>/documents")
class Documents(MethodView):
    @allow(*MANAGES)
    @accepts_upload
    @bids_blp.arguments(s.BidDocumentForm, location="form")
    @bids_blp.arguments(s.BidDocumentFile, location="files")
    @bids_blp.response(201, s.BidDocumentOut)
    @bids_blp.alt_response(413, description="Larger than HUB_MAX_UPLOAD_BYTES")
    @bids_blp.alt_response(415, description="Not a PDF, office document, PNG or JPEG")
    def post(self, form, files, bid_id):
        """Upload a bid document (multipart/form-data: file, kind); nothing is kept if it is refused."""
        upload = files["file"]
        content = upload.read()
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            try:
                return bid_cases.upload_document(uow, bid, form["kind"], upload.filename or "document", content)
            except UnacceptableFile as exc:
                abort(415, message=str(exc))


@bids_blp.route("/<bid_id>/documents/<document_id>/content")
class DocumentContent(MethodView):
    @allow(*READS)
    @bids_blp.response(200, description="The file, as uploaded")
    def get(self, bid_id, document_id):
        """Download a bid document."""
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            try:
                document = bid_cases.document_with_content(uow.session, bid, uuid.UUID(document_id))
            except ValueError:
                document = None
            if document is None:
                abort(404, message="No such document.")
            return stored_file(document.content, document.content_type, document.filename, document.sha256)


@bids_blp.route("/<bid_id>/submission")
class Submission(MethodView):
    @allow(*MANAGES)
    @bids_blp.response(200, s.BidDetailOut)
    @bids_blp.alt_response(409, description="Not ready, not decided to bid, or already submitted")
    def post(self, bid_id):
        """Submit the bid: the opportunity moves to submitted and contracts.bid.submitted is published."""
        with request_uow() as uow:
            bid = bid_cases.submit_bid(uow, _bid(uow, bid_id))
            return bid_cases.bid_view(uow.session, bid)


@bids_blp.route("/<bid_id>/outcome")
class Outcome(MethodView):
    @allow(*MANAGES)
    @bids_blp.arguments(s.BidOutcomeIn)
    @bids_blp.response(200, s.BidDetailOut)
    def post(self, body, bid_id):
        """Record the commissioner's outcome (won or lost) with its scores and feedback."""
        with request_uow() as uow:
            bid = _bid(uow, bid_id)
            bid_cases.record_outcome(uow, bid, body["outcome"], body["scores"], body["feedback"])
            return bid_cases.bid_view(uow.session, bid)


# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = [blp, bids_blp]
