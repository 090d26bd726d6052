"""Shared-staff time (H4, F3): staff, rates, cost codes, timesheets, recharge invoices, subsidy: the events this area consumes."""
from __future__ import annotations

import uuid

from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..service_layer import cost_codes, invoices
from .events import handlers


@handlers.on("contracts.opportunity.created")
def opportunity_created(uow: UnitOfWork, event: Envelope) -> None:
    """A bid cost code for each new opportunity (one code even if told twice)."""
    cost_codes.open_bid_code(uow, uuid.UUID(str(event.data["opportunity_id"])), event.data["title"])


@handlers.on("governance.hub_model.changed")
def hub_model_changed(uow: UnitOfWork, event: Envelope) -> None:
    """Keep the hub model (H1): it says who recharges the consortium for shared staff (H4)."""
    invoices.learn_hub_model(uow, event.data)
