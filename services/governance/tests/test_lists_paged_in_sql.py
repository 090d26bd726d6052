"""A person's meetings and a meeting's papers are paged in SQL (issue 16): a page followed by its cursor goes on
where the first stopped (no row twice, none missed), in the order the list always had (soonest meeting first; papers
as they were added), with the same rows as the whole list read at once."""
from __future__ import annotations

import datetime as dt
import io

from hubkit import clock
from hubkit.testing import follow_pages_in_sql

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _two_at_a_time(hub, path: str, table: str, **query) -> list[dict]:
    pages = follow_pages_in_sql(hub.app, hub.client, path, table, headers=hub.headers, limit=2, **query)
    rows = [row for page in pages for row in page]
    assert rows == hub.client.get(path, headers=hub.headers, query_string=query).get_json()
    assert len({row["id"] for row in rows}) == len(rows) and len(pages) > 1
    return rows


def test_a_persons_meetings_page_soonest_first_within_their_terms(hub):
    pg = hub.body(members=1)
    board = hub.body("management_board", members=1)
    soon = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=20)
    last_day = clock.local_date(soon + dt.timedelta(days=10))
    hub.seat(pg["id"], "member", "Asha Patel", ends_on=last_day.isoformat())
    hub.seat(board["id"], "member", "Asha Patel")
    after_term = clock.start_of_day(last_day + dt.timedelta(days=1))  # the day after her term's last, local time
    within = [hub.meeting(pg["id"], starts_at=soon + dt.timedelta(days=2)),
              hub.meeting(board["id"], starts_at=soon),
              hub.meeting(pg["id"], starts_at=soon),
              hub.meeting(pg["id"], starts_at=after_term - dt.timedelta(hours=1)),  # her term's last evening
              hub.meeting(board["id"], starts_at=soon + dt.timedelta(days=40))]
    hub.meeting(pg["id"], starts_at=after_term + dt.timedelta(hours=1))  # after her term
    rows = _two_at_a_time(hub, "/meetings", "meeting", person_name="asha patel")
    assert {row["id"] for row in rows} == {meeting["id"] for meeting in within}
    assert [(row["starts_at"], row["id"]) for row in rows] == sorted((row["starts_at"], row["id"]) for row in rows)
    assert {row["body_name"] for row in rows} == {"Partners Group", "Management Board"}
    assert hub.call("GET", "/meetings?person_name=Nobody Seated") == []


def test_a_meetings_papers_page_in_the_order_they_were_added(hub):
    board = hub.body("management_board", members=1)
    meeting = hub.meeting(board["id"])
    added = []
    for title in ("Budget report", "Minutes", "Risk register", "Annual report", "Chair's letter"):
        answer = hub.client.post(f"/meetings/{meeting['id']}/papers", content_type="multipart/form-data",
                                 data={"title": title, "file": (io.BytesIO(PDF), f"{title}.pdf")},
                                 headers=hub.headers)
        assert answer.status_code == 201, answer.get_json()
        added.append(answer.get_json())
    rows = _two_at_a_time(hub, f"/meetings/{meeting['id']}/papers", "meeting_paper")
    assert [(row["uploaded_at"], row["id"]) for row in rows] == sorted((p["uploaded_at"], p["id"]) for p in added)
    assert [row["id"] for row in hub.call("GET", f"/meetings/{meeting['id']}")["papers"]] == [
        row["id"] for row in rows]


def test_a_bodys_written_resolutions_page_latest_deadline_first(hub):
    board = hub.body("management_board", members=3)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    circulated = [hub.call("POST", f"/bodies/{board['id']}/written-resolutions", {
        "text": text, "deadline": (now + dt.timedelta(days=days)).isoformat()}, 201)
        for text, days in (("Renew the insurance", 7), ("Adopt the plan", 21), ("Agree the virement", 7),
                           ("Appoint the auditor", 14), ("Close the old account", 3))]
    rows = _two_at_a_time(hub, f"/bodies/{board['id']}/written-resolutions", "written_resolution")
    assert [(row["deadline"], row["id"]) for row in rows] == sorted(
        ((r["deadline"], r["id"]) for r in circulated), reverse=True)
    assert {row["entitled"] for row in rows} == {3} and all(len(row["awaiting"]) == 3 for row in rows)
