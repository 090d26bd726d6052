"""Governance's HTTP resources."""
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from hubkit.auth import SEES_GOVERNANCE, allow, current_principal
from hubkit.paging import Order, desc, paged
from hubkit.web import get_or_404, request_uow

from ..adapters.orm import DecisionRequest
from ..service_layer import decisions as use_cases
from .schemas import DecisionIn, DecisionRequestOut

# Decision requests are the board's business (README's roles table): the manager and the board read them
# (hubkit.auth.SEES_GOVERNANCE), as the gateway's decisions page; a requester hears the outcome by event.
blp = Blueprint("decision-requests", __name__, url_prefix="/decision-requests",
                description="Requests for decisions from the other services")


@blp.route("")
class DecisionRequests(MethodView):
    @allow(*SEES_GOVERNANCE)
    @paged(blp, DecisionRequestOut)
    def get(self, page):
        """Requests for decisions, newest first."""
        with request_uow() as uow:
            return page.select(uow.session, select(DecisionRequest),
                               Order(desc(DecisionRequest.requested_at), desc(DecisionRequest.id)))


@blp.route("/<request_id>")
class DecisionRequestById(MethodView):
    @allow(*SEES_GOVERNANCE)
    @blp.response(200, DecisionRequestOut)
    def get(self, request_id):
        """One request."""
        with request_uow() as uow:
            return get_or_404(uow.session, DecisionRequest, request_id, "decision request")


@blp.route("/<request_id>/decision")
class Decision(MethodView):
    @allow("board_member", "consortium_manager")
    @blp.arguments(DecisionIn)
    @blp.response(200, DecisionRequestOut)
    def post(self, body, request_id):
        """Record a decision the deciding body took at a meeting (`meeting_id`, quorate and over) or by written
        resolution (`written_resolution_id`, closed): only its chair or secretary (a seat held by the caller's
        account, 403 otherwise), never an expulsion (G5, voted at the meeting); published to the requester."""
        with request_uow() as uow:
            request = get_or_404(uow.session, DecisionRequest, request_id, "decision request")
            return use_cases.record_decision(uow, request, body["outcome"], body["note"],
                                             current_principal().username, body["meeting_id"],
                                             body["written_resolution_id"])
