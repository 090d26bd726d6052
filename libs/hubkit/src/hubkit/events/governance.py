"""Events produced by the governance service (topic hub.governance)."""
from marshmallow import fields, validate

from .envelope import EventData, event_data

OUTCOMES = ("approved", "rejected")


@event_data("governance.decision.made", 1)
class DecisionMadeV1(EventData):
    """A body's decision on a request from another service; `subject` names what it decides."""

    decision_id = fields.UUID(required=True)
    request_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    subject = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default="")
    # the day of the meeting (or written resolution) that decided it: effects date from it; absent from older
    # producers, when the event's own day stands in
    decided_on = fields.Date(load_default=None, allow_none=True)


class VoteTally(EventData):
    for_ = fields.Integer(required=True, data_key="for")
    against = fields.Integer(required=True)
    abstain = fields.Integer(required=True)


class DeclarationFields(EventData):
    seat_id = fields.UUID(required=True)
    person_name = fields.String(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    interest = fields.String(required=True)
    excluded_from_discussion = fields.Boolean(required=True)


@event_data("governance.decision.recorded", 1)
class DecisionRecordedV1(EventData):
    """Every decision a body makes (G5, G12): meeting, item, votes, declarations, outcome; `subject` if any."""

    decision_id = fields.UUID(required=True)
    body_id = fields.UUID(allow_none=True, load_default=None)
    meeting_id = fields.UUID(allow_none=True, load_default=None)
    agenda_item_id = fields.UUID(allow_none=True, load_default=None)
    request_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True)
    subject = fields.String(allow_none=True, load_default=None)
    title = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default="")
    votes = fields.Nested(VoteTally, allow_none=True, load_default=None)
    declarations = fields.List(fields.Nested(DeclarationFields), load_default=list)
    decided_on = fields.Date(load_default=None, allow_none=True)  # as in decision.made: effects date from it


ATTENDANCE = ("present", "deputy", "apologies", "absent")


@event_data("governance.attendance.recorded", 1)
class AttendanceRecordedV1(EventData):
    """A seat's attendance at a meeting (G4); `claimable` says whether a daily rate may be claimed (G11)."""

    meeting_id = fields.UUID(required=True)
    body_id = fields.UUID(required=True)
    seat_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    person_name = fields.String(required=True)
    deputy_name = fields.String(allow_none=True, load_default=None)
    meeting_on = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE))
    claimable = fields.Boolean(required=True)


@event_data("governance.member.lapsed", 1)
class MemberLapsedV1(EventData):
    """G4: a member attended fewer than the required meetings in a year, in person or by deputy."""

    seat_id = fields.UUID(required=True)
    body_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    person_name = fields.String(required=True)
    year = fields.Integer(required=True)
    meetings_attended = fields.Integer(required=True)
    meetings_required = fields.Integer(required=True)
    lapsed_on = fields.Date(required=True)


HUB_MODELS = ("central_staff_team", "virtual_hub", "outsourced_to_member", "outsourced_externally")


@event_data("governance.hub_model.changed", 1)
class HubModelChangedV1(EventData):
    """H1: the hub's delivery model changed by a board decision."""

    model = fields.String(required=True, validate=validate.OneOf(HUB_MODELS))
    previous_model = fields.String(allow_none=True, load_default=None)
    effective_from = fields.Date(required=True)
    decision_id = fields.UUID(required=True)
    host_organisation_id = fields.UUID(allow_none=True, load_default=None)


@event_data("governance.hub_function.assigned", 1)
class HubFunctionAssignedV1(EventData):
    """H2: who now delivers one of the hub's ten functions."""

    function = fields.String(required=True)
    delivered_by = fields.String(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    people = fields.List(fields.String(), load_default=list)
    assigned_on = fields.Date(required=True)
    decision_id = fields.UUID(allow_none=True, load_default=None)


@event_data("governance.service_standard.agreed", 1)
class ServiceStandardAgreedV1(EventData):
    """H3: a service standard an outsourced hub is managed against."""

    standard_id = fields.UUID(required=True)
    what = fields.String(required=True)
    measure = fields.String(required=True)
    target = fields.String(required=True)
    agreed_on = fields.Date(required=True)


@event_data("governance.paper.published", 1)
class PaperPublishedV1(EventData):
    """A paper is published for a meeting: those who sit on its body that day are told (the gateway's
    notifications), by the hub accounts their seats name."""

    paper_id = fields.UUID(required=True)
    meeting_id = fields.UUID(required=True)
    meeting_title = fields.String(required=True)
    meeting_starts_at = fields.AwareDateTime(required=True)
    title = fields.String(required=True)
    seat_accounts = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)


@event_data("governance.request.routed", 1)
class RequestRoutedV1(EventData):
    """A decision request is filed for the body that decides its kind: those seated on it today are told (the
    gateway's notifications), by the hub accounts their seats name."""

    request_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body_id = fields.UUID(required=True)
    body_name = fields.String(required=True)
    seat_accounts = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)
