"""The events membership consumes."""
from hubkit.consumer import EventHandlers

from ..service_layer import organisations as use_cases

handlers = EventHandlers()
handlers.on("governance.decision.made")(use_cases.apply_decision)
handlers.on("governance.decision.recorded")(use_cases.apply_expulsion)  # G5
handlers.on("governance.member.lapsed")(use_cases.apply_seat_lapse)  # G4
