"""Membership's summary for the caller's home page (issue 14 item 1)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hubkit import clock
from hubkit.auth import STAFF, allow
from hubkit.summaries import SectionOut
from hubkit.web import request_uow

from ..service_layer import summary as use_cases

blp = Blueprint("summary", __name__, url_prefix="/summary",
                description="What needs the caller in membership, counted, with the first few (issue 14)")


class ExpiringSectionOut(SectionOut):
    """Evidence expiring within M1's warning thresholds: `count` is `within_30` and `expired` together."""

    within_30 = fields.Integer(required=True)
    within_7 = fields.Integer(required=True)
    today = fields.Integer(required=True)
    expired = fields.Integer(required=True)


class MembershipSummaryOut(Schema):
    today = fields.Date(required=True)
    evidence_expiring = fields.Nested(ExpiringSectionOut, required=True)


@blp.route("")
class Summary(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, MembershipSummaryOut)
    def get(self):
        """Due-diligence evidence expiring within 30, 7 and 0 days or expired (M1), counted, with the soonest
        five (expired first) naming their organisation: the consortium's for staff, the caller's own
        organisation's for member staff."""
        with request_uow() as uow:
            return use_cases.summary(uow.session, clock.today())
