"""One-time links sent by email: an invitation (set your password, 72 hours) and a password reset (1 hour).

The link carries a random secret; only its SHA-256 is stored (the secret has 256 bits, so a fast hash is enough,
as for API keys). A link works once, until it expires, and only for its purpose.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets

INVITATION = "invitation"
PASSWORD_RESET = "password_reset"
LIFETIMES = {INVITATION: dt.timedelta(hours=72), PASSWORD_RESET: dt.timedelta(hours=1)}

SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # 32 random bytes, URL-safe base64 without padding


@dataclasses.dataclass(frozen=True)
class OneTimeLink:
    purpose: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None


class LinkRefused(Exception):
    """The link is unknown, used, expired or for something else; the message is fit to show (and says no more)."""


def new_secret() -> tuple[str, str]:
    """(secret for the link, its hash to store)."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def well_formed(secret: str) -> bool:
    return bool(SECRET_PATTERN.match(secret or ""))


def expiry(purpose: str, now: dt.datetime) -> dt.datetime:
    return now + LIFETIMES[purpose]


def check_usable(link: OneTimeLink | None, purpose: str, now: dt.datetime) -> None:
    """Raise LinkRefused unless the link is for `purpose`, unused and not expired."""
    if link is None or not hmac.compare_digest(link.purpose, purpose):
        raise LinkRefused("This link is not valid. Check you copied the whole link from the email.")
    if link.used_at is not None:
        raise LinkRefused("This link has already been used. Each link works once.")
    if now >= link.expires_at:
        raise LinkRefused("This link has expired.")


def lifetime_in_words(purpose: str) -> str:
    hours = int(LIFETIMES[purpose].total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"
