"""Governance's summary for the caller's home page (issue 14 item 1)."""
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
                description="What needs the caller in governance, counted, with the first few (issue 14)")


class GovernanceSummaryOut(Schema):
    """Only the sections for the caller are present: decisions awaiting a body for the consortium manager and
    board members; the rest for whoever holds a current seat (named by their hub username)."""

    today = fields.Date(required=True)
    decisions_awaiting = fields.Nested(SectionOut, metadata={
        "description": "Decision requests no body has decided yet, oldest first (due_on: the day asked)"})
    meetings = fields.Nested(SectionOut, metadata={
        "description": "Meetings to come of the bodies the caller sits on (due_on: the day; about: the body)"})
    next_meeting_papers = fields.Nested(SectionOut, metadata={
        "description": "The next meeting's papers (parent_id: the meeting)"})
    declarations_owed = fields.Nested(SectionOut, metadata={
        "description": "G12: agenda items of meetings to come about the caller's own organisation, not yet "
                       "declared on (parent_id: the meeting)"})
    votes_open = fields.Nested(SectionOut, metadata={
        "description": "Open motions of meetings under way (parent_id: the meeting) and written resolutions before "
                       "their deadline (due_on), not yet answered by the caller's seat"})


@blp.route("")
class Summary(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, GovernanceSummaryOut)
    def get(self):
        """What needs the caller, each a count and the first five: decisions awaiting a body; and for a seat
        holder, their meetings to come with the next one's papers, declarations they owe (G12) and votes open
        to them."""
        with request_uow() as uow:
            return use_cases.summary(uow.session, clock.today())
