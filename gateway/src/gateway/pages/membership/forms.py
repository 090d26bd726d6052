"""Forms on the decision pages, and the legal forms' names. The services validate the content."""
from flask_wtf import FlaskForm
from wtforms import HiddenField

LEGAL_FORMS = [
    ("charity", "Charity (unincorporated, registered)"),
    ("cio", "Charitable incorporated organisation (CIO)"),
    ("charitable_company", "Charitable company"),
    ("cic", "Community interest company (CIC)"),
    ("community_benefit_society", "Community benefit society"),
    ("unincorporated_association", "Unincorporated association"),
    ("other", "Other"),
]


class DecisionForm(FlaskForm):
    outcome = HiddenField()
