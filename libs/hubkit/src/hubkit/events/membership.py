"""Events produced by the membership service (topic hub.membership)."""
from marshmallow import fields, validate

from .envelope import EventData, event_data

LEGAL_FORMS = ("charity", "cio", "charitable_company", "cic", "community_benefit_society",
               "unincorporated_association", "other")
MEMBER_STATUSES = ("applicant", "in_due_diligence", "awaiting_decision", "active", "rejected", "suspended", "lapsed",
                   "withdrawn", "expelled")


class OrganisationFields(EventData):
    """What every organisation event carries, so a read copy can be kept from any one of them."""

    organisation_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))
    status = fields.String(required=True, validate=validate.OneOf(MEMBER_STATUSES))


class ProfileFields(OrganisationFields):
    charity_number = fields.String(allow_none=True, load_default=None)
    company_number = fields.String(allow_none=True, load_default=None)
    postcode = fields.String(allow_none=True, load_default=None)


@event_data("membership.organisation.registered", 1)
class OrganisationRegisteredV1(ProfileFields):
    """A new organisation, as an applicant."""


@event_data("membership.organisation.updated", 1)
class OrganisationUpdatedV1(ProfileFields):
    """The organisation's profile changed; `changed` names the fields."""

    changed = fields.List(fields.String(), required=True)
    areas_served = fields.List(fields.String(), load_default=list)
    service_categories = fields.List(fields.String(), load_default=list)


@event_data("membership.application.submitted", 1)
class ApplicationSubmittedV1(OrganisationFields):
    """M1: the application is in; due diligence starts."""


@event_data("membership.decision.requested", 1)
class DecisionRequestedV1(EventData):
    """Membership asks governance for the board's decision on an application (M1) or an expulsion (G5)."""

    request_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["membership_application", "membership_expulsion"]))
    title = fields.String(required=True)
    organisation_id = fields.UUID(required=True)


@event_data("membership.member.activated", 1)
class MemberActivatedV1(OrganisationFields):
    decision_id = fields.UUID(allow_none=True, load_default=None)


@event_data("membership.application.rejected", 1)
class ApplicationRejectedV1(OrganisationFields):
    decision_id = fields.UUID(allow_none=True, load_default=None)


class MembershipChangeFields(OrganisationFields):
    """A change of membership status, with why, from when, and the decision behind it."""

    reason = fields.String(required=True)
    effective_on = fields.Date(required=True)
    decision_id = fields.UUID(allow_none=True, load_default=None)


@event_data("membership.member.suspended", 1)
class MemberSuspendedV1(MembershipChangeFields):
    pass


@event_data("membership.member.lapsed", 1)
class MemberLapsedV1(MembershipChangeFields):
    pass


@event_data("membership.member.withdrawn", 1)
class MemberWithdrawnV1(MembershipChangeFields):
    pass


@event_data("membership.member.expelled", 1)
class MemberExpelledV1(MembershipChangeFields):
    pass


@event_data("membership.member.reinstated", 1)
class MemberReinstatedV1(MembershipChangeFields):
    pass


@event_data("membership.eligibility.changed", 1)
class EligibilityChangedV1(OrganisationFields):
    """Whether the organisation may be given new work; it keeps its existing subcontracts either way."""

    eligible_for_new_work = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), load_default=list)


class DocumentFields(EventData):
    organisation_id = fields.UUID(required=True)
    document_id = fields.UUID(allow_none=True, load_default=None)
    kind = fields.String(required=True)
    expires_on = fields.Date(required=True)


@event_data("membership.document.expiring", 1)
class DocumentExpiringV1(DocumentFields):
    """A compliance document expires within 30 days: announced once at 30, 7 and 0 days (within_days; absent from
    those published before, which were the 30-day warning)."""

    within_days = fields.Integer(load_default=30)


@event_data("membership.document.expired", 1)
class DocumentExpiredV1(DocumentFields):
    pass


class PastContractFields(EventData):
    title = fields.String(required=True)
    commissioner = fields.String(required=True)
    value_pence = fields.Integer(required=True)
    year = fields.Integer(required=True)


@event_data("membership.capability.updated", 1)
class CapabilityUpdatedV1(OrganisationFields):
    """M2: what the organisation can deliver and where (the register contracts invites from)."""

    service_categories = fields.List(fields.String(), required=True)
    areas_served = fields.List(fields.String(), required=True)
    capacity = fields.String(allow_none=True, load_default=None)
    past_contracts = fields.List(fields.Nested(PastContractFields), load_default=list)
    eligible_for_new_work = fields.Boolean(required=True)
