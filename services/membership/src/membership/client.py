"""Steps of membership's API that other programs take (the demo loader, end-to-end tests)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from .domain.due_diligence import DEFAULT_CHECKLIST
from hubkit import clock

Send = Callable[[str, str, Any], object]


def complete_due_diligence(send: Send, organisation_id: str, verified_by: str = "Morgan Manager") -> None:
    """Submit the application, then provide and verify every checklist item (M1).

    `send(method, path, json_body)` calls membership's API (directly or through the gateway) and
    raises if the call fails.
    """
    today = clock.today()
    send("POST", f"/organisations/{organisation_id}/application/submission", {})
    for requirement in DEFAULT_CHECKLIST:
        evidence = {"provided_on": today.isoformat()}
        if requirement.needs_expiry:
            evidence["expires_on"] = (today + dt.timedelta(days=365)).isoformat()
        if requirement.needs_cover:
            evidence["cover_pence"] = 500_000_000  # £5 million
        send("PUT", f"/organisations/{organisation_id}/due-diligence/{requirement.kind}", evidence)
        send("POST", f"/organisations/{organisation_id}/due-diligence/{requirement.kind}/verification",
             {"verified_on": today.isoformat(), "verified_by": verified_by})
