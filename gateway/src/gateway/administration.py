"""Use cases of web administration (issue 13): consortia, inviting people, their roles, organisation and standing,
and one-time links by email (invitations, password resets, "forgot your password"). Each takes a database session
and commits nothing; every change is audited in the same transaction, through accounts' own use cases where they
exist (the manage commands use those too), naming the signed-in person as actor.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import uuid
from typing import Callable

from hubkit.clock import utcnow
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from . import accounts
from .accounts import end_api_tokens, record_change  # the one way a change is audited and API tokens end
from .adapters.orm import ConsortiumRow, OneTimeLinkRow, PasswordResetRequestRow, UserRow
from .adapters.repository import (BrowserSessions, UserRepository, consortium_fields, to_account, to_consortium,
                                  user_fields)
from .domain import audit, one_time_links
from .domain.administration import (Administrator, NotAllowed, VariationThreshold, check_consortium, check_person,
                                    check_roles, check_settings, settings_problems)
from .domain.one_time_links import INVITATION, PASSWORD_RESET, LinkRefused, OneTimeLink
from .domain.roles import MEMBER_USER, role_name
from .domain.sessions import PASSWORD_CHANGED
from .domain.throttling import client_key
from .domain.users import Consortium, UserAccount, UserRuleBroken
from .mail import MailSettings, Message

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 200

# "Forgot your password": at most this many requests an hour from one client address (more: refused, whatever the
# address asked about), and this many links an hour for one email address (more: the same answer, nothing sent).
RESET_REQUESTS_PER_ADDRESS = 10
RESET_LINKS_PER_EMAIL = 3
RESET_WINDOW = dt.timedelta(hours=1)


# ------------------------------------------------------------------ consortia

@dataclasses.dataclass(frozen=True)
class ConsortiumSummary:
    consortium: Consortium
    people: int
    active_people: int


def consortia(session: Session) -> list[ConsortiumSummary]:
    counts = dict(session.execute(select(UserRow.consortium_id, func.count()).group_by(UserRow.consortium_id)).all())
    active = dict(session.execute(select(UserRow.consortium_id, func.count()).where(UserRow.active.is_(True))
                                  .group_by(UserRow.consortium_id)).all())
    rows = session.scalars(select(ConsortiumRow).order_by(ConsortiumRow.name))
    return [ConsortiumSummary(to_consortium(row), counts.get(row.id, 0), active.get(row.id, 0)) for row in rows]


def check_consortium_fields(name: str, slug: str | None = None) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Enter the consortium's name"]
    elif len(name.strip()) > NAME_MAX:
        problems["name"] = [f"The name must be {NAME_MAX} characters or fewer"]
    if slug is not None and not SLUG_PATTERN.match(slug):
        problems["slug"] = ["The short name must be 2 to 64 lower-case letters, digits or dashes, starting with a "
                            "letter or digit"]
    return problems


class FormProblems(ValueError):
    """What is wrong with a form, by field; each message is fit to show."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__("; ".join(m for messages in problems.values() for m in messages))


def create_consortium(session: Session, name: str, slug: str, *, actor: str) -> Consortium:
    slug = slug.strip().lower()
    problems = check_consortium_fields(name, slug)
    if not problems and UserRepository(session).consortium_by_slug(slug) is not None:
        problems["slug"] = [f"There is already a consortium with the short name {slug}"]
    if problems:
        raise FormProblems(problems)
    return accounts.create_consortium(session, name.strip(), slug, actor=actor)


def rename_consortium(session: Session, consortium_id: uuid.UUID, name: str, *, actor: str) -> Consortium:
    """Change the name people see (the slug stays: it is in scripts)."""
    problems = check_consortium_fields(name)
    if problems:
        raise FormProblems(problems)
    row = session.get(ConsortiumRow, consortium_id)
    if row is None:
        raise UserRuleBroken([f"No consortium with id {consortium_id}"])
    if row.name != name.strip():
        before = consortium_fields(row)
        row.name = name.strip()
        session.flush()
        record_change(session, actor, audit.CONSORTIUM_RENAMED, row, before=before, after=consortium_fields(row))
    return to_consortium(row)


