"""Bodies, seats, meetings and the things done at them, over HTTP."""
from __future__ import annotations

import datetime as dt
import uuid

from typing import Callable

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import or_, select

from hubkit.auth import SEES_GOVERNANCE, STAFF, allow, current_principal
from hubkit.db import utcnow
from hubkit.paging import Order, asc, desc, paged
from hubkit.uploads import content_disposition
from hubkit.web import accepts_upload, get_or_404, request_uow, stored_file
from hubkit import clock

from ..adapters.orm import (ActionItem, AgendaItem, Body, Decision, Meeting, Motion, RegisteredInterest, Seat,
                            WrittenResolution)
from ..domain.meetings import Ballot
from ..domain.papers import UnacceptableFile
from ..service_layer import attendance as attendance_cases
from ..service_layer import bodies as use_cases
from ..service_layer import calendars
from ..service_layer import meetings as meeting_cases
from ..service_layer import papers as paper_cases
from ..service_layer import references
from ..service_layer import resolutions as resolution_cases
from . import schemas as s

RUNNERS = ("board_member", "consortium_manager")  # the chair, governance lead and board run meetings
# Anyone whose hub username a seat names declares, votes and answers for that seat, whatever their role, and sees
# the meetings and written resolutions of the bodies they sit on; the manager and the board see every body's
# (hubkit.auth.SEES_GOVERNANCE; 404 otherwise). A body, its lists (meetings, their calendar, written resolutions),
# the decisions log and the register of interests are for SEES_GOVERNANCE alone (403 for anyone else, as for member
# staff): a seat holder of another role has their own list, GET /meetings, and opens each meeting and resolution.
SEAT_HOLDERS = (*STAFF, "member_user")

blp = Blueprint("bodies", __name__, url_prefix="/bodies", description="Bodies, their rules, seats and meetings")
meetings_blp = Blueprint("meetings", __name__, url_prefix="/meetings",
                         description="Agenda, attendance, declarations, motions, votes, minutes and actions")
decisions_blp = Blueprint("decisions", __name__, url_prefix="/decisions", description="The decisions log")
resolutions_blp = Blueprint("written-resolutions", __name__, url_prefix="/written-resolutions",
                            description="Decisions taken in writing between meetings")
interests_blp = Blueprint("interests", __name__, url_prefix="/interests",
                          description="The standing register of interests")


@blp.route("")
class Bodies(MethodView):
    @allow(*SEES_GOVERNANCE)
    @paged(blp, s.BodySummaryOut)
    def get(self, page):
        """The consortium's bodies, oldest first (a few: the first page holds them all)."""
        with request_uow() as uow:
            return page.select(uow.session, select(Body), Order(asc(Body.created_at), asc(Body.id)))

    @allow(*RUNNERS)
    @blp.arguments(s.BodyIn)
    @blp.response(201, s.BodyOut)
    def post(self, body):
        """Set up a body; `rules` overrides its kind's defaults (G1, G2, G3, G9, quorum, routing)."""
        with request_uow() as uow:
            created = use_cases.create_body(uow, body["kind"], body["name"], body["rules"])
            return use_cases.body_view(uow.session, created, clock.today())


@blp.route("/<body_id>")
class BodyById(MethodView):
    @allow(*SEES_GOVERNANCE)
    @blp.response(200, s.BodyOut)
    def get(self, body_id):
        """A body with its rules, seats and terms, and warnings on its size (G1) and meetings (G3)."""
        return _on_body(body_id, lambda uow, body: use_cases.body_view(uow.session, body, clock.today()))


@blp.route("/<body_id>/seats")
class Seats(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.SeatIn)
    @blp.response(201, s.SeatOut)
    def post(self, seat, body_id):
        """Seat a chair, member, co-opted member or deputy; refused past G1/G2 limits or a third chair term (G6)."""
        return _on_body(body_id, lambda uow, body: use_cases.add_seat(uow, body, **seat))


@blp.route("/<body_id>/seats/<seat_id>/end")
class SeatEnd(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.SeatEndIn)
    @blp.response(200, s.SeatOut)
    def post(self, end, body_id, seat_id):
        """End a term."""
        return _on_body(body_id, lambda uow, body: use_cases.end_seat(
            uow, _one_of(uow, Seat, seat_id, "seat", "body_id", body.id), end["ends_on"]))


