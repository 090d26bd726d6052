"""Use cases for meetings: agenda, attendance, declarations, motions and votes, minutes and actions."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import (ActionItem, AgendaItem, Attendance, Body, Decision, DecisionRequest, Declaration,
                            Meeting, Motion, Seat, Vote)
from ..domain import chairing
from ..domain import decisions as request_rules
from ..domain import meetings as rules
from . import agenda
from . import bodies as body_cases
from . import references
from .papers import papers_of


MOTION_DECISION_KINDS = {rules.EXPULSION: "membership_expulsion", rules.GOVERNANCE_REVIEW: "governance_review",
                         rules.HUB_MODEL: "hub_model"}


def _meeting_on(meeting: Meeting) -> dt.date:
    return clock.local_date(meeting.starts_at)


def schedule_meeting(uow: UnitOfWork, body: Body, title: str | None, starts_at: dt.datetime,
                     notice_given_on: dt.date, location: str | None) -> Meeting:
    """Schedule a meeting; its agenda starts with the body's standing items (G9) and the requests waiting for it."""
    if notice_given_on > clock.local_date(starts_at):
        raise RuleViolation("Notice of a meeting is given before it, not after.")
    meeting = Meeting(id=uuid.uuid4(), body_id=body.id, title=title or f"{body.name} meeting",
                      starts_at=starts_at, notice_given_on=notice_given_on, location=location)
    uow.session.add(meeting)
    uow.session.flush()  # no ORM relationships, so the meeting row must exist before its items
    for position, item in enumerate(body_cases.body_rules(body).standing_items, start=1):
        uow.session.add(AgendaItem(id=uuid.uuid4(), meeting_id=meeting.id, position=position, title=item,
                                   kind="standing", notified_on=notice_given_on))
    uow.session.flush()
    if starts_at > utcnow():
        for request in agenda.waiting_requests_for(uow.session, body):
            notified_on = max(notice_given_on, clock.local_date(request.requested_at))  # not before the request came
            if (clock.local_date(starts_at) - notified_on).days >= agenda.notice_needed(body, request.kind):
                agenda.place_request(uow.session, meeting, request, notified_on)
    uow.commit()
    return meeting


def add_agenda_item(uow: UnitOfWork, meeting: Meeting, title: str, kind: str, notified_on: dt.date | None) -> AgendaItem:
    """Add an item; `notified_on` is when the chair gave notice of it (G5 counts from it)."""
    if kind in ("standing", "request"):
        raise RuleViolation("Standing items and requests are put on the agenda by the system.")
    item = AgendaItem(id=uuid.uuid4(), meeting_id=meeting.id, position=agenda.next_position(uow.session, meeting.id),
                      title=title, kind=kind, notified_on=notified_on or clock.today())
    uow.session.add(item)
    uow.commit()
    return item


def _seat_of_body(session, meeting: Meeting, seat_id: uuid.UUID) -> Seat:
    seat = session.execute(select(Seat).where(Seat.id == seat_id, Seat.body_id == meeting.body_id)).scalar_one_or_none()
    if seat is None:
        raise RuleViolation("That seat is not on this meeting's body.")
    if not body_cases.term(seat).active_on(_meeting_on(meeting)):
        raise RuleViolation(f"{seat.person_name}'s term does not cover the meeting's date.")
    return seat


def record_attendance(uow: UnitOfWork, meeting: Meeting, seat_id: uuid.UUID, status: str,
                      deputy_name: str | None) -> Attendance:
    """Present, represented by a deputy, apologies or absent; published for G4 and finance's claims (G11).
    Refused before the meeting starts: what has not happened is not recorded."""
    rules.check_has_started(meeting.starts_at, utcnow(), "attendance")
    seat = _seat_of_body(uow.session, meeting, seat_id)
    rules.check_attendance(seat.role, status)
    if status == rules.BY_DEPUTY and not deputy_name:
        deputy = uow.session.execute(select(Seat).where(Seat.deputy_for == seat.id)).scalars().first()
        deputy_name = deputy.person_name if deputy else None
        if deputy_name is None:
            raise RuleViolation("Name the deputy who represented the seat.")
    if status != rules.BY_DEPUTY:
        deputy_name = None
    row = uow.session.get(Attendance, (meeting.id, seat.id))
    if row is None:
        row = Attendance(meeting_id=meeting.id, seat_id=seat.id, status=status, deputy_name=deputy_name)
        uow.session.add(row)
    else:
        row.status, row.deputy_name = status, deputy_name
    uow.publish("governance.attendance.recorded", subject=f"meeting/{meeting.id}", data={
        "meeting_id": meeting.id, "body_id": meeting.body_id, "seat_id": seat.id,
        "organisation_id": seat.organisation_id, "person_name": seat.person_name, "deputy_name": deputy_name,
        "meeting_on": _meeting_on(meeting), "status": status, "claimable": rules.attended(status)})
    uow.commit()
    return row


