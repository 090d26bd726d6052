"""Two-factor sign-in (issue 13, item 2): a time-based code (TOTP, RFC 6238) from an authenticator app, after the
password, with ten single-use recovery codes for when the phone is lost.

- A code is accepted for the current 30-second step or the one either side (valid_window 1), and each step only
  once: the last step used is kept and a code for it or an earlier one is refused (no replay).
- The secret is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived from the gateway's
  GATEWAY_SECRET_KEY, and shown only while it is being set up: a copy of the database alone gives nobody codes.
- Recovery codes are stored as their SHA-256 only (each is 50 random bits and guesses are throttled as sign-ins
  are), shown once, and each works once.
- The host can require two-factor for host admins and finance officers (GATEWAY_TWO_FACTOR_REQUIRED).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .roles import FINANCE_OFFICER, HOST_ADMIN

ISSUER = "Consortium Hub"
VALID_WINDOW = 1  # steps either side of now: a phone's clock a little out, a code typed as it changed
RECOVERY_CODES = 10
REQUIRED_ROLES = frozenset({HOST_ADMIN, FINANCE_OFFICER})  # when the host turns the requirement on
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class TwoFactorRefused(Exception):
    """A two-factor step was refused; the message is safe to show the person."""


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def otpauth_uri(secret: str, username: str) -> str:
    """What the enrolment QR code holds: otpauth://totp/Consortium%20Hub:<username>?secret=...&issuer=..."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def shown_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def looks_like_time_code(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == 6 and code.isdigit()


def matching_step(secret: str, code: str, moment: dt.datetime, last_used_step: int | None) -> int | None:
    """The time step `code` is right for, within VALID_WINDOW of `moment` and after `last_used_step`; else None."""
    code = normalise_code(code)
    if not looks_like_time_code(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(moment)
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, moment: dt.datetime) -> str:
    """The code an authenticator app shows at `moment` (for tests and the demo)."""
    return pyotp.TOTP(secret).at(moment)


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """`count` fresh recovery codes like 'k7mq2-x9dfp' (50 bits each)."""
    def one() -> str:
        letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{letters[:5]}-{letters[5:]}"
    return [one() for _ in range(count)]


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code: the SHA-256 of it as typed, without spaces, dashes or capitals."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def required_for(roles: frozenset[str] | set[str], host_requires: bool) -> bool:
    """Whether this person must use two-factor: when the host requires it, for host admins and finance officers."""
    return host_requires and bool(frozenset(roles) & REQUIRED_ROLES)


class SecretBox:
    """Encrypts two-factor secrets at rest with a key derived (HKDF-SHA256) from the gateway's secret key."""

    def __init__(self, secret_key: str):
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"consortium-hub two-factor secrets").derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """The secret; raise TwoFactorRefused if it was sealed under another key (GATEWAY_SECRET_KEY changed)."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise TwoFactorRefused("Your authenticator can no longer be checked (the hub's key changed): "
                                   "use a recovery code.") from None
