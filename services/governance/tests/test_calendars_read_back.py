"""The governance iCalendar feeds read back by an RFC 5545 parser (`icalendar`, pinned in requirements): what a
calendar program subscribing to them would see: each meeting once, at its time, with a UID that stays the same."""
from __future__ import annotations

import datetime as dt

import icalendar

from hubkit import clock

MEETING_LENGTH = dt.timedelta(hours=2)


def _read(response) -> icalendar.Calendar:
    assert response.status_code == 200 and response.mimetype == "text/calendar", response.get_data(as_text=True)
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar.errors == [] and all(event.errors == [] for event in calendar.walk("VEVENT"))
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    return calendar


def _at(day: dt.date, hour: int, minute: int, offset_hours: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=offset_hours)))


def test_a_bodys_feed_read_back_gives_each_meeting_at_its_time_with_lasting_uids(hub):
    board = hub.body("management_board", members=3)
    day = clock.today() + dt.timedelta(days=60)  # within the feed's window on any day
    title = "Management Board: budget, bids; and the café's lease — a long title to fold across the line limit"
    first = hub.call("POST", f"/bodies/{board['id']}/meetings", {
        "title": title, "starts_at": _at(day, 18, 30, 1).isoformat(),
        "notice_given_on": (day - dt.timedelta(days=21)).isoformat(), "location": "Room 2, Civic Hall; Leeds"}, 201)
    second = hub.meeting(board["id"], starts_at=_at(day + dt.timedelta(days=28), 9, 0, 0))
    other = hub.body("sub_group", name="Commissioning sub-group", members=3)
    hub.meeting(other["id"], starts_at=_at(day, 10, 0, 0))

    feed = _read(hub.client.get(f"/bodies/{board['id']}/meetings.ics", headers=hub.headers))
    assert str(feed["X-WR-CALNAME"]) == "Management Board meetings"
    events = {str(event["UID"]): event for event in feed.walk("VEVENT")}
    assert len(events) == 2  # not the sub-group's meeting
    by_meeting = {uid.split("@")[0]: event for uid, event in events.items()}
    one, two = by_meeting[f"meeting-{first['id']}"], by_meeting[f"meeting-{second['id']}"]
    assert one.decoded("DTSTART") == _at(day, 17, 30, 0)  # 18:30 at +01:00, read back as the same instant
    assert one.decoded("DTSTART").utcoffset() == dt.timedelta(0)  # sent in UTC
    assert one.decoded("DTEND") - one.decoded("DTSTART") == MEETING_LENGTH
    assert str(one["SUMMARY"]) == title and str(one["LOCATION"]) == "Room 2, Civic Hall; Leeds"
    assert str(one["DESCRIPTION"]).startswith("Management Board. Notice given")
    assert two.decoded("DTSTART") == _at(day + dt.timedelta(days=28), 9, 0, 0)
    assert all(isinstance(event.decoded("DTSTAMP"), dt.datetime) for event in events.values())

    # A UID names the meeting for good (RFC 5545 3.8.4.7): the same whichever host name the feed is fetched by.
    again = _read(hub.client.get(f"/bodies/{board['id']}/meetings.ics", headers=hub.headers,
                                 base_url="http://hub.example.org"))
    assert {str(event["UID"]) for event in again.walk("VEVENT")} == set(events)


def test_a_persons_feed_read_back_has_only_the_meetings_of_bodies_they_sit_on(hub):
    board = hub.body("management_board", members=3)
    partners = hub.body(members=6)
    hub.seat(partners["id"], "member", "Asha Patel")
    day = clock.today() + dt.timedelta(days=30)
    on_partners = hub.meeting(partners["id"], starts_at=_at(day, 14, 0, 0))
    hub.meeting(board["id"], starts_at=_at(day + dt.timedelta(days=1), 14, 0, 0))
    feed = _read(hub.client.get("/meetings/calendar.ics", query_string={"person_name": "asha patel"},
                                headers=hub.headers))
    [event] = feed.walk("VEVENT")
    assert str(event["UID"]).startswith(f"meeting-{on_partners['id']}@")
    assert event.decoded("DTSTART") == _at(day, 14, 0, 0)
    assert str(event["SUMMARY"]) == on_partners["title"]
