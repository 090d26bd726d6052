"""Signed tokens: the gateway mints them (Ed25519 private key), services verify (public key only).

A service can check a token but never forge one, so a compromised service cannot act as a user
elsewhere.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path
from typing import Iterable

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "EdDSA"
ROLES = ("host_admin", "consortium_manager", "finance_officer", "board_member", "member_user")
SERVICE_TOKEN_TTL = dt.timedelta(seconds=60)
API_TOKEN_TTL = dt.timedelta(minutes=15)
API_AUDIENCE = "consortium-hub-api"


class InvalidToken(Exception):
    """The token is missing, malformed, expired, tampered with or signed by another key."""


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who is calling: the user, their consortium (the tenant), their organisation and roles."""

    user_id: str
    username: str
    consortium_id: uuid.UUID
    organisation_id: uuid.UUID | None
    roles: frozenset[str]

    def has_any(self, roles: Iterable[str]) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_member_user_only(self) -> bool:
        """A member organisation's staff member, who sees only their own organisation's data."""
        return self.roles == frozenset({"member_user"})

    def claims(self) -> dict:
        return {
            "sub": self.user_id,
            "name": self.username,
            "consortium": str(self.consortium_id),
            "org": str(self.organisation_id) if self.organisation_id else None,
            "roles": sorted(self.roles),
        }

    @classmethod
    def from_claims(cls, claims: dict) -> "Principal":
        try:
            roles = frozenset(claims["roles"])
            if not roles or not roles.issubset(ROLES):
                raise InvalidToken("token names unknown roles")
            return cls(
                user_id=str(claims["sub"]),
                username=str(claims.get("name") or claims["sub"]),
                consortium_id=uuid.UUID(claims["consortium"]),
                organisation_id=uuid.UUID(claims["org"]) if claims.get("org") else None,
                roles=roles,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidToken(f"token claims are malformed: {exc}") from exc


def generate_keypair(folder: Path) -> tuple[Path, Path]:
    """Write a new Ed25519 key pair as PEM files into folder; return (private, public) paths."""
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = folder / "token_private.pem"
    public = folder / "token_public.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    private.chmod(0o600)
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def ensure_keypair(folder: Path) -> tuple[Path, Path]:
    """Return the key pair in folder, generating it on first use."""
    private, public = folder / "token_private.pem", folder / "token_public.pem"
    if private.is_file() and public.is_file():
        return private, public
    return generate_keypair(folder)


def mint(principal: Principal, private_key_pem: bytes, *, issuer: str, audience: str,
         ttl: dt.timedelta = SERVICE_TOKEN_TTL, now: dt.datetime | None = None, extra: dict | None = None) -> str:
    """Sign a short-lived token for principal, for one audience (a service name or the API); `extra` claims
    (e.g. the gateway's token version) go in as they are."""
    now = now or dt.datetime.now(dt.timezone.utc)
    payload = (extra or {}) | principal.claims() | {
        "iss": issuer, "aud": audience, "iat": now, "nbf": now, "exp": now + ttl, "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, private_key_pem, algorithm=ALGORITHM)


def decode(token: str, public_key_pem: bytes, *, issuer: str, audience: str,
           max_lifetime: dt.timedelta | None = None) -> dict:
    """Check signature, expiry, issuer and audience, and that the token was not made to live longer than
    max_lifetime (exp - iat); return its claims or raise InvalidToken."""
    try:
        claims = jwt.decode(token, public_key_pem, algorithms=[ALGORITHM], issuer=issuer, audience=audience,
                            options={"require": ["exp", "iat", "iss", "aud", "sub"]}, leeway=5)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if max_lifetime is not None:
        try:
            lifetime = float(claims["exp"]) - float(claims["iat"])
        except (TypeError, ValueError) as exc:
            raise InvalidToken("token times are malformed") from exc
        if lifetime > max_lifetime.total_seconds():
            raise InvalidToken(f"token lives {lifetime:.0f} s, longer than the {max_lifetime.total_seconds():.0f} s "
                               "allowed")
    return claims


def verify(token: str, public_key_pem: bytes, *, issuer: str, audience: str,
           max_lifetime: dt.timedelta | None = None) -> Principal:
    """decode() the token and return its Principal, or raise InvalidToken."""
    return Principal.from_claims(decode(token, public_key_pem, issuer=issuer, audience=audience,
                                        max_lifetime=max_lifetime))
