"""Login throttling: how many failed sign-ins for one username lock it, and for how long."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class ThrottlePolicy:
    """max_failures failed sign-ins within window lock the username for lockout, counted from the last of them."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self):
        if self.max_failures < 1 or self.window <= dt.timedelta(0) or self.lockout <= dt.timedelta(0):
            raise ValueError("max_failures, window and lockout must all be positive")

    @property
    def memory(self) -> dt.timedelta:
        """How far back failures can still matter; older ones may be forgotten."""
        return self.window + self.lockout


def locked_until(failures: Iterable[dt.datetime], now: dt.datetime, policy: ThrottlePolicy) -> dt.datetime | None:
    """When sign-ins for a username may be tried again, or None if they may be tried now.

    `failures` are the times (aware, any order) of the username's failed sign-ins since its last
    success. Attempts refused while locked are not failures: they never reach the password check.
    """
    recent = sorted(failures)
    if len(recent) < policy.max_failures:
        return None
    last = recent[-1]
    if last - recent[-policy.max_failures] > policy.window:
        return None
    until = last + policy.lockout
    return until if until > now else None


def seconds_to_wait(until: dt.datetime, now: dt.datetime) -> int:
    """Whole seconds until `until`, rounded up and at least 1: the Retry-After value."""
    remaining = (until - now).total_seconds()
    return max(1, int(-(-remaining // 1)))


def minutes_to_wait(until: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes until `until`, rounded up and at least 1, for people."""
    return max(1, -(-seconds_to_wait(until, now) // 60))