def _item_of(session, meeting: Meeting, item_id: uuid.UUID) -> AgendaItem:
    item = session.execute(select(AgendaItem).where(AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id)
                           ).scalar_one_or_none()
    if item is None:
        raise RuleViolation("That item is not on this meeting's agenda.")
    return item


def _held_seat(seats: list[Seat], account: str, day: dt.date, body_name: str) -> Seat:
    """The seat of `seats` (a body's) the account holds on the day, a voting seat first; refused when none."""
    held = rules.seat_held_by(body_cases.holdings(seats), account, day, body_name)
    return next(s for s in seats if s.id == held.seat_id)


def own_seat(session, meeting: Meeting, account: str) -> Seat:
    """The seat the signed-in person holds on the meeting's body on its day (a voting seat first)."""
    body = session.get(Body, meeting.body_id)
    return _held_seat(body_cases.seats_of(session, body.id), account, _meeting_on(meeting), body.name)


def seen_by(session, meeting: Meeting, account: str | None, staff: bool) -> bool:
    """Whether the caller sees the meeting (and may declare and vote at it for their own seat), by
    domain.meetings.sees_business on the meeting's day."""
    return rules.sees_business(staff, body_cases.holdings(body_cases.seats_of(session, meeting.body_id)), account,
                               _meeting_on(meeting))


def check_records_for_others(session, meeting: Meeting, account: str, what: str) -> None:
    """Declarations made aloud and a show of hands are recorded for the members by the body's chair or secretary."""
    body = session.get(Body, meeting.body_id)
    rules.check_records_for_others(body_cases.officer_role(session, body.id, account, _meeting_on(meeting)),
                                   body.name, what)


def declare_interest(uow: UnitOfWork, meeting: Meeting, item_id: uuid.UUID, seat_id: uuid.UUID,
                     interest: str, account: str) -> Declaration:
    """The chair or secretary records an interest a member declared aloud in an item; the declarer will not vote
    on it (G12), nor discuss it where C5 applies."""
    item = _item_of(uow.session, meeting, item_id)
    seat = _seat_of_body(uow.session, meeting, seat_id)
    check_records_for_others(uow.session, meeting, account, "declarations of interest")
    return _declare(uow, item, seat, interest)


def declare_my_interest(uow: UnitOfWork, meeting: Meeting, item_id: uuid.UUID, account: str,
                        interest: str) -> Declaration:
    """The signed-in seat holder declares their own interest in an item (G12; C5 on a chosen-provider item)."""
    item = _item_of(uow.session, meeting, item_id)
    return _declare(uow, item, own_seat(uow.session, meeting, account), interest)


def _declare(uow: UnitOfWork, item: AgendaItem, seat: Seat, interest: str) -> Declaration:
    """Once per seat and item; a vote the seat already cast on the item's open motion is void (G12)."""
    if uow.session.execute(select(Declaration.id).where(Declaration.agenda_item_id == item.id,
                                                        Declaration.seat_id == seat.id)).first():
        raise RuleViolation(f"{seat.person_name} has already declared an interest in this item.")
    declaration = Declaration(id=uuid.uuid4(), agenda_item_id=item.id, seat_id=seat.id, interest=interest,
                              excluded_from_discussion=rules.excluded_from_discussion(item.kind, seat.role, True),
                              declared_at=utcnow())
    uow.session.add(declaration)
    for ballot in uow.session.execute(select(Vote).join(Motion, Vote.motion_id == Motion.id).where(
            Motion.agenda_item_id == item.id, Motion.status == rules.OPEN, Vote.seat_id == seat.id)).scalars():
        uow.session.delete(ballot)
    uow.commit()
    return declaration


