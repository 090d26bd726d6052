"""Request and response bodies of the pipeline and bids API. Money is integer pence (F4)."""
import functools

from marshmallow import Schema, fields, validate

from ..domain import bids as bid_rules
from ..domain import pipeline as rules

Pence = functools.partial(fields.Integer, strict=True)  # 12.5 is refused, not truncated
MAX_PENCE = 10**13
Text = lambda n, **kw: fields.String(validate=validate.Length(max=n), **kw)  # noqa: E731
Name = lambda n, **kw: fields.String(validate=validate.Length(min=1, max=n), **kw)  # noqa: E731


class OpportunityIn(Schema):
    title = Name(300, required=True)
    description = Text(10000, load_default="")
    commissioner_name = Name(200, required=True)
    commissioner_type = fields.String(required=True, validate=validate.OneOf(rules.COMMISSIONER_TYPES))
    estimated_value_pence = Pence(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PENCE))
    contract_length_months = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=600))
    service_categories = fields.List(Name(60), load_default=list, validate=validate.Length(max=30))
    areas = fields.List(Name(100), load_default=list, validate=validate.Length(max=50))
    notice_reference = Text(300, load_default=None, allow_none=True)
    clarification_deadline = fields.Date(load_default=None, allow_none=True)
    submission_deadline = fields.Date(load_default=None, allow_none=True)
    award_expected_on = fields.Date(load_default=None, allow_none=True)
    start_expected_on = fields.Date(load_default=None, allow_none=True)


class OpportunityChanges(OpportunityIn):
    """The fields of an opportunity to change (used partial: only those sent)."""


class OpportunityQuery(Schema):
    stage = fields.String(load_default=None, validate=validate.OneOf(rules.STAGES))


class LotIn(Schema):
    number = fields.Integer(required=True, validate=validate.Range(min=1, max=999))
    title = Name(300, required=True)
    estimated_value_pence = Pence(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PENCE))
    service_categories = fields.List(Name(60), load_default=list, validate=validate.Length(max=30))


class LotChanges(LotIn):
    """The fields of a lot to change (used partial)."""


class LotOut(Schema):
    id = fields.UUID()
    opportunity_id = fields.UUID()
    number = fields.Integer()
    title = fields.String()
    estimated_value_pence = Pence(allow_none=True)
    service_categories = fields.List(fields.String())


class OpportunityStageIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(rules.STAGES))
    note = Text(2000, load_default="")


class GoNoGoRequestIn(Schema):
    detail = Text(5000, load_default="")


class NextDeadlineOut(Schema):
    what = fields.String()
    on = fields.Date()
    days_left = fields.Integer()
    overdue = fields.Boolean()


class OpportunityOut(Schema):
    id = fields.UUID()
    title = fields.String()
    description = fields.String()
    commissioner_name = fields.String()
    commissioner_type = fields.String()
    estimated_value_pence = Pence(allow_none=True)
    contract_length_months = fields.Integer(allow_none=True)
    service_categories = fields.List(fields.String())
    areas = fields.List(fields.String())
    notice_reference = fields.String(allow_none=True)
    clarification_deadline = fields.Date(allow_none=True)
    submission_deadline = fields.Date(allow_none=True)
    award_expected_on = fields.Date(allow_none=True)
    start_expected_on = fields.Date(allow_none=True)
    stage = fields.String()
    go_no_go_request_id = fields.UUID(allow_none=True)
    go_no_go_outcome = fields.String(allow_none=True)
    go_no_go_note = fields.String(allow_none=True)
    go_no_go_decided_by = fields.String(allow_none=True)
    go_no_go_decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OpportunityListedOut(Schema):
    opportunity = fields.Nested(OpportunityOut)
    next_deadline = fields.Nested(NextDeadlineOut, allow_none=True)


class StageChangeOut(Schema):
    from_stage = fields.String()
    to_stage = fields.String()
    note = fields.String()
    changed_by = fields.String()
    changed_at = fields.DateTime()


class BidSummaryOut(Schema):
    id = fields.UUID()
    lot_id = fields.UUID(allow_none=True)
    lead_name = fields.String()
    price_pence = Pence(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)


