"""Request and response bodies of governance's API."""
from marshmallow import Schema, fields, validate

from ..domain.decisions import OUTCOMES


class DecisionIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default="", validate=validate.Length(max=5000))


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
