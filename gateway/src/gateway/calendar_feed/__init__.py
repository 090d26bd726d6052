"""The calendar of what is due (issue 13, item 4): a personal iCalendar (RFC 5545) feed of the signed-in user's
deadlines, at a secret address a calendar app subscribes to.

/account/calendar shows whether the user has an address and makes a new one (the old one then answers 404); only
the SHA-256 of the address's token is kept, so the whole address is shown once, on the answer that made it, and each
new address is audited. /calendar/<token>.ics is not signed in (calendar apps cannot): the token alone names the
user, and the gateway asks the services as that user (their identity and roles, in the short-lived service token
every page's call carries), so the feed holds only what that user may see:

- returns due: the returns owed and not sent that contracts lists for them by due date (GET /returns/due, one
  bounded call; member staff: their own organisation's; the consortium manager: all), from five weeks ago to a year
  ahead;
- expressions of interest closing: the allocation rounds their organisation is invited to;
- evidence expiring: their organisation's due-diligence evidence (membership);
- timesheets: for those who log time (finance), this week's and last week's, while not submitted, due the Monday
  after the week.

Each event is all-day, with a UID that stays the same from one fetch to the next (kind-id@consortium-hub), a summary
in plain words, and the address of the page that acts on it. A feed is kept CACHE_SECONDS per user.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time

import icalendar
from flask import Blueprint, Response, abort, current_app, g, render_template, url_for
from hubkit import clock
from hubkit.clock import utcnow
from hubkit.uploads import content_disposition

from .. import accounts
from ..adapters.orm import CalendarFeedRow, UserRow
from ..auth.session import current_user, login_required
from ..domain import audit
from ..domain.roles import LOGS_TIME, MEMBER_USER
from ..proxy.client import ServiceDown, call_service

bp = Blueprint("calendar_feed", __name__, template_folder="templates")

CACHE_SECONDS = 300  # a calendar app polls every few minutes to hours; the services are asked at most this often
MAX_RETURNS = 500  # returns owed: one page of contracts' GET /returns/due, by due date
RETURNS_PAST_DAYS, RETURNS_AHEAD_DAYS = 35, 365  # the due dates asked for, around today (at most 400 days apart)
UID_DOMAIN = "consortium-hub"
_cache: dict = {}
_cache_lock = threading.Lock()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_address(session, user) -> str:
    """A new secret token for the user's calendar address, replacing (revoking) any earlier one; audited."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = session.get(CalendarFeedRow, user.id)
    before = None if row is None else {"calendar_address": "made " + row.created_at.isoformat(timespec="seconds")}
    if row is None:
        row = CalendarFeedRow(user_id=user.id, token_hash=token_hash(token), created_at=now)
        session.add(row)
    else:
        row.token_hash, row.created_at = token_hash(token), now
    session.flush()
    accounts.record_change(session, audit.user_actor(user.id), audit.CALENDAR_ADDRESS_MADE,
                           session.get(UserRow, user.id), before=before,
                           after={"calendar_address": "made " + now.isoformat(timespec="seconds")})
    return token


def user_for(session, token: str):
    """The active user whose calendar address carries this token, or None (unknown, replaced, or deactivated)."""
    row = session.query(CalendarFeedRow).filter_by(token_hash=token_hash(token)).one_or_none()
    return None if row is None else accounts.find_user(session, row.user_id)


@bp.route("/account/calendar", methods=["GET"])
@login_required
def account():
    return _page()


@bp.route("/account/calendar", methods=["POST"])
@login_required
def new_address():
    with current_app.extensions["gateway.db"].session() as session:
        token = make_address(session, current_user())
    return _page(201, address=_link(url_for("calendar_feed.feed", token=token)))


def _link(path: str) -> str:
    """An absolute address, starting with GATEWAY_BASE_URL as the links in mail do: read outside the hub."""
    return current_app.extensions["gateway.settings"].mail.link(path)


