"""Reading what a browser sends, for every area's forms: GOV.UK date inputs, pounds typed, one item a line, and a
service's nested 422 errors flattened to dotted keys. An area's own form reading is in its pages/<area>/forms.py.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

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


