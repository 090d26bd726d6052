"""Use cases on consortia, users, sign-in and browser sessions: each takes a database session and commits nothing.

Every change to a consortium or user account is written to the audit trail by `record_change`, in the same
transaction as the change, naming the actor: a signed-in user's id, `cli:<os user>` or `system:demo`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from hubkit.tokens import Principal

from sqlalchemy.orm import Session

from hubkit.clock import utcnow

from .adapters.orm import ConsortiumRow, UserRoleRow, UserRow
from .adapters.repository import (ApiKeys, AuditTrail, BrowserSessions, LoginFailures, SignInCounters,
                                  UserRepository, consortium_fields, to_account, user_fields)
from .domain import api_keys, audit, passwords
from .domain.roles import MEMBER_USER
from .domain.sessions import (DEACTIVATED, LOGGED_OUT, PASSWORD_CHANGED, BrowserSession, SessionPolicy,
                              needs_touch, new_session_id, session_key, why_over)
from .domain.throttling import (ADDRESS, EVERYONE, EVERYONE_KEY, USERNAME, ThrottlePolicy, attempt, client_key,
                               succeeded, wait_until)
from .domain.users import Consortium, UserAccount, UserRuleBroken, check_user, normalise_username


def create_consortium(session: Session, name: str, slug: str, consortium_id: uuid.UUID | None = None, *,
                      actor: str) -> Consortium:
    """Register a consortium (the tenant every user and record belongs to)."""
    made = UserRepository(session).add_consortium(name, slug, consortium_id)
    row = session.get(ConsortiumRow, made.id)
    record_change(session, actor, audit.CONSORTIUM_CREATED, row, before=None, after=consortium_fields(row))
    return made


def create_user(session: Session, *, username: str, password: str | None, consortium_id: uuid.UUID,
                roles: frozenset[str] | set[str], actor: str, display_name: str = "", email: str = "",
                organisation_id: uuid.UUID | None = None, organisation_pending: bool = False) -> UserAccount:
    """Add a user after checking the user rules and the password policy; raise UserRuleBroken or WeakPassword.

    organisation_pending lets a member_user be created before their organisation is registered. password None
    makes an account nobody can sign in to until they set their password from an invitation (administration.py).
    """
    username = normalise_username(username)
    roles = frozenset(roles)
    check_user(username, roles, organisation_id, organisation_pending=organisation_pending)
    if password is not None:
        passwords.check_policy(password, username)
    repo = UserRepository(session)
    if repo.by_username(username):
        raise UserRuleBroken([f"Username {username} is already taken"])
    if repo.consortium(consortium_id) is None:
        raise UserRuleBroken([f"No consortium with id {consortium_id}"])
    made = repo.add_user(username=username, display_name=display_name or username, email=email,
                         password_hash=passwords.hash_password(password) if password is not None else None,
                         consortium_id=consortium_id,
                         organisation_id=organisation_id, roles=roles)
    row = session.get(UserRow, made.id)
    record_change(session, actor, audit.USER_CREATED, row, before=None, after=user_fields(row))
    return made


def set_roles(session: Session, username: str, roles: frozenset[str] | set[str], *, actor: str) -> UserAccount:
    """Replace a user's roles, keeping the user rules (a member_user belongs to an organisation, nobody else does)."""
    row = _existing(session, username)
    roles = frozenset(roles)
    check_user(row.username, roles, row.organisation_id, organisation_pending=row.organisation_id is None)
    before = user_fields(row)
    if set(before["roles"]) == roles:
        return to_account(row)
    row.role_rows = [r for r in row.role_rows if r.role in roles] + [
        UserRoleRow(role=role) for role in sorted(roles - set(before["roles"]))]
    end_api_tokens(row)
    session.flush()
    record_change(session, actor, audit.ROLES_CHANGED, row, before=before, after=user_fields(row))
    return to_account(row)