def change_settings(session: Session, admin: Administrator, consortium_id: uuid.UUID, *, display_name: str,
                    logo_text: str, threshold: VariationThreshold | None = None,
                    threshold_before: VariationThreshold | None = None,
                    set_threshold: Callable[[VariationThreshold], object] | None = None) -> Consortium:
    """The host admin's settings of a consortium: the display name and logo text its people's page header shows
    ("": the name, the hub's logo text), and F1's variation threshold's owner (and, when the host admin owns it, the
    threshold). Finance keeps the threshold: `set_threshold` asks it, last of all, so that its refusal (raised, the
    caller's transaction rolled back) leaves nothing half changed. One audit row with every setting before and after.
    Raise NotAllowed, FormProblems or UserRuleBroken."""
    check_settings(admin)
    problems = settings_problems(display_name, logo_text, threshold)
    if problems:
        raise FormProblems(problems)
    row = session.get(ConsortiumRow, consortium_id)
    if row is None:
        raise UserRuleBroken([f"No consortium with id {consortium_id}"])
    before = _settings_fields(row, threshold_before)
    row.display_name, row.logo_text = display_name.strip() or None, logo_text.strip() or None
    moved = threshold is not None and threshold != threshold_before
    after = _settings_fields(row, threshold if moved else threshold_before)
    if after == before:
        return to_consortium(row)
    session.flush()
    record_change(session, admin.actor, audit.CONSORTIUM_SETTINGS_CHANGED, row, before=before, after=after)
    if moved:
        set_threshold(threshold)
    return to_consortium(row)


def _settings_fields(row: ConsortiumRow, threshold: VariationThreshold | None) -> dict:
    fields = {"display_name": row.display_name, "logo_text": row.logo_text}
    if threshold is not None:
        fields |= {"variation_threshold_owner": threshold.owner, "variation_threshold_pence": threshold.pence}
    return fields


def consortium(session: Session, consortium_id: uuid.UUID) -> Consortium | None:
    return UserRepository(session).consortium(consortium_id)


# ------------------------------------------------------------------ people

@dataclasses.dataclass(frozen=True)
class Person:
    """A user as the people pages show them: has their password been set (an invitation may still be waiting)."""

    account: UserAccount
    has_password: bool
    invitation_expires_at: dt.datetime | None  # the newest unused invitation's

    @property
    def state(self) -> str:
        if not self.account.active:
            return "Deactivated"
        if not self.has_password:
            return "Invited" if self.invitation_expires_at and self.invitation_expires_at > utcnow() else \
                "No password"
        return "Active"


def people(session: Session, consortium_id: uuid.UUID) -> list[Person]:
    rows = session.scalars(select(UserRow).where(UserRow.consortium_id == consortium_id)
                           .order_by(UserRow.display_name, UserRow.username)).all()
    invitations = _open_invitations(session, [row.id for row in rows])
    return [Person(to_account(row), row.password_hash is not None, invitations.get(row.id)) for row in rows]


def person(session: Session, user_id: uuid.UUID) -> Person | None:
    row = session.get(UserRow, user_id)
    if row is None:
        return None
    return Person(to_account(row), row.password_hash is not None, _open_invitations(session, [row.id]).get(row.id))


def _open_invitations(session: Session, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, dt.datetime]:
    if not user_ids:
        return {}
    return dict(session.execute(
        select(OneTimeLinkRow.user_id, func.max(OneTimeLinkRow.expires_at))
        .where(OneTimeLinkRow.user_id.in_(user_ids), OneTimeLinkRow.purpose == INVITATION,
               OneTimeLinkRow.used_at.is_(None)).group_by(OneTimeLinkRow.user_id)).all())


