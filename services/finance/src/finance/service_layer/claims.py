"""Use cases for attendance claims (G11): from governance's attendance, travel with receipts, approval."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit import uploads
from hubkit.db import utcnow
from hubkit.paging import Order, asc, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.money_tables import AttendanceClaim, ClaimExpense, PaymentRun, PaymentRunItem
from ..domain import claims as rules
from . import money_settings


def learn_attendance(uow: UnitOfWork, data: dict) -> AttendanceClaim | None:
    """One claim per seat and meeting: made when it attended (and may claim), withdrawn if corrected to missed
    before it is paid, reopened if corrected back."""
    settings = money_settings.current(uow.session)
    meeting_id, seat_id = uuid.UUID(str(data["meeting_id"])), uuid.UUID(str(data["seat_id"]))
    claimable = rules.may_claim(data["status"], bool(data["claimable"]), settings["deputy_may_claim"])
    claim = uow.session.execute(select(AttendanceClaim).where(
        AttendanceClaim.meeting_id == meeting_id, AttendanceClaim.seat_id == seat_id)).scalar_one_or_none()
    if claim is None:
        if not claimable:
            return None  # nothing is claimable for a meeting not attended (G11)
        claim = AttendanceClaim(
            meeting_id=meeting_id, body_id=uuid.UUID(str(data["body_id"])), seat_id=seat_id,
            organisation_id=uuid.UUID(str(data["organisation_id"])) if data.get("organisation_id") else None,
            person_name=data["person_name"][:200], deputy_name=(data.get("deputy_name") or None),
            meeting_on=dt.date.fromisoformat(str(data["meeting_on"])), attendance=data["status"],
            daily_rate_pence=settings["claim_daily_rate_pence"], status=rules.OPEN, created_at=utcnow())
        uow.session.add(claim)
        uow.session.flush()
        uow.publish("finance.claim.created", subject=f"claim/{claim.id}", data={
            "claim_id": str(claim.id), "meeting_id": str(meeting_id), "seat_id": str(seat_id),
            "organisation_id": str(claim.organisation_id) if claim.organisation_id else None,
            "person_name": claim.person_name, "meeting_on": claim.meeting_on.isoformat(),
            "daily_rate_pence": claim.daily_rate_pence})
        return claim
    new_status = rules.after_correction(claim.status, claimable)
    if claim.status not in rules.LOCKED:
        claim.attendance, claim.deputy_name = data["status"], data.get("deputy_name") or None
    if new_status is not None:
        claim.status = new_status
        claim.note = (None if new_status == rules.OPEN else
                      f"Withdrawn: attendance corrected to {data['status']}.")
        if new_status == rules.OPEN:
            claim.approved_by = claim.approved_at = None
    uow.session.flush()
    return claim


# GET /claims: newest meeting first, then by name (ix_attendance_claim_newest for a state,
# ix_attendance_claim_by_meeting for all of them), paged in SQL.
CLAIM_ORDER = Order(desc(AttendanceClaim.meeting_on), asc(AttendanceClaim.person_name), asc(AttendanceClaim.id))


def claims_query(status: str | None = None):
    """The claims (of a state, if given; member staff their own organisation's) to page in CLAIM_ORDER."""
    query = select(AttendanceClaim)
    return query.where(AttendanceClaim.status == status) if status else query


def claims(session, status: str | None = None) -> list[AttendanceClaim]:
    return list(session.execute(claims_query(status).order_by(
        AttendanceClaim.meeting_on.desc(), AttendanceClaim.person_name)).scalars())


def expenses_of(session, claim_id) -> list[ClaimExpense]:
    return list(session.execute(select(ClaimExpense).where(ClaimExpense.claim_id == claim_id)
                                .order_by(ClaimExpense.added_at)).scalars())


def view(session, claim: AttendanceClaim) -> dict:
    expenses = expenses_of(session, claim.id)
    item = session.execute(select(PaymentRunItem).where(PaymentRunItem.claim_id == claim.id)).scalar_one_or_none()
    run = session.get(PaymentRun, item.run_id) if item else None
    return {**{key: getattr(claim, key) for key in (
        "id", "meeting_id", "body_id", "seat_id", "organisation_id", "person_name", "deputy_name", "meeting_on",
        "attendance", "daily_rate_pence", "status", "note", "approved_by", "approved_at", "paid_on", "created_at")},
        "expenses_pence": sum(e.amount_pence for e in expenses),
        "total_pence": claim.daily_rate_pence + sum(e.amount_pence for e in expenses),
        "expenses": [{key: getattr(e, key) for key in (
            "id", "kind", "description", "amount_pence", "receipt_filename", "receipt_content_type", "receipt_size",
            "receipt_sha256", "added_by", "added_at")} for e in expenses],
        "run_id": run.id if run else None, "run_number": run.number if run else None}


def add_expense(uow: UnitOfWork, claim: AttendanceClaim, kind: str, description: str, amount_pence: int,
                filename: str, content: bytes, by: str, max_bytes: int) -> ClaimExpense:
    """Travel with its receipt (PDF, PNG or JPEG by content); nothing is kept if the file is refused."""
    rules.check_expense_kind(kind)
    rules.check_can_change(claim.status)
    content_type = rules.receipt_type(filename, content, max_bytes)
    row = ClaimExpense(claim_id=claim.id, organisation_id=claim.organisation_id, kind=kind,
                       description=description, amount_pence=amount_pence,
                       receipt_filename=uploads.safe_filename(filename, fallback="receipt"), receipt_content_type=content_type,
                       receipt_size=len(content), receipt_sha256=uploads.checksum(content), receipt=content,
                       added_by=by, added_at=utcnow())
    uow.session.add(row)
    if claim.status == rules.APPROVED:
        # A new cost on an approved claim needs approving again.
        claim.status, claim.approved_by, claim.approved_at = rules.OPEN, None, None
    uow.commit()
    return row


def approve(uow: UnitOfWork, claim: AttendanceClaim, by: str) -> AttendanceClaim:
    rules.check_approve(claim.status)
    claim.status, claim.approved_by, claim.approved_at = rules.APPROVED, by, utcnow()
    uow.commit()
    return claim


def reject(uow: UnitOfWork, claim: AttendanceClaim, by: str, reason: str) -> AttendanceClaim:
    rules.check_can_change(claim.status)
    claim.status, claim.note, claim.approved_by, claim.approved_at = rules.REJECTED, reason, by, utcnow()
    uow.commit()
    return claim