def _excluded(item: AgendaItem, declarations: list[Declaration], seats: list[Seat]) -> set[uuid.UUID]:
    """Seats that leave the item's discussion: declarers where C5 applies, the chair on items about the chair (G7)."""
    declared = {d.seat_id for d in declarations if d.excluded_from_discussion}
    return declared | {s.id for s in seats if rules.excluded_from_discussion(item.kind, s.role, False)}


def excluded_seats(session, meeting: Meeting, item: AgendaItem) -> set[uuid.UUID]:
    """Seats that leave the item's discussion (C5, G7), read for one item."""
    return _excluded(item, declarations_on(session, item.id), body_cases.seats_of(session, meeting.body_id))


def declarations_on(session, item_id: uuid.UUID) -> list[Declaration]:
    return list(session.execute(select(Declaration).where(Declaration.agenda_item_id == item_id)
                                .order_by(Declaration.declared_at)).scalars())


def propose_motion(uow: UnitOfWork, meeting: Meeting, item_id: uuid.UUID, text: str, kind: str,
                   subject: str | None) -> Motion:
    """Put a motion on an item; an expulsion needs the chair's notice well before the meeting (G5)."""
    item = _item_of(uow.session, meeting, item_id)
    body = uow.session.get(Body, meeting.body_id)
    if item.decision_request_id is not None:
        request = uow.session.get(DecisionRequest, item.decision_request_id)
        if request.status != request_rules.PENDING:
            raise RuleViolation("This request has already been decided.")
        subject = request.subject
        if request.kind == agenda.EXPULSION_REQUEST:  # membership asked for an expulsion: G5 applies
            kind = rules.EXPULSION
    if kind == rules.EXPULSION:
        rules.check_expulsion_notice(body_cases.body_rules(body), _meeting_on(meeting), item.notified_on)
        if not subject:
            raise RuleViolation("An expulsion motion names the member: give subject, e.g. organisation/<id>.")
        if item.decision_request_id is None:  # named by hand, not by membership's own request
            references.organisation_in_subject(uow.session, subject)
    if uow.session.execute(select(Motion.id).where(Motion.agenda_item_id == item.id,
                                                   Motion.status == rules.OPEN)).first():
        raise RuleViolation("This item already has an open motion.")
    motion = Motion(id=uuid.uuid4(), agenda_item_id=item.id, text=text, kind=kind, subject=subject, status=rules.OPEN)
    uow.session.add(motion)
    uow.commit()
    return motion


