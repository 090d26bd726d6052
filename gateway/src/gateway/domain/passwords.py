"""The password policy and hashing (argon2id, via argon2-cffi)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing a huge password is a cheap way to burn our CPU

hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs as much as a wrong password.
_DECOY_HASH = hasher.hash("not-a-real-password-decoy")


class WeakPassword(ValueError):
    """The password breaks the policy; the message says how."""


def check_policy(password: str, username: str = "") -> None:
    """Raise WeakPassword unless the password is long enough and not trivially guessable."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Password must be {MAX_LENGTH} characters or fewer")
    if username and password.strip().lower() == username.strip().lower():
        raise WeakPassword("Password must not be the same as the username")
    if len(set(password)) < 4:
        raise WeakPassword("Password must not repeat the same few characters")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if password matches; with no hash, spend the same time on a decoy and answer False."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher.verify(password_hash or _DECOY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters than the hasher's current ones."""
    return hasher.check_needs_rehash(password_hash)
