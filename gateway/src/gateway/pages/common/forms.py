"""Turning the membership pages' form posts into membership's JSON, and membership's answers back into form values.

The service validates the content; the gateway only reads what a browser can send (date parts, pounds,
whole numbers, one line per area) and says so, by field, when it cannot.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

TEXT_FIELDS = ("name", "legal_form", "charity_number", "company_number", "address_line_1", "address_line_2",
               "town", "postcode")
CHOICE_LISTS = ("client_groups", "service_categories", "diversity")
COUNTS = {"staff_count": "the number of paid staff", "volunteer_count": "the number of volunteers"}
CONTACT_ROLES = ("main", "finance", "safeguarding")
QUALITY_MARK_ROWS = 2  # blank rows offered beyond the marks already held
MAX_PENCE = 10**13


def date_parts(value: str | None) -> dict:
    """'2026-07-01' -> {'day': '1', 'month': '7', 'year': '2026'} for a GOV.UK date input."""
    try:
        day = dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        day = None
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)} if day else \
        {"day": "", "month": "", "year": ""}


def read_date(form, prefix: str, what: str, *, required: bool) -> tuple[dict, str | None, str | None]:
    """A GOV.UK date input's three parts -> (the parts as typed, ISO date or None, error or None)."""
    parts = {part: (form.get(f"{prefix}-{part}") or "").strip() for part in ("day", "month", "year")}
    if not any(parts.values()):
        return parts, None, (f"Enter {what}" if required else None)
    missing = [part for part, value in parts.items() if not value]
    if missing:
        return parts, None, f"{what[0].upper()}{what[1:]} must include a {' and '.join(missing)}"
    try:
        year = int(parts["year"])
        if year < 1900 or year > 2200:
            raise ValueError
        return parts, dt.date(year, int(parts["month"]), int(parts["day"])).isoformat(), None
    except ValueError:
        return parts, None, f"{what[0].upper()}{what[1:]} must be a real date"


POUNDS_TYPED = re.compile(r"\d+(\.\d{1,2})?")


def pounds_to_pence(text: str | None, *, allow_zero: bool = False) -> int:
    """'£5,000,000' or '2500.50' -> integer pence; ValueError for anything else (signs, exponents, fractions of a
    penny, too large, zero unless allowed): money typed in a form never passes through a float (F4)."""
    cleaned = (text or "").strip().replace(",", "").replace("£", "").strip()
    if not POUNDS_TYPED.fullmatch(cleaned):
        raise ValueError(cleaned)
    pence = int(Decimal(cleaned) * 100)
    if (pence == 0 and not allow_zero) or pence >= MAX_PENCE:
        raise ValueError(cleaned)
    return pence


def pence_to_pounds(pence: int | None, *, always_pennies: bool = False) -> str:
    """1234567 -> '£12,345.67'; 500000 -> '£5,000' (or '£5,000.00' with always_pennies); -150 -> '-£1.50'."""
    if pence is None:
        return ""
    sign = "-" if int(pence) < 0 else ""
    pounds, pennies = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}" + (f".{pennies:02d}" if pennies or always_pennies else "")


def lines(text: str) -> list[str]:
    """One area per line (commas separate too), blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\n,]", text or ""):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


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


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """membership's `errors` (field -> messages, nested for lists of objects) -> 'contacts.0.email' -> messages."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        flat[prefix or "_form"] = list(errors)
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            flat.update(flatten_errors(item, f"{prefix}.{index}"))
    else:
        flat[prefix or "_form"] = [str(errors)]
    return flat


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
