"""Opportunities pipeline, go/no-go and bids: the events this area consumes.

This area owns contracts's one handler of `governance.decision.made`: go/no-go answers are applied here; the
chosen-provider route (C1) is passed to the allocation area.
"""
import logging
import uuid

from .events import handlers
from ..service_layer import pipeline as use_cases

log = logging.getLogger(__name__)


@handlers.on("governance.decision.made")
def decision_made(uow, event):
    """Apply the board's decision on a request contracts made; decisions on other services' requests are ignored."""
    kind = event.data.get("kind")
    if kind == "bid_go_no_go":
        use_cases.on_go_no_go_decided(uow, event)
    elif kind == "chosen_provider":
        try:
            from contracts.service_layer.allocation import apply_chosen_provider_decision
        except ImportError:
            log.warning("chosen-provider decision %s ignored: allocation is not available", event.id)
            return
        apply_chosen_provider_decision(uow, uuid.UUID(str(event.data["request_id"])), event.data["outcome"],
                                       event.data.get("note") or "")
