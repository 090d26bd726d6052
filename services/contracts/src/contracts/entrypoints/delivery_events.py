"""Contracts, subcontracts and variations (F2, H5), and performance (P1): the events this area consumes."""
from .events import handlers
from ..service_layer import contracts as use_cases


@handlers.on("governance.hub_model.changed")
def hub_model_changed(uow, event):
    """H5: keep the consortium's current hub model (a virtual hub subcontracts each won contract's management)."""
    use_cases.apply_hub_model(uow, event)
