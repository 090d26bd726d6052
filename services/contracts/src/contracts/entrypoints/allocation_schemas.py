"""Request and response bodies of the allocation API (C1-C7). Money is integer pence (F4); weighted scores are
exact decimals written as strings (out of 100)."""
from marshmallow import Schema, fields, validate

from ..domain import allocation as rules
from .pipeline_schemas import MAX_PENCE, Name, Pence, Text


class RoundIn(Schema):
    contract_id = fields.UUID(load_default=None, allow_none=True)
    lot_id = fields.UUID(load_default=None, allow_none=True)
    title = Text(300, load_default=None, allow_none=True)
    specification = Text(20000, load_default="")
    value_pence = Pence(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PENCE))
    service_categories = fields.List(Name(60), load_default=list, validate=validate.Length(max=30))
    areas = fields.List(Name(100), load_default=list, validate=validate.Length(max=50))
    declarations_close_on = fields.Date(load_default=None, allow_none=True)
    eois_close_on = fields.Date(load_default=None, allow_none=True)
    decision_by = fields.Date(load_default=None, allow_none=True)


class RoundChanges(Schema):
    specification = Text(20000)
    declarations_close_on = fields.Date(allow_none=True)
    eois_close_on = fields.Date(allow_none=True)
    decision_by = fields.Date(allow_none=True)


class RoundQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(rules.STATUSES))


class DeclarationIn(Schema):
    organisation_id = fields.UUID(load_default=None, allow_none=True)  # staff record one for an organisation
    detail = Text(5000, load_default="")


class PanelMemberIn(Schema):
    name = Name(200, required=True)
    role = fields.String(required=True, validate=validate.OneOf(rules.PANEL_ROLES))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    user_id = Text(100, load_default=None, allow_none=True)
    expertise = Text(2000, load_default="")


class ServicingIn(Schema):
    name = Name(200, required=True)
    capacity = fields.String(required=True, validate=validate.OneOf(rules.SERVICING_CAPACITIES))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    note = Text(2000, load_default="")


class CriterionIn(Schema):
    name = Name(200, required=True)
    description = Text(2000, load_default="")
    weight = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))


class CriteriaIn(Schema):
    criteria = fields.List(fields.Nested(CriterionIn), required=True, validate=validate.Length(min=1, max=20))
    scale_max = fields.Integer(load_default=10, strict=True, validate=validate.Range(min=1, max=100))
    tie_break = fields.String(load_default=rules.HEAVIEST_CRITERION, validate=validate.OneOf(rules.TIE_BREAKS))


class ChosenProviderIn(Schema):
    organisation_id = fields.UUID(required=True)
    reason = Name(5000, required=True)


class AssessmentIn(Schema):
    meets_specification = fields.Boolean(required=True)
    note = Text(5000, load_default="")


class EoiIn(Schema):
    statement = Name(20000, required=True)
    proposed_value_pence = Pence(load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_PENCE))


class ShortlistIn(Schema):
    shortlisted = fields.Boolean(required=True)
    reason = Text(5000, load_default="")


class ScoreIn(Schema):
    eoi_id = fields.UUID(required=True)
    criterion_id = fields.UUID(required=True)
    score = fields.Integer(required=True, strict=True)  # the scale is the round's: checked by the rules (422)
    comment = Text(5000, load_default="")


class ScoresIn(Schema):
    scores = fields.List(fields.Nested(ScoreIn), required=True, validate=validate.Length(min=1, max=2000))


class ModerationIn(Schema):
    eoi_id = fields.UUID(required=True)
    criterion_id = fields.UUID(required=True)
    score = fields.Integer(required=True, strict=True)
    reason = Name(5000, required=True)


# --- out ------------------------------------------------------------------------------------------