def _target(session: Session, admin: Administrator, user_id: uuid.UUID, *, own_account_forbidden=True) -> UserRow:
    """The user's row, once the administrator is allowed to act on them (else NotAllowed; unknown: LookupError)."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise LookupError(user_id)
    check_person(admin, to_account(row), own_account_forbidden=own_account_forbidden)
    return row


@dataclasses.dataclass(frozen=True)
class Invited:
    account: UserAccount
    message: Message


def invite(session: Session, admin: Administrator, mail: MailSettings, *, consortium_id: uuid.UUID, username: str,
           display_name: str, email: str, roles: frozenset[str], organisation_id: uuid.UUID | None,
           inviter_name: str) -> Invited:
    """Make the person's account with no password and a one-time invitation link to set it; return the email to
    send. Raise NotAllowed, FormProblems or UserRuleBroken."""
    check_consortium(admin, consortium_id)
    check_roles(admin, roles)
    problems = _person_problems(display_name, email)
    if problems:
        raise FormProblems(problems)
    made = accounts.create_user(session, username=username, password=None, consortium_id=consortium_id, roles=roles,
                                display_name=display_name.strip(), email=email.strip(),
                                organisation_id=organisation_id,
                                organisation_pending=MEMBER_USER in roles and organisation_id is None,
                                actor=admin.actor)
    return Invited(made, _invitation(session, admin, mail, made, inviter_name))


def resend_invitation(session: Session, admin: Administrator, mail: MailSettings, user_id: uuid.UUID, *,
                      inviter_name: str) -> Message:
    """A new invitation link for someone who has not set their password yet (the earlier links stop working)."""
    row = _target(session, admin, user_id)
    if row.password_hash is not None:
        raise NotAllowed(f"{row.display_name} has already set their password.")
    if not row.active:
        raise NotAllowed(f"{row.display_name} is deactivated: reactivate them first.")
    return _invitation(session, admin, mail, to_account(row), inviter_name)


def _invitation(session: Session, admin: Administrator, mail: MailSettings, account: UserAccount,
                inviter_name: str) -> Message:
    now = utcnow()
    secret, expires_at = _new_link(session, account.id, INVITATION, now)
    row = session.get(UserRow, account.id)
    record_change(session, admin.actor, audit.INVITED, row, before=None,
                  after={"email": account.email, "expires_at": expires_at.isoformat()})
    roles = ", ".join(role_name(role) for role in sorted(account.roles))
    body = (f"Hello {account.display_name},\n\n"
            f"{inviter_name} has invited you to {account.consortium_name} on Consortium Hub, as: {roles}.\n\n"
            f"Your username is: {account.username}\n\n"
            f"Choose your password here (the link works once, for "
            f"{one_time_links.lifetime_in_words(INVITATION)}):\n"
            f"{mail.link('/invitation/' + secret)}\n\n"
            "If you were not expecting this invitation, you can ignore this email.\n")
    return Message(to=account.email, subject=f"You are invited to {account.consortium_name} on Consortium Hub",
                   body=body, consortium_id=account.consortium_id)


def _new_link(session: Session, user_id: uuid.UUID, purpose: str, now: dt.datetime) -> tuple[str, dt.datetime]:
    """A new link for the user and purpose; earlier unused ones of that purpose stop working."""
    session.execute(delete(OneTimeLinkRow).where(OneTimeLinkRow.user_id == user_id, OneTimeLinkRow.purpose == purpose,
                                                 OneTimeLinkRow.used_at.is_(None)))
    secret, hashed = one_time_links.new_secret()
    expires_at = one_time_links.expiry(purpose, now)
    session.add(OneTimeLinkRow(purpose=purpose, secret_hash=hashed, user_id=user_id, created_at=now,
                               expires_at=expires_at))
    session.flush()
    return secret, expires_at


def _person_problems(display_name: str, email: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not display_name.strip():
        problems["display_name"] = ["Enter the person's name"]
    elif len(display_name.strip()) > NAME_MAX:
        problems["display_name"] = [f"The name must be {NAME_MAX} characters or fewer"]
    if not EMAIL_PATTERN.match(email.strip()) or len(email.strip()) > 320:
        problems["email"] = ["Enter an email address in the correct format, like name@example.org"]
    return problems


def change_roles(session: Session, admin: Administrator, user_id: uuid.UUID, roles: frozenset[str]) -> UserAccount:
    """New roles (their API tokens end). Raise NotAllowed or UserRuleBroken."""
    row = _target(session, admin, user_id)
    check_roles(admin, roles)
    return accounts.set_roles(session, row.username, roles, actor=admin.actor)


def link_organisation(session: Session, admin: Administrator, user_id: uuid.UUID, organisation_id: uuid.UUID,
                      offered: set[uuid.UUID]) -> UserAccount:
    """Link a member user to one of their consortium's organisations (`offered`, as membership lists them)."""
    row = _target(session, admin, user_id, own_account_forbidden=False)
    if organisation_id not in offered:
        raise FormProblems({"organisation_id": ["Choose one of the consortium's organisations"]})
    return accounts.set_organisation(session, row.username, organisation_id, actor=admin.actor)


