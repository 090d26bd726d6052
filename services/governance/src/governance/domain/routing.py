"""Which body decides which kind of request from the other services (routing as configuration)."""
from __future__ import annotations

from .bodies import DEFAULT_RULES

KNOWN_KINDS = tuple(sorted({kind for rules in DEFAULT_RULES.values() for kind in rules.decides}))


def route(kind: str, bodies: list[tuple[object, tuple[str, ...]]]) -> object | None:
    """The first body whose rules say it decides this kind (bodies as (body, decides) in creation order)."""
    return next((body for body, decides in bodies if kind in decides), None)


def is_known(kind: str, bodies: list[tuple[object, tuple[str, ...]]]) -> bool:
    """A kind is known if the defaults or some body's configuration route it."""
    return kind in KNOWN_KINDS or route(kind, bodies) is not None
