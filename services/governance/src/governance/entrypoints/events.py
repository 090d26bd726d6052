"""The events governance consumes."""
from hubkit.consumer import EventHandlers

from ..service_layer import decisions as use_cases

handlers = EventHandlers()
handlers.on("membership.decision.requested")(use_cases.receive_request)
