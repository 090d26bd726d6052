"""Due diligence before joining (M1): a checklist per consortium, each item provided then verified."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hubkit.domain import RuleViolation


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One line of a consortium's due-diligence checklist."""

    kind: str
    label: str
    required: bool = True
    needs_expiry: bool = False
    needs_cover: bool = False  # insurance: the amount of cover, in pence


DEFAULT_CHECKLIST = (
    Requirement("governing_document", "Governing document"),
    Requirement("latest_accounts", "Latest accounts"),
    Requirement("public_liability", "Public liability insurance", needs_expiry=True, needs_cover=True),
    Requirement("employers_liability", "Employers' liability insurance", needs_expiry=True, needs_cover=True),
    Requirement("professional_indemnity", "Professional indemnity insurance", needs_expiry=True, needs_cover=True),
    Requirement("safeguarding_policy", "Safeguarding policy"),
    Requirement("data_protection_registration", "Data protection registration", needs_expiry=True),
    Requirement("equality_policy", "Equality policy"),
    Requirement("health_and_safety_policy", "Health and safety policy"),
)
KINDS = {r.kind: r for r in DEFAULT_CHECKLIST}


@dataclasses.dataclass(frozen=True)
class Evidence:
    """What an organisation has provided for one requirement, and who verified it."""

    kind: str
    provided_on: dt.date | None = None
    expires_on: dt.date | None = None
    cover_pence: int | None = None
    verified_by: str | None = None
    verified_on: dt.date | None = None


def check_verification(label: str, provided_on: dt.date, expires_on: dt.date | None, verified_on: dt.date) -> None:
    """M1: evidence is verified on or after the day it was provided, and only while it is current: an expired
    certificate is not verified as current evidence (the renewed one is provided, then verified)."""
    if verified_on < provided_on:
        raise RuleViolation("Evidence cannot be verified before it was provided.", "M1")
    if expires_on is not None and expires_on < verified_on:
        raise RuleViolation(f"{label} expired on {expires_on:%d %B %Y}: an expired certificate cannot be verified "
                            f"as current evidence. Provide the renewed certificate, then verify it.", "M1")


def outstanding(checklist: tuple[Requirement, ...], evidence: dict[str, Evidence], today: dt.date) -> list[str]:
    """What stops an application going forward (M1): each required item missing, unverified or expired."""
    problems = []
    for requirement in checklist:
        if not requirement.required:
            continue
        item = evidence.get(requirement.kind)
        if item is None or item.provided_on is None:
            problems.append(f"{requirement.label} is missing")
        elif requirement.needs_expiry and (item.expires_on is None or item.expires_on < today):
            problems.append(f"{requirement.label} has expired" if item.expires_on else
                            f"{requirement.label} has no expiry date")
        elif requirement.needs_cover and not item.cover_pence:
            problems.append(f"{requirement.label} does not say its cover")
        elif not item.verified_by or item.verified_on is None:
            problems.append(f"{requirement.label} is not verified")
    return problems


def missing_details(requirement: Requirement, expires_on: dt.date | None, cover_pence: int | None
                    ) -> dict[str, str]:
    """M1: what an item's evidence lacks, by field: its expiry date (certificates, registrations) and its amount
    of cover (insurance). Empty when nothing is missing."""
    missing = {}
    if requirement.needs_expiry and not expires_on:
        missing["expires_on"] = f"{requirement.label} needs its expiry date."
    if requirement.needs_cover and not cover_pence:
        missing["cover_pence"] = f"{requirement.label} needs the amount of cover."
    return missing


def filled_from_document(details: dict, document_expires_on: dt.date | None) -> dict:
    """Evidence pointing at an uploaded certificate takes the certificate's expiry date unless it gives its own:
    the date is not asked for twice."""
    if details.get("document_id") and not details.get("expires_on") and document_expires_on:
        return details | {"expires_on": document_expires_on}
    return details
