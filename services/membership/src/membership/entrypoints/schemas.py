"""Request and response bodies of membership's API."""
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from hubkit.events.membership import LEGAL_FORMS, MEMBER_STATUSES

from ..domain import catalogue
from ..domain.documents import DOCUMENT_KINDS
from ..domain import due_diligence as checklist
from ..domain import organisations as rules


def one_of_list(choices: dict) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(sorted(choices))), validate=validate.Length(max=50))


class ContactIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(sorted(catalogue.CONTACT_ROLES)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class QualityMarkIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    expires_on = fields.Date(load_default=None, allow_none=True)


class PastContract(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    commissioner = fields.String(required=True, validate=validate.Length(min=1, max=200))
    value_pence = fields.Integer(required=True, validate=validate.Range(min=0))
    year = fields.Integer(required=True, validate=validate.Range(min=1990, max=2100))


class ProfileIn(Schema):
    """The profile; on update every field is optional and only those sent change."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    legal_form = fields.String(validate=validate.OneOf(LEGAL_FORMS))
    charity_number = fields.String(allow_none=True)
    company_number = fields.String(allow_none=True)
    address_line_1 = fields.String(allow_none=True, validate=validate.Length(max=200))
    address_line_2 = fields.String(allow_none=True, validate=validate.Length(max=200))
    town = fields.String(allow_none=True, validate=validate.Length(max=100))
    postcode = fields.String(allow_none=True)
    areas_served = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=50))
    client_groups = one_of_list(catalogue.CLIENT_GROUPS)
    service_categories = one_of_list(catalogue.SERVICE_CATEGORIES)
    income_band = fields.String(allow_none=True, validate=validate.OneOf(sorted(catalogue.INCOME_BANDS)))
    staff_count = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    volunteer_count = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=1_000_000))
    diversity = one_of_list(catalogue.DIVERSITY_CHARACTERISTICS)
    quality_marks = fields.List(fields.Nested(QualityMarkIn), validate=validate.Length(max=30))
    contacts = fields.List(fields.Nested(ContactIn), validate=validate.Length(max=3))
    capacity = fields.String(allow_none=True, validate=validate.Length(max=2000))
    past_contracts = fields.List(fields.Nested(PastContract), validate=validate.Length(max=50))

    @validates("charity_number")
    def _charity(self, value, **_):
        if value and not rules.is_charity_number(value.strip()):
            raise ValidationError("A charity number in England and Wales has 6 or 7 digits.")

    @validates("company_number")
    def _company(self, value, **_):
        if value and not rules.is_company_number(value.strip()):
            raise ValidationError("A company number has 8 characters, e.g. 01234567 or SC123456.")

    @validates("postcode")
    def _postcode(self, value, **_):
        if value and not rules.is_postcode(value):
            raise ValidationError("Enter a real UK postcode, e.g. LS1 8AB.")

    @validates("contacts")
    def _one_contact_per_role(self, value, **_):
        roles = [c["role"] for c in value if "role" in c]  # a contact without one is refused by ContactIn
        if len(roles) != len(set(roles)):
            raise ValidationError("Give at most one contact for each role.")

    @post_load
    def _normalise(self, data, **_):
        if "name" in data:
            data["name"] = data["name"].strip()
        for key in ("charity_number", "company_number"):
            if key in data:
                data[key] = data[key].strip().upper() if data[key] else None
        if "postcode" in data:
            data["postcode"] = rules.normalise_postcode(data["postcode"]) if data["postcode"] else None
        for key in ("areas_served", "client_groups", "service_categories", "diversity"):
            if key in data:
                data[key] = sorted({v.strip() for v in data[key]})
        return data


class OrganisationIn(ProfileIn):
    """Registering an organisation: name and legal form are required."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))


class ContactOut(Schema):
    role = fields.String()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class QualityMarkOut(Schema):
    name = fields.String()
    expires_on = fields.Date(allow_none=True)


class OrganisationOut(Schema):
    id = fields.UUID()
    name = fields.String()
    legal_form = fields.String()
    charity_number = fields.String(allow_none=True)
    company_number = fields.String(allow_none=True)
    address_line_1 = fields.String(allow_none=True)
    address_line_2 = fields.String(allow_none=True)
    town = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    areas_served = fields.List(fields.String())
    client_groups = fields.List(fields.String())
    service_categories = fields.List(fields.String())
    income_band = fields.String(allow_none=True)
    staff_count = fields.Integer(allow_none=True)
    volunteer_count = fields.Integer(allow_none=True)
    diversity = fields.List(fields.String())
    quality_marks = fields.List(fields.Nested(QualityMarkOut))
    contacts = fields.List(fields.Nested(ContactOut))
    capacity = fields.String(allow_none=True)
    past_contracts = fields.List(fields.Nested(PastContract))
    status = fields.String()
    eligible_for_new_work = fields.Boolean()
    expulsion_request_id = fields.UUID(allow_none=True, metadata={
        "description": "G5: set while the member's expulsion is with the Partners Group"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DirectoryQuery(Schema):
    """Filters for the members directory."""

    q = fields.String(validate=validate.Length(max=100))
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))
    service_category = fields.String(validate=validate.OneOf(sorted(catalogue.SERVICE_CATEGORIES)))
    area = fields.String(validate=validate.Length(max=100))
    diversity = fields.String(validate=validate.OneOf(sorted(catalogue.DIVERSITY_CHARACTERISTICS)))
    eligible = fields.Boolean()


class EmptyIn(Schema):
    """No fields."""


class MembershipChangeIn(Schema):
    to_status = fields.String(required=True, validate=validate.OneOf(["suspended", "lapsed", "withdrawn",
                                                                      "expelled", "active"]))
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))
    effective_on = fields.Date(required=True)
    decision_id = fields.UUID(load_default=None, allow_none=True)


class ExpulsionRequestIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=250))


class MembershipChangeOut(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    reason = fields.String()
    effective_on = fields.Date()
    actor = fields.String()
    decision_id = fields.UUID(allow_none=True)
    recorded_at = fields.DateTime()


class EvidenceIn(Schema):
    provided_on = fields.Date(required=True)
    expires_on = fields.Date(load_default=None, allow_none=True)
    cover_pence = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    document_id = fields.UUID(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class VerificationIn(Schema):
    verified_on = fields.Date(required=True)
    verified_by = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                                metadata={"description": "Who checked it; the caller when not given."})


class ChecklistItemOut(Schema):
    kind = fields.String()
    label = fields.String()
    required = fields.Boolean()
    needs_expiry = fields.Boolean()
    needs_cover = fields.Boolean()
    provided_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    cover_pence = fields.Integer(allow_none=True)
    document_id = fields.UUID(allow_none=True)
    note = fields.String(allow_none=True)
    verified_by = fields.String(allow_none=True)
    verified_on = fields.Date(allow_none=True)
    newer_document = fields.Nested(lambda: NewerDocumentOut, allow_none=True, metadata={
        "description": "The newest document uploaded for this item when the evidence does not point at it: its "
                       "expiry can fill the evidence (name it as document_id and leave expires_on out)"})


class NewerDocumentOut(Schema):
    id = fields.UUID()
    filename = fields.String()
    expires_on = fields.Date(allow_none=True)
    uploaded_at = fields.DateTime()


class DueDiligenceOut(Schema):
    organisation_id = fields.UUID()
    status = fields.String()
    complete = fields.Boolean()
    outstanding = fields.List(fields.String())
    items = fields.List(fields.Nested(ChecklistItemOut))


class ChecklistSettingIn(Schema):
    required = fields.Boolean(required=True)


class ChecklistSettingOut(Schema):
    kind = fields.String()
    label = fields.String()
    required = fields.Boolean()
    needs_expiry = fields.Boolean()
    needs_cover = fields.Boolean()


KIND_CHOICES = sorted(checklist.KINDS)


class ExpiringQuery(Schema):
    within_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=366))


class ExpiringOut(Schema):
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    kind = fields.String()
    label = fields.String()
    expires_on = fields.Date()


class DocumentUploadForm(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(sorted(DOCUMENT_KINDS)))
    expires_on = fields.Date(load_default=None, allow_none=True)
    as_evidence = fields.Boolean(load_default=False, metadata={
        "description": "Use the file as the evidence for its checklist item (kind), provided today with this "
                       "expiry and cover, in the same transaction (M1)"})
    cover_pence = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1), metadata={
        "description": "Insurance: the amount of cover on the certificate, kept with the checklist item (only with "
                       "as_evidence)"})


class DocumentFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DocumentOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    sha256 = fields.String()
    expires_on = fields.Date(allow_none=True)
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()