def set_password(session: Session, username: str, password: str, *, actor: str) -> None:
    """Replace a user's password, after checking the policy, and end all their browser sessions."""
    row = _existing(session, username)
    passwords.check_policy(password, row.username)
    had_password = row.password_hash is not None
    row.password_hash = passwords.hash_password(password)
    end_api_tokens(row)
    ended = BrowserSessions(session).revoke_all_for(row.id, utcnow(), PASSWORD_CHANGED)
    # Only the fact of the change: never the password or either hash.
    record_change(session, actor, audit.PASSWORD_CHANGED, row,
                  before={"password": "set" if had_password else "not set"}, after={"password": "changed", "browser_sessions_ended": ended})


def deactivate_user(session: Session, username: str, *, actor: str) -> None:
    """Stop a user signing in and end all their browser sessions, API tokens (refused by the gateway within
    GATEWAY_REVOCATION_CHECK_SECONDS) and API keys."""
    row = _existing(session, username)
    before = user_fields(row)
    row.active = False
    end_api_tokens(row)
    now = utcnow()
    ended = BrowserSessions(session).revoke_all_for(row.id, now, DEACTIVATED)
    keys_revoked = ApiKeys(session).revoke_all_for(row.id, now, api_keys.DEACTIVATED)
    if before["active"] or ended or keys_revoked:
        record_change(session, actor, audit.DEACTIVATED, row, before=before,
                      after=user_fields(row) | {"browser_sessions_ended": ended,
                                                "api_keys_revoked": sorted(keys_revoked)})


def set_organisation(session: Session, username: str, organisation_id: uuid.UUID, *, actor: str) -> UserAccount:
    """Link a member organisation's staff member to their organisation."""
    row = _existing(session, username)
    roles = frozenset(r.role for r in row.role_rows)
    if MEMBER_USER not in roles:
        raise UserRuleBroken(["Only a member_user belongs to an organisation"])
    if row.organisation_id == organisation_id:
        return to_account(row)
    before = user_fields(row)
    row.organisation_id = organisation_id
    end_api_tokens(row)
    session.flush()
    record_change(session, actor, audit.ORGANISATION_LINKED, row, before=before, after=user_fields(row))
    return to_account(row)


def authenticate(session: Session, username: str, password: str) -> UserAccount | None:
    """The active user with these credentials, or None; as slow for unknown users as for known ones.

    Re-hashes the password when the hashing parameters have changed since it was stored. A right password is not
    yet a sign-in (a second factor may follow): record_sign_in records one once every step has passed.
    """
    row = UserRepository(session).row(normalise_username(username))
    stored_hash = row.password_hash if row else None
    if not passwords.verify_password(stored_hash, password) or not row.active:
        return None
    if passwords.needs_rehash(stored_hash):
        row.password_hash = passwords.hash_password(password)
        session.flush()
    return to_account(row)


class SignInThrottled(Exception):
    """A delay runs for this username, client address or everyone: refused, unchecked, until `until` (UTC)."""

    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(f"sign-ins refused until {until.isoformat()}")


FAILURES_KEPT = dt.timedelta(days=7)  # the record of failed sign-ins, for inquiries


def throttle_keys(username: str, client_address: str | None) -> dict[str, str]:
    """The counters a sign-in counts on: the username as typed, normalised (known or not, so refusals reveal
    nothing), the client's address and everyone."""
    return {USERNAME: normalise_username(username)[:64], ADDRESS: client_key(client_address), EVERYONE: EVERYONE_KEY}


def count_attempt(session: Session, username: str, client_address: str | None, policy: ThrottlePolicy,
                  now: dt.datetime | None = None, *, keys: dict[str, str] | None = None) -> None:
    """Count a sign-in attempt as a failure before its password is checked (sign_in hands it back if right), or
    raise SignInThrottled, counting nothing, while a delay runs for its username, address or everyone.

    Commit this before checking the password: the counters stay locked until then, so parallel guesses take turns.
    """
    now = now or utcnow()
    keys = keys or throttle_keys(username, client_address)  # two_factor.py counts code guesses on keys of its own
    counters = SignInCounters(session)
    found = counters.locked(keys)
    waits = [until for scope, counter in found.items()
             if (until := wait_until(counter, policy.rule(scope))) is not None and until > now]
    if waits:
        raise SignInThrottled(max(waits))
    counters.save(keys, {scope: attempt(counter, policy.rule(scope), now) for scope, counter in found.items()})


