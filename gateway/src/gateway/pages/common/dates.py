"""One way to show and to type dates and times on every page.

Shown: a day as "4 December 2026" (`day`), a month as "December 2026" (`month`), a moment as
"4 December 2026 at 3:35pm" (`when`) and a time as "3:35pm" (`time_of_day`), always in the hub's display time zone
(HUB_DISPLAY_TIME_ZONE), never labelled UTC. Typed: GOV.UK's date input (day, month, year boxes named
"<name>-day", "<name>-month", "<name>-year"; a month picker has no day box), read by `read_date` / `read_month`,
or by any view as the one field "<name>" (`install` joins the boxes of every posted form: "2026-12-04", or
"2026-12" for a month), so the service judges the date and says plainly when it is not a real one.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping
from zoneinfo import ZoneInfo

from hubkit.clock import DEFAULT_TIME_ZONE

PARTS = ("day", "month", "year")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def display_zone() -> dt.tzinfo:
    """The hub's display time zone (the app's setting; the hub's default outside a request)."""
    try:
        from flask import current_app
        zone = current_app.extensions["gateway.settings"].display_time_zone
    except (RuntimeError, KeyError, AttributeError):
        zone = None
    return zone or ZoneInfo(DEFAULT_TIME_ZONE)


def _moment(value) -> dt.datetime | None:
    """A moment from a service (ISO text or a datetime; without an offset it is UTC) in the display zone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and len(value) > 10:
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(display_zone())


def as_date(value) -> dt.date | None:
    """A date, datetime or ISO text as the day it is in the display zone; None if it is none of these."""
    moment = _moment(value)
    if moment is not None:
        return moment.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def day(value) -> str:
    """'2026-12-04' (or a date, or a moment) -> '4 December 2026'; '' for nothing; other text as it is."""
    if value is None or value == "":
        return ""
    found = as_date(value)
    return f"{found.day} {found:%B %Y}" if found else str(value)


def short_day(value) -> str:
    """'2026-12-04' -> '4 Dec 2026', for a table's narrow column or a chart's label."""
    found = as_date(value)
    return f"{found.day} {found:%b %Y}" if found else ("" if value in (None, "") else str(value))


def month(value) -> str:
    """'2026-12' (or a date in it) -> 'December 2026'."""
    if value is None or value == "":
        return ""
    text = str(value)
    try:
        if len(text) == 7:
            return f"{dt.date.fromisoformat(text + '-01'):%B %Y}"
    except ValueError:
        return text
    found = as_date(value)
    return f"{found:%B %Y}" if found else text


def time_of_day(value) -> str:
    """A moment -> '3:35pm' in the display zone."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    return f"{moment.hour % 12 or 12}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def when(value) -> str:
    """A moment from a service -> '4 December 2026 at 3:35pm' in the display zone (a date alone: its day)."""
    if value is None or value == "":
        return ""
    moment = _moment(value)
    if moment is None:
        return day(value)
    return f"{moment.day} {moment:%B %Y} at {time_of_day(moment)}"


def utc_moment(date_text: str | None, time_text: str | None) -> str | None:
    """A day and a time of day a person typed (in the display zone, as they read every time) -> an ISO UTC moment
    for a service; None if either is missing or not real."""
    try:
        local = dt.datetime.combine(dt.date.fromisoformat(date_text or ""), dt.time.fromisoformat(time_text or ""))
    except ValueError:
        return None
    return local.replace(tzinfo=display_zone()).astimezone(dt.timezone.utc).isoformat()


def local_parts(value) -> dict:
    """A moment from a service as the display zone's {'date': '2026-12-04', 'time': '15:35'} (a form's values)."""
    moment = _moment(value)
    return {"date": moment.date().isoformat(), "time": f"{moment:%H:%M}"} if moment else {"date": "", "time": ""}


def date_parts(value) -> dict:
    """'2026-07-01' -> {'day': '1', 'month': '7', 'year': '2026'}: a GOV.UK date input's values."""
    found = as_date(value) if value else None
    return {"day": str(found.day), "month": str(found.month), "year": str(found.year)} if found else \
        {"day": "", "month": "", "year": ""}


