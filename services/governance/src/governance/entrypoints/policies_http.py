"""The policies register and the yearly governance review (G10)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from hubkit.auth import STAFF, allow
from hubkit.web import get_or_404, request_uow
from hubkit import clock

from ..adapters.orm import Policy
from ..service_layer import policies as use_cases
from . import schemas as s

blp = Blueprint("policies", __name__, url_prefix="/policies", description="The policies register (G10)")
RUNNERS = ("board_member", "consortium_manager")


@blp.route("")
class Policies(MethodView):
    @allow(*STAFF)
    @blp.response(200, s.PolicyRegisterOut)
    def get(self):
        """Every policy, overdue reviews flagged, and whether the yearly governance review is due (G10)."""
        with request_uow() as uow:
            return use_cases.register(uow.session, clock.today())

    @allow(*RUNNERS)
    @blp.arguments(s.PolicyIn)
    @blp.response(201, s.PolicyOut)
    def post(self, policy):
        """Add a policy with its owner, approving decision and review date."""
        with request_uow() as uow:
            return use_cases.add_policy(uow, **policy)


@blp.route("/<policy_id>/review")
class PolicyReview(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.PolicyReviewIn)
    @blp.response(200, s.PolicyOut)
    def post(self, review, policy_id):
        """Record a policy's review and its next review date."""
        with request_uow() as uow:
            policy = get_or_404(uow.session, Policy, policy_id, "policy")
            return use_cases.review_policy(uow, policy, **review)