@blp.route("/<body_id>/meetings")
class BodyMeetings(MethodView):
    @allow(*SEES_GOVERNANCE)
    @paged(blp, s.MeetingSummaryOut)
    def get(self, body_id, page):
        """The body's meetings, soonest first."""
        return _on_body(body_id, lambda uow, body: page.select(
            uow.session, select(Meeting).where(Meeting.body_id == body.id),
            Order(asc(Meeting.starts_at), asc(Meeting.id))))

    @allow(*RUNNERS)
    @blp.arguments(s.MeetingIn)
    @blp.response(201, s.MeetingOut)
    def post(self, meeting, body_id):
        """Schedule a meeting; its agenda starts with the standing items (G9) and waiting requests."""
        return _on_body(body_id, lambda uow, body: meeting_cases.meeting_view(
            uow.session, meeting_cases.schedule_meeting(uow, body, **meeting), _account()))


@blp.route("/<body_id>/attendance-review")
class AttendanceReview(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.ReviewIn)
    @blp.response(200, s.SeatOut(many=True))
    def post(self, review, body_id):
        """G4: after a year ends, lapse members who attended fewer than the required meetings; returns them."""
        return _on_body(body_id, lambda uow, body: attendance_cases.review_year(uow, body, review["year"],
                                                                                 clock.today()))


def _meeting(uow, meeting_id) -> Meeting:
    """The meeting, if the caller sees it (anyone but the manager and the board: only their own bodies'), else 404."""
    meeting = get_or_404(uow.session, Meeting, meeting_id, "meeting")
    if not meeting_cases.seen_by(uow.session, meeting, _account(), _sees_every_body()):
        abort(404, message="No such meeting.")
    return meeting


def _account() -> str:
    """The signed-in person's hub username: the account a seat names."""
    return current_principal().username


def _sees_every_body() -> bool:
    """The caller sees every body's business (hubkit.auth.SEES_GOVERNANCE: the manager and the board, as the
    gateway's pages); anyone else only that of the bodies where a seat names their account."""
    return current_principal().has_any(SEES_GOVERNANCE)


# Every endpoint below has one shape: load what the path names (404 if it is not the caller's to see), call the
# service layer, and answer what it returns; the service layer's refusals are answered by hubkit's handlers
# (RuleViolation 409 naming the rule, NotAllowed 403, InvalidField 422). These run that shape once.

def _on_body(body_id, act: Callable):
    """act(uow, body) on the body the path names, in one unit of work; its answer."""
    with request_uow() as uow:
        return act(uow, get_or_404(uow.session, Body, body_id, "body"))


def _on_meeting(meeting_id, act: Callable, *, then_view: bool = False):
    """act(uow, meeting) on the meeting the path names; its answer, or (then_view) the meeting as it is after."""
    with request_uow() as uow:
        meeting = _meeting(uow, meeting_id)
        done = act(uow, meeting)
        return meeting_cases.meeting_view(uow.session, meeting, _account()) if then_view else done


def _on_resolution(resolution_id, act: Callable, *, then_view: bool = True):
    """act(uow, resolution) on the written resolution the path names; the resolution as it is after (then_view),
    with act's answer's status when act answers one (a replay's 200), or act's answer itself."""
    with request_uow() as uow:
        resolution = _resolution(uow, resolution_id)
        done = act(uow, resolution)
        if not then_view:
            return done
        view = resolution_cases.resolution_view(uow.session, resolution, _account())
        return (view, done) if type(done) is int else view  # a status (201, or 200 for a replay)


def _one_of(uow, model, ident, what: str, owner, owner_id):
    """A row the path names that must belong to the body or meeting before it in the path (404 otherwise)."""
    row = get_or_404(uow.session, model, ident, what)
    if getattr(row, owner) != owner_id:
        abort(404, message=f"No such {what}.")
    return row


def _motion_of(uow, meeting: Meeting, motion_id) -> Motion:
    motion = get_or_404(uow.session, Motion, motion_id, "motion")
    if uow.session.get(AgendaItem, motion.agenda_item_id).meeting_id != meeting.id:
        abort(404, message="No such motion.")
    return motion


