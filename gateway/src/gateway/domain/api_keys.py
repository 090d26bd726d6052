"""Personal API keys for integrations: named, scoped to some of their owner's roles, revocable, stored hashed.

A key reads `hubk_<prefix>_<secret>`: the prefix (16 hex digits) names the key in lists, logs and the audit trail;
the secret (256 random bits) is shown once, when the key is made, and only its SHA-256 is stored (a high-entropy
secret needs no slow hash: nobody can guess one to test against it).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
import uuid

KEY_START = "hubk_"
MAX_NAME = 100
MAX_LIVE_KEYS = 20  # per user

# Why a key was revoked (stored with it).
REVOKED = "revoked"
DEACTIVATED = "deactivated"


class ApiKeyRuleBroken(ValueError):
    """A new key breaks a rule; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(problems.values()))


@dataclasses.dataclass(frozen=True)
class ApiKey:
    """A key as its owner sees it in the list (never the secret nor its hash)."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    prefix: str
    roles: frozenset[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def shown_as(self) -> str:
        return f"{KEY_START}{self.prefix}_…"

    @property
    def live(self) -> bool:
        return self.revoked_at is None


def new_key() -> tuple[str, str, str]:
    """(prefix, secret, the whole key to show once)."""
    prefix, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    return prefix, secret, f"{KEY_START}{prefix}_{secret}"


def looks_like_a_key(text: str) -> bool:
    return text.startswith(KEY_START)


def parse_key(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a key as sent, or None when it is not shaped like one."""
    prefix, _, secret = text.removeprefix(KEY_START).partition("_")
    if not text.startswith(KEY_START) or len(prefix) != 16 or not secret or len(secret) > 100:
        return None
    try:
        int(prefix, 16)
    except ValueError:
        return None
    return prefix, secret


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def check_new_key(name: str, roles: frozenset[str], owner_roles: frozenset[str], live_keys: list[ApiKey]) -> str:
    """The key's name, tidied; raise ApiKeyRuleBroken unless it is named, unique among the owner's live keys, and
    scoped to at least one of the owner's own roles and no other."""
    problems = {}
    name = " ".join(name.split())
    if not name:
        problems["name"] = "Enter a name for the key, e.g. what will use it"
    elif len(name) > MAX_NAME:
        problems["name"] = f"The name must be {MAX_NAME} characters or fewer"
    elif any(key.name.lower() == name.lower() for key in live_keys):
        problems["name"] = "You already have a key with that name"
    if not roles:
        problems["roles"] = "Choose at least one of your roles for the key"
    elif not roles <= owner_roles:
        problems["roles"] = "A key can only have roles you have yourself"
    if len(live_keys) >= MAX_LIVE_KEYS:
        problems["name"] = f"You have {MAX_LIVE_KEYS} keys already: revoke one you no longer use first"
    if problems:
        raise ApiKeyRuleBroken(problems)
    return name


def roles_in_use(key_roles: frozenset[str], owner_roles: frozenset[str]) -> frozenset[str]:
    """What a key may do now: its roles that its owner still holds (a demoted owner's keys lose the role too)."""
    return key_roles & owner_roles


def needs_touch(last_used_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Last-used is rewritten at most once a minute, so every call is not a database write."""
    return last_used_at is None or now - last_used_at >= dt.timedelta(minutes=1)