def month_parts(value) -> dict:
    """'2026-07' -> {'month': '7', 'year': '2026'}: a month picker's values."""
    text = str(value or "")
    try:
        found = dt.date.fromisoformat(text + "-01" if len(text) == 7 else text[:10]) if text else None
    except ValueError:
        found = None
    return {"month": str(found.month), "year": str(found.year)} if found else {"month": "", "year": ""}


def _typed(form: Mapping, prefix: str, parts: tuple[str, ...]) -> dict:
    return {part: (form.get(f"{prefix}-{part}") or "").strip() for part in parts}


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_date(form: Mapping, prefix: str, what: str, *, required: bool) -> tuple[dict, str | None, str | None]:
    """A GOV.UK date input's three boxes -> (the parts as typed, ISO date or None, error or None), in GOV.UK's
    words: "Enter the start date", "The start date must include a month", "The start date must be a real date"."""
    parts = _typed(form, prefix, PARTS)
    if not any(parts.values()):
        return parts, None, (f"Enter {what}" if required else None)
    missing = [part for part, value in parts.items() if not value]
    if missing:
        return parts, None, f"{_upper(what)} must include a {' and '.join(missing)}"
    try:
        year = int(parts["year"])
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValueError
        return parts, dt.date(year, int(parts["month"]), int(parts["day"])).isoformat(), None
    except ValueError:
        return parts, None, f"{_upper(what)} must be a real date"


def read_month(form: Mapping, prefix: str, what: str, *, required: bool) -> tuple[dict, str | None, str | None]:
    """A month picker's two boxes (month, year) -> (the parts as typed, 'YYYY-MM' or None, error or None)."""
    parts = _typed(form, prefix, ("month", "year"))
    if not any(parts.values()):
        return parts, None, (f"Enter {what}" if required else None)
    missing = [part for part, value in parts.items() if not value]
    if missing:
        return parts, None, f"{_upper(what)} must include a {' and '.join(missing)}"
    try:
        year, number = int(parts["year"]), int(parts["month"])
        if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= number <= 12):
            raise ValueError
        return parts, f"{year:04d}-{number:02d}", None
    except ValueError:
        return parts, None, f"{_upper(what)} must be a real month"


def joined(form: Mapping) -> dict[str, str]:
    """Every GOV.UK date input (or month picker) in a posted form as its one field: {'starts_on': '2026-12-04'},
    {'month': '2026-12'}. A field the form also sends itself is left alone; boxes left empty send nothing, so
    the service applies its own rule (required or not); boxes that make no real date are passed on as typed
    ('2026-02-31'), for the service to refuse by field."""
    names = {key[: -len("-year")] for key in form.keys() if key.endswith("-year")}
    found: dict[str, str] = {}
    for name in sorted(names):
        if not name or name in form or f"{name}-month" not in form:
            continue
        has_day = f"{name}-day" in form
        parts = _typed(form, name, PARTS if has_day else ("month", "year"))
        if not any(parts.values()):
            continue
        year, month_text = parts["year"], parts["month"]
        if has_day:
            _, iso, _ = read_date(form, name, "the date", required=False)
            found[name] = iso or f"{year}-{month_text.zfill(2)}-{parts['day'].zfill(2)}"
        else:
            _, iso, _ = read_month(form, name, "the month", required=False)
            found[name] = iso or f"{year}-{month_text.zfill(2)}"
    return found


def join_posted_dates() -> None:
    """before_request: a form's date inputs also as their one field (see `joined`): a posted form's, or a filter
    form's in the query string."""
    from flask import request
    from werkzeug.datastructures import ImmutableMultiDict, MultiDict

    def with_dates(values):
        extra = joined(values)
        if not extra:
            return None
        merged = MultiDict(values)
        for name, value in extra.items():
            merged[name] = value
        return ImmutableMultiDict(merged)

    if any(key.endswith("-year") for key in request.args.keys()):
        request.args = with_dates(request.args) or request.args  # werkzeug's cached property takes the joined one
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        # (an upload's form is left to its view: some stream the file on, unread)
        request.form = with_dates(request.form) or request.form


def install(app) -> None:
    """The date filters for every template, and posted date inputs joined before any view reads them."""
    for function in (day, short_day, month, when, time_of_day):
        app.add_template_filter(function, function.__name__)
    app.add_template_global(date_parts, "date_parts")
    app.add_template_global(month_parts, "month_parts")
    app.before_request(join_posted_dates)
