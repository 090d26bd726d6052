"""Contracts' summary for the caller's home page (issue 14 item 1)."""
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
                description="What needs the caller in contracts, counted, with the first few (issue 14)")


class ReturnsDueOut(SectionOut):
    """Returns not sent yet: `count` is `overdue` and `due` (within 14 days) together. Each item is a period
    (its id), the subcontract it is owed under (`parent_id`) and the day it is due."""

    overdue = fields.Integer(required=True)
    due = fields.Integer(required=True)


class ContractsSummaryOut(Schema):
    """Only the sections for the caller's roles are present: the consortium manager's (returns to review,
    pipeline deadlines, rounds waiting) and member staff's (returns due, returns queried, invitations)."""

    today = fields.Date(required=True)
    returns_to_review = fields.Nested(SectionOut, metadata={"description": "Returns submitted, oldest first"})
    pipeline_deadlines = fields.Nested(SectionOut, metadata={
        "description": "Open opportunities whose next deadline is in the next 14 days (`about` names it)"})
    rounds_waiting = fields.Nested(SectionOut, metadata={
        "description": "Undecided allocation rounds; `about` is the step each waits on, `due_on` its date"})
    returns_due = fields.Nested(ReturnsDueOut)
    returns_queried = fields.Nested(SectionOut, metadata={
        "description": "Returns the hub queried, to send again (`parent_id` is the subcontract)"})
    invitations = fields.Nested(SectionOut, metadata={
        "description": "Rounds open for expressions of interest the organisation is invited to and has not "
                       "answered, with their closing date"})


@blp.route("")
class Summary(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, ContractsSummaryOut)
    def get(self):
        """What needs the caller, each a count and the first five: for the consortium manager, returns to review,
        pipeline deadlines in the next 14 days and allocation rounds waiting on a step; for member staff, their
        organisation's returns due within 14 days or overdue, returns queried and open invitations (P1, C1)."""
        with request_uow() as uow:
            return use_cases.summary(uow.session, clock.today())
