"""Request and response bodies of governance's API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain import bodies as body_rules
from ..domain import hub as hub_rules
from ..domain import meetings as meeting_rules
from ..domain.decisions import OUTCOMES


class EmptyIn(Schema):
    """No fields."""


class DecisionIn(Schema):
    """A decision the body took elsewhere, recorded by its chair or secretary: the meeting or the written
    resolution it came from, exactly one."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    meeting_id = fields.UUID(load_default=None, allow_none=True)
    written_resolution_id = fields.UUID(load_default=None, allow_none=True)

    @validates_schema
    def one_source(self, data, **_kwargs):
        if (data.get("meeting_id") is None) == (data.get("written_resolution_id") is None):
            message = "Name the meeting or the written resolution the decision came from (one of them)."
            raise ValidationError({"meeting_id": [message], "written_resolution_id": [message]})


class DecisionRequestOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    subject = fields.String()
    title = fields.String()
    requested_by = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    decision_id = fields.UUID(allow_none=True)
    requested_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


# --- bodies and seats ---

class RulesIn(Schema):
    """A body's settings that differ from its kind's defaults."""

    min_members = fields.Integer(validate=validate.Range(min=0, max=100))
    max_members = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100))
    max_co_opted = fields.Integer(validate=validate.Range(min=0, max=20))
    meetings_per_year_min = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=52))
    meetings_per_year_max = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=52))
    quorum = fields.Integer(validate=validate.Range(min=1, max=100))
    majority = fields.String(validate=validate.OneOf(body_rules.MAJORITIES))
    standing_items = fields.List(fields.String(validate=validate.Length(min=1, max=300)),
                                 validate=validate.Length(max=30))
    decides = fields.List(fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=30))
    min_meetings_attended = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=52))
    expulsion_notice_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=365))
    chair_term_months = fields.Integer(validate=validate.Range(min=1, max=120))
    chair_max_terms = fields.Integer(validate=validate.Range(min=1, max=10))
    written_resolutions = fields.Boolean()


class BodyIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(body_rules.BODY_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rules = fields.Nested(RulesIn, load_default=dict)


class SeatIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(body_rules.SEAT_ROLES))
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=True)
    deputy_for = fields.UUID(load_default=None, allow_none=True)
    account = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                            metadata={"description": "the holder's hub username; the chair's or secretary's lets "
                                                     "them record the body's decisions taken elsewhere"})


class SeatEndIn(Schema):
    ends_on = fields.Date(required=True)


class SeatOut(Schema):
    id = fields.UUID()
    body_id = fields.UUID()
    organisation_id = fields.UUID(allow_none=True)
    person_name = fields.String()
    role = fields.String()
    deputy_for = fields.UUID(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    lapsed_on = fields.Date(allow_none=True)
    account = fields.String(allow_none=True)


class BodyOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    name = fields.String()
    rules = fields.Dict()
    seats = fields.List(fields.Nested(SeatOut))
    warnings = fields.List(fields.String())


class BodySummaryOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    name = fields.String()


# --- meetings ---
class MeetingIn(Schema):
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    starts_at = fields.AwareDateTime(required=True)
    notice_given_on = fields.Date(required=True)
    location = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class MeetingSummaryOut(Schema):
    id = fields.UUID()
    body_id = fields.UUID()
    title = fields.String()
    starts_at = fields.DateTime()
    notice_given_on = fields.Date()
    location = fields.String(allow_none=True)


class AgendaItemIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(load_default="business",
                         validate=validate.OneOf([k for k in meeting_rules.ITEM_KINDS if k not in ("standing", "request")]))
    notified_on = fields.Date(load_default=None, allow_none=True)


class AttendanceIn(Schema):
    seat_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(meeting_rules.ATTENDANCE))
    deputy_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DeclarationIn(Schema):
    agenda_item_id = fields.UUID(required=True)
    seat_id = fields.UUID(required=True)
    interest = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class DeclarationOut(Schema):
    id = fields.UUID()
    agenda_item_id = fields.UUID()
    seat_id = fields.UUID()
    interest = fields.String()
    excluded_from_discussion = fields.Boolean()
    declared_at = fields.DateTime()


