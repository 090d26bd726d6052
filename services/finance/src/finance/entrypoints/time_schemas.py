"""Marshmallow schemas for shared-staff time: money in integer pence, time in integer minutes (F4)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hubkit.fields import Month

from ..domain.invoices import EMPLOYER_KINDS, VAT_TREATMENTS
from ..domain.time import STATUSES

Pence = fields.Integer  # never a float (F4)


class StrictSchema(Schema):
    class Meta:
        ordered = True


class StaffIn(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    employer_kind = fields.String(required=True, validate=validate.OneOf(EMPLOYER_KINDS))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    line_manager_id = fields.UUID(load_default=None, allow_none=True)
    user_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class StaffPatch(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    line_manager_id = fields.UUID(allow_none=True)
    user_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))


class WhoAmIOut(Schema):
    user_id = fields.String()
    organisation_id = fields.UUID(allow_none=True)


class RateOut(Schema):
    id = fields.UUID()
    staff_id = fields.UUID()
    effective_from = fields.Date()
    salary_pence = Pence()
    on_costs_percent = fields.Decimal(as_string=True, allow_none=True)
    on_costs_pence = Pence(allow_none=True)
    overhead_percent = fields.Decimal(as_string=True)
    productive_hours = fields.Decimal(as_string=True)
    full_cost_pence = Pence()
    hourly_rate_pence = Pence()
    set_by = fields.String()
    created_at = fields.DateTime()


class StaffQuery(Schema):
    """Filters for the staff list: `name` finds people whose name holds it (any case), e.g. to choose a line
    manager from a few matches rather than from every person."""

    name = fields.String(validate=validate.Length(min=1, max=200))


class StaffOut(Schema):
    id = fields.UUID()
    name = fields.String()
    employer_kind = fields.String()
    organisation_id = fields.UUID(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    line_manager_id = fields.UUID(allow_none=True)
    user_id = fields.String(allow_none=True)
    current_rate_pence = Pence(allow_none=True)


class RateIn(StrictSchema):
    """F3: percentages and hours as decimal strings or numbers (read exactly, as Decimal); pence as integers."""

    effective_from = fields.Date(required=True)
    salary_pence = Pence(required=True, strict=True, validate=validate.Range(min=0))
    on_costs_percent = fields.Decimal(load_default=None, allow_none=True, places=3,
                                      validate=validate.Range(min=0, max=1000))
    on_costs_pence = Pence(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0))
    overhead_percent = fields.Decimal(required=True, places=3, validate=validate.Range(min=0, max=1000))
    productive_hours = fields.Decimal(required=True, places=2, validate=validate.Range(min=1, max=8784))

    @validates_schema
    def one_kind_of_on_costs(self, data, **_):
        if (data.get("on_costs_percent") is None) == (data.get("on_costs_pence") is None):
            raise ValidationError("Give the employer's on-costs either as a percentage or in pence.",
                                  field_name="on_costs_percent")


class CostCodeOut(Schema):
    id = fields.UUID()
    code = fields.String()
    title = fields.String()
    kind = fields.String()
    chargeable = fields.Boolean()
    source_id = fields.UUID(allow_none=True)
    active = fields.Boolean()


class CostCodeIn(StrictSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,59}$",
                                                                 error="Lower-case letters, digits and dashes."))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    chargeable = fields.Boolean(required=True)


class CostCodePatch(StrictSchema):
    active = fields.Boolean(required=True)


class EntryIn(StrictSchema):
    day = fields.Date(required=True)
    cost_code_id = fields.UUID(required=True)
    minutes = fields.Integer(required=True, strict=True)


class WeekIn(StrictSchema):
    entries = fields.List(fields.Nested(EntryIn), required=True, validate=validate.Length(max=7 * 60))


class EntryOut(Schema):
    id = fields.UUID()
    day = fields.Date()
    cost_code_id = fields.UUID()
    minutes = fields.Integer()
    chargeable = fields.Boolean()
    rate_pence = Pence(allow_none=True)
    reverses_entry_id = fields.UUID(allow_none=True)
    reversed_by_entry_id = fields.UUID(allow_none=True)
    correction_reason = fields.String(allow_none=True)
    corrected_by = fields.String(allow_none=True)
    invoice_line_id = fields.UUID(allow_none=True)
    written_off_id = fields.UUID(allow_none=True)


class GridRowOut(Schema):
    cost_code_id = fields.UUID()
    code = fields.String()
    title = fields.String()
    chargeable = fields.Boolean()
    minutes = fields.List(fields.Integer())
    total_minutes = fields.Integer()


class SheetOut(Schema):
    id = fields.UUID(allow_none=True)
    staff_id = fields.UUID()
    staff_name = fields.String()
    organisation_id = fields.UUID(allow_none=True)
    employer_kind = fields.String()
    week_starting = fields.Date()
    status = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    days = fields.List(fields.Date())
    closed_days = fields.List(fields.Date())
    rows = fields.List(fields.Nested(GridRowOut))
    day_totals = fields.List(fields.Integer())
    total_minutes = fields.Integer()
    chargeable_minutes = fields.Integer()
    entries = fields.List(fields.Nested(EntryOut))


class SheetSummaryOut(Schema):
    id = fields.UUID()
    staff_id = fields.UUID()
    staff_name = fields.String()
    week_starting = fields.Date()
    status = fields.String()
    submitted_at = fields.DateTime(allow_none=True)
    total_minutes = fields.Integer()
    chargeable_minutes = fields.Integer()


class QueueArgs(Schema):
    status = fields.String(load_default="submitted", validate=validate.OneOf(STATUSES))


class WeekArgs(Schema):
    week = fields.Date(load_default=None)


class RejectIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CorrectionIn(StrictSchema):
    entry_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    minutes = fields.Integer(load_default=0, strict=True)
    cost_code_id = fields.UUID(load_default=None, allow_none=True)


class PeriodOut(Schema):
    id = fields.UUID()
    month = fields.Date()
    closed_by = fields.String()
    closed_at = fields.DateTime()


class HubModelOut(Schema):
    model = fields.String(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    host_organisation_id = fields.UUID(allow_none=True)


class IssuerIn(StrictSchema):
    vat_treatment = fields.String(validate=validate.OneOf(list(VAT_TREATMENTS)))
    prefix = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9/-]{1,20}$"))
    payment_terms_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=365))
    account_code = fields.String(validate=validate.Length(min=1, max=20))
    bill_to_name = fields.String(validate=validate.Length(min=1, max=200))


class IssuerOut(Schema):
    organisation_id = fields.UUID()
    vat_treatment = fields.String()
    prefix = fields.String()
    next_number = fields.Integer()
    payment_terms_days = fields.Integer()
    account_code = fields.String()
    bill_to_name = fields.String()


class DraftIn(StrictSchema):
    organisation_id = fields.UUID(required=True)
    month = Month(required=True)


class PaidIn(StrictSchema):
    paid_on = fields.Date(required=True)


class CreditIn(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class LineOut(Schema):
    id = fields.UUID()
    position = fields.Integer()
    cost_code_id = fields.UUID()
    cost_code = fields.String()
    staff_id = fields.UUID()
    staff_name = fields.String()
    description = fields.String()
    minutes = fields.Integer()
    rate_pence = Pence()
    net_pence = Pence()
    vat_pence = Pence()
    entry_ids = fields.List(fields.UUID())


class InvoiceSummaryOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    issuer_name = fields.String()
    kind = fields.String()
    month = fields.Date()
    status = fields.String()
    number = fields.String(allow_none=True)
    vat_treatment = fields.String()
    net_pence = Pence()
    vat_pence = Pence()
    total_pence = Pence()
    issued_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    credits_invoice_id = fields.UUID(allow_none=True)
    credited_by_id = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True)
    created_at = fields.DateTime()


class InvoiceOut(InvoiceSummaryOut):
    bill_to_name = fields.String()
    account_code = fields.String()
    lines = fields.List(fields.Nested(LineOut))


class MonthEndIn(StrictSchema):
    month = Month(required=True)


class LeftOutOut(Schema):
    organisation_id = fields.UUID()
    issuer_name = fields.String()
    reason = fields.String()


class MonthEndOut(Schema):
    month = fields.Date()
    drafts = fields.List(fields.Nested(InvoiceSummaryOut))
    left_out = fields.List(fields.Nested(LeftOutOut), metadata={
        "description": "Employers with time to recharge whom the hub model does not let recharge (H1, H4)"})


class XeroExportIn(StrictSchema):
    issued_in = Month(load_default=None, metadata={
        "description": "Only invoices and credit notes issued in this month (YYYY-MM); none: all not exported yet"})
    organisation_id = fields.UUID(load_default=None, metadata={"description": "Only this issuer's (member staff: "
                                                                             "always their own organisation's)"})


class XeroLineOut(Schema):
    position = fields.Integer()
    description = fields.String()
    minutes = fields.Integer()
    rate_pence = Pence()
    net_pence = Pence()
    vat_pence = Pence()


class XeroInvoiceOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    issuer_name = fields.String()
    kind = fields.String()
    month = fields.Date()
    number = fields.String()
    vat_treatment = fields.String()
    issued_on = fields.Date()
    due_on = fields.Date()
    bill_to_name = fields.String()
    account_code = fields.String()
    lines = fields.List(fields.Nested(XeroLineOut))


class XeroFileOut(Schema):
    invoices = fields.List(fields.Nested(XeroInvoiceOut), metadata={
        "description": "One file of Xero's sales invoice import: at most 500 lines, an invoice never split (F4)"})


class XeroExportSummaryOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID(allow_none=True)
    issuer_name = fields.String(allow_none=True)
    issued_in = fields.Date(allow_none=True)
    invoice_count = fields.Integer()
    line_count = fields.Integer()
    exported_by = fields.String()
    exported_at = fields.DateTime()
    times_exported_again = fields.Integer()
    last_exported_again_by = fields.String(allow_none=True)
    last_exported_again_at = fields.DateTime(allow_none=True)


class XeroExportOut(XeroExportSummaryOut):
    files = fields.List(fields.Nested(XeroFileOut))


class InvoiceArgs(Schema):
    organisation_id = fields.UUID(load_default=None)
    status = fields.String(load_default=None)


class FigureOut(Schema):
    minutes = fields.Integer()
    pence = Pence()


class ReasonsOut(Schema):
    unapproved = fields.Nested(FigureOut)
    not_yet_invoiced = fields.Nested(FigureOut)
    written_off = fields.Nested(FigureOut)
    rounding = fields.Nested(FigureOut)


class SubsidyRowOut(Schema):
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    month = fields.Date()
    logged_minutes = fields.Integer()
    logged_pence = Pence()
    approved_minutes = fields.Integer()
    approved_pence = Pence()
    recharged_minutes = fields.Integer()
    recharged_pence = Pence()
    subsidy_minutes = fields.Integer()
    subsidy_pence = Pence()
    reasons = fields.Nested(ReasonsOut)
    unrated_minutes = fields.Integer()


class SubsidyArgs(Schema):
    month = Month(load_default=None)


class WriteOffIn(StrictSchema):
    organisation_id = fields.UUID(required=True)
    month = Month(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class WriteOffOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    month = fields.Date()
    minutes = fields.Integer()
    amount_pence = Pence()
    reason = fields.String()
    written_off_by = fields.String()
    written_off_at = fields.DateTime()
