"""The event envelope, the per-type schemas, and the registry that producers and consumers share."""
from .envelope import Envelope, EnvelopeSchema, EventValidationError, data_schema_for, event_data, new_event, \
    parse_event, registered_types

# Importing the modules registers their schemas.
from . import membership, contracts, finance, governance  # noqa: E402,F401

__all__ = ["Envelope", "EnvelopeSchema", "EventValidationError", "data_schema_for", "event_data", "new_event",
           "parse_event", "registered_types"]
