"""Reading what a browser sends, for every area's forms: one item a line, and a service's nested 422 errors
flattened to dotted keys. GOV.UK date inputs are read by common/dates.py (`read_date`, `read_month`) and pounds typed
by common/money.py (`pounds_to_pence`); an area's own form reading is in its pages/<area>/forms.py.
"""
from __future__ import annotations

import re


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