def check_password(session: Session, username: str, password: str, client_address: str | None,
                   policy: ThrottlePolicy, now: dt.datetime | None = None) -> UserAccount | None:
    """authenticate() an attempt count_attempt() has counted: a failure is recorded (username, time, address);
    success gives the attempt back to the counters (the username's start afresh). Whose password is right is not
    signed in yet: the caller calls record_sign_in once the second factor, if any, has passed too."""
    now = now or utcnow()
    keys = throttle_keys(username, client_address)
    user = authenticate(session, username, password)
    counters = SignInCounters(session)
    if user is None:
        failures = LoginFailures(session)
        failures.add(keys[USERNAME], now, keys[ADDRESS])
        failures.forget_before(now - FAILURES_KEPT)
        counters.forget_before(now - policy.memory)
    else:
        attempt_succeeded(session, keys)
    return user


def record_sign_in(session: Session, user_id: uuid.UUID, now: dt.datetime | None = None) -> None:
    """The user has passed every step of signing in (their password, and their second factor when it is on): when
    they last signed in, and the audit trail's `user.signed_in`."""
    row = session.get(UserRow, user_id)
    row.last_login_at = now or utcnow()
    session.flush()
    record_change(session, audit.user_actor(row.id), audit.SIGNED_IN, row, before=None,
                  after={"last_login_at": row.last_login_at.isoformat()})


def attempt_succeeded(session: Session, keys: dict[str, str]) -> None:
    """Give a counted attempt back to its counters: it was right (the username's counter starts afresh)."""
    counters = SignInCounters(session)
    found = counters.locked(keys)
    counters.save(keys, {scope: succeeded(counter, scope) for scope, counter in found.items()})


def open_session(session: Session, user: UserAccount, policy: SessionPolicy, now: dt.datetime | None = None) -> str:
    """Record a new browser session for a signed-in user; return its id, for the signed cookie only."""
    now = now or utcnow()
    session_id = new_session_id()
    sessions = BrowserSessions(session)
    sessions.add(session_key(session_id), BrowserSession(user_id=user.id, created_at=now, last_seen_at=now,
                                                         expires_at=now + policy.max_age))
    sessions.forget_expired_before(now - dt.timedelta(days=7))  # kept a week after expiry, for inquiries
    return session_id


def session_user(session: Session, session_id: str, policy: SessionPolicy,
                 now: dt.datetime | None = None) -> UserAccount | None:
    """The active user of a live session (refreshing when it was last seen), or None if it is over or unknown."""
    now = now or utcnow()
    key = session_key(session_id)
    sessions = BrowserSessions(session)
    found = sessions.get(key)
    if found is None or why_over(found, now, policy) is not None:
        return None
    user = find_user(session, found.user_id)
    if user is not None and needs_touch(found, now, policy):
        sessions.touch(key, now)
    return user


def close_session(session: Session, session_id: str, now: dt.datetime | None = None) -> None:
    """Revoke a browser session at logout, so its cookie is refused if it is ever sent again."""
    user_id = BrowserSessions(session).revoke(session_key(session_id), now or utcnow(), LOGGED_OUT)
    row = session.get(UserRow, user_id) if user_id else None
    if row is not None:
        record_change(session, audit.user_actor(row.id), audit.SIGNED_OUT, row, before=None, after=None)


def end_api_tokens(row: UserRow) -> None:
    """The user's access changed: the API tokens minted before carry an older version, which the gateway refuses."""
    row.token_version = (row.token_version or 0) + 1


def token_state(session: Session, user_id: uuid.UUID) -> int | None:
    """The token version an API token of this user must carry, or None if they are unknown or deactivated."""
    found = UserRepository(session).token_state(user_id)
    return found[1] if found and found[0] else None


