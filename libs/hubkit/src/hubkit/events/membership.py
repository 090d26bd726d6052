"""Events produced by the membership service (topic hub.membership)."""
from marshmallow import fields, validate

from .envelope import EventData, event_data

LEGAL_FORMS = ("charity", "cio", "charitable_company", "cic", "community_benefit_society",
               "unincorporated_association", "other")
MEMBER_STATUSES = ("applicant", "awaiting_decision", "active", "rejected", "suspended", "lapsed", "withdrawn",
                   "expelled")


class OrganisationFields(EventData):
    organisation_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))
    status = fields.String(required=True, validate=validate.OneOf(MEMBER_STATUSES))


@event_data("membership.organisation.registered", 1)
class OrganisationRegisteredV1(OrganisationFields):
    charity_number = fields.String(allow_none=True, load_default=None)
    company_number = fields.String(allow_none=True, load_default=None)
    postcode = fields.String(allow_none=True, load_default=None)


@event_data("membership.decision.requested", 1)
class DecisionRequestedV1(EventData):
    """Membership asks governance for the board's decision on an application (M1)."""

    request_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["membership_application"]))
    title = fields.String(required=True)
    organisation_id = fields.UUID(required=True)


@event_data("membership.member.activated", 1)
class MemberActivatedV1(OrganisationFields):
    decision_id = fields.UUID(allow_none=True, load_default=None)


@event_data("membership.application.rejected", 1)
class ApplicationRejectedV1(OrganisationFields):
    decision_id = fields.UUID(allow_none=True, load_default=None)