@meetings_blp.route("/<meeting_id>")
class MeetingById(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.response(200, s.MeetingOut)
    def get(self, meeting_id):
        """The meeting: agenda with declarations and motions, attendance, quorum, minutes and actions (anyone but
        the manager and the board sees the meetings of bodies where a seat names them on the day; 404 for others)."""
        return _on_meeting(meeting_id, lambda uow, meeting: None, then_view=True)


@meetings_blp.route("/<meeting_id>/agenda-items")
class AgendaItems(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.AgendaItemIn)
    @meetings_blp.response(201, s.MeetingOut)
    def post(self, item, meeting_id):
        """Add an item; `notified_on` is the date the chair gave notice of it (G5)."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.add_agenda_item(uow, meeting, **item),
                           then_view=True)


@meetings_blp.route("/<meeting_id>/attendance")
class AttendanceResource(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.AttendanceIn)
    @meetings_blp.response(200, s.MeetingOut)
    def post(self, attendance, meeting_id):
        """Record a seat's attendance: present, deputy, apologies or absent (G4, G11)."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.record_attendance(uow, meeting,
                                                                                             **attendance),
                           then_view=True)


@meetings_blp.route("/<meeting_id>/declarations")
class Declarations(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.DeclarationIn)
    @meetings_blp.response(201, s.DeclarationOut)
    def post(self, declaration, meeting_id):
        """The body's chair or secretary records an interest a member declared aloud in an item (G12; C5 excludes
        declarers from chosen-provider discussions); anyone else is refused (403): members declare their own."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.declare_interest(
            uow, meeting, declaration["agenda_item_id"], declaration["seat_id"], declaration["interest"], _account()))


@meetings_blp.route("/<meeting_id>/my-declarations")
class MyDeclarations(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.arguments(s.MyDeclarationIn)
    @meetings_blp.response(201, s.DeclarationOut)
    def post(self, declaration, meeting_id):
        """Declare my interest in an item, for the seat my hub username holds on the meeting's body on its day,
        whatever my role (409 if none, or declared already; a member organisation's staff without one get 404 as
        for any meeting not theirs to see); I take no part in the vote on it (G12), nor its discussion on a chosen-provider item
        (C5), and a vote I cast on it already is void."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.declare_my_interest(
            uow, meeting, declaration["agenda_item_id"], _account(), declaration["interest"]))


@meetings_blp.route("/<meeting_id>/motions")
class Motions(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.MotionIn)
    @meetings_blp.response(201, s.MotionOut)
    def post(self, motion, meeting_id):
        """Move a motion on an item; an expulsion needs 14 days' notice (G5)."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.propose_motion(
            uow, meeting, motion["agenda_item_id"], motion["text"], motion["kind"], motion["subject"]))


@meetings_blp.route("/<meeting_id>/motions/<motion_id>/votes")
class Votes(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.VotesIn)
    @meetings_blp.response(201, s.DecisionOut)
    def post(self, votes, meeting_id, motion_id):
        """Take the vote: the body's chair or secretary records the show of hands for the members who did not cast
        their own vote, and the decision (403 for anyone else); refused before the meeting starts, without quorum,
        for co-opted (G2) or conflicted (G12) voters, or a hand shown otherwise than a seat's own vote."""
        ballots = [Ballot(b["seat_id"], b["vote"]) for b in votes["votes"]]
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.vote(
            uow, _motion_of(uow, meeting, motion_id), ballots, votes["note"], _account()))


@meetings_blp.route("/<meeting_id>/motions/<motion_id>/my-vote")
class MyVote(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.arguments(s.MyVoteIn)
    @meetings_blp.response(201, s.MyVoteOut)
    @meetings_blp.alt_response(200, schema=s.MyVoteOut, description="The same vote sent again: nothing new")
    def post(self, ballot, meeting_id, motion_id):
        """Cast my vote on an open motion, for the seat my hub username holds (whatever my role), once the meeting
        has started and I am recorded present: not co-opted (G2), without a declared interest in the item (G12) nor excluded from its discussion
        (C5, G7). One vote per seat: the same vote again answers 200, another 409. The chair or secretary then
        takes the vote."""
        row, new = _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.cast_my_vote(
            uow, _motion_of(uow, meeting, motion_id), _account(), ballot["vote"]))
        return {"motion_id": row.motion_id, "seat_id": row.seat_id, "vote": row.vote}, (201 if new else 200)


