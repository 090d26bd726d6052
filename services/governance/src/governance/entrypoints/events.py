"""The events governance consumes."""
from hubkit.consumer import EventHandlers

from ..service_layer import decisions as use_cases

handlers = EventHandlers()
# Every service asks for decisions the same way; the request's kind routes it to a body.
for _requester in ("membership", "contracts", "finance"):
    handlers.on(f"{_requester}.decision.requested")(use_cases.receive_request)