def _page(status: int = 200, address: str | None = None):
    with current_app.extensions["gateway.db"].session() as session:
        row = session.get(CalendarFeedRow, current_user().id)
        made = None if row is None else clock.local_date(row.created_at)  # the day in the hub's time zone
    return render_template("calendar_feed/account.html", made=made, address=address), status


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    with current_app.extensions["gateway.db"].session() as session:
        user = user_for(session, token)
    if user is None:
        abort(404)
    key = (user.id, user.token_version, user.roles, user.organisation_id)
    with _cache_lock:
        kept = _cache.get(key)
    if kept is None or kept[0] < time.monotonic():
        g.user = user  # the services are asked as this user (proxy.client.call_service reads it)
        try:
            body = calendar(user, deadlines(user))
        except ServiceDown:
            # an empty or partial feed would make calendar apps drop the events they have: ask again later
            return Response("The hub cannot gather your deadlines just now.", 503, {"Retry-After": "300"},
                            mimetype="text/plain")
        kept = (time.monotonic() + CACHE_SECONDS, body)
        with _cache_lock:
            for stale in [each for each, (until, _) in _cache.items() if until < time.monotonic()]:
                del _cache[stale]  # kept no longer than it is used
            _cache[key] = kept
    return Response(kept[1], mimetype="text/calendar",
                    headers={"Content-Disposition": content_disposition("deadlines.ics", "inline")})


def _get(service: str, path: str, query: dict | None = None):
    """The service's answer for this user, or None when it is not theirs to see (403, 404) or not there."""
    answer = call_service(service, "GET", path, query=query)
    return answer.body if answer.ok else None


def deadlines(user) -> list[dict]:
    """Each deadline of this user: kind, id, date, summary and the page's path."""
    found: list[dict] = []
    if user.organisation_id is not None:
        checks = _get("membership", f"/organisations/{user.organisation_id}/due-diligence") or {}
        for item in checks.get("items", []):
            if item.get("expires_on"):
                found.append({"kind": "evidence", "id": f"{user.organisation_id}-{item['kind']}",
                              "on": item["expires_on"],
                              "summary": f"{item.get('label') or item['kind']} evidence expires",
                              "path": url_for("ui.due_diligence", organisation_id=user.organisation_id)})
    if MEMBER_USER in user.roles:
        for invitation in _get("contracts", "/allocation/invitations") or []:
            round_ = invitation.get("round") or {}
            if round_.get("eois_close_on"):
                found.append({"kind": "eoi", "id": round_["id"], "on": round_["eois_close_on"],
                              "summary": f"Expressions of interest close: {round_.get('title', 'allocation round')}",
                              "path": url_for("allocation_ui.my_invitations")})
    own_only = MEMBER_USER in user.roles  # member staff act on a return from its form, the manager the subcontract
    answer = call_service("contracts", "GET", "/returns/due", one_page=True, query={  # one bounded call (P1)
        "due_from": (clock.today() - dt.timedelta(days=RETURNS_PAST_DAYS)).isoformat(),
        "due_until": (clock.today() + dt.timedelta(days=RETURNS_AHEAD_DAYS)).isoformat(), "limit": MAX_RETURNS})
    for owed in (answer.body if answer.ok else None) or []:
        found.append({
            "kind": "return", "id": f"{owed['subcontract_id']}-{owed['period_id']}", "on": owed["return_due_on"],
            "summary": f"Return due: {owed.get('organisation_name', '')}, {owed.get('purpose', 'subcontract')}, "
                       f"{owed.get('period_label', '')}".strip(", "),
            "path": url_for("delivery_ui.return_form", subcontract_id=owed["subcontract_id"],
                            period_id=owed["period_id"]) if own_only else
            url_for("delivery_ui.subcontract", subcontract_id=owed["subcontract_id"])})
    if user.roles & LOGS_TIME:
        this_week = clock.today() - dt.timedelta(days=clock.today().weekday())  # the hub's time zone's Monday
        for week in (this_week - dt.timedelta(days=7), this_week):
            sheet = _get("finance", "/timesheets/mine", {"week": week.isoformat()})  # 404: not set up to log time
            if sheet is None:
                break
            if sheet.get("status") in ("draft", "rejected"):
                starting = dt.date.fromisoformat(sheet["week_starting"])
                found.append({"kind": "timesheet", "id": f"{sheet['staff_id']}-{starting.isoformat()}",
                              "on": (starting + dt.timedelta(days=7)).isoformat(),
                              "summary": f"Timesheet due: week of {starting.day} {starting:%B %Y}",
                              "path": url_for("time_ui.index", week=starting.isoformat())})
    return list({item["kind"] + item["id"]: item for item in found}.values())


def calendar(user, found: list[dict]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Consortium Hub//What is due//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Consortium Hub: what is due")
    stamp = utcnow()
    for item in sorted(found, key=lambda each: (each["on"], each["kind"], each["id"])):
        day = dt.date.fromisoformat(item["on"])
        event = icalendar.Event()
        event.add("uid", f"{item['kind']}-{item['id']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", item["summary"])
        event.add("url", _link(item["path"]))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