@meetings_blp.route("/<meeting_id>/minutes")
class Minutes(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.MinutesIn)
    @meetings_blp.response(200, s.MeetingOut)
    def put(self, minutes, meeting_id):
        """Write the minutes."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.set_minutes(uow, meeting,
                                                                                       minutes["minutes"]),
                           then_view=True)


@meetings_blp.route("/<meeting_id>/actions")
class Actions(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.ActionIn)
    @meetings_blp.response(201, s.ActionOut)
    def post(self, action, meeting_id):
        """Add an action with its owner and due date."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.add_action(uow, meeting, **action))


@meetings_blp.route("/<meeting_id>/actions/<action_id>/done")
class ActionDone(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.ActionDoneIn)
    @meetings_blp.response(200, s.ActionOut)
    def post(self, done, meeting_id, action_id):
        """Mark an action done."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.complete_action(
            uow, _one_of(uow, ActionItem, action_id, "action", "meeting_id", meeting.id), done["done_on"]))


# the log's orders (hubkit.paging `sort`, issue 14 item 7): newest (the default) or oldest first, on ix_decision_log
# (consortium, decided_at, id) read either way
DECISION_ORDERS = {"newest": Order(desc(Decision.decided_at), desc(Decision.id)),
                   "oldest": Order(asc(Decision.decided_at), asc(Decision.id))}


@decisions_blp.route("")
class Decisions(MethodView):
    @allow(*SEES_GOVERNANCE)
    @decisions_blp.arguments(s.DecisionQuery, location="query")
    @paged(decisions_blp, s.DecisionOut, sorts=DECISION_ORDERS)
    def get(self, query, page):
        """The decisions log, newest first (`sort=oldest`: oldest first); `q` searches titles, subjects and notes."""
        with request_uow() as uow:
            stmt = select(Decision)
            if query["q"]:
                like = f"%{query['q']}%"
                stmt = stmt.where(or_(Decision.title.ilike(like), Decision.subject.ilike(like),
                                      Decision.note.ilike(like)))
            if query["body_id"]:
                stmt = stmt.where(Decision.body_id == query["body_id"])
            if query["kind"]:
                stmt = stmt.where(Decision.kind == query["kind"])
            return page.select(uow.session, stmt, page.order(DECISION_ORDERS))


@interests_blp.route("")
class Interests(MethodView):
    @allow(*SEES_GOVERNANCE)
    @interests_blp.arguments(s.InterestQuery, location="query")
    @paged(interests_blp, s.InterestOut)
    def get(self, query, page):
        """The standing register of interests, by person."""
        with request_uow() as uow:
            stmt = select(RegisteredInterest)
            if query["person_name"]:
                stmt = stmt.where(RegisteredInterest.person_name == query["person_name"])
            return page.select(uow.session, stmt, Order(asc(RegisteredInterest.person_name),
                                                        asc(RegisteredInterest.registered_on),
                                                        asc(RegisteredInterest.id)))

    @allow(*RUNNERS)
    @interests_blp.arguments(s.InterestIn)
    @interests_blp.response(201, s.InterestOut)
    def post(self, interest):
        """Register a standing interest for a person (and their organisation)."""
        with request_uow() as uow:
            references.check_organisation(uow.session, interest["organisation_id"])
            row = RegisteredInterest(**interest)
            uow.session.add(row)
            uow.commit()
            return row


def _calendar_response(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


@blp.route("/<body_id>/meetings.ics")
class BodyCalendar(MethodView):
    @allow(*SEES_GOVERNANCE)
    @blp.response(200, description="An iCalendar (RFC 5545) feed of the body's meetings", content_type="text/calendar")
    def get(self, body_id):
        """The body's meetings as an iCalendar feed to subscribe to (from a year ago on)."""
        return _on_body(body_id, lambda uow, body: _calendar_response(calendars.body_calendar(uow.session, body),
                                                                      "meetings.ics"))


def _own_only() -> str | None:
    """For a caller who does not see every body's business, their own account: only seats naming it count."""
    return None if _sees_every_body() else _account()


