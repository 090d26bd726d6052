"""Forms on the member and decision pages. The services validate the content; these carry the CSRF token."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

LEGAL_FORMS = [
    ("charity", "Charity (unincorporated, registered)"),
    ("cio", "Charitable incorporated organisation (CIO)"),
    ("charitable_company", "Charitable company"),
    ("cic", "Community interest company (CIC)"),
    ("community_benefit_society", "Community benefit society"),
    ("unincorporated_association", "Unincorporated association"),
    ("other", "Other"),
]


class RegisterOrganisationForm(FlaskForm):
    name = StringField("Name of the organisation")
    legal_form = StringField("Legal form")  # membership checks the value
    charity_number = StringField("Charity number (optional)")
    company_number = StringField("Company number (optional)")
    postcode = StringField("Postcode (optional)")

    def payload(self) -> dict:
        """The JSON membership expects; optional fields left empty are not sent."""
        body = {"name": (self.name.data or "").strip(), "legal_form": self.legal_form.data or ""}
        for optional in ("charity_number", "company_number", "postcode"):
            value = (getattr(self, optional).data or "").strip()
            if value:
                body[optional] = value
        return body


class ActionForm(FlaskForm):
    """A button-only form: just the CSRF token."""


class DecisionForm(FlaskForm):
    outcome = HiddenField()