class MotionIn(Schema):
    agenda_item_id = fields.UUID(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    kind = fields.String(load_default=meeting_rules.ORDINARY, validate=validate.OneOf(meeting_rules.MOTION_KINDS))
    subject = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class MyDeclarationIn(Schema):
    agenda_item_id = fields.UUID(required=True)
    interest = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class CastBallotOut(Schema):
    seat_id = fields.UUID()
    person_name = fields.String()
    vote = fields.String()


class MotionOut(Schema):
    id = fields.UUID()
    agenda_item_id = fields.UUID()
    text = fields.String()
    kind = fields.String()
    subject = fields.String(allow_none=True)
    status = fields.String()
    ballots = fields.List(fields.Nested(CastBallotOut), metadata={
        "description": "Votes cast so far (by the members themselves, or the show of hands once taken)"})


class MyVoteIn(Schema):
    vote = fields.String(required=True, validate=validate.OneOf(meeting_rules.VOTES))


class MyVoteOut(Schema):
    motion_id = fields.UUID()
    seat_id = fields.UUID()
    vote = fields.String()


class BallotIn(Schema):
    seat_id = fields.UUID(required=True)
    vote = fields.String(required=True, validate=validate.OneOf(meeting_rules.VOTES))


class VotesIn(Schema):
    votes = fields.List(fields.Nested(BallotIn), load_default=list, validate=validate.Length(max=100), metadata={
        "description": "The show of hands for the members who have not cast their own vote"})
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class DecisionOut(Schema):
    id = fields.UUID()
    body_id = fields.UUID(allow_none=True)
    meeting_id = fields.UUID(allow_none=True)
    agenda_item_id = fields.UUID(allow_none=True)
    motion_id = fields.UUID(allow_none=True)
    decision_request_id = fields.UUID(allow_none=True)
    kind = fields.String()
    subject = fields.String(allow_none=True)
    title = fields.String()
    outcome = fields.String()
    note = fields.String()
    votes = fields.Dict()
    declarations = fields.List(fields.Dict())
    decided_at = fields.DateTime()
    recorded_by = fields.String(allow_none=True)
    written_resolution_id = fields.UUID(allow_none=True)


class DecisionQuery(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=200))
    body_id = fields.UUID(load_default=None)
    kind = fields.String(load_default=None, validate=validate.Length(max=60))


class MinutesIn(Schema):
    minutes = fields.String(required=True, validate=validate.Length(max=100_000))


class ActionIn(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    due_on = fields.Date(required=True)


class ActionDoneIn(Schema):
    done_on = fields.Date(required=True)


class ActionOut(Schema):
    id = fields.UUID()
    meeting_id = fields.UUID()
    description = fields.String()
    owner = fields.String()
    due_on = fields.Date()
    done_on = fields.Date(allow_none=True)


class PaperOut(Schema):
    id = fields.UUID()
    meeting_id = fields.UUID()
    agenda_item_id = fields.UUID(allow_none=True)
    title = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


class AgendaItemOut(Schema):
    id = fields.UUID()
    position = fields.Integer()
    title = fields.String()
    kind = fields.String()
    notified_on = fields.Date(allow_none=True)
    decision_request_id = fields.UUID(allow_none=True)
    declarations = fields.List(fields.Nested(DeclarationOut))
    motions = fields.List(fields.Nested(MotionOut))
    papers = fields.List(fields.Nested(PaperOut), metadata={"description": "The papers for this item"})


class AttendanceOut(Schema):
    seat_id = fields.UUID()
    person_name = fields.String()
    role = fields.String()
    status = fields.String()
    deputy_name = fields.String(allow_none=True)


class QuorumOut(Schema):
    required = fields.Integer()
    present = fields.Integer()
    quorate = fields.Boolean()


class PaperUploadForm(Schema):
    title = fields.String(load_default=None, validate=validate.Length(max=300))
    agenda_item_id = fields.UUID(load_default=None, allow_none=True)


class PaperFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ChairIn(Schema):
    seat_id = fields.UUID(required=True)


class ChairSeatOut(Schema):
    seat_id = fields.UUID()
    person_name = fields.String()
    role = fields.String()


class ChairingOut(Schema):
    chaired_by = fields.Nested(ChairSeatOut, allow_none=True)
    chair_present = fields.Boolean()
    suggested_chair = fields.Nested(ChairSeatOut, allow_none=True,
                                    metadata={"description": "G8: whose turn it is to stand in for an absent chair"})


class PersonMeetingsQuery(Schema):
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    upcoming = fields.Boolean(load_default=True)


class PersonMeetingOut(Schema):
    id = fields.UUID()
    body_id = fields.UUID()
    body_name = fields.String()
    title = fields.String()
    starts_at = fields.DateTime()
    notice_given_on = fields.Date()
    location = fields.String(allow_none=True)


class PersonCalendarQuery(Schema):
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class YourSeatOut(Schema):
    """The signed-in person's own seat, when they hold one (null otherwise)."""

    seat_id = fields.UUID()
    person_name = fields.String()
    role = fields.String()
    votes = fields.Boolean(metadata={"description": "The seat votes (chair, member, or a deputy for one)"})
    records_for_others = fields.Boolean(metadata={
        "description": "The body's chair or secretary: records declarations, answers and the show of hands"})


class MeetingOut(MeetingSummaryOut):
    body_name = fields.String()
    minutes = fields.String(allow_none=True)
    chairing = fields.Nested(ChairingOut)
    papers = fields.List(fields.Nested(PaperOut))
    quorum = fields.Nested(QuorumOut)
    agenda = fields.List(fields.Nested(AgendaItemOut))
    attendance = fields.List(fields.Nested(AttendanceOut))
    actions = fields.List(fields.Nested(ActionOut))
    you = fields.Nested(YourSeatOut, allow_none=True)


# --- written resolutions ---
class WrittenResolutionIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    kind = fields.String(load_default=meeting_rules.ORDINARY, validate=validate.OneOf(meeting_rules.MOTION_KINDS))
    subject = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    deadline = fields.AwareDateTime(required=True)


class WrittenDeclarationIn(Schema):
    seat_id = fields.UUID(required=True)
    interest = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class MyWrittenDeclarationIn(Schema):
    interest = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class WrittenAnswerIn(Schema):
    seat_id = fields.UUID(required=True)
    vote = fields.String(required=True, validate=validate.OneOf(meeting_rules.VOTES))


class SeatNameOut(Schema):
    seat_id = fields.UUID()
    person_name = fields.String()


class WrittenAnswerOut(SeatNameOut):
    vote = fields.String()


class TallyOut(Schema):
    for_ = fields.Integer(data_key="for", attribute="for")
    against = fields.Integer()
    abstain = fields.Integer()


class WrittenResolutionOut(Schema):
    id = fields.UUID()
    body_id = fields.UUID()
    text = fields.String()
    kind = fields.String()
    subject = fields.String(allow_none=True)
    circulated_on = fields.Date()
    deadline = fields.DateTime()
    status = fields.String()
    decision_id = fields.UUID(allow_none=True)
    declarations = fields.List(fields.Dict())
    entitled = fields.Integer(metadata={"description": "Members entitled to answer (voting, without an interest)"})
    tally = fields.Nested(TallyOut)
    answers = fields.List(fields.Nested(WrittenAnswerOut))
    awaiting = fields.List(fields.Nested(SeatNameOut))
    you = fields.Nested(YourSeatOut, allow_none=True)


class ReviewIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class InterestIn(Schema):
    person_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    interest = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    registered_on = fields.Date(required=True)
    ended_on = fields.Date(load_default=None, allow_none=True)


class InterestOut(InterestIn):
    id = fields.UUID()


class InterestQuery(Schema):
    person_name = fields.String(load_default=None, validate=validate.Length(max=200))


# --- the hub (H1-H3) ---
class HubModelIn(Schema):
    model = fields.String(required=True, validate=validate.OneOf(hub_rules.MODELS))
    effective_from = fields.Date(required=True)
    decision_id = fields.UUID(required=True)
    host_organisation_id = fields.UUID(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=5000))