def deactivate(session: Session, admin: Administrator, user_id: uuid.UUID) -> UserAccount:
    row = _target(session, admin, user_id)
    accounts.deactivate_user(session, row.username, actor=admin.actor)
    session.execute(update(OneTimeLinkRow).where(OneTimeLinkRow.user_id == row.id, OneTimeLinkRow.used_at.is_(None))
                    .values(used_at=utcnow()))  # an invitation or reset link sent before stops working
    return to_account(row)


def reactivate(session: Session, admin: Administrator, user_id: uuid.UUID) -> UserAccount:
    """Let a deactivated user sign in again (their revoked API keys stay revoked)."""
    row = _target(session, admin, user_id)
    if not row.active:
        before = user_fields(row)
        row.active = True
        session.flush()
        record_change(session, admin.actor, audit.REACTIVATED, row, before=before,
                      after=user_fields(row))
    return to_account(row)


def force_password_reset(session: Session, admin: Administrator, mail: MailSettings, user_id: uuid.UUID) -> Message:
    """Clear the user's password, end their browser sessions and API tokens, and email them a link to choose a new
    one. The administrator never sees or types a password."""
    row = _target(session, admin, user_id)
    if not row.active:
        raise NotAllowed(f"{row.display_name} is deactivated: reactivate them first.")
    now = utcnow()
    had_password = row.password_hash is not None
    row.password_hash = None
    end_api_tokens(row)
    ended = BrowserSessions(session).revoke_all_for(row.id, now, PASSWORD_CHANGED)
    record_change(session, admin.actor, audit.PASSWORD_RESET_FORCED, row,
                  before={"password": "set" if had_password else "not set"},
                  after={"password": "cleared", "browser_sessions_ended": ended})
    secret, _ = _new_link(session, row.id, PASSWORD_RESET, now)
    return _reset_message(to_account(row), mail, secret, forced=True)


def _reset_message(account: UserAccount, mail: MailSettings, secret: str, *, forced: bool = False) -> Message:
    lifetime = one_time_links.lifetime_in_words(PASSWORD_RESET)
    why = ("An administrator of Consortium Hub has reset your password: you have been signed out everywhere, and "
           "you need to choose a new password before you sign in again."
           if forced else "Someone (we hope you) asked to reset the password of your Consortium Hub account.")
    body = (f"Hello {account.display_name},\n\n{why}\n\n"
            f"Your username is: {account.username}\n\n"
            f"Choose a new password here (the link works once, for {lifetime}):\n"
            f"{mail.link('/password/reset/' + secret)}\n\n"
            + ("" if forced else "If you did not ask for this, you can ignore this email: your password has not "
                                 "changed.\n"))
    return Message(to=account.email, subject="Reset your Consortium Hub password", body=body,
                   consortium_id=account.consortium_id)