def create_api_key(session: Session, user: UserAccount, name: str, roles: frozenset[str] | set[str],
                   now: dt.datetime | None = None) -> tuple[api_keys.ApiKey, str]:
    """Make a personal API key for the signed-in user, with some of their roles; return it and the whole key,
    to show once (only the secret's SHA-256 is kept). Raise ApiKeyRuleBroken."""
    now = now or utcnow()
    keys = ApiKeys(session)
    roles = frozenset(roles)
    name = api_keys.check_new_key(name, roles, user.roles, [key for key in keys.of_user(user.id) if key.live])
    prefix, secret, whole = api_keys.new_key()
    made = keys.add(user_id=user.id, name=name, prefix=prefix, secret_hash=api_keys.secret_hash(secret), roles=roles,
                    moment=now)
    record_change(session, audit.user_actor(user.id), audit.API_KEY_CREATED, session.get(UserRow, user.id), before=None,
                  after=_key_fields(made))
    return made, whole


def list_api_keys(session: Session, user_id: uuid.UUID) -> list[api_keys.ApiKey]:
    return ApiKeys(session).of_user(user_id)


def revoke_api_key(session: Session, user: UserAccount, key_id: uuid.UUID,
                   now: dt.datetime | None = None) -> api_keys.ApiKey | None:
    """Revoke one of the signed-in user's live keys; the key, or None if they have no such live key."""
    revoked = ApiKeys(session).revoke(user.id, key_id, now or utcnow(), api_keys.REVOKED)
    if revoked is not None:
        record_change(session, audit.user_actor(user.id), audit.API_KEY_REVOKED, session.get(UserRow, user.id),
                      before=_key_fields(revoked), after=_key_fields(revoked) | {"revoked": True})
    return revoked


class ApiKeyRefused(Exception):
    """The key sent is not one the hub accepts now; the message is safe to show the caller."""


def principal_for_api_key(session: Session, sent: str, client_address: str | None,
                          now: dt.datetime | None = None) -> Principal | ApiKeyRefused:
    """Who a personal API key acts for now: its owner, with the key's roles they still hold; else ApiKeyRefused
    (returned, not raised, so the audit row of a refused known key commits with the transaction)."""
    now = now or utcnow()
    parsed = api_keys.parse_key(sent)
    found = ApiKeys(session).by_prefix(parsed[0]) if parsed else None
    if found is None:
        return ApiKeyRefused("The API key is not valid.")
    key, stored_hash = found
    owner = UserRepository(session).by_id(key.user_id)
    reason = None
    if not api_keys.secret_matches(parsed[1], stored_hash):
        reason = "wrong secret"
    elif not key.live:
        reason = "revoked"
    elif owner is None or not owner.active:
        reason = "owner deactivated"
    elif not api_keys.roles_in_use(key.roles, owner.roles):
        reason = "owner no longer holds its roles"
    if reason is not None:
        record_change(session, audit.client_actor(client_address), audit.API_KEY_REFUSED,
                      session.get(UserRow, key.user_id), before=None, after=_key_fields(key) | {"reason": reason})
        return ApiKeyRefused("The API key is not valid." if reason == "wrong secret" else
                             f"The API key is not valid: {reason}.")
    if api_keys.needs_touch(key.last_used_at, now):
        ApiKeys(session).touch(key.id, now)
    return dataclasses.replace(owner.principal(), roles=api_keys.roles_in_use(key.roles, owner.roles))


def _key_fields(key: api_keys.ApiKey) -> dict[str, Any]:
    """What the audit trail keeps of a key: never its secret or hash."""
    return {"api_key": key.shown_as, "name": key.name, "roles": sorted(key.roles)}


def find_user(session: Session, user_id: uuid.UUID) -> UserAccount | None:
    """The user with this id, if they exist and are active."""
    account = UserRepository(session).by_id(user_id)
    return account if account and account.active else None


def record_change(session: Session, actor: str, action: str, row: UserRow | ConsortiumRow, *,
                  before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """The one way a use case records its change: a row in the audit trail, in the change's own transaction."""
    if isinstance(row, ConsortiumRow):
        entity, consortium_id = audit.CONSORTIUM, row.id
    else:
        entity, consortium_id = audit.USER, row.consortium_id
    AuditTrail(session).record(actor=actor, action=action, entity=entity, entity_id=row.id,
                               consortium_id=consortium_id, before=before, after=after)


def _existing(session: Session, username: str) -> UserRow:
    row = UserRepository(session).row(normalise_username(username))
    if row is None:
        raise UserRuleBroken([f"No user called {username}"])
    return row