class Voters:
    """What the vote rules need at a meeting, read once for any number of its items (three statements): the body's
    seats, the meeting's attendance and the items' declarations."""

    def __init__(self, session, meeting: Meeting, item_ids):
        self.day = _meeting_on(meeting)
        self.seats = body_cases.seats_of(session, meeting.body_id)
        self.attendance = {a.seat_id: a.status for a in session.execute(
            select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars()}
        self.declarations: dict[uuid.UUID, list[Declaration]] = {item_id: [] for item_id in item_ids}
        if self.declarations:
            for declaration in session.execute(select(Declaration).where(
                    Declaration.agenda_item_id.in_(list(self.declarations))).order_by(Declaration.declared_at)
                    ).scalars():
                self.declarations[declaration.agenda_item_id].append(declaration)

    def own_seat(self, account: str, body_name: str) -> Seat:
        """The seat the account holds on the meeting's day (a voting seat first), refused when none."""
        return _held_seat(self.seats, account, self.day, body_name)

    def own_vote_facts(self, item: AgendaItem, seat: Seat) -> tuple:
        """What domain.meetings.own_vote_seat judges the holder of `seat` by on an item: the seats on the
        meeting's day, attendance, declarers and those excluded from its discussion."""
        on_the_day = {s.id: _voting_seat(s) for s in self.seats if body_cases.term(s).active_on(self.day)}
        declarations = self.declarations[item.id]
        return (_voting_seat(seat), on_the_day, self.attendance, {d.seat_id for d in declarations},
                _excluded(item, declarations, self.seats))

    def vote_open_to(self, item: AgendaItem, account: str) -> uuid.UUID | None:
        """The seat whose vote the account would cast on the item's open motion (domain.meetings.vote_open_to),
        or None."""
        try:
            seat = self.own_seat(account, "")
        except RuleViolation:
            return None
        return rules.vote_open_to(*self.own_vote_facts(item, seat))


def _voting_seat(seat: Seat) -> rules.VotingSeat:
    return rules.VotingSeat(seat.id, seat.role, seat.deputy_for)


def vote_open_to(session, meeting: Meeting, item: AgendaItem, account: str) -> uuid.UUID | None:
    """The seat whose vote the signed-in person would cast on the item's open motion (`my-vote`'s own rule,
    domain.meetings.vote_open_to), or None: no seat on the meeting's day, not present, co-opted, declared or
    excluded. The meeting has started and the motion is open: the caller checks those. Several items of a meeting:
    Voters, read once."""
    return Voters(session, meeting, [item.id]).vote_open_to(item, account)


def ballots_cast(session, motion_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {v.seat_id: v.vote for v in session.execute(select(Vote).where(Vote.motion_id == motion_id)).scalars()}


def cast_my_vote(uow: UnitOfWork, motion: Motion, account: str, vote: str) -> tuple[Vote, bool]:
    """The signed-in seat holder votes on an open motion, once the meeting has started: present in person (or,
    holding a deputy's seat, for the seat they represent that day), not co-opted (G2), without a declared interest
    in the item (G12) nor excluded from its discussion (C5, G7). One vote per seat: the same vote again is a replay
    (False), another is refused. The motion is decided when the chair or secretary takes the vote."""
    if motion.status != rules.OPEN:
        raise RuleViolation("This motion has already been voted on.")
    session = uow.session
    item = session.get(AgendaItem, motion.agenda_item_id)
    meeting = session.get(Meeting, item.meeting_id)
    rules.check_has_started(meeting.starts_at, utcnow(), "a vote")
    voters = Voters(session, meeting, [item.id])
    seat = voters.own_seat(account, session.get(Body, meeting.body_id).name)
    voter_id = rules.own_vote_seat(*voters.own_vote_facts(item, seat))
    previous = session.get(Vote, (motion.id, voter_id))
    if not rules.check_own_ballot(previous.vote if previous else None, vote):
        return previous, False
    ballot = Vote(motion_id=motion.id, seat_id=voter_id, vote=vote)
    session.add(ballot)
    uow.commit()
    return ballot, True


def vote(uow: UnitOfWork, motion: Motion, ballots: list[rules.Ballot], note: str, account: str) -> Decision:
    """Take the vote: the chair or secretary records the show of hands beside the votes members cast themselves;
    quorum first, then each voter checked (G2, G12, C5/G7), counted by the body's majority."""
    if motion.status != rules.OPEN:
        raise RuleViolation("This motion has already been voted on.")
    session = uow.session
    item = session.get(AgendaItem, motion.agenda_item_id)
    meeting = session.get(Meeting, item.meeting_id)
    rules.check_has_started(meeting.starts_at, utcnow(), "a vote")
    check_records_for_others(session, meeting, account, "a show of hands")
    cast = ballots_cast(session, motion.id)
    ballots = rules.with_hands_shown(cast, ballots)
    body = session.get(Body, meeting.body_id)
    body_rules = body_cases.body_rules(body)
    seats = {s.id: s for s in body_cases.seats_of(session, body.id)
             if body_cases.term(s).active_on(_meeting_on(meeting))}
    attendance = {a.seat_id: a.status for a in session.execute(
        select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars()}
    rules.quorum_present(body_rules, attendance, {k: s.role for k, s in seats.items()})
    if motion.kind == rules.EXPULSION:
        rules.check_expulsion_notice(body_rules, _meeting_on(meeting), item.notified_on)
    declarations = declarations_on(session, item.id)
    declared = {d.seat_id for d in declarations}
    excluded = excluded_seats(session, meeting, item)
    for ballot in ballots:
        seat = seats.get(ballot.seat_id)
        rules.check_vote(ballot.seat_id, seat.role if seat else None, attendance, declared, excluded)
    outcome, tally = rules.count_votes(body_rules, ballots)
    for ballot in ballots:
        if ballot.seat_id not in cast:
            session.add(Vote(motion_id=motion.id, seat_id=ballot.seat_id, vote=ballot.vote))
    motion.status = outcome
    request = session.get(DecisionRequest, item.decision_request_id) if item.decision_request_id else None
    declared_list = [{"seat_id": d.seat_id, "person_name": seats[d.seat_id].person_name if d.seat_id in seats else "",
                      "organisation_id": seats[d.seat_id].organisation_id if d.seat_id in seats else None,
                      "interest": d.interest, "excluded_from_discussion": d.excluded_from_discussion}
                     for d in declarations]
    decision = Decision(
        id=uuid.uuid4(), body_id=body.id, meeting_id=meeting.id, agenda_item_id=item.id, motion_id=motion.id,
        decision_request_id=request.id if request else None,
        kind=request.kind if request else MOTION_DECISION_KINDS.get(motion.kind, "motion"),
        subject=motion.subject, title=motion.text, outcome=outcome, note=note,
        votes=tally | {"ballots": [{"seat_id": str(b.seat_id), "vote": b.vote} for b in ballots]},
        declarations=[{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in d.items()} for d in declared_list],
        decided_at=utcnow())
    session.add(decision)
    if request is not None:
        agenda.answer_request(uow, request, decision, decided_on=_meeting_on(meeting))
    agenda.publish_recorded(uow, decision, tally, declared_list, decided_on=_meeting_on(meeting))
    uow.commit()
    return decision


def _chairing_candidates(session, meeting: Meeting) -> list[chairing.Candidate]:
    day = _meeting_on(meeting)
    present = {a.seat_id for a in session.execute(select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.status == rules.PRESENT)).scalars()}
    return [chairing.Candidate(s.id, s.person_name, s.role, s.id in present)
            for s in body_cases.seats_of(session, meeting.body_id) if body_cases.term(s).active_on(day)]


def stand_in_history(session, meeting: Meeting) -> list[uuid.UUID]:
    """Who stood in for the chair at the body's earlier meetings, oldest first (G8)."""
    rows = session.execute(select(Meeting.chaired_by_seat_id, Seat.role).join(
        Seat, Meeting.chaired_by_seat_id == Seat.id).where(
        Meeting.body_id == meeting.body_id, Meeting.starts_at < meeting.starts_at).order_by(Meeting.starts_at)).all()
    return [seat_id for seat_id, role in rows if role != "chair"]


def chairing_view(session, meeting: Meeting) -> dict:
    """Who chaired, whether the chair is present, and (G8) which member's turn it is to stand in."""
    candidates = _chairing_candidates(session, meeting)
    chair_present = any(c.role == "chair" and c.present for c in candidates)
    chosen = next((c for c in candidates if c.seat_id == meeting.chaired_by_seat_id), None)
    suggestion = None if chair_present else chairing.suggest_stand_in(candidates, stand_in_history(session, meeting))
    return {"chaired_by": chosen and {"seat_id": chosen.seat_id, "person_name": chosen.person_name,
                                      "role": chosen.role},
            "chair_present": chair_present,
            "suggested_chair": suggestion and {"seat_id": suggestion.seat_id, "person_name": suggestion.person_name,
                                               "role": suggestion.role}}


def record_chair(uow: UnitOfWork, meeting: Meeting, seat_id: uuid.UUID) -> Meeting:
    """Record who chaired: the chair if present, otherwise a member present in person (G8)."""
    rules.check_has_started(meeting.starts_at, utcnow(), "who chaired")
    candidates = _chairing_candidates(uow.session, meeting)
    chosen = next((c for c in candidates if c.seat_id == seat_id), None)
    if chosen is None:
        raise RuleViolation("That seat is not on this meeting's body for the meeting's date.")
    chairing.check_chairing(chosen, any(c.role == "chair" and c.present for c in candidates))
    meeting.chaired_by_seat_id = chosen.seat_id
    uow.commit()
    return meeting


def set_minutes(uow: UnitOfWork, meeting: Meeting, minutes: str) -> Meeting:
    """The minutes, once the meeting has started."""
    rules.check_has_started(meeting.starts_at, utcnow(), "minutes")
    meeting.minutes = minutes
    uow.commit()
    return meeting


def add_action(uow: UnitOfWork, meeting: Meeting, description: str, owner: str, due_on: dt.date) -> ActionItem:
    action = ActionItem(id=uuid.uuid4(), meeting_id=meeting.id, description=description, owner=owner, due_on=due_on)
    uow.session.add(action)
    uow.commit()
    return action


def complete_action(uow: UnitOfWork, action: ActionItem, done_on: dt.date) -> ActionItem:
    action.done_on = done_on
    uow.commit()
    return action


def your_part(session, meeting: Meeting, account: str | None) -> dict | None:
    """The signed-in person's seat on the meeting's body, if they hold one on its day, and whether they record
    declarations and the show of hands for the others (the body's chair or secretary)."""
    if not account:
        return None
    try:
        seat = own_seat(session, meeting, account)
    except RuleViolation:
        return None
    officer = body_cases.officer_role(session, meeting.body_id, account, _meeting_on(meeting))
    return {"seat_id": seat.id, "person_name": seat.person_name, "role": seat.role,
            "votes": seat.role in rules.VOTING_ROLES or seat.role == rules.DEPUTY,
            "records_for_others": officer is not None}


def meeting_view(session, meeting: Meeting, account: str | None = None) -> dict:
    """The meeting as the secretary runs it: agenda with declarations and motions (with the votes cast so far),
    attendance, quorum, actions, papers by item, and the signed-in person's own seat (`you`)."""
    body = session.get(Body, meeting.body_id)
    body_rules = body_cases.body_rules(body)
    items = list(session.execute(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                 .order_by(AgendaItem.position)).scalars())
    attendance = list(session.execute(select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars())
    seats = {s.id: s for s in body_cases.seats_of(session, body.id)}
    voting_present = sum(1 for a in attendance if rules.attended(a.status)
                         and seats[a.seat_id].role in rules.VOTING_ROLES)
    motions = list(session.execute(select(Motion).join(AgendaItem, Motion.agenda_item_id == AgendaItem.id)
                                   .where(AgendaItem.meeting_id == meeting.id)).scalars())
    cast: dict[uuid.UUID, list[dict]] = {}
    for row in session.execute(select(Vote).where(Vote.motion_id.in_([m.id for m in motions]))).scalars():
        cast.setdefault(row.motion_id, []).append({
            "seat_id": row.seat_id, "person_name": seats[row.seat_id].person_name if row.seat_id in seats else "",
            "vote": row.vote})
    papers = papers_of(session, meeting)
    return {
        "id": meeting.id, "body_id": body.id, "body_name": body.name, "title": meeting.title,
        "starts_at": meeting.starts_at, "notice_given_on": meeting.notice_given_on, "location": meeting.location,
        "minutes": meeting.minutes, "chairing": chairing_view(session, meeting),
        "papers": papers, "you": your_part(session, meeting, account),
        "quorum": {"required": body_rules.quorum, "present": voting_present,
                   "quorate": voting_present >= body_rules.quorum},
        "agenda": [{"id": i.id, "position": i.position, "title": i.title, "kind": i.kind,
                    "notified_on": i.notified_on, "decision_request_id": i.decision_request_id,
                    "declarations": declarations_on(session, i.id),
                    "papers": [p for p in papers if p.agenda_item_id == i.id],
                    "motions": [{"id": m.id, "agenda_item_id": m.agenda_item_id, "text": m.text, "kind": m.kind,
                                 "subject": m.subject, "status": m.status, "ballots": cast.get(m.id, [])}
                                for m in motions if m.agenda_item_id == i.id]} for i in items],
        "attendance": [{"seat_id": a.seat_id, "person_name": seats[a.seat_id].person_name,
                        "role": seats[a.seat_id].role, "status": a.status, "deputy_name": a.deputy_name}
                       for a in attendance],
        "actions": list(session.execute(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                        .order_by(ActionItem.due_on)).scalars()),
    }
