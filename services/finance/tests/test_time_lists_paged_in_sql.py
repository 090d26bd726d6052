"""The approval queue, staff and invoices are paged in SQL (issue 16): walking them a row a page gives every row
once, in the lists' order (weeks never submitted last in the queue), whichever database."""
from __future__ import annotations

import datetime as dt

from hubkit.testing import follow_pages

from time_fixtures import MONDAY, th  # noqa: F401


def _walk(th, path: str, headers=None, **query) -> list[dict]:
    """Every row of a list, one row a page."""
    return [row for page in follow_pages(th.client, path, headers=headers or th.finance, limit=1, **query)
            for row in page]


def test_the_queue_pages_in_sql_in_week_then_submission_order(th):
    boss = th.staff("Boss", user_id=th.manager_user)
    people = [th.staff(f"Person {i}", line_manager_id=boss["id"]) for i in range(3)]
    for week in (2, 0, 1):
        for person in people:
            sheet = th.week(person, MONDAY + dt.timedelta(days=7 * week), {(0, "hub-bidding"): 15 * (week + 1)})
            th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(person))
    th.week(people[0], MONDAY + dt.timedelta(days=21))                   # a draft: never submitted
    queue = _walk(th, "/timesheets", status="submitted")
    assert len(queue) == 9 and len({q["id"] for q in queue}) == 9
    assert queue == sorted(queue, key=lambda q: (q["week_starting"], q["submitted_at"], q["id"]))
    assert [q["total_minutes"] for q in queue] == [15] * 3 + [30] * 3 + [45] * 3
    assert _walk(th, "/timesheets", th.manager, status="submitted") == queue   # the manager's reports
    assert [q["staff_name"] for q in _walk(th, "/timesheets", th.manager, status="draft")] == ["Person 0"]
    assert [row for page in follow_pages(th.client, "/timesheets", headers=th.finance, status="submitted")
            for row in page] == queue
    # issue 14 item 7: newest first on asking, every row once, and a cursor of one order refused in the other
    assert _walk(th, "/timesheets", status="submitted", sort="newest") == sorted(
        queue, key=lambda q: (q["week_starting"], q["submitted_at"], q["id"]), reverse=True)
    cursor = th.client.get("/timesheets?status=submitted&limit=1", headers=th.finance).headers["X-Next-Cursor"]
    assert th.client.get(f"/timesheets?status=submitted&sort=newest&cursor={cursor}",
                         headers=th.finance).status_code == 422


def test_staff_and_invoices_page_in_sql(th):
    th.hub_model("outsourced_to_member")
    th.organisation(th.host, "Leeds CVS")
    people = [th.staff(name) for name in ("Zoe", "Adam", "Mo", "Adam")]
    staff = _walk(th, "/staff")
    assert [s["name"] for s in staff] == ["Adam", "Adam", "Mo", "Zoe"]
    assert {s["organisation_name"] for s in staff} == {"Leeds CVS"}
    for person in people:
        th.rate(person["id"])
        th.approved_week(person)
    assert {s["current_rate_pence"] for s in _walk(th, "/staff")} == {3000}
    made = [th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)]
    th.approved_week(people[0], dt.date(2026, 11, 2))
    made.append(th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-11"}, 201))
    listed = _walk(th, "/invoices")
    assert [i["id"] for i in listed] == [made[1]["id"], made[0]["id"]] and listed[0]["issuer_name"] == "Leeds CVS"
    assert [i["id"] for i in _walk(th, "/invoices", sort="oldest")] == [made[0]["id"], made[1]["id"]]


def test_staff_found_by_part_of_their_name_a_page_at_a_time(th):
    """The line-manager chooser asks for a few names matching what was typed, not for every person (issue 16)."""
    for name in ("Priya Shah", "Ravi Shahid", "Tom Reed", "Amy SHAW", "Shahida Khan"):
        th.staff(name)
    assert [s["name"] for s in _walk(th, "/staff", name="shah")] == ["Priya Shah", "Ravi Shahid", "Shahida Khan"]
    assert [s["name"] for s in _walk(th, "/staff", name=" SHA ")] == ["Amy SHAW", "Priya Shah", "Ravi Shahid",
                                                                     "Shahida Khan"]
    assert th.call("GET", "/staff?name=100%25") == []  # % and _ are matched as themselves
    th.call("GET", "/staff?name=" + "x" * 201, status=422)
    [first] = th.call("GET", "/staff?name=shah&limit=1")
    assert first["name"] == "Priya Shah"
