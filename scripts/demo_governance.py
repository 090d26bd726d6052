"""Demo data for governance: business the demo board member acts on themselves (issue 14 item 2).

`load(call)` is run by `make run` after the other areas; `call(username, method, path, json=None, files=None,
data=None)` sends a request through the gateway's API as a demo user and returns the parsed JSON. A second load
adds nothing.

The demo's board member (`board`, Bo Board) chairs the Partners Group, whose meeting today approved the members'
applications. Two more items are on that meeting's agenda, each with a paper and an open motion: Bo Board can
declare an interest in one (G12: then takes no part in its vote) and cast a vote on the other, on the meeting's
page, and as its chair take the vote with the show of hands for the others.

Members sit on the Partners Group for their organisations: the demo's member organisation staff (`member`, Mel Member)
holds its organisation's seat there from today, named by her hub username, so she opens its meeting and declares
her own interests and casts her own vote there as any seat holder does, whatever her role.
"""
from __future__ import annotations

import datetime as dt

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BOARD = "board"
MEMBER, MEMBER_NAME = "member", "Mel Member"
ITEMS = (
    ("Community outreach plan 2027", "Adopt the community outreach plan for 2027", "Community outreach plan 2027.pdf"),
    ("Grant to Eastgate Youth Project for the summer scheme", "Award a grant of £4,000 to Eastgate Youth Project "
     "for the summer scheme", "Summer scheme grant proposal.pdf"),
)


def _the_boards_meeting(call) -> dict | None:
    """The latest meeting that has started of a body the board member holds a voting seat on (the Partners
    Group's meeting today), or None."""
    now = dt.datetime.now(dt.timezone.utc)
    started = []
    for summary in call("manager", "GET", "/governance/bodies"):
        body = call("manager", "GET", f"/governance/bodies/{summary['id']}")
        if not any(s.get("account") == BOARD and s["role"] in ("chair", "member") for s in body["seats"]):
            continue
        for meeting in call("manager", "GET", f"/governance/bodies/{body['id']}/meetings"):
            if dt.datetime.fromisoformat(meeting["starts_at"]) <= now:
                started.append(meeting)
    return max(started, key=lambda m: m["starts_at"]) if started else None


def _seat_the_member(call) -> None:
    """The demo member's organisation's seat on the Partners Group, held by her hub username from today, when the
    Partners Group seats members (once: not again if a seat names her already)."""
    for summary in call("manager", "GET", "/governance/bodies"):
        body = call("manager", "GET", f"/governance/bodies/{summary['id']}")
        if body.get("kind") != "partners_group" or any(s.get("account") == MEMBER for s in body["seats"]):
            continue
        if not any(s["role"] == "member" and s.get("organisation_id") for s in body["seats"]):
            continue
        own = call(MEMBER, "GET", "/membership/organisations")
        if own:
            call("manager", "POST", f"/governance/bodies/{body['id']}/seats", {
                "role": "member", "person_name": MEMBER_NAME, "organisation_id": own[0]["id"],
                "starts_on": dt.date.today().isoformat(), "account": MEMBER})


def load(call) -> None:
    _seat_the_member(call)
    meeting = _the_boards_meeting(call)
    if meeting is None:
        return
    path = f"/governance/meetings/{meeting['id']}"
    shown = call("manager", "GET", path)
    for title, motion_text, paper in ITEMS:
        if any(i["title"] == title for i in shown["agenda"]):
            continue
        item = call("manager", "POST", f"{path}/agenda-items", {"title": title, "kind": "business",
                                                                 "notified_on": dt.date.today().isoformat()})["agenda"][-1]
        call("manager", "POST", f"{path}/papers", data={"title": title, "agenda_item_id": item["id"]},
             files={"file": (paper, PDF, "application/pdf")})
        call("manager", "POST", f"{path}/motions", {"agenda_item_id": item["id"], "text": motion_text})
