"""Reading the people pages' forms (a consortium, its settings, an invitation, a person's roles and organisation,
setting and resetting a password): what was typed, to show again, and what is wrong with it by field, in plain
words. The rules themselves are in domain/administration.py and administration.py; these only read and word."""
from __future__ import annotations

import re
import uuid
from typing import Mapping

from ... import administration
from ...domain.administration import VariationThreshold, settings_problems
from ...domain.roles import HOST_ADMIN
from ...domain.users import UserRuleBroken
from ..common.money import pounds_to_pence

Errors = dict[str, list[str]]

INVITE_FIELDS = ("display_name", "email", "username", "organisation_id")
SETTINGS_FIELDS = ("display_name", "logo_text", "threshold_owner", "threshold")


def consortium_form(form: Mapping) -> dict:
    """A new consortium's name and short name, as typed."""
    return {"name": form.get("name", "")[:500], "slug": form.get("slug", "")[:100]}


def consortium_name(form: Mapping) -> str:
    return form.get("name", "")[:500]


def settings_form(form: Mapping) -> dict:
    """The settings form as typed (each field at most 200 characters)."""
    return {key: form.get(key, "")[:200] for key in SETTINGS_FIELDS}


def settings_threshold(form: dict, pence_before: int) -> tuple[VariationThreshold, Errors]:
    """The variation threshold the settings form asks for (its pounds read only when the host sets it), and every
    problem of the form at once when the pounds are not an amount."""
    pence, errors = pence_before, {}
    if form["threshold_owner"] == HOST_ADMIN and form["threshold"].strip():
        try:
            pence = pounds_to_pence(form["threshold"], allow_zero=True)
        except ValueError:
            errors["threshold"] = ["Enter the threshold in pounds, like 5000 or 5,000.00"]
    threshold = VariationThreshold(form["threshold_owner"], pence)
    if errors:
        errors = settings_problems(form["display_name"], form["logo_text"], threshold) | errors
    return threshold, errors


def invite_form(form) -> dict:
    """The invitation form as typed: its text fields and the roles ticked."""
    typed = {key: form.get(key, "")[:400] for key in INVITE_FIELDS}
    return typed | {"roles": form.getlist("roles")}


def roles_chosen(form) -> tuple[frozenset[str], Errors]:
    roles = frozenset(form.getlist("roles"))
    return roles, ({} if roles else {"roles": ["Choose at least one role"]})


def organisation_choice(value: str) -> uuid.UUID | None:
    """The organisation chosen from the list, or None for none (or a value the list never offered)."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def invited_organisation_problems(organisation_id: uuid.UUID | None, roles: list[str],
                                  offered: set[str], member_user: str) -> Errors:
    """An organisation is one of the consortium's and only for member organisation staff."""
    if organisation_id is None:
        return {}
    if str(organisation_id) not in offered:
        return {"organisation_id": ["Choose one of the consortium's organisations"]}
    if member_user not in roles:
        return {"organisation_id": ["Only member organisation staff belong to an organisation: leave it blank"]}
    return {}


# The account rules' sentences (domain/users.py, accounts.py: also said by the command line) in the pages' words,
# on the field they are about.
USER_RULE_WORDS = (
    (re.compile(r"Username \S+ is already taken"), "username",
     "That username is already taken: choose another"),
    (re.compile(r"Username must be .*"), "username",
     "Enter a username of 2 to 64 lower-case letters, digits, dots, dashes or underscores"),
    (re.compile(r"A user needs at least one role"), "roles", "Choose at least one role"),
    (re.compile(r"Unknown roles: .*"), "roles", "Choose roles from the list"),
    (re.compile(r"A member_user must belong to an organisation"), "organisation_id",
     "Choose the organisation member organisation staff work for"),
    (re.compile(r"Only a member_user belongs to an organisation"), "organisation_id",
     "Only member organisation staff belong to an organisation: leave it blank"),
    (re.compile(r"No consortium .*"), "_form", "This consortium no longer exists"),
    (re.compile(r"No user called .*"), "_form", "This person's account no longer exists"),
)


def user_rule_errors(broken: UserRuleBroken, field: str | None = None) -> Errors:
    """The account rules a change broke, each on its field in plain words (never a role's code or an id); `field`
    puts them all on the one field the form has (a person's page: the roles, say)."""
    errors: Errors = {}
    for problem in broken.problems:
        key, words = "_form", problem
        for pattern, on, said in USER_RULE_WORDS:
            if pattern.fullmatch(problem):
                key, words = on, said
                break
        errors.setdefault(field or key, []).append(words)
    return errors


def new_password(form: Mapping) -> tuple[str | None, Errors]:
    """The password chosen and typed again; never shown back (the boxes come back empty)."""
    password, again = form.get("password", ""), form.get("password_again", "")
    if not password:
        return None, {"password": ["Enter a password"]}
    if password != again:
        return None, {"password_again": ["The passwords do not match"]}
    return password, {}


def email_for_reset(form: Mapping) -> tuple[str, Errors]:
    email = form.get("email", "")[:320]
    if not administration.EMAIL_PATTERN.match(email.strip()):
        return email, {"email": ["Enter an email address in the correct format, like name@example.org"]}
    return email, {}
