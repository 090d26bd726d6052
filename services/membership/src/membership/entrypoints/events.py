"""The events membership consumes."""
from hubkit.consumer import EventHandlers

from ..service_layer import organisations as use_cases

handlers = EventHandlers()
handlers.on("governance.decision.made")(use_cases.apply_decision)
