"""The events governance consumes."""
from hubkit.consumer import EventHandlers
from hubkit.read_copies import subscribe_organisation_copy

from ..adapters.orm import MemberOrganisation
from ..service_layer import decisions as use_cases

handlers = EventHandlers()
# A seat, a host or a function's deliverer names an organisation on membership's register (its read copy here).
subscribe_organisation_copy(handlers, MemberOrganisation)
# Every service asks for decisions the same way; the request's kind routes it to a body.
for _requester in ("membership", "contracts", "finance"):
    handlers.on(f"{_requester}.decision.requested")(use_cases.receive_request)
