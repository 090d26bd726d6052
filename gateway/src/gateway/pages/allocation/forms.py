"""The allocation pages' forms read: a round's criteria, weights, scoring scale and tie-break (C4). Contracts
validates the content; this reads what a browser sends.
"""
from __future__ import annotations

from flask import request

CRITERIA_ROWS = 5


def criteria_payload() -> tuple[dict | None, str | None]:
    criteria = []
    for row in range(CRITERIA_ROWS):
        name = (request.form.get(f"criterion-{row}") or "").strip()
        weight = (request.form.get(f"weight-{row}") or "").strip()
        if not (name or weight):
            continue
        try:
            criteria.append({"name": name, "weight": int(weight),
                             "description": (request.form.get(f"description-{row}") or "").strip()})
        except ValueError:
            return None, "Give each weight as a whole number of percent, like 40."
    try:
        scale_max = int(request.form.get("scale_max") or "10")
    except ValueError:
        return None, "Give the top of the scoring scale as a whole number, like 10."
    return {"criteria": criteria, "scale_max": scale_max,
            "tie_break": request.form.get("tie_break") or "heaviest_criterion"}, None
