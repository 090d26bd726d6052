"""Use cases of two-factor sign-in (rules in domain/two_factor.py): set up, check a code at sign-in, turn off, make
new recovery codes. Each takes a database session and commits nothing; every change and every refused or recovery
code is in the audit trail (never a secret, code or hash)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hubkit.clock import utcnow

from .accounts import record_change
from .adapters.orm import RecoveryCodeRow, TwoFactorRow, UserRow
from .domain import audit, passwords
from .domain.throttling import ADDRESS, EVERYONE, EVERYONE_KEY, USERNAME, client_key
from .domain.two_factor import (SecretBox, TwoFactorRefused, matching_step, new_recovery_codes, new_secret,
                                recovery_code_hash)
from .domain.users import UserAccount, normalise_username

WRONG_CODE = "The code is wrong or has been used: enter the code your app shows now, or a recovery code"


@dataclasses.dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    enabled_at: dt.datetime | None
    recovery_codes_left: int


def code_throttle_keys(username: str, client_address: str | None) -> dict[str, str]:
    """The counters a code guess counts on: the username's own for codes (a right password must not reset it), and
    the client's address and everyone, shared with password guesses."""
    return {USERNAME: "2fa:" + normalise_username(username)[:64], ADDRESS: client_key(client_address),
            EVERYONE: EVERYONE_KEY}


def status(session: Session, user_id) -> TwoFactorStatus:
    row = session.get(TwoFactorRow, user_id)
    left = session.scalar(select(func.count()).select_from(RecoveryCodeRow)
                          .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)))
    enabled = row is not None and row.enabled_at is not None
    return TwoFactorStatus(enabled=enabled, enabled_at=row.enabled_at if enabled else None,
                           recovery_codes_left=left if enabled else 0)


def is_enabled(session: Session, user_id) -> bool:
    row = session.get(TwoFactorRow, user_id)
    return row is not None and row.enabled_at is not None


def setup_secret(session: Session, user: UserAccount, box: SecretBox, now: dt.datetime | None = None) -> str:
    """The secret being set up (a fresh one if none is), to show with its QR code; refused once two-factor is on."""
    row = session.get(TwoFactorRow, user.id, with_for_update=True)
    if row is not None and row.enabled_at is not None:
        raise TwoFactorRefused("Two-factor is already on")
    if row is None:
        row = TwoFactorRow(user_id=user.id, secret_sealed=box.seal(new_secret()), created_at=now or utcnow())
        session.add(row)
        session.flush()
    return box.open(row.secret_sealed)


def confirm_setup(session: Session, user: UserAccount, code: str, box: SecretBox,
                  now: dt.datetime | None = None) -> list[str]:
    """Turn two-factor on once a code from the app proves it holds the secret; the ten new recovery codes, to show
    once. Raise TwoFactorRefused for a wrong code or when nothing is being set up."""
    now = now or utcnow()
    row = session.get(TwoFactorRow, user.id, with_for_update=True)
    if row is None or row.enabled_at is not None:
        raise TwoFactorRefused("Start setting up two-factor again")
    step = matching_step(box.open(row.secret_sealed), code, now, None)
    if step is None:
        raise TwoFactorRefused("The code is wrong: enter the 6-digit code your app shows now")
    row.enabled_at, row.last_used_step = now, step
    codes = _replace_recovery_codes(session, user.id, now)
    record_change(session, audit.user_actor(user.id), audit.TWO_FACTOR_ENABLED, session.get(UserRow, user.id),
                  before={"two_factor": "off"}, after={"two_factor": "on", "recovery_codes": len(codes)})
    return codes


