"""Reading the home area's forms: the decision a body took, as its chair or secretary records it on /decisions."""
from __future__ import annotations

import uuid
from typing import Mapping

OUTCOMES = {"approved": "approved", "rejected": "rejected"}  # the buttons' values -> the decision recorded


def read_decision(form: Mapping) -> tuple[dict | None, str | None]:
    """(governance's payload, None), or (None, what to put right, in plain words)."""
    outcome = form.get("outcome")
    if outcome not in OUTCOMES:
        return None, "Choose Approve or Reject."
    try:
        meeting_id = str(uuid.UUID(form.get("meeting_id", "")))
    except ValueError:
        return None, "Choose the meeting that took the decision."
    return {"outcome": outcome, "note": form.get("note", ""), "meeting_id": meeting_id}, None
