"""Steps of governance's API that other programs take (the demo loader, end-to-end tests).

A body's decision comes from the body (issue 12): these steps hold a meeting of the body that decides a request,
quorate, and have its chair or secretary record the decision from it, as a secretary does when the minutes are
kept outside the hub. Nobody decides alone.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, Callable, Iterable

from hubkit import clock

from .domain.bodies import DEFAULT_RULES, OFFICERS, VOTING_ROLES

Send = Callable[[str, str, Any], Any]  # send(method, governance path, json body) -> the answer's JSON; raises if refused

BODY_NAMES = {"partners_group": "Partners Group", "management_board": "Management Board"}


def retrying(step: Callable[[], Any], timeout: float = 30.0) -> Any:
    """A step that waits on another service's event (an organisation reaching governance's copy), tried again."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return step()
        except Exception:  # noqa: BLE001 - whatever the caller's send raises when refused
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _active(seat: dict, day: dt.date) -> bool:
    return seat["starts_on"] <= day.isoformat() and (seat["ends_on"] is None or seat["ends_on"] >= day.isoformat())


def deciding_body(send: Send, kind: str) -> dict:
    """The body that decides requests of this kind: the first whose rules say so, or the default one, set up."""
    summaries = send("GET", "/bodies", None)
    for summary in summaries:
        body = send("GET", f"/bodies/{summary['id']}", None)
        if kind in body["rules"]["decides"]:
            return body
    body_kind = next(k for k, rules in DEFAULT_RULES.items() if kind in rules.decides)
    existing = next((s for s in summaries if s["kind"] == body_kind), None)
    if existing is not None:
        return send("GET", f"/bodies/{existing['id']}", None)
    created = send("POST", "/bodies", {"kind": body_kind, "name": BODY_NAMES[body_kind], "rules": {}})
    return send("GET", f"/bodies/{created['id']}", None)


def seat_officer(send: Send, body: dict, account: str, person_name: str) -> dict:
    """The account holds an office on the body today: the chair if the body has none, otherwise its secretary."""
    today = clock.today()
    seats = [s for s in body["seats"] if _active(s, today)]
    if any(s.get("account") == account and s["role"] in OFFICERS for s in seats):
        return body
    role = "secretary" if any(s["role"] == "chair" for s in seats) else "chair"
    send("POST", f"/bodies/{body['id']}/seats", {"role": role, "person_name": person_name, "account": account,
                                                 "starts_on": today.isoformat()})
    return send("GET", f"/bodies/{body['id']}", None)


def seat_members(send: Send, body: dict, members: Iterable[tuple[str, str]]) -> dict:
    """Seat members (person, organisation id) until the body has its quorum of voting seats today; an organisation
    registered a moment ago is seated once governance's copy has it."""
    today = clock.today()
    voting = [s for s in body["seats"] if s["role"] in VOTING_ROLES and _active(s, today)]
    seated = {s["organisation_id"] for s in voting}
    wanted = body["rules"]["quorum"] - len(voting)
    for person_name, organisation_id in members:
        if wanted <= 0:
            break
        if organisation_id in seated:
            continue
        retrying(lambda: send("POST", f"/bodies/{body['id']}/seats", {
            "role": "member", "person_name": person_name, "organisation_id": organisation_id,
            "starts_on": today.isoformat()}))
        seated.add(organisation_id)
        wanted -= 1
    return send("GET", f"/bodies/{body['id']}", None)


def hold_meeting(send: Send, body: dict, title: str) -> dict:
    """A meeting of the body that started a few minutes ago (today), with its voting members present."""
    now = clock.utcnow()
    starts_at = max(now - dt.timedelta(minutes=5), clock.start_of_day(clock.today()))
    meeting = send("POST", f"/bodies/{body['id']}/meetings", {
        "title": title, "starts_at": starts_at.isoformat(), "notice_given_on": clock.today().isoformat()})
    for seat in body["seats"]:
        if seat["role"] in VOTING_ROLES and _active(seat, clock.local_date(starts_at)):
            send("POST", f"/meetings/{meeting['id']}/attendance", {"seat_id": seat["id"], "status": "present"})
    return meeting


def record_decision(send: Send, request_id: str, meeting_id: str, outcome: str = "approved", note: str = "") -> dict:
    """The chair or secretary records the decision the meeting took on the request."""
    return send("POST", f"/decision-requests/{request_id}/decision",
                {"outcome": outcome, "note": note, "meeting_id": meeting_id})


def decide_at_a_meeting(manager: Send, officer: Send, officer_account: str, officer_name: str,
                        requests: list[dict], members: Iterable[tuple[str, str]], outcome: str = "approved",
                        note: str = "") -> dict:
    """Requests of one kind decided at a quorate meeting of the body that decides them, recorded by the
    officer's account (seated as its chair or secretary if it is not yet): the manager runs the meeting."""
    body = deciding_body(manager, requests[0]["kind"])
    body = seat_officer(manager, body, officer_account, officer_name)
    body = seat_members(manager, body, members)
    meeting = hold_meeting(manager, body, f"{body['name']} meeting")
    for request in requests:
        record_decision(officer, request["id"], meeting["id"], outcome, note)
    return meeting
