"""The events finance consumes."""
from hubkit.consumer import EventHandlers
from hubkit.read_copies import subscribe_organisation_copy

from ..adapters.orm import MemberOrganisation

handlers = EventHandlers()
subscribe_organisation_copy(handlers, MemberOrganisation)

# Each area registers its own handlers on `handlers`.
from . import time_events, money_events  # noqa: E402,F401
