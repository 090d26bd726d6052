"""Events produced by the finance service (topic hub.finance).

Defined first: the one governance consumes; the rest are added beside the code that publishes them.
Money is integer pence (F4).
"""
from marshmallow import fields, validate

from .envelope import EventData, event_data


@event_data("finance.decision.requested", 1)
class DecisionRequestedV1(EventData):
    """F1: finance asks the Management Board to agree a budget variation or virement over the threshold."""

    request_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["budget_variation"]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    variation_id = fields.UUID(required=True)
    amount_pence = fields.Integer(required=True, validate=validate.Range(min=0))


# --- Shared-staff time (H4, F3, F4): timesheets, closed periods, recharge invoices -----------------

class TimesheetFields(EventData):
    timesheet_id = fields.UUID(required=True)
    staff_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)  # the employer; None: the consortium
    week_starting = fields.Date(required=True)


@event_data("finance.timesheet.not_submitted", 1)
class TimesheetNotSubmittedV1(EventData):
    """H4: finance's weekly review: a person who logs time had not submitted the week by the Monday after (once a
    week and person); the gateway tells that person (staff_user_id)."""

    staff_id = fields.UUID(required=True)
    staff_user_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    organisation_id = fields.UUID(allow_none=True, load_default=None)  # the employer; None: the consortium
    week_starting = fields.Date(required=True)
    due_on = fields.Date(required=True)
    status = fields.String(allow_none=True, load_default=None)  # draft or rejected; None: no timesheet at all


@event_data("finance.timesheet.submitted", 1)
class TimesheetSubmittedV1(TimesheetFields):
    """H4: a person's week of time is put forward for approval."""

    minutes = fields.Integer(required=True)
    # Who is told it waits (the gateway's notifications): the person's and their line manager's gateway users, if any.
    staff_user_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    line_manager_user_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))


@event_data("finance.timesheet.approved", 1)
class TimesheetApprovedV1(TimesheetFields):
    """H4: a week is approved (costed at the rates in effect, F3) and locked."""

    approved_by = fields.String(required=True)
    minutes = fields.Integer(required=True)
    chargeable_minutes = fields.Integer(required=True)


@event_data("finance.timesheet.rejected", 1)
class TimesheetRejectedV1(TimesheetFields):
    """A week is sent back to the person with the approver's reason."""

    reason = fields.String(required=True)
    rejected_by = fields.String(required=True)


@event_data("finance.period.closed", 1)
class PeriodClosedV1(EventData):
    """The finance officer closed a month: nothing dated in it changes any more."""

    month = fields.Date(required=True)  # the first day of the month
    closed_by = fields.String(required=True)


@event_data("finance.invoice.issued", 1)
class InvoiceIssuedV1(EventData):
    """H4: an employer's recharge invoice (or a credit note against one) to the consortium, numbered gap-free."""

    invoice_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["invoice", "credit_note"]))
    number = fields.String(required=True)
    organisation_id = fields.UUID(required=True)  # the issuer: the employer of the shared staff
    month = fields.Date(required=True)
    issued_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    net_pence = fields.Integer(required=True)  # negative on a credit note
    vat_pence = fields.Integer(required=True)
    total_pence = fields.Integer(required=True)
    credits_invoice_id = fields.UUID(allow_none=True, load_default=None)


@event_data("finance.invoice.paid", 1)
class InvoicePaidV1(EventData):
    """A recharge invoice was paid by the consortium."""

    invoice_id = fields.UUID(required=True)
    number = fields.String(required=True)
    organisation_id = fields.UUID(required=True)
    total_pence = fields.Integer(required=True)
    paid_on = fields.Date(required=True)


# --- Income, subcontractor payments (F2), budgets and variations (F1), attendance claims (G11) -----

@event_data("finance.payment.released", 1)
class PaymentReleasedV1(EventData):
    """F2: a subcontractor's instalment may now be paid: its date came, or (by results) its period's return
    was accepted. Published once per instalment."""

    instalment_id = fields.UUID(required=True)
    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    amount_pence = fields.Integer(required=True, validate=validate.Range(min=0))
    release = fields.String(required=True, validate=validate.OneOf(["on_date", "on_accepted_return"]))
    period_id = fields.UUID(allow_none=True, load_default=None)
    return_id = fields.UUID(allow_none=True, load_default=None)
    released_on = fields.Date(required=True)


class VariationFields(EventData):
    variation_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["variation", "virement"]))
    budget_line_id = fields.UUID(required=True)  # the line changed (a virement's receiving line)
    from_budget_line_id = fields.UUID(allow_none=True, load_default=None)  # a virement's giving line
    change_pence = fields.Integer(required=True)  # to budget_line_id: negative for a reduction
    amount_pence = fields.Integer(required=True, validate=validate.Range(min=0))  # the size, judged by F1
    needs_board = fields.Boolean(required=True)


@event_data("finance.variation.requested", 1)
class VariationRequestedV1(VariationFields):
    """F1: a budget variation or virement is asked for; over the threshold it waits for the Management Board."""

    reason = fields.String(required=True)
    threshold_pence = fields.Integer(required=True)


@event_data("finance.variation.approved", 1)
class VariationApprovedV1(VariationFields):
    """F1: approved, by the finance officer (at or under the threshold: it takes effect now) or by the Management
    Board (over it: it still waits for the accountable body's ratification)."""

    approved_by = fields.String(required=True, validate=validate.OneOf(["finance_officer", "management_board"]))
    takes_effect = fields.Boolean(required=True)


@event_data("finance.variation.rejected", 1)
class VariationRejectedV1(VariationFields):
    """F1: refused by the finance officer, the Management Board or the accountable body; nothing changes."""

    rejected_by = fields.String(required=True,
                                validate=validate.OneOf(["finance_officer", "management_board", "accountable_body"]))
    reason = fields.String(load_default="")


@event_data("finance.variation.ratified", 1)
class VariationRatifiedV1(VariationFields):
    """F1: the accountable body ratified the board's agreement: the budget changes now."""

    ratified_by = fields.String(required=True)


@event_data("finance.claim.created", 1)
class ClaimCreatedV1(EventData):
    """G11: a seat attended a meeting (in person or by deputy, as configured): a claim at the daily rate."""

    claim_id = fields.UUID(required=True)
    meeting_id = fields.UUID(required=True)
    seat_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    person_name = fields.String(required=True)
    meeting_on = fields.Date(required=True)
    daily_rate_pence = fields.Integer(required=True, validate=validate.Range(min=0))
