"""The pipeline pages' forms read: an opportunity recorded or changed (its text, key dates, estimated value,
contract length, service categories and areas). Contracts validates the content; this reads what a browser sends.
"""
from __future__ import annotations

from flask import request

from ..common.forms import lines
from ..common.money import pounds_to_pence
from ..common.service_pages import posted

DATE_FIELDS = {"clarification_deadline": "Clarification deadline", "submission_deadline": "Submission deadline",
               "award_expected_on": "Award expected", "start_expected_on": "Contract start expected"}

OPPORTUNITY_TEXT = ("title", "commissioner_name", "commissioner_type", "description", "notice_reference",
                    *DATE_FIELDS)


def opportunity_form() -> tuple[dict, dict, dict]:
    """(values as typed, payload for contracts, errors) from the posted opportunity form."""
    values = {name: (request.form.get(name) or "").strip() for name in
              (*OPPORTUNITY_TEXT, "estimated_value", "contract_length_months", "service_categories", "areas")}
    payload = posted(*OPPORTUNITY_TEXT)
    payload["description"] = payload["description"] or ""
    errors = {}
    if values["estimated_value"]:
        try:
            payload["estimated_value_pence"] = pounds_to_pence(values["estimated_value"])
        except ValueError:
            errors["estimated_value"] = "Enter the estimated value in pounds, like 450000 or 450,000.00"
    else:
        payload["estimated_value_pence"] = None
    if values["contract_length_months"]:
        try:
            payload["contract_length_months"] = int(values["contract_length_months"])
        except ValueError:
            errors["contract_length_months"] = "Enter the contract length as a whole number of months"
    else:
        payload["contract_length_months"] = None
    payload["service_categories"] = [c.lower().replace(" ", "_") for c in lines(values["service_categories"])]
    payload["areas"] = lines(values["areas"])
    return values, payload, errors
