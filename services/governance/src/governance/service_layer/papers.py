"""Use cases for meeting papers, stored in the database with their checksum."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import undefer

from hubkit import clock
from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import AgendaItem, Meeting, MeetingPaper, Seat
from ..domain import papers as rules
from ..domain.bodies import SeatTerm


def seat_accounts(session, body_id: uuid.UUID, day) -> list[str]:
    """The hub accounts the body's seats name on that day: current, not lapsed."""
    return sorted({seat.account for seat in session.execute(select(Seat).where(
        Seat.body_id == body_id, Seat.account.is_not(None))).scalars()
        if seat.lapsed_on is None and SeatTerm(seat.role, seat.person_name, seat.starts_on, seat.ends_on).active_on(day)})


def attach(uow: UnitOfWork, meeting: Meeting, title: str | None, agenda_item_id: uuid.UUID | None,
           filename: str, content: bytes) -> MeetingPaper:
    """Keep an accepted paper for the meeting (or one of its items); refuses other formats (UnacceptableFile)."""
    if agenda_item_id is not None and uow.session.execute(select(AgendaItem.id).where(
            AgendaItem.id == agenda_item_id, AgendaItem.meeting_id == meeting.id)).first() is None:
        raise RuleViolation("That item is not on this meeting's agenda.")
    name = rules.safe_filename(filename)
    paper = MeetingPaper(id=uuid.uuid4(), meeting_id=meeting.id, agenda_item_id=agenda_item_id,
                         title=(title or "").strip() or name.rsplit(".", 1)[0], filename=name,
                         content_type=rules.content_type_of(filename, content), size_bytes=len(content),
                         sha256=rules.checksum(content), content=content, uploaded_by=uow.actor,
                         uploaded_at=utcnow())
    uow.session.add(paper)
    accounts = seat_accounts(uow.session, meeting.body_id, clock.local_date(meeting.starts_at))
    uow.publish("governance.paper.published", subject=f"meeting/{meeting.id}", data={
        "paper_id": paper.id, "meeting_id": meeting.id, "meeting_title": meeting.title,
        "meeting_starts_at": meeting.starts_at, "title": paper.title, "seat_accounts": accounts})
    uow.commit()
    return paper


# GET /meetings/<id>/papers: in the order they were added (ix_meeting_paper_in_order), paged in SQL.
PAPER_ORDER = Order(asc(MeetingPaper.uploaded_at), asc(MeetingPaper.id))


def papers_query(meeting: Meeting):
    """The meeting's papers (without their content, which is deferred) for the caller to page in PAPER_ORDER."""
    return select(MeetingPaper).where(MeetingPaper.meeting_id == meeting.id)


def papers_of(session, meeting: Meeting) -> list[MeetingPaper]:
    return list(session.execute(papers_query(meeting).order_by(MeetingPaper.uploaded_at, MeetingPaper.id)).scalars())


def with_content(session, meeting: Meeting, paper_id: uuid.UUID) -> MeetingPaper | None:
    return session.execute(select(MeetingPaper).options(undefer(MeetingPaper.content)).where(
        MeetingPaper.meeting_id == meeting.id, MeetingPaper.id == paper_id)).scalar_one_or_none()