class OpportunityDetailOut(OpportunityListedOut):
    lots = fields.List(fields.Nested(LotOut))
    bids = fields.List(fields.Nested(BidSummaryOut))
    history = fields.List(fields.Nested(StageChangeOut))
    moves_by_hand = fields.List(fields.String())


# --- bids ------------------------------------------------------------------------------------------

class BidIn(Schema):
    lot_id = fields.UUID(load_default=None, allow_none=True)
    lead_name = Name(200, required=True)
    lead_organisation_id = fields.UUID(load_default=None, allow_none=True)


class BidChanges(Schema):
    lead_name = Name(200)
    lead_organisation_id = fields.UUID(allow_none=True)


class BidPricingIn(Schema):
    price_pence = Pence(required=True, validate=validate.Range(min=1, max=MAX_PENCE))
    management_fee_basis_points = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))


class BidTaskIn(Schema):
    title = Name(300, required=True)
    owner = Name(200, required=True)
    due_on = fields.Date(required=True)


class BidTaskChanges(Schema):
    title = Name(300)
    owner = Name(200)
    due_on = fields.Date()
    done = fields.Boolean()


class BidPartnerIn(Schema):
    organisation_id = fields.UUID(required=True)
    share_pence = Pence(required=True, validate=validate.Range(min=0, max=MAX_PENCE))
    outputs = fields.List(Name(300), load_default=list, validate=validate.Length(max=30))


class BidPartnerChanges(Schema):
    share_pence = Pence(validate=validate.Range(min=0, max=MAX_PENCE))
    outputs = fields.List(Name(300), validate=validate.Length(max=30))


class CommissionerScoreIn(Schema):
    criterion = Name(200, required=True)
    score = fields.Integer(required=True, validate=validate.Range(min=0, max=100000))
    max_score = fields.Integer(required=True, validate=validate.Range(min=1, max=100000))


class BidOutcomeIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(bid_rules.OUTCOMES))
    scores = fields.List(fields.Nested(CommissionerScoreIn), load_default=list, validate=validate.Length(max=50))
    feedback = Text(10000, load_default="")


class BidDocumentForm(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(bid_rules.DOCUMENT_KINDS))


class BidDocumentFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class BidTaskOut(Schema):
    id = fields.UUID()
    title = fields.String()
    owner = fields.String()
    due_on = fields.Date()
    done = fields.Boolean()
    done_on = fields.Date(allow_none=True)


class BidPartnerOut(Schema):
    id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    share_pence = Pence()
    outputs = fields.List(fields.String())


class BidDocumentOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class CommissionerScoreOut(Schema):
    criterion = fields.String()
    score = fields.Integer()
    max_score = fields.Integer()


class BidOut(Schema):
    id = fields.UUID()
    opportunity_id = fields.UUID()
    lot_id = fields.UUID(allow_none=True)
    lead_name = fields.String()
    lead_organisation_id = fields.UUID(allow_none=True)
    price_pence = Pence(allow_none=True)
    management_fee_basis_points = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    scores = fields.List(fields.Nested(CommissionerScoreOut))
    feedback = fields.String(allow_none=True)
    outcome_recorded_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class BidPricingOut(Schema):
    price_pence = Pence(allow_none=True)
    management_fee_basis_points = fields.Integer(allow_none=True)
    management_fee_pence = Pence(allow_none=True)
    available_to_partners_pence = Pence(allow_none=True)
    partners_share_pence = Pence()
    unallocated_pence = Pence(allow_none=True)


class BidDetailOut(Schema):
    bid = fields.Nested(BidOut)
    opportunity = fields.Nested(OpportunityOut)
    lot = fields.Nested(LotOut, allow_none=True)
    lead_organisation_name = fields.String(allow_none=True)
    tasks = fields.List(fields.Nested(BidTaskOut))
    partners = fields.List(fields.Nested(BidPartnerOut))
    documents = fields.List(fields.Nested(BidDocumentOut))
    pricing = fields.Nested(BidPricingOut)
    editable = fields.Boolean()
    can_submit = fields.Boolean()