# ------------------------------------------------------------------ following a link

def _link_row(session: Session, secret: str, purpose: str, now: dt.datetime) -> OneTimeLinkRow:
    row = None
    if one_time_links.well_formed(secret):
        row = session.scalars(select(OneTimeLinkRow).where(
            OneTimeLinkRow.secret_hash == one_time_links.secret_hash(secret)).with_for_update()).first()
    one_time_links.check_usable(
        OneTimeLink(row.purpose, row.created_at, row.expires_at, row.used_at) if row else None, purpose, now)
    user = session.get(UserRow, row.user_id)
    if not user.active:
        raise LinkRefused("This link is not valid. Check you copied the whole link from the email.")
    return row


def link_holder(session: Session, secret: str, purpose: str) -> UserAccount:
    """Whose link this is, for its page; raise LinkRefused."""
    return to_account(session.get(UserRow, _link_row(session, secret, purpose, utcnow()).user_id))


def use_link(session: Session, secret: str, purpose: str, password: str) -> UserAccount:
    """Set the password the link's holder chose (the password rules apply: WeakPassword), and use the link up.
    accounts.set_password ends their sessions and API tokens and audits it, as done by the holder."""
    now = utcnow()
    link = _link_row(session, secret, purpose, now)
    user = session.get(UserRow, link.user_id)
    accounts.set_password(session, user.username, password, actor=audit.user_actor(user.id))
    session.execute(update(OneTimeLinkRow).where(OneTimeLinkRow.user_id == user.id, OneTimeLinkRow.used_at.is_(None))
                    .values(used_at=now))
    return to_account(user)


# ------------------------------------------------------------------ forgot your password

class ResetThrottled(Exception):
    """Too many requests from this client address, whatever the addresses asked about."""


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def request_password_reset(session: Session, mail: MailSettings, email: str, client_address: str | None,
                           now: dt.datetime | None = None) -> list[Message]:
    """The messages to send for "forgot your password": a one-time link for each active account with this email
    address (none for an unknown one: the page answers alike). Raise ResetThrottled past the client's allowance;
    past the address's, send nothing more (and say nothing different)."""
    now = now or utcnow()
    since = now - RESET_WINDOW
    session.execute(delete(PasswordResetRequestRow).where(
        PasswordResetRequestRow.requested_at < now - dt.timedelta(days=1)))
    asked, client = email_key(email), client_key(client_address)
    from_client = session.scalar(select(func.count()).select_from(PasswordResetRequestRow).where(
        PasswordResetRequestRow.client_key == client, PasswordResetRequestRow.requested_at >= since))
    if from_client >= RESET_REQUESTS_PER_ADDRESS:
        raise ResetThrottled()
    for_email = session.scalar(select(func.count()).select_from(PasswordResetRequestRow).where(
        PasswordResetRequestRow.email_key == asked, PasswordResetRequestRow.requested_at >= since))
    session.add(PasswordResetRequestRow(requested_at=now, email_key=asked, client_key=client))
    session.flush()
    if for_email >= RESET_LINKS_PER_EMAIL:
        return []
    wanted = email.strip().lower()
    rows = session.scalars(select(UserRow).where(func.lower(UserRow.email) == wanted, UserRow.active.is_(True))
                           .order_by(UserRow.username)).all() if EMAIL_PATTERN.match(wanted) else []
    messages = []
    for row in rows:
        secret, _ = _new_link(session, row.id, PASSWORD_RESET, now)
        messages.append(_reset_message(to_account(row), mail, secret))
    return messages


__all__ = ["FormProblems", "LinkRefused", "NotAllowed", "ResetThrottled"]
