"""Fair allocation of work among members (C1-C7): the events this area consumes.

The chosen-provider decision (C1) arrives with governance.decision.made, handled in pipeline_events.py, which
passes it to `service_layer.allocation.apply_chosen_provider_decision`.
"""
from .events import handlers
from ..service_layer import allocation as use_cases


@handlers.on("membership.capability.updated")
def capability_updated(uow, event):
    """M2: keep the copy of what each member can deliver and where (invitations are drawn from it)."""
    use_cases.apply_capability(uow, event)
