"""The events finance consumes."""
from hubkit.consumer import EventHandlers
from hubkit.read_copies import subscribe_organisation_copy

from ..adapters.orm import MemberOrganisation

handlers = EventHandlers()
subscribe_organisation_copy(handlers, MemberOrganisation)