class RoundOut(Schema):
    id = fields.UUID()
    title = fields.String()
    specification = fields.String()
    contract_id = fields.UUID(allow_none=True)
    opportunity_id = fields.UUID(allow_none=True)
    lot_id = fields.UUID(allow_none=True)
    value_pence = Pence(allow_none=True)
    service_categories = fields.List(fields.String())
    areas = fields.List(fields.String())
    status = fields.String()
    declarations_close_on = fields.Date(allow_none=True)
    eois_close_on = fields.Date(allow_none=True)
    decision_by = fields.Date(allow_none=True)
    route = fields.String()
    chosen_provider_id = fields.UUID(allow_none=True)
    chosen_provider_name = fields.String(allow_none=True)
    chosen_provider_reason = fields.String(allow_none=True)
    chosen_provider_request_id = fields.UUID(allow_none=True)
    chosen_provider_outcome = fields.String(allow_none=True)
    chosen_provider_note = fields.String(allow_none=True)
    chosen_provider_decided_at = fields.DateTime(allow_none=True)
    specification_met = fields.Boolean(allow_none=True)
    specification_note = fields.String(allow_none=True)
    servicing_name = fields.String(allow_none=True)
    servicing_organisation_id = fields.UUID(allow_none=True)
    servicing_capacity = fields.String(allow_none=True)
    servicing_note = fields.String()
    scale_max = fields.Integer()
    tie_break = fields.String()
    panel_confirmed_at = fields.DateTime(allow_none=True)
    eois_opened_at = fields.DateTime(allow_none=True)
    eois_closed_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    awarded_organisation_id = fields.UUID(allow_none=True)
    awarded_organisation_name = fields.String(allow_none=True)
    awarded_score = fields.String(allow_none=True)
    tie_broken_by = fields.String(allow_none=True)
    decision_explanation = fields.String(allow_none=True)
    created_at = fields.DateTime()


class MemberRoundOut(Schema):
    """The round as an invited member sees it (no panel, route request or servicing details)."""

    id = fields.UUID()
    title = fields.String()
    specification = fields.String()
    value_pence = Pence(allow_none=True)
    service_categories = fields.List(fields.String())
    areas = fields.List(fields.String())
    status = fields.String()
    declarations_close_on = fields.Date(allow_none=True)
    eois_close_on = fields.Date(allow_none=True)
    decision_by = fields.Date(allow_none=True)
    route = fields.String()
    scale_max = fields.Integer()
    tie_break = fields.String()
    panel_confirmed_at = fields.DateTime(allow_none=True)
    eois_opened_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    awarded_organisation_name = fields.String(allow_none=True)


class InvitationOut(Schema):
    id = fields.UUID()
    round_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    invited_at = fields.DateTime()


class DeclarationOut(Schema):
    id = fields.UUID()
    round_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    detail = fields.String()
    declared_by = fields.String()
    declared_at = fields.DateTime()


class PanelMemberOut(Schema):
    id = fields.UUID()
    name = fields.String()
    role = fields.String()
    organisation_id = fields.UUID(allow_none=True)
    organisation_name = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    expertise = fields.String()


class PanelRowOut(Schema):
    member = fields.Nested(PanelMemberOut)
    scores_given = fields.Integer()
    scores_needed = fields.Integer()


class ProblemOut(Schema):
    rule = fields.String()
    message = fields.String()


class CriterionOut(Schema):
    id = fields.UUID()
    position = fields.Integer()
    name = fields.String()
    description = fields.String()
    weight = fields.Integer()


class EoiOut(Schema):
    id = fields.UUID()
    round_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    statement = fields.String()
    proposed_value_pence = Pence(allow_none=True)
    shortlisted = fields.Boolean()
    shortlist_note = fields.String()
    submitted_by = fields.String()
    submitted_at = fields.DateTime()


class ModeratedOut(Schema):
    eoi_id = fields.UUID()
    criterion_id = fields.UUID()
    score = fields.Integer()
    reason = fields.String()
    moderated_by = fields.String()
    moderated_at = fields.DateTime()


