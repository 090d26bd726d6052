"""Fair allocation of work among members (C1-C7): the events this area consumes."""
from .events import handlers  # noqa: F401  (register with @handlers.on(...))