@meetings_blp.route("")
class PersonMeetings(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.arguments(s.PersonMeetingsQuery, location="query")
    @paged(meetings_blp, s.PersonMeetingOut)
    def get(self, query, page):
        """A person's meetings: those of every body they sit on, from today (or all of the last year); for anyone
        but the manager and the board, only the seats naming their own hub username count."""
        since = utcnow() - dt.timedelta(days=0 if query["upcoming"] else 366)
        with request_uow() as uow:
            return [row._asdict() for row in page.select(uow.session, calendars.meetings_for_person_query(
                uow.session, query["person_name"], since, _own_only()), calendars.PERSON_MEETING_ORDER)]


@meetings_blp.route("/calendar.ics")
class PersonCalendar(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.arguments(s.PersonCalendarQuery, location="query")
    @meetings_blp.response(200, description="An iCalendar (RFC 5545) feed of one person's meetings",
                           content_type="text/calendar")
    def get(self, query):
        """The meetings of every body a person sits on, as an iCalendar feed (anyone but the manager and the board:
        their own seats only)."""
        with request_uow() as uow:
            return _calendar_response(calendars.person_calendar(uow.session, query["person_name"], _own_only()),
                                      "my-meetings.ics")


@meetings_blp.route("/<meeting_id>/papers")
class Papers(MethodView):
    @allow(*SEAT_HOLDERS)
    @paged(meetings_blp, s.PaperOut)
    def get(self, meeting_id, page):
        """The meeting's papers, in the order they were added (without their content)."""
        return _on_meeting(meeting_id, lambda uow, meeting: page.select(
            uow.session, paper_cases.papers_query(meeting), paper_cases.PAPER_ORDER))

    @allow(*RUNNERS)
    @accepts_upload
    @meetings_blp.arguments(s.PaperUploadForm, location="form")
    @meetings_blp.arguments(s.PaperFile, location="files")
    @meetings_blp.response(201, s.PaperOut)
    @meetings_blp.alt_response(413, description="Larger than HUB_MAX_UPLOAD_BYTES")
    @meetings_blp.alt_response(415, description="Not a PDF, office document, PNG or JPEG")
    def post(self, form, files, meeting_id):
        """Attach a paper (multipart/form-data: file, title, agenda_item_id); nothing is kept if it is refused."""
        upload = files["file"]
        content = upload.read()
        try:
            return _on_meeting(meeting_id, lambda uow, meeting: paper_cases.attach(
                uow, meeting, form["title"], form["agenda_item_id"], upload.filename or "paper", content))
        except UnacceptableFile as exc:
            abort(415, message=str(exc))


def _paper_file(uow, meeting: Meeting, paper_id) -> Response:
    try:
        paper = paper_cases.with_content(uow.session, meeting, uuid.UUID(paper_id))
    except ValueError:
        paper = None
    if paper is None:
        abort(404, message="No such paper.")
    return stored_file(paper.content, paper.content_type, paper.filename, paper.sha256)


@meetings_blp.route("/<meeting_id>/papers/<paper_id>/content")
class PaperContent(MethodView):
    @allow(*SEAT_HOLDERS)
    @meetings_blp.response(200, description="The paper, as uploaded")
    def get(self, meeting_id, paper_id):
        """Download a paper."""
        return _on_meeting(meeting_id, lambda uow, meeting: _paper_file(uow, meeting, paper_id))


@meetings_blp.route("/<meeting_id>/chair")
class Chair(MethodView):
    @allow(*RUNNERS)
    @meetings_blp.arguments(s.ChairIn)
    @meetings_blp.response(200, s.MeetingOut)
    def put(self, chair, meeting_id):
        """Record who chaired: the chair if present; otherwise a member present in person, in turn (G8)."""
        return _on_meeting(meeting_id, lambda uow, meeting: meeting_cases.record_chair(uow, meeting,
                                                                                        chair["seat_id"]),
                           then_view=True)


@blp.route("/<body_id>/written-resolutions")
class BodyResolutions(MethodView):
    @allow(*SEES_GOVERNANCE)
    @paged(blp, s.WrittenResolutionOut)
    def get(self, body_id, page):
        """The body's written resolutions, latest deadline first."""
        return _on_body(body_id, lambda uow, body: [resolution_cases.resolution_view(uow.session, resolution)
                                                    for resolution in page.select(
                                                        uow.session, resolution_cases.resolutions_query(body),
                                                        resolution_cases.RESOLUTION_ORDER)])

    @allow(*RUNNERS)
    @blp.arguments(s.WrittenResolutionIn)
    @blp.response(201, s.WrittenResolutionOut)
    def post(self, resolution, body_id):
        """Circulate a motion for decision in writing by a deadline, if the body's rules allow (never an expulsion)."""
        return _on_body(body_id, lambda uow, body: resolution_cases.resolution_view(
            uow.session, resolution_cases.circulate(uow, body, **resolution), _account()))


def _resolution(uow, resolution_id) -> WrittenResolution:
    """The resolution, if the caller sees it (anyone but the manager and the board: only their own bodies'), else
    404."""
    resolution = get_or_404(uow.session, WrittenResolution, resolution_id, "written resolution")
    if not resolution_cases.seen_by(uow.session, resolution, _account(), _sees_every_body()):
        abort(404, message="No such written resolution.")
    return resolution


@resolutions_blp.route("/<resolution_id>")
class ResolutionById(MethodView):
    @allow(*SEAT_HOLDERS)
    @resolutions_blp.response(200, s.WrittenResolutionOut)
    def get(self, resolution_id):
        """A written resolution: who may answer, the answers so far, who is awaited."""
        return _on_resolution(resolution_id, lambda uow, resolution: None)


@resolutions_blp.route("/<resolution_id>/declarations")
class ResolutionDeclarations(MethodView):
    @allow(*RUNNERS)
    @resolutions_blp.arguments(s.WrittenDeclarationIn)
    @resolutions_blp.response(201, s.WrittenResolutionOut)
    def post(self, declaration, resolution_id):
        """The body's chair or secretary records a member's declared interest (403 for anyone else); the member
        takes no part in the decision (G12)."""
        return _on_resolution(resolution_id, lambda uow, resolution: resolution_cases.declare(
            uow, resolution, **declaration, account=_account()))


@resolutions_blp.route("/<resolution_id>/my-declarations")
class MyResolutionDeclarations(MethodView):
    @allow(*SEAT_HOLDERS)
    @resolutions_blp.arguments(s.MyWrittenDeclarationIn)
    @resolutions_blp.response(201, s.WrittenResolutionOut)
    def post(self, declaration, resolution_id):
        """Declare my interest, for the seat my hub username held when it was circulated (whatever my role): I take no part in the decision (G12),
        and an answer I gave is void."""
        return _on_resolution(resolution_id, lambda uow, resolution: resolution_cases.declare_mine(
            uow, resolution, _account(), declaration["interest"]))


@resolutions_blp.route("/<resolution_id>/answers")
class ResolutionAnswers(MethodView):
    @allow(*RUNNERS)
    @resolutions_blp.arguments(s.WrittenAnswerIn)
    @resolutions_blp.response(201, s.WrittenResolutionOut)
    def post(self, written, resolution_id):
        """The body's chair or secretary records a member's answer given in writing outside the hub, before the
        deadline (not co-opted, G2; not conflicted, G12; 403 for anyone else)."""
        return _on_resolution(resolution_id, lambda uow, resolution: resolution_cases.answer(
            uow, resolution, **written, account=_account()))


@resolutions_blp.route("/<resolution_id>/my-answer")
class MyResolutionAnswer(MethodView):
    @allow(*SEAT_HOLDERS)
    @resolutions_blp.arguments(s.MyVoteIn)
    @resolutions_blp.response(201, s.WrittenResolutionOut)
    @resolutions_blp.alt_response(200, schema=s.WrittenResolutionOut, description="The same answer sent again")
    def post(self, written, resolution_id):
        """Answer in writing for the seat my hub username held when it was circulated (whatever my role), before the
        deadline: a voting member
        without a declared interest (G2, G12). Once: the same answer again answers 200, another 409."""
        return _on_resolution(resolution_id, lambda uow, resolution: 201 if resolution_cases.answer_mine(
            uow, resolution, _account(), written["vote"]) else 200)


@resolutions_blp.route("/<resolution_id>/close")
class ResolutionClose(MethodView):
    @allow(*RUNNERS)
    @resolutions_blp.arguments(s.EmptyIn)
    @resolutions_blp.response(201, s.DecisionOut)
    def post(self, _body, resolution_id):
        """Close it after the deadline, once all have answered or the result is certain, and record the decision."""
        return _on_resolution(resolution_id, resolution_cases.close, then_view=False)
