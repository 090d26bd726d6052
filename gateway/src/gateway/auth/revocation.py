"""Is an API caller still allowed? Asked on every /api call made with a token or a personal API key.

A user's token version is raised whenever their access changes (deactivated, roles, organisation, password), so a
token minted before is refused; a revoked key, or a deactivated owner's, is refused. The answers are kept per
process for GATEWAY_REVOCATION_CHECK_SECONDS (5 s): a look-up by primary key or unique index at most that often per
user or key, not a database round trip on each call, and a revocation takes effect within those seconds in every
gateway process.
"""
from __future__ import annotations

import datetime as dt
import threading
from typing import Callable, Hashable, TypeVar

from hubkit.clock import utcnow

T = TypeVar("T")
MAX_REMEMBERED = 10_000  # answers; the memory is cleared when it grows past this


class ShortMemory:
    """Answers remembered for `ttl` (thread-safe: gunicorn's gthread workers share one)."""

    def __init__(self, ttl: dt.timedelta):
        self.ttl = ttl
        self._known: dict[Hashable, tuple[object, dt.datetime]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
        """The answer remembered for `key` if younger than ttl, else compute() (remembered if keep(answer))."""
        now = utcnow()
        with self._lock:
            remembered = self._known.get(key)
        if remembered is not None and dt.timedelta(0) <= now - remembered[1] < self.ttl:
            return remembered[0]  # type: ignore[return-value]
        answer = compute()
        if keep(answer) and self.ttl > dt.timedelta(0):
            with self._lock:
                if len(self._known) >= MAX_REMEMBERED:
                    self._known.clear()
                self._known[key] = (answer, now)
        return answer
