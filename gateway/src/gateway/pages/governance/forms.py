"""The governance pages' forms read: a body, a seat (with the hub username it names checked against the gateway's
accounts), a meeting, an agenda item, a motion, declarations, votes and answers, attendance, minutes, actions, a
paper, a written resolution; and how each form names governance's fields, so a refusal is said beside the box it is
about (issue 14 item 3). Governance applies the rules (G1-G12); this reads what a browser sends.
"""
from __future__ import annotations

import uuid

from flask import current_app, request

from ...auth.session import current_user
from ..common.dates import utc_moment
from ..common.errors import CHOICE, DATE, FILE, Field
from ..common.service_pages import posted

# How each form names governance's fields: the service's path -> the words and the form's box (its id).
BODY_FIELDS = {"kind": Field("the kind of body", CHOICE), "name": Field("the body's name")}
SEAT_FIELDS = {"role": Field("the seat's role", CHOICE), "person_name": Field("the person's name"),
               "organisation_id": Field("the member organisation", CHOICE),
               "deputy_for": Field("the seat the deputy stands in for", CHOICE),
               "account": Field("their hub username"), "starts_on": Field("the day the term starts", DATE),
               "ends_on": Field("the day the term ends", DATE)}
MEETING_FIELDS = {"title": Field("the meeting's title"), "starts_at": Field("the meeting's date", DATE, "date"),
                  "notice_given_on": Field("the day notice was given", DATE), "location": Field("where it meets")}
RESOLUTION_FIELDS = {"text": Field("the resolution", id="resolution-text"),
                     "deadline": Field("the day answers are due by", DATE, "deadline_date")}
ITEM_FIELDS = {"title": Field("the item's title", id="item-title"), "kind": Field("the kind of item", CHOICE, "item-kind"),
               "notified_on": Field("the day the chair gave notice", DATE)}
MOTION_FIELDS = {"agenda_item_id": Field("the item the motion is on", CHOICE, "motion-item"),
                 "text": Field("the motion", id="motion-text"), "kind": Field("the kind of motion", CHOICE, "motion-kind"),
                 "subject": Field("the member an expulsion names", id="motion-subject")}
DECLARATION_FIELDS = {"agenda_item_id": Field("the item", CHOICE, "declare-item"),
                      "seat_id": Field("who declared it", CHOICE, "declare-seat"),
                      "interest": Field("the interest", id="declare-interest")}
WRITTEN_DECLARATION_FIELDS = {"seat_id": Field("the member", CHOICE, "declare-seat"),
                              "interest": Field("the interest", id="declare-interest")}
ANSWER_FIELDS = {"seat_id": Field("the member", CHOICE, "answer-seat"), "vote": Field("their answer", CHOICE,
                                                                                     "answer-vote")}
CHAIR_FIELDS = {"seat_id": Field("who chaired", CHOICE, "chair-seat")}
MINUTES_FIELDS = {"minutes": Field("the minutes")}
ACTION_FIELDS = {"description": Field("the action", id="action-description"),
                 "owner": Field("who owns the action", id="action-owner"),
                 "due_on": Field("the day it is due", DATE, "action-due")}
PAPER_FIELDS = {"title": Field("the paper's title", id="paper-title"),
                "agenda_item_id": Field("the item it is for", CHOICE, "paper-item"),
                "file": Field("a file to attach", FILE, "paper-file")}
MY_ANSWER = "my-answer"  # the radios of a seat holder's own answer to a written resolution


def my_interest_fields(box: str) -> dict:
    """A seat holder's own interest: one form per agenda item (its box named for the item), or the resolution's."""
    return {"interest": Field("your interest", id=box)}


def attendance_fields(seat_id: str) -> dict:
    return {"status": Field("the attendance", CHOICE, f"status-{seat_id}"),
            "deputy_name": Field("the deputy's name", id=f"status-{seat_id}")}


def my_vote_box(motion_id: uuid.UUID) -> str:
    """The radios of a seat holder's own vote on a motion."""
    return f"my-vote-{motion_id}"


def moment(day: str | None, time: str) -> str | None:
    """A day and a time typed in the hub's display time zone (as every page shows times) as the moment governance
    stores; one that is not real is passed on as typed, for governance to refuse by field."""
    if not day:
        return None
    return utc_moment(day, time) or f"{day}T{time}"


def uuid_posted(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.form.get(name, ""))
    except ValueError:
        return None


def body() -> dict:
    return posted("kind", "name")


def seat() -> dict:
    return posted("role", "person_name", "organisation_id", "starts_on", "ends_on", "deputy_for", "account")


def meeting() -> dict:
    fields = posted("title", "date", "time", "notice_given_on", "location")
    return fields | {"starts_at": moment(fields.pop("date"), fields.pop("time") or "18:00")}


def resolution() -> dict:
    fields = posted("text", "deadline_date", "deadline_time")
    return {"text": fields["text"], "deadline": moment(fields["deadline_date"], fields["deadline_time"] or "17:00")}


def show_of_hands() -> tuple[uuid.UUID | None, list[dict], bool]:
    """(the motion, the hands shown for those who did not vote themselves, whether any vote is cast or shown)."""
    votes = [{"seat_id": key.removeprefix("vote-"), "vote": value} for key, value in request.form.items()
             if key.startswith("vote-") and value in ("for", "against", "abstain")]
    cast = request.form.get("cast", "0")
    return uuid_posted("motion_id"), votes, bool(votes) or (cast.isdigit() and int(cast) > 0)


def hub_user(username: str) -> tuple[str | None, str | None]:
    """(the username as the hub keeps it, None) for an active user of the signed-in person's consortium, or
    (None, why not): the gateway keeps the accounts, so a seat never names a username nobody signs in with."""
    from ...adapters.repository import UserRepository
    from ...domain.users import normalise_username

    with current_app.extensions["gateway.db"].session() as session:
        account = UserRepository(session).by_username(normalise_username(username))
    if account is None or account.consortium_id != current_user().consortium_id:
        return None, f"There is no hub user with the username {username.strip()}"
    if not account.active:
        return None, f"The hub user {account.username} has been deactivated: give the username of someone who signs in"
    return account.username, None
