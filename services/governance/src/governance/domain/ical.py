"""iCalendar (RFC 5545) for meetings: a small serializer, enough for calendar programs to subscribe to."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

PRODID = "-//Consortium Hub//Governance//EN"
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than 75 octets are folded


@dataclasses.dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str | None = None
    description: str | None = None
    url: str | None = None


def escape_text(value: str) -> str:
    """TEXT values (3.3.11): backslash, semicolon and comma escaped; newlines as \\n."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form (3.3.5), e.g. 20261123T093000Z."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets (UTF-8), never inside a character (3.1)."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # continuation lines start with a space
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def calendar(name: str, events: Iterable[CalendarEvent], stamped_at: dt.datetime) -> str:
    """A VCALENDAR with one VEVENT per meeting, CRLF line endings, folded lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc_stamp(stamped_at)}",
                  f"DTSTART:{utc_stamp(event.starts_at)}", f"DTEND:{utc_stamp(event.ends_at)}",
                  f"SUMMARY:{escape_text(event.summary)}"]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
