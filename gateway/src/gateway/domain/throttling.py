"""Sign-in throttling: growing delays, counted per username, per client address and for the whole gateway.

No hard lock a stranger can set off: each failed sign-in adds one to three counters (the username tried, the
client's address, everyone), and once a counter is past its allowance the next attempt it covers must wait, 1 x,
2 x, 4 x ... the first delay after the last attempt, up to a cap. Counters leak: `allowance` failures are forgotten
per `window` once the last wait is over, so a steady trickle never builds up and a quiet spell starts afresh, while
a guesser who waits out each delay meets a longer one. An attempt made while a delay
runs is refused (429 with Retry-After) without the password being checked, and is not counted.

Every attempt is counted as a failure *before* the password is checked (and handed back when it succeeds), so
parallel guesses cannot all pass while none of their failures is written yet.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import math

# What a counter counts failures of.
USERNAME = "username"
ADDRESS = "address"
EVERYONE = "everyone"
SCOPES = (EVERYONE, ADDRESS, USERNAME)  # the order counters are locked in (no deadlocks between sign-ins)
EVERYONE_KEY = "*"


@dataclasses.dataclass(frozen=True)
class DelayRule:
    """`allowance` failures (within about `window`) cost nothing; the next ones wait first_delay, doubling, up to
    max_delay. `allowance` failures are forgotten per `window`."""

    allowance: int
    window: dt.timedelta
    first_delay: dt.timedelta
    max_delay: dt.timedelta

    def __post_init__(self):
        if self.allowance < 1 or min(self.window, self.first_delay, self.max_delay) <= dt.timedelta(0):
            raise ValueError("allowance, window, first_delay and max_delay must all be positive")
        if self.max_delay < self.first_delay:
            raise ValueError("max_delay must be at least first_delay")

    def delay(self, level: float) -> dt.timedelta:
        """How long after an attempt the next must wait, with `level` failures counted (in-flight ones included)."""
        failures = math.ceil(level - 1e-9)
        if failures < self.allowance:
            return dt.timedelta(0)
        doublings = failures - self.allowance
        if doublings >= 40 or self.first_delay * 2 ** doublings >= self.max_delay:
            return self.max_delay
        return self.first_delay * 2 ** doublings

    def forgotten(self, level: float, elapsed: dt.timedelta) -> float:
        """The level after `elapsed` of leaking (allowance failures per window), never below zero."""
        leaked = self.allowance * max(elapsed, dt.timedelta(0)) / self.window
        return max(0.0, level - leaked)


@dataclasses.dataclass(frozen=True)
class ThrottlePolicy:
    """The rules for each scope: a username, a client address, everyone."""

    username: DelayRule = DelayRule(5, dt.timedelta(minutes=15), dt.timedelta(seconds=30), dt.timedelta(minutes=15))
    address: DelayRule = DelayRule(20, dt.timedelta(minutes=15), dt.timedelta(seconds=30), dt.timedelta(minutes=15))
    everyone: DelayRule = DelayRule(300, dt.timedelta(minutes=1), dt.timedelta(seconds=1), dt.timedelta(seconds=60))

    def rule(self, scope: str) -> DelayRule:
        return {USERNAME: self.username, ADDRESS: self.address, EVERYONE: self.everyone}[scope]

    @property
    def memory(self) -> dt.timedelta:
        """After this long without an attempt a counter is back to zero and may be forgotten."""
        return max(rule.window + rule.max_delay for rule in (self.username, self.address, self.everyone))


@dataclasses.dataclass(frozen=True)
class Counter:
    """One scope's failures: `level` as of the last attempt at `last_attempt_at`."""

    level: float = 0.0
    last_attempt_at: dt.datetime | None = None


def wait_until(counter: Counter, rule: DelayRule) -> dt.datetime | None:
    """When the next attempt this counter covers may be made (None: at once)."""
    if counter.last_attempt_at is None:
        return None
    delay = rule.delay(counter.level)
    return counter.last_attempt_at + delay if delay else None


def attempt(counter: Counter, rule: DelayRule, now: dt.datetime) -> Counter:
    """The counter once an attempt at `now` is counted (as a failure, until it turns out otherwise)."""
    level = counter.level
    if counter.last_attempt_at is not None:  # forgetting starts once the wait is over, so waiting it out in full
        quiet_since = counter.last_attempt_at + rule.delay(level)  # for each guess never shortens the next wait
        level = rule.forgotten(level, now - quiet_since)
    return Counter(level=level + 1, last_attempt_at=now)


def succeeded(counter: Counter, scope: str) -> Counter:
    """The counter once an attempt it counted turns out right: a username starts afresh; an address and everyone
    get that one attempt back (the others' failures still count)."""
    if scope == USERNAME:
        return Counter(level=0.0, last_attempt_at=None)
    return dataclasses.replace(counter, level=max(0.0, counter.level - 1))


def client_key(address: str | None) -> str:
    """The address failures are counted under: an IPv6 client under its /64 (one home or host holds a whole /64)."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def seconds_to_wait(until: dt.datetime, now: dt.datetime) -> int:
    """Whole seconds until `until`, rounded up and at least 1: the Retry-After value."""
    remaining = (until - now).total_seconds()
    return max(1, int(-(-remaining // 1)))


def minutes_to_wait(until: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes until `until`, rounded up and at least 1, for people."""
    return max(1, -(-seconds_to_wait(until, now) // 60))
