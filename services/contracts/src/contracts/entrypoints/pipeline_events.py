"""Opportunities pipeline, go/no-go and bids: the events this area consumes.

This area owns contracts's one handler of `governance.decision.made`: go/no-go answers are applied here; the
chosen-provider route (C1) is passed to the allocation area.
"""
import uuid

from .events import handlers
from ..service_layer import allocation, pipeline as use_cases


@handlers.on("governance.decision.made")
def decision_made(uow, event):
    """Apply the board's decision on a request contracts made; decisions on other services' requests are ignored."""
    kind = event.data.get("kind")
    if kind == "bid_go_no_go":
        use_cases.on_go_no_go_decided(uow, event)
    elif kind == "chosen_provider":
        allocation.apply_chosen_provider_decision(uow, uuid.UUID(str(event.data["request_id"])),
                                                  event.data["outcome"], event.data.get("note") or "")
