"""The membership pages' forms: an organisation's profile posted as membership's JSON (and membership's answers
back as form values, its 422 errors back on the fields) and the legal forms' names (the decision form is home's:
pages/home/forms.py).
Membership validates the content; this reads what a browser can send and says so, by field, when it cannot.
"""
from __future__ import annotations

from ..common.dates import date_parts, read_date
from ..common.forms import lines

LEGAL_FORMS = [
    ("charity", "Charity (unincorporated, registered)"),
    ("cio", "Charitable incorporated organisation (CIO)"),
    ("charitable_company", "Charitable company"),
    ("cic", "Community interest company (CIC)"),
    ("community_benefit_society", "Community benefit society"),
    ("unincorporated_association", "Unincorporated association"),
    ("other", "Other"),
]


TEXT_FIELDS = ("name", "legal_form", "charity_number", "company_number", "address_line_1", "address_line_2",
               "town", "postcode")
CHOICE_LISTS = ("client_groups", "service_categories", "diversity")
COUNTS = {"staff_count": "the number of paid staff", "volunteer_count": "the number of volunteers"}
CONTACT_ROLES = ("main", "finance", "safeguarding")
QUALITY_MARK_ROWS = 2  # blank rows offered beyond the marks already held


def values_from_organisation(organisation: dict) -> dict:
    """An organisation from membership, as the profile form shows it."""
    values = {field: organisation.get(field) or "" for field in TEXT_FIELDS}
    values |= {field: list(organisation.get(field) or []) for field in CHOICE_LISTS}
    values["areas_served"] = "\n".join(organisation.get("areas_served") or [])
    values["income_band"] = organisation.get("income_band") or ""
    values["capacity"] = organisation.get("capacity") or ""
    values |= {field: "" if organisation.get(field) is None else str(organisation[field]) for field in COUNTS}
    contacts = {c.get("role"): c for c in organisation.get("contacts") or []}
    values["contacts"] = {role: {key: (contacts.get(role) or {}).get(key) or "" for key in ("name", "email", "phone")}
                          for role in CONTACT_ROLES}
    values["quality_marks"] = [{"name": mark.get("name") or "", **date_parts(mark.get("expires_on"))}
                               for mark in organisation.get("quality_marks") or []]
    values["quality_marks"] += [{"name": "", **date_parts(None)} for _ in range(QUALITY_MARK_ROWS)]
    return values


def profile_from_form(form, *, full: bool) -> tuple[dict, dict, dict[str, list[str]]]:
    """A posted profile form -> (values to show again, JSON for membership, errors the gateway found).

    `full` is the edit page (every field sent, empty ones cleared); otherwise the register form, which sends
    only what was filled in.
    """
    values: dict = {field: (form.get(field) or "").strip() for field in TEXT_FIELDS}
    values |= {field: form.getlist(field) for field in CHOICE_LISTS}
    values["areas_served"] = form.get("areas_served") or ""
    values["income_band"] = form.get("income_band") or ""
    values |= {field: (form.get(field) or "").strip() for field in COUNTS}
    errors: dict[str, list[str]] = {}
    payload: dict = {}
    for field in TEXT_FIELDS:
        if field in form or field in ("name", "legal_form"):
            value = values[field]
            if value or field in ("name", "legal_form"):
                payload[field] = value
            elif full:
                payload[field] = None
    for field in CHOICE_LISTS:
        if values[field] or (full and f"{field}-shown" in form):
            payload[field] = values[field]
    if "areas_served" in form and (lines(values["areas_served"]) or full):
        payload["areas_served"] = lines(values["areas_served"])
    if not full:
        return values, payload, errors
    payload["income_band"] = values["income_band"] or None
    values["capacity"] = (form.get("capacity") or "").strip()
    payload["capacity"] = values["capacity"] or None
    for field, what in COUNTS.items():
        text = values[field].replace(",", "")
        if not text:
            payload[field] = None
        elif text.isdigit():
            payload[field] = int(text)
        else:
            errors[field] = [f"Enter {what} as a whole number, like 12"]
    values["contacts"], payload["contacts"] = {}, []
    for role in CONTACT_ROLES:
        contact = {key: (form.get(f"contacts-{role}-{key}") or "").strip() for key in ("name", "email", "phone")}
        values["contacts"][role] = contact
        if contact["name"]:
            payload["contacts"].append({"role": role, "name": contact["name"], "email": contact["email"] or None,
                                        "phone": contact["phone"] or None})
        elif contact["email"] or contact["phone"]:
            errors[f"contacts-{role}-name"] = ["Enter the contact's full name"]
    values["quality_marks"], payload["quality_marks"], values["quality_mark_rows"] = [], [], []
    index = 0
    while f"quality_marks-{index}-name" in form:
        name = (form.get(f"quality_marks-{index}-name") or "").strip()
        parts, expires_on, error = read_date(form, f"quality_marks-{index}-expires_on", "the expiry date",
                                             required=False)
        values["quality_marks"].append({"name": name, **parts})
        if error:
            errors[f"quality_marks-{index}-expires_on"] = [error]
        if name:
            payload["quality_marks"].append({"name": name, "expires_on": expires_on})
            values["quality_mark_rows"].append(index)
        elif expires_on:
            errors[f"quality_marks-{index}-name"] = ["Enter the name of the quality mark"]
        index += 1
    return values, payload, errors


def profile_error_keys(flat: dict[str, list[str]], payload: dict, values: dict) -> dict[str, list[str]]:
    """Name nested errors after the form's own fields: contacts.0.email -> contacts-main-email."""
    named: dict[str, list[str]] = {}
    contacts = payload.get("contacts") or []
    rows = values.get("quality_mark_rows") or []
    for key, messages in flat.items():
        parts = key.split(".")
        if parts[0] == "contacts" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(contacts):
            key = f"contacts-{contacts[int(parts[1])]['role']}-{parts[2]}"
        elif parts[0] == "quality_marks" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            key = f"quality_marks-{rows[int(parts[1])]}-{parts[2]}"
        elif len(parts) > 1:
            key = parts[0]
        named.setdefault(key, []).extend(messages)
    return named
