"""The allocation pages' forms read: a round's criteria, weights, scoring scale and tie-break (C4). Contracts
validates the content; this reads what a browser sends, and names contracts' fields by the form's own boxes.
"""
from __future__ import annotations

from flask import request

from ..common.errors import CHOICE, WHOLE, Field

CRITERIA_ROWS = 5
CRITERIA_FIELDS = {  # contracts' fields as the criteria form names them; each criterion is added by its row
    "criteria": Field("at least one criterion", id="criterion-0"),
    "scale_max": Field("the top of the scoring scale", WHOLE, "scale_max"),
    "tie_break": Field("how a tie is broken", CHOICE, "tie_break"),
}


def criteria_payload() -> tuple[dict, dict[str, str], dict[str, Field]]:
    """The criteria form as contracts' payload, the gateway's own refusals ({form box id: sentence}: a weight or
    scale that is not a whole number, no criterion at all) and the Field map naming each criterion sent by the
    row it was typed on (rows left empty are not sent)."""
    criteria, refused, fields = [], {}, dict(CRITERIA_FIELDS)
    for row in range(CRITERIA_ROWS):
        name = (request.form.get(f"criterion-{row}") or "").strip()
        weight = (request.form.get(f"weight-{row}") or "").strip()
        if not (name or weight):
            continue
        n = row + 1
        try:
            weight_sent = int(weight)
        except ValueError:
            refused[f"weight-{row}"] = f"Enter the weight of criterion {n} as a whole number of percent, like 40"
            continue
        sent = len(criteria)
        fields |= {f"criteria.{sent}.name": Field(f"the name of criterion {n}", id=f"criterion-{row}"),
                   f"criteria.{sent}.weight": Field(f"the weight of criterion {n}", WHOLE, f"weight-{row}"),
                   f"criteria.{sent}.description": Field(f"what criterion {n} looks for", id=f"description-{row}")}
        criteria.append({"name": name or None, "weight": weight_sent,
                         "description": (request.form.get(f"description-{row}") or "").strip()})
    if not criteria and not refused:
        refused["criterion-0"] = "Enter at least one criterion, with its weight"
    try:
        scale_max = int(request.form.get("scale_max") or "10")
    except ValueError:
        refused["scale_max"] = "Enter the top of the scoring scale as a whole number, like 10"
        scale_max = None
    return ({"criteria": criteria, "scale_max": scale_max,
             "tie_break": request.form.get("tie_break") or "heaviest_criterion"}, refused, fields)