class HubModelChangeOut(HubModelIn):
    id = fields.UUID()
    recorded_at = fields.DateTime()


class AssignmentIn(Schema):
    delivered_by = fields.String(required=True, validate=validate.OneOf(hub_rules.DELIVERERS))
    organisation_id = fields.UUID(load_default=None, allow_none=True)
    people = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                         validate=validate.Length(max=20))
    assigned_on = fields.Date(required=True)
    decision_id = fields.UUID(load_default=None, allow_none=True)


class AssignmentOut(AssignmentIn):
    id = fields.UUID()
    function = fields.String()
    recorded_at = fields.DateTime()


class HubFunctionOut(Schema):
    function = fields.String()
    title = fields.String()
    assignment = fields.Nested(AssignmentOut, allow_none=True)
    history = fields.List(fields.Nested(AssignmentOut))


class StandardIn(Schema):
    what = fields.String(required=True, validate=validate.Length(min=1, max=300))
    measure = fields.String(required=True, validate=validate.Length(min=1, max=300))
    target = fields.String(required=True, validate=validate.Length(min=1, max=200))
    agreed_on = fields.Date(required=True)


class StandardOut(StandardIn):
    id = fields.UUID()
    retired_on = fields.Date(allow_none=True)


class HubOut(Schema):
    model = fields.String(allow_none=True)
    history = fields.List(fields.Nested(HubModelChangeOut))
    functions = fields.List(fields.Nested(HubFunctionOut))
    service_standards = fields.List(fields.Nested(StandardOut))


# --- policies (G10) ---
class PolicyIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    approved_on = fields.Date(required=True)
    review_due_on = fields.Date(required=True)
    approved_by_decision_id = fields.UUID(load_default=None, allow_none=True)


class PolicyReviewIn(Schema):
    reviewed_on = fields.Date(required=True)
    next_review_on = fields.Date(required=True)
    decision_id = fields.UUID(load_default=None, allow_none=True)


class PolicyOut(PolicyIn):
    id = fields.UUID()
    last_reviewed_on = fields.Date(allow_none=True)


class PolicyEntryOut(Schema):
    policy = fields.Nested(PolicyOut)
    overdue = fields.Boolean()


class PolicyRegisterOut(Schema):
    policies = fields.List(fields.Nested(PolicyEntryOut))
    governance_review_warning = fields.String(allow_none=True)
