"""Browser sessions kept on the server, so they can be ended: ids, timeouts and why a session is over."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid

# Why a session was revoked (stored with it).
LOGGED_OUT = "logged_out"
PASSWORD_CHANGED = "password_changed"
DEACTIVATED = "deactivated"
REVOKE_REASONS = (LOGGED_OUT, PASSWORD_CHANGED, DEACTIVATED)


@dataclasses.dataclass(frozen=True)
class SessionPolicy:
    """A session ends after idle_timeout without a request, and max_age after sign-in whatever happens."""

    idle_timeout: dt.timedelta = dt.timedelta(minutes=60)
    max_age: dt.timedelta = dt.timedelta(hours=8)

    def __post_init__(self):
        if self.idle_timeout <= dt.timedelta(0) or self.max_age <= dt.timedelta(0):
            raise ValueError("idle_timeout and max_age must be positive")

    @property
    def touch_interval(self) -> dt.timedelta:
        """Last-seen is rewritten at most this often, so every request is not a database write."""
        return min(dt.timedelta(minutes=1), self.idle_timeout / 10)


@dataclasses.dataclass(frozen=True)
class BrowserSession:
    user_id: uuid.UUID
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None


def new_session_id() -> str:
    """A fresh unguessable id for the cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def session_key(session_id: str) -> str:
    """What the database stores for a session id: its SHA-256, so a copy of the table opens no sessions."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def why_over(session: BrowserSession, now: dt.datetime, policy: SessionPolicy) -> str | None:
    """'revoked', 'expired' or 'idle' if the session can no longer be used at `now`; None while it is live."""
    if session.revoked_at is not None:
        return "revoked"
    if now >= session.expires_at:
        return "expired"
    if now - session.last_seen_at >= policy.idle_timeout:
        return "idle"
    return None


def needs_touch(session: BrowserSession, now: dt.datetime, policy: SessionPolicy) -> bool:
    return now - session.last_seen_at >= policy.touch_interval
