"""Request and response bodies of membership's API."""
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from hubkit.events.membership import LEGAL_FORMS

from ..domain import organisations as rules


class OrganisationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(LEGAL_FORMS))
    charity_number = fields.String(load_default=None, allow_none=True)
    company_number = fields.String(load_default=None, allow_none=True)
    postcode = fields.String(load_default=None, allow_none=True)

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

    @post_load
    def _normalise(self, data, **_):
        data["name"] = data["name"].strip()
        for key in ("charity_number", "company_number"):
            data[key] = data[key].strip().upper() if data.get(key) else None
        data["postcode"] = rules.normalise_postcode(data["postcode"]) if data.get("postcode") else None
        return data


class OrganisationOut(Schema):
    id = fields.UUID()
    name = fields.String()
    legal_form = fields.String()
    charity_number = fields.String(allow_none=True)
    company_number = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ApplicationIn(Schema):
    """Putting an application to the board takes no fields yet."""
