"""The rules of notifications, as plain functions: the kinds, who is told of what, and the email choices.

Who is told is always chosen among the active people of the event's own consortium, so nobody hears of another
consortium's business, and never the person who caused it (their own timesheet)."""
from __future__ import annotations

import dataclasses
import uuid
from typing import Iterable

from ..domain.roles import BOARD_MEMBER, CONSORTIUM_MANAGER, FINANCE_OFFICER, MEMBER_USER

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
CHOICES = {IMMEDIATE: "Email me straight away", DIGEST: "Email me once a day, all together", OFF: "No email"}

TIMESHEET_TO_APPROVE = "timesheet_to_approve"
INVOICE_ISSUED = "invoice_issued"
DECISION_REQUESTED = "decision_requested"
EOI_INVITATION = "eoi_invitation"
VARIATION_TO_RATIFY = "variation_to_ratify"
PAPERS_PUBLISHED = "papers_published"
EVIDENCE_EXPIRING = "evidence_expiring"
RETURN_DUE = "return_due"
WEEK_NOT_SUBMITTED = "week_not_submitted"


@dataclasses.dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default: str  # the email choice of someone who has not chosen


KINDS = {kind.key: kind for kind in (
    Kind(TIMESHEET_TO_APPROVE, "A timesheet waits for my approval", IMMEDIATE),
    Kind(INVOICE_ISSUED, "An invoice is issued for my organisation", IMMEDIATE),
    Kind(DECISION_REQUESTED, "A decision is asked of a body I sit on", IMMEDIATE),
    Kind(EOI_INVITATION, "My organisation is invited to express interest in work", IMMEDIATE),
    Kind(VARIATION_TO_RATIFY, "A budget change waits for the accountable body's ratification", IMMEDIATE),
    Kind(PAPERS_PUBLISHED, "Papers are published for a meeting I sit on", IMMEDIATE),
    Kind(EVIDENCE_EXPIRING, "A member's due-diligence evidence expires soon or has expired", IMMEDIATE),
    Kind(RETURN_DUE, "A subcontract's performance return is due within a week or overdue", IMMEDIATE),
    Kind(WEEK_NOT_SUBMITTED, "My timesheet was not submitted by the Monday after the week", IMMEDIATE),
)}


class ChoiceRefused(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Person:
    """What deciding who is told needs to know of a user."""

    id: uuid.UUID
    consortium_id: uuid.UUID
    organisation_id: uuid.UUID | None
    roles: frozenset[str]
    active: bool = True
    username: str | None = None


@dataclasses.dataclass(frozen=True)
class Notice:
    """What one source (an event, a daily check) tells its recipients: the same title and link for each."""

    kind: str
    title: str
    link: str  # a path in the hub: the page that acts on it
    source_key: str  # what makes it once: the event's id, or the check and its day


def check_choice(kind: str, choice: str) -> None:
    if kind not in KINDS:
        raise ChoiceRefused(f"There is no kind of notification called {kind!r}.")
    if choice not in CHOICES:
        raise ChoiceRefused(f"Choose one of: {', '.join(CHOICES)}.")


def email_due(kind: str, chosen: str | None) -> str | None:
    """The email a notification owes its recipient, by their choice for its kind (or the kind's default)."""
    choice = chosen or KINDS[kind].default
    return None if choice == OFF else choice


def _of(people: Iterable[Person], consortium_id: uuid.UUID) -> list[Person]:
    return [p for p in people if p.active and p.consortium_id == consortium_id]


def timesheet_approvers(people: Iterable[Person], consortium_id: uuid.UUID, staff_user_id: str | None,
                        line_manager_user_id: str | None) -> list[Person]:
    """H4: a submitted week waits for the person's line manager and the finance officer (who approve it, as
    finance's check_approver says), never for the person themselves."""
    return [p for p in _of(people, consortium_id)
            if str(p.id) != (staff_user_id or "")
            and (FINANCE_OFFICER in p.roles or (line_manager_user_id and str(p.id) == line_manager_user_id))]


def organisation_staff(people: Iterable[Person], consortium_id: uuid.UUID, organisation_id: uuid.UUID) -> list[Person]:
    """The member users of one organisation in the consortium: no other organisation's staff."""
    return [p for p in _of(people, consortium_id) if MEMBER_USER in p.roles and p.organisation_id == organisation_id]


def finance_officers(people: Iterable[Person], consortium_id: uuid.UUID) -> list[Person]:
    """F1: the accountable body's finance officer ratifies what the Management Board approved."""
    return [p for p in _of(people, consortium_id) if FINANCE_OFFICER in p.roles]


def seat_holders(people: Iterable[Person], consortium_id: uuid.UUID, accounts: Iterable[str]) -> list[Person]:
    """Those whose hub account a seat of the meeting's body names, on the meeting's day."""
    named = set(accounts)
    return [p for p in _of(people, consortium_id) if p.username and p.username in named]


def deciders_seated(people: Iterable[Person], consortium_id: uuid.UUID, accounts: Iterable[str]) -> list[Person]:
    """Those seated on the body a decision is asked of (their accounts named by its seats) who decide in the hub
    (board members and managers, whom the decisions page is for): not every board member, only that body's."""
    return [p for p in seat_holders(people, consortium_id, accounts) if p.roles & {BOARD_MEMBER, CONSORTIUM_MANAGER}]


def evidence_keepers(people: Iterable[Person], consortium_id: uuid.UUID, organisation_id: uuid.UUID) -> list[Person]:
    """M1: the member's own staff, who renew their evidence, and the consortium managers, who verify it."""
    return [p for p in _of(people, consortium_id)
            if CONSORTIUM_MANAGER in p.roles or (MEMBER_USER in p.roles and p.organisation_id == organisation_id)]


def consortium_managers(people: Iterable[Person], consortium_id: uuid.UUID) -> list[Person]:
    return [p for p in _of(people, consortium_id) if CONSORTIUM_MANAGER in p.roles]


def the_person(people: Iterable[Person], consortium_id: uuid.UUID, user_id: str | None) -> list[Person]:
    """H4: the one person a reminder of their own week is for (their hub account), if active in that consortium."""
    return [p for p in _of(people, consortium_id) if user_id and str(p.id) == user_id]
