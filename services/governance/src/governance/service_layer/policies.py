"""Use cases for the policies register and the yearly governance review (G10)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit import clock
from hubkit.domain import RuleViolation
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import Decision, Policy
from ..domain import policies as rules


def _approving_decision(session, decision_id: uuid.UUID | None) -> None:
    if decision_id is None:
        return
    decision = session.execute(select(Decision).where(Decision.id == decision_id)).scalar_one_or_none()
    if decision is None or decision.outcome != "approved":
        raise RuleViolation("Name a decision that approved the policy.")


def add_policy(uow: UnitOfWork, title: str, owner: str, approved_on: dt.date, review_due_on: dt.date,
               approved_by_decision_id: uuid.UUID | None) -> Policy:
    """Add a policy to the register with its owner, approving decision and review date."""
    rules.check_review_dates(approved_on, review_due_on)
    _approving_decision(uow.session, approved_by_decision_id)
    policy = Policy(id=uuid.uuid4(), title=title, owner=owner, approved_on=approved_on, review_due_on=review_due_on,
                    approved_by_decision_id=approved_by_decision_id)
    uow.session.add(policy)
    uow.commit()
    return policy


def review_policy(uow: UnitOfWork, policy: Policy, reviewed_on: dt.date, next_review_on: dt.date,
                  decision_id: uuid.UUID | None) -> Policy:
    """Record a review and set the next one."""
    rules.check_review_dates(reviewed_on, next_review_on)
    _approving_decision(uow.session, decision_id)
    policy.last_reviewed_on, policy.review_due_on = reviewed_on, next_review_on
    if decision_id is not None:
        policy.approved_by_decision_id = decision_id
    uow.commit()
    return policy


def register(session, today: dt.date) -> dict:
    """The policies, overdue reviews flagged, and whether the yearly governance review is due (G10)."""
    policies = list(session.execute(select(Policy).order_by(Policy.review_due_on, Policy.title)).scalars())
    last_review = session.execute(select(Decision.decided_at).where(
        Decision.kind == "governance_review", Decision.outcome == "approved")
        .order_by(Decision.decided_at.desc()).limit(1)).scalar_one_or_none()
    return {
        "policies": [{"policy": p, "overdue": rules.review_overdue(p.review_due_on, today)} for p in policies],
        "governance_review_warning": rules.governance_review_due(
            clock.local_date(last_review) if last_review else None, today),
    }