def check_code(session: Session, user_id, code: str, box: SecretBox, client_address: str | None,
               now: dt.datetime | None = None) -> bool:
    """Whether `code` is the user's current authenticator code (for a time step not used before) or one of their
    unused recovery codes; either is then used up. A wrong code is audited; so is a recovery code used."""
    now = now or utcnow()
    row = session.get(TwoFactorRow, user_id, with_for_update=True)  # parallel tries of one code take turns
    if row is None or row.enabled_at is None:
        return False
    user_row = session.get(UserRow, user_id)
    try:
        step = matching_step(box.open(row.secret_sealed), code, now, row.last_used_step)
    except TwoFactorRefused:
        step = None  # sealed under an old key: only a recovery code will do
    if step is not None:
        row.last_used_step = step
        return True
    used = session.execute(update(RecoveryCodeRow)
                           .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None),
                                  RecoveryCodeRow.code_hash == recovery_code_hash(code))
                           .values(used_at=now)).rowcount
    if used:
        left = session.scalar(select(func.count()).select_from(RecoveryCodeRow)
                              .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)))
        record_change(session, audit.user_actor(user_id), audit.RECOVERY_CODE_USED, user_row, before=None,
                      after={"recovery_codes_left": left, "client_address": client_address})
        return True
    record_change(session, audit.client_actor(client_address), audit.TWO_FACTOR_REFUSED, user_row, before=None,
                  after={"client_address": client_address})
    return False


def turn_off(session: Session, user: UserAccount, password: str, code: str, box: SecretBox,
             client_address: str | None, now: dt.datetime | None = None) -> bool:
    """Turn two-factor off, given the password and a current or recovery code; False (nothing changed but the
    refused code's audit row) if either is wrong."""
    if not _password_right(session, user, password):
        return False
    if not check_code(session, user.id, code, box, client_address, now):
        return False
    session.delete(session.get(TwoFactorRow, user.id))
    session.execute(RecoveryCodeRow.__table__.delete().where(RecoveryCodeRow.user_id == user.id))
    record_change(session, audit.user_actor(user.id), audit.TWO_FACTOR_DISABLED, session.get(UserRow, user.id),
                  before={"two_factor": "on"}, after={"two_factor": "off"})
    return True


def reset(session: Session, username: str, *, actor: str) -> bool:
    """Turn a user's two-factor off for them (a lost phone and lost recovery codes), from the host's command line;
    whether it was on. Their next sign-in is with the password alone, or, where the host requires it, sets it up."""
    row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
    if row is None:
        from .domain.users import UserRuleBroken

        raise UserRuleBroken([f"No user called {username}"])
    found = session.get(TwoFactorRow, row.id)
    session.execute(RecoveryCodeRow.__table__.delete().where(RecoveryCodeRow.user_id == row.id))
    if found is None:
        return False
    session.delete(found)
    if found.enabled_at is None:
        return False
    record_change(session, actor, audit.TWO_FACTOR_DISABLED, row, before={"two_factor": "on"},
                  after={"two_factor": "off", "reset": True})
    return True


def make_recovery_codes(session: Session, user: UserAccount, password: str,
                        now: dt.datetime | None = None) -> list[str]:
    """Ten new recovery codes in place of the old (which stop working), given the password; none (nothing changed) if
    it is wrong. Raise TwoFactorRefused when two-factor is off."""
    now = now or utcnow()
    if not is_enabled(session, user.id):
        raise TwoFactorRefused("Two-factor is not on")
    if not _password_right(session, user, password):
        return []
    codes = _replace_recovery_codes(session, user.id, now)
    record_change(session, audit.user_actor(user.id), audit.RECOVERY_CODES_MADE, session.get(UserRow, user.id),
                  before=None, after={"recovery_codes": len(codes)})
    return codes


def _replace_recovery_codes(session: Session, user_id, now: dt.datetime) -> list[str]:
    session.execute(RecoveryCodeRow.__table__.delete().where(RecoveryCodeRow.user_id == user_id))
    codes = new_recovery_codes()
    session.add_all(RecoveryCodeRow(user_id=user_id, code_hash=recovery_code_hash(code), created_at=now)
                    for code in codes)
    session.flush()
    return codes


def _password_right(session: Session, user: UserAccount, password: str) -> bool:
    row = session.get(UserRow, user.id)
    return row is not None and row.active and passwords.verify_password(row.password_hash, password or "")
