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
