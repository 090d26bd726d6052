"""Marshmallow schemas for income, payments, budgets, variations and claims: money in integer pence (F4)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hubkit.fields import Year

from ..domain import budgets as budget_rules
from ..domain import claims as claim_rules
from ..domain import money as money_rules

Pence = fields.Integer  # never a float (F4)


def _pence(**kwargs):
    """Integer pence; 12.5 or "12.50" are refused (strict), never silently rounded."""
    return Pence(strict=True, **kwargs)


class StrictSchema(Schema):
    class Meta:
        ordered = True


# --- settings ----------------------------------------------------------------------------------------

class SettingsOut(Schema):
    variation_threshold_pence = Pence()
    variation_threshold_owner = fields.String(metadata={"description": "who alone moves F1's threshold: "
                                                                       "finance_officer or host_admin"})
    claim_daily_rate_pence = Pence()
    deputy_may_claim = fields.Boolean()
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class SettingsIn(StrictSchema):
    variation_threshold_pence = _pence(validate=validate.Range(min=0, max=10**12))
    claim_daily_rate_pence = _pence(validate=validate.Range(min=0, max=10**9))
    deputy_may_claim = fields.Boolean()


class ThresholdOut(Schema):
    variation_threshold_pence = Pence()
    variation_threshold_owner = fields.String()
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class ThresholdIn(StrictSchema):
    """F1's threshold's owner (the host admin chooses) and, from its owner, the threshold."""

    variation_threshold_owner = fields.String(validate=validate.OneOf(budget_rules.THRESHOLD_OWNERS))
    variation_threshold_pence = _pence(validate=validate.Range(min=0, max=10**12))


# --- income ------------------------------------------------------------------------------------------

class IncomeInstalmentOut(Schema):
    id = fields.UUID()
    position = fields.Integer()
    due_on = fields.Date()
    amount_pence = Pence()
    fee_pence = Pence()
    received_on = fields.Date(allow_none=True)
    received_by = fields.String(allow_none=True)


class ContractIncomeOut(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    title = fields.String()
    commissioner_name = fields.String()
    value_pence = Pence()
    fee_basis_points = fields.Integer()
    fee_pence = Pence()
    starts_on = fields.Date()
    ends_on = fields.Date()
    payment_terms = fields.String()
    scheduled_pence = Pence()
    received_pence = Pence()
    instalments = fields.List(fields.Nested(IncomeInstalmentOut))


class ReceivedIn(StrictSchema):
    received_on = fields.Date(required=True)


# --- payees and payments -----------------------------------------------------------------------------

class PayeeOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    name = fields.String()
    sort_code = fields.String()
    account_number = fields.String()
    details_confirmed = fields.Boolean()
    updated_by = fields.String(allow_none=True)


class PayeeIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sort_code = fields.String(required=True, validate=validate.Regexp(money_rules.SORT_CODE,
                                                                      error="Give the sort code as 12-34-56."))
    account_number = fields.String(required=True, validate=validate.Regexp(
        money_rules.ACCOUNT_NUMBER, error="Give the account number as 8 digits."))


class InstalmentOut(Schema):
    id = fields.UUID()
    instalment_id = fields.UUID()
    subcontract_id = fields.UUID()
    contract_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String(allow_none=True)
    due_on = fields.Date()
    amount_pence = Pence()
    release = fields.String()
    period_id = fields.UUID(allow_none=True)
    period_label = fields.String(allow_none=True)
    status = fields.String()
    reason = fields.String()
    released_on = fields.Date(allow_none=True)
    released_by_return_id = fields.UUID(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    run_id = fields.UUID(allow_none=True)
    run_number = fields.Integer(allow_none=True)


class SubcontractOut(Schema):
    id = fields.UUID()
    subcontract_id = fields.UUID()
    contract_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    purpose = fields.String()
    value_pence = Pence()
    starts_on = fields.Date()
    ends_on = fields.Date()
    last_variation_id = fields.UUID(allow_none=True)
    scheduled_pence = Pence()
    paid_pence = Pence()
    held_pence = Pence()
    instalments = fields.List(fields.Nested(InstalmentOut))


class InstalmentArgs(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        [money_rules.SCHEDULED, money_rules.HELD, money_rules.RELEASED, money_rules.IN_RUN, money_rules.PAID,
         money_rules.WITHDRAWN]))


class ReleasedOut(Schema):
    released = fields.Integer()


class RunItemOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    payment_instalment_id = fields.UUID(allow_none=True)
    claim_id = fields.UUID(allow_none=True)
    organisation_id = fields.UUID(allow_none=True)
    payee_name = fields.String()
    sort_code = fields.String()
    account_number = fields.String()
    amount_pence = Pence()
    reference = fields.String()
    description = fields.String()


class RunOut(Schema):
    id = fields.UUID()
    number = fields.Integer()
    status = fields.String()
    total_pence = Pence()
    pay_on = fields.Date()
    created_by = fields.String()
    created_at = fields.DateTime()
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    paid_by = fields.String(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(RunItemOut))


class RunIn(StrictSchema):
    instalment_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500))
    claim_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500))
    pay_on = fields.Date(required=True)


class RunPaidIn(StrictSchema):
    paid_on = fields.Date(required=True)


class ExportArgs(StrictSchema):
    format = fields.String(load_default="bank", validate=validate.OneOf(["bank", "xero_bills"]))


class ExportOut(Schema):
    filename = fields.String()
    header = fields.List(fields.String())
    rows = fields.List(fields.List(fields.String()))
    total_pence = Pence()


class OverviewOut(Schema):
    income_due_pence = Pence()
    income_received_pence = Pence()
    fee_pence = Pence()
    payments = fields.Dict(keys=fields.String(), values=fields.Dict())
    claims = fields.Dict(keys=fields.String(), values=fields.Dict())
    pending_variations = fields.Integer()
    pending_variations_pence = Pence()


# --- budgets and variations --------------------------------------------------------------------------

class BudgetIn(StrictSchema):
    year = Year(2000, 2100, required=True, strict=True)
    title = fields.String(load_default=None, validate=validate.Length(min=1, max=200))


class LineIn(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(budget_rules.LINE_KINDS))
    category = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(budget_rules.CATEGORIES))
    amount_pence = _pence(load_default=0, validate=validate.Range(min=0, max=10**12))


class LinePatch(StrictSchema):
    code = fields.String(validate=validate.Length(min=1, max=40))
    title = fields.String(validate=validate.Length(min=1, max=200))
    kind = fields.String(validate=validate.OneOf(budget_rules.LINE_KINDS))
    category = fields.String(allow_none=True, validate=validate.OneOf(budget_rules.CATEGORIES))
    amount_pence = _pence(validate=validate.Range(min=0, max=10**12))


class JourneyStepOut(Schema):
    step = fields.String()
    by = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)


class VariationOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    title = fields.String()
    line_id = fields.UUID()
    line = fields.String(allow_none=True)
    from_line_id = fields.UUID(allow_none=True)
    from_line = fields.String(allow_none=True)
    budget_id = fields.UUID(allow_none=True)
    from_budget_id = fields.UUID(allow_none=True)
    amount_pence = Pence()
    change_pence = Pence()
    reason = fields.String()
    threshold_pence = Pence()
    needs_board = fields.Boolean()
    status = fields.String()
    pending = fields.Boolean()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    decision_request_id = fields.UUID(allow_none=True)
    board_outcome = fields.String(allow_none=True)
    board_note = fields.String(allow_none=True)
    board_decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    applied_at = fields.DateTime(allow_none=True)
    journey = fields.List(fields.Nested(JourneyStepOut))


class BudgetLineOut(Schema):
    id = fields.UUID()
    budget_id = fields.UUID()
    code = fields.String()
    title = fields.String()
    kind = fields.String()
    category = fields.String(allow_none=True)
    original_pence = Pence()
    amount_pence = Pence()
    actual_pence = Pence()
    remaining_pence = Pence()
    pending_change_pence = Pence()


class BudgetOut(Schema):
    id = fields.UUID()
    year = fields.Integer()
    label = fields.String()
    title = fields.String()
    status = fields.String()
    adopted_by = fields.String(allow_none=True)
    adopted_at = fields.DateTime(allow_none=True)
    income_pence = Pence()
    expenditure_pence = Pence()
    lines = fields.List(fields.Nested(BudgetLineOut))
    pending = fields.List(fields.Nested(VariationOut))


class VariationIn(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf([budget_rules.VARIATION, budget_rules.VIREMENT]))
    line_id = fields.UUID(required=True)
    from_line_id = fields.UUID(load_default=None, allow_none=True)
    amount_pence = _pence(required=True, validate=validate.Range(min=1, max=10**12))
    direction = fields.String(load_default=budget_rules.INCREASE,
                              validate=validate.OneOf([budget_rules.INCREASE, budget_rules.DECREASE]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))

    @validates_schema
    def virement_names_its_source(self, data, **_):
        if data.get("kind") == budget_rules.VIREMENT and not data.get("from_line_id"):
            raise ValidationError("A virement moves money from one line to another: name the line it comes from.",
                                  field_name="from_line_id")


class VariationArgs(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["pending", *budget_rules.PENDING, *budget_rules.APPLIED, budget_rules.REJECTED]))
    budget_id = fields.UUID(load_default=None)


class ReasonIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class PostingOut(Schema):
    id = fields.UUID()
    posted_on = fields.Date()
    category = fields.String()
    amount_pence = Pence()
    source_kind = fields.String()
    source_id = fields.UUID()
    description = fields.String()


class LedgerArgs(StrictSchema):
    year = Year(load_default=None)


# --- claims ------------------------------------------------------------------------------------------

class ExpenseOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    description = fields.String()
    amount_pence = Pence()
    receipt_filename = fields.String()
    receipt_content_type = fields.String()
    receipt_size = fields.Integer()
    receipt_sha256 = fields.String()
    added_by = fields.String()
    added_at = fields.DateTime()


class ClaimOut(Schema):
    id = fields.UUID()
    meeting_id = fields.UUID()
    body_id = fields.UUID()
    seat_id = fields.UUID()
    organisation_id = fields.UUID(allow_none=True)
    person_name = fields.String()
    deputy_name = fields.String(allow_none=True)
    meeting_on = fields.Date()
    attendance = fields.String()
    daily_rate_pence = Pence()
    expenses_pence = Pence()
    total_pence = Pence()
    status = fields.String()
    note = fields.String(allow_none=True)
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    run_id = fields.UUID(allow_none=True)
    run_number = fields.Integer(allow_none=True)
    expenses = fields.List(fields.Nested(ExpenseOut))


class ClaimArgs(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(
        [claim_rules.OPEN, claim_rules.APPROVED, claim_rules.IN_RUN, claim_rules.PAID, claim_rules.WITHDRAWN,
         claim_rules.REJECTED]))


class ExpenseForm(StrictSchema):
    """The form fields beside the receipt; the amount in integer pence, as text in a multipart form."""

    kind = fields.String(required=True, validate=validate.OneOf([*claim_rules.EXPENSE_KINDS,
                                                                 *claim_rules.NOT_COVERED]))
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    amount_pence = fields.Integer(required=True, validate=validate.Range(min=1, max=10**8))  # "12.5" -> 422


class ReceiptFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
