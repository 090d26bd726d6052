"""Finance's summary for the caller's home page (issue 14 item 1)."""
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
                description="What needs the caller in finance, counted, with the first few (issue 14)")


class InvoicesToRaiseOut(SectionOut):
    """Employers (each item's id and name) with approved chargeable time of `month` not yet invoiced (H4), and how
    many recharge drafts wait to be issued."""

    month = fields.Date(required=True, metadata={"description": "The first day of last month"})
    drafts = fields.Integer(required=True)


class PaymentsDueOut(SectionOut):
    amount_pence = fields.Integer(required=True, metadata={"description": "What they come to together"})


class FinanceSummaryOut(Schema):
    """Only the sections for the caller are present."""

    today = fields.Date(required=True)
    timesheets_to_approve = fields.Nested(SectionOut, metadata={
        "description": "Submitted weeks the caller may approve (the finance officer: all but their own; a "
                       "consortium manager: their reports'); each item's title is the person, due_on the week's "
                       "Monday"})
    invoices_to_raise = fields.Nested(InvoicesToRaiseOut)
    variations_waiting = fields.Nested(SectionOut, metadata={
        "description": "Budget variations waiting for the finance officer's approval or ratification (F1): the "
                       "line's title, what it waits for, the change in pence"})
    payments_due = fields.Nested(PaymentsDueOut, metadata={
        "description": "Instalments released, or due by date within 14 days: payee, due day, amount"})
    my_week = fields.Nested(SectionOut, metadata={
        "description": "The caller's weeks (this and last) not submitted yet; due_on is the week's Monday, "
                       "parent_id the staff record; absent for one who logs no time"})


@blp.route("")
class Summary(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, FinanceSummaryOut)
    def get(self):
        """What needs the caller, each a count and the first five: timesheets awaiting their approval; for the
        finance officer, last month's recharges to raise, variations waiting (F1) and payments due; for anyone
        who logs time, their weeks not yet submitted."""
        with request_uow() as uow:
            return use_cases.summary(uow.session, clock.today())