class AgreedOut(Schema):
    criterion_id = fields.UUID()
    score = fields.String()
    moderated = fields.Boolean()


class StandingOut(Schema):
    eoi_id = fields.UUID()
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    weighted_score = fields.String()
    agreed = fields.List(fields.Nested(AgreedOut))
    missing_scores = fields.Integer()


class StepOut(Schema):
    what = fields.String()
    note = fields.String()
    by = fields.String()
    at = fields.DateTime()


class CandidateOut(Schema):
    id = fields.UUID()
    name = fields.String()


class RoundDetailOut(Schema):
    round = fields.Nested(RoundOut)
    invitations = fields.List(fields.Nested(InvitationOut))
    declarations = fields.List(fields.Nested(DeclarationOut))
    panel = fields.List(fields.Nested(PanelRowOut))
    panel_feedback = fields.List(fields.Nested(ProblemOut))
    criteria = fields.List(fields.Nested(CriterionOut))
    criteria_locked = fields.Boolean()
    eois = fields.List(fields.Nested(EoiOut))
    moderated = fields.List(fields.Nested(ModeratedOut))
    standings = fields.List(fields.Nested(StandingOut))
    steps = fields.List(fields.Nested(StepOut))
    chosen_provider_pending = fields.Boolean()
    chosen_provider_candidates = fields.List(fields.Nested(CandidateOut), metadata={
        "description": "C1: the members the chosen-provider route may be asked for (active, eligible for new "
                       "work), by the rule that checks the request"})


class MemberRoundDetailOut(Schema):
    round = fields.Nested(MemberRoundOut)
    criteria = fields.List(fields.Nested(CriterionOut))
    declaration = fields.Nested(DeclarationOut, allow_none=True)
    eoi = fields.Nested(EoiOut, allow_none=True)
    may_declare = fields.Boolean()
    may_express_interest = fields.Boolean()
    why_no_eoi = fields.String(allow_none=True, metadata={
        "description": "Why the organisation may not express interest now (the rule the EOI would be refused by); "
                       "null when it may, or when it already has"})


class MyInvitationOut(MemberRoundDetailOut):
    invitation = fields.Nested(InvitationOut)


class SheetScoreOut(Schema):
    criterion_id = fields.UUID()
    score = fields.Integer()
    comment = fields.String()


class SheetEoiOut(Schema):
    eoi = fields.Nested(EoiOut)
    scores = fields.List(fields.Nested(SheetScoreOut))


class SheetOut(Schema):
    round = fields.Nested(MemberRoundOut)
    panel_member = fields.Nested(PanelMemberOut)
    criteria = fields.List(fields.Nested(CriterionOut))
    scale_max = fields.Integer()
    editable = fields.Boolean()
    eois = fields.List(fields.Nested(SheetEoiOut))


class MyPanelOut(Schema):
    panel_member = fields.Nested(PanelMemberOut)
    round = fields.Nested(MemberRoundOut)


class ExclusionOut(Schema):
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    bid = fields.Boolean()
    reason = fields.String()


class ReportScoreOut(Schema):
    panel_member = fields.String()
    organisation_name = fields.String()
    criterion = fields.String()
    score = fields.Integer()
    comment = fields.String()


class TimetableOut(Schema):
    what = fields.String()
    on = fields.Date(allow_none=True)


class AllocationReportOut(RoundDetailOut):
    exclusions = fields.List(fields.Nested(ExclusionOut))
    scores = fields.List(fields.Nested(ReportScoreOut))
    timetable = fields.List(fields.Nested(TimetableOut))
    tie_break_rule = fields.String()
    generated_at = fields.DateTime()


class CapabilityOut(Schema):
    id = fields.UUID()
    service_categories = fields.List(fields.String())
    areas_served = fields.List(fields.String())
    capacity = fields.String(allow_none=True)
    updated_at = fields.DateTime()
