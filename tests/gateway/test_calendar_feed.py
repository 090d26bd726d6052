"""The calendar of what is due (issue 13, item 4): a personal iCalendar feed of the user's deadlines at a secret,
revocable address, read back with an RFC 5545 parser (icalendar). The services scope what each user sees; these
tests prove the gateway asks them as the address's owner, and puts each kind in the right person's feed only."""
import datetime as dt
import json
import re
import uuid

import icalendar
import pytest
from gateway_helpers import DEMO_PASSWORD, THROWAWAY_PASSWORD, Browser, csrf_token_from
from hubkit import clock
from hubkit.tokens import verify
from sqlalchemy import select

from gateway import accounts, calendar_feed
from gateway.adapters.orm import AuditEntryRow, CalendarFeedRow
from gateway.demo import DEMO_CONSORTIUM_ID

PAGE = "/account/calendar"


@pytest.fixture(autouse=True)
def _no_kept_feeds():
    calendar_feed._cache.clear()
    yield
    calendar_feed._cache.clear()


def new_address(client) -> str:
    token = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    answer = client.post(PAGE, data={"csrf_token": token})
    assert answer.status_code == 201
    return re.search(r'id="calendar-address"[^>]*value="([^"]+)"', answer.get_data(as_text=True)).group(1)


def feed_path(address: str) -> str:
    return address[address.index("/calendar/"):]


def events(app, address: str) -> dict[str, icalendar.Event]:
    answer = app.test_client().get(feed_path(address))  # not signed in, as a calendar app
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/calendar"
    parsed = icalendar.Calendar.from_ical(answer.get_data())
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def arrange_deadlines(fake, member_organisation_id):
    """Deadlines of the demo member's organisation, and another organisation's evidence that must never show."""
    soon = clock.today() + dt.timedelta(days=20)
    own = str(member_organisation_id)
    other = fake.add_organisation("Another Trust", status="active")["id"]
    fake.organisations[own] = fake.add_organisation("Mel's Trust", status="active") | {"id": own}
    fake.evidence[own] = {"public_liability": {"expires_on": soon.isoformat()}}
    fake.evidence[other] = {"public_liability": {"expires_on": (soon + dt.timedelta(days=1)).isoformat()}}
    round_id, subcontract_id, period_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    fake.contracts_answers[("GET", "/allocation/invitations")] = (200, [{"round": {
        "id": str(round_id), "title": "Wellbeing hubs", "eois_close_on": (soon + dt.timedelta(days=2)).isoformat()}}])
    # contracts lists the returns owed and not sent by due date (a sent one is not there: tested in contracts)
    fake.contracts_answers[("GET", "/returns/due")] = (200, [{
        "subcontract_id": str(subcontract_id), "period_id": str(period_id), "period_label": "Q1",
        "return_due_on": (soon + dt.timedelta(days=3)).isoformat(), "overdue": False,
        "organisation_id": own, "organisation_name": "Mel's Trust", "purpose": "Befriending",
        "contract_id": str(uuid.uuid4()), "contract_title": "Wellbeing hubs"}])
    monday = clock.today() - dt.timedelta(days=clock.today().weekday())
    member_staff_id = uuid.uuid4()
    fake.finance_answers[("GET", "/timesheets/mine")] = (200, {
        "id": None, "staff_id": str(member_staff_id), "week_starting": monday.isoformat(), "status": "draft"})
    return {"evidence": f"evidence-{own}-public_liability@consortium-hub", "monday": monday,
            "timesheet": f"timesheet-{member_staff_id}-{monday.isoformat()}@consortium-hub", "other": other,
            "eoi": f"eoi-{round_id}@consortium-hub", "return": f"return-{subcontract_id}-{period_id}@consortium-hub",
            "soon": soon, "subcontract_id": subcontract_id, "period_id": period_id}


def test_the_members_feed_has_their_evidence_eoi_and_returns_as_all_day_events_linking_to_the_pages(
        app, logged_in, fake_services, member_organisation_id):
    arranged = arrange_deadlines(fake_services, member_organisation_id)
    address = new_address(logged_in("member"))
    found = events(app, address)

    assert set(found) == {arranged["evidence"], arranged["eoi"], arranged["return"], arranged["timesheet"]}
    evidence = found[arranged["evidence"]]
    assert evidence.decoded("DTSTART") == arranged["soon"]  # a date: an all-day event
    assert evidence.decoded("DTEND") == arranged["soon"] + dt.timedelta(days=1)
    assert str(evidence["SUMMARY"]) == "Public liability insurance evidence expires"
    assert str(evidence["URL"]).endswith(f"/members/{member_organisation_id}/due-diligence")
    assert str(found[arranged["eoi"]]["SUMMARY"]) == "Expressions of interest close: Wellbeing hubs"
    assert str(found[arranged["return"]]["SUMMARY"]) == "Return due: Mel's Trust, Befriending, Q1"
    timesheet = found[arranged["timesheet"]]
    assert timesheet.decoded("DTSTART") == arranged["monday"] + dt.timedelta(days=7)  # due the Monday after
    assert str(timesheet["SUMMARY"]).startswith("Timesheet due: week of ")
    assert f"/time?week={arranged['monday'].isoformat()}" in str(timesheet["URL"])
    assert arranged["other"] not in json.dumps([str(event["UID"]) for event in found.values()])

    # the services were asked as the member, with a token for their identity and roles
    asked = [call for call in fake_services.calls if call["path"].startswith(("/allocation", "/returns",
                                                                              "/organisations", "/timesheets"))]
    assert asked and {call["path"] for call in asked} >= {
        f"/organisations/{member_organisation_id}/due-diligence", "/allocation/invitations", "/returns/due",
        "/timesheets/mine"}
    # the returns in one bounded call: a window of due dates around today, one page
    [returns] = [call for call in asked if call["path"] == "/returns/due"]
    assert returns["query"] == {"due_from": (clock.today() - dt.timedelta(days=35)).isoformat(),
                                "due_until": (clock.today() + dt.timedelta(days=365)).isoformat(), "limit": "500"}
    assert not any(call["path"].startswith("/subcontracts") for call in fake_services.calls)
    assert str(found[arranged["return"]]["URL"]).endswith(
        f"/contracts/mine/{arranged['subcontract_id']}/returns/{arranged['period_id']}")
    for call in asked:
        principal = verify(call["headers"]["Authorization"][7:], fake_services.public_key,
                           issuer=fake_services.issuer, audience=call["service"])
        assert principal.username == "member" and principal.roles == frozenset({"member_user"})

    # the same UIDs the next time it is gathered
    calendar_feed._cache.clear()
    assert set(events(app, address)) == set(found)


def test_the_managers_feed_has_the_returns_but_no_invitations_evidence_or_submitted_weeks(app, logged_in, fake_services,
                                                                          member_organisation_id):
    arranged = arrange_deadlines(fake_services, member_organisation_id)
    fake_services.finance_answers[("GET", "/timesheets/mine")] = (200, {
        "id": str(uuid.uuid4()), "staff_id": str(uuid.uuid4()), "week_starting": arranged["monday"].isoformat(),
        "status": "submitted"})  # the manager's own weeks are in: nothing due
    found = events(app, new_address(logged_in("manager")))
    assert set(found) == {arranged["return"]}
    assert str(found[arranged["return"]]["URL"]).endswith(f"/subcontracts/{arranged['subcontract_id']}")
    assert not any(call["path"] == "/allocation/invitations" for call in fake_services.calls)


def test_a_new_address_revokes_the_old_one_which_answers_404_and_each_is_audited(app, client, gateway_db):
    username = f"calendar-{uuid.uuid4().hex[:10]}"
    with gateway_db.session() as session:
        user = accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD,
                                    consortium_id=DEMO_CONSORTIUM_ID, roles={"board_member"}, actor="test:calendar")
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert "You do not have a calendar address yet" in client.get(PAGE).get_data(as_text=True)
    first = new_address(client)
    assert events(app, first) == {}
    second = new_address(client)
    assert first != second
    assert app.test_client().get(feed_path(first)).status_code == 404
    assert app.test_client().get(feed_path(second)).status_code == 200
    assert "You made your calendar address on" in client.get(PAGE).get_data(as_text=True)

    token = feed_path(second).removeprefix("/calendar/").removesuffix(".ics")
    with gateway_db.session() as session:
        rows = session.scalars(select(CalendarFeedRow).where(CalendarFeedRow.user_id == user.id)).all()
        audited = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.entity_id == str(user.id), AuditEntryRow.action == "user.calendar_address_made")).all()
    assert [row.token_hash for row in rows] == [calendar_feed.token_hash(token)]  # only its hash, one a user
    assert len(audited) == 2 and token not in json.dumps([entry.after for entry in audited])


def test_a_deactivated_users_address_answers_404(app, client, gateway_db):
    username = f"calendar-{uuid.uuid4().hex[:10]}"
    with gateway_db.session() as session:
        accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD,
                             consortium_id=DEMO_CONSORTIUM_ID, roles={"board_member"}, actor="test:calendar")
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    address = new_address(client)
    with gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor="test:calendar")
    assert app.test_client().get(feed_path(address)).status_code == 404


@pytest.mark.parametrize("path", ["/calendar/.ics", "/calendar/", "/calendar/not-a-token.ics",
                                  "/calendar/" + "A" * 43 + ".ics"])
def test_a_wrong_or_missing_token_answers_404_saying_nothing_more(app, path):
    answer = app.test_client().get(path)
    assert answer.status_code == 404
    assert "calendar" not in answer.get_data(as_text=True).lower()


def test_the_account_page_needs_a_sign_in(client):
    assert client.get(PAGE).status_code == 302


@pytest.fixture
def live_gateway(app):
    from gateway_fake_services import ServedApp

    with ServedApp(app) as served:
        yield served.url


@pytest.mark.browser
def test_your_calendar_page_in_chromium_with_no_accessibility_violations(page, live_gateway):
    from browser_checks import axe_violations
    from playwright.sync_api import expect

    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your calendar").click()
    expect(page.get_by_role("heading", name="Your calendar", exact=True)).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    page.get_by_role("button", name=re.compile("Make (my calendar|a new) address")).click()
    expect(page.get_by_label("Your calendar address")).to_have_value(re.compile(r"/calendar/[\w-]{43}\.ics$"))
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)


def test_a_service_that_cannot_answer_gives_503_not_a_feed_with_events_missing(app, logged_in, fake_services,
                                                                               member_organisation_id):
    arrange_deadlines(fake_services, member_organisation_id)
    fake_services.contracts_answers[("GET", "/allocation/invitations")] = (500, {"title": "Internal Server Error"})
    answer = app.test_client().get(feed_path(new_address(logged_in("member"))))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "300"
    assert "BEGIN:VCALENDAR" not in answer.get_data(as_text=True)


def test_a_feed_fetched_again_within_minutes_is_the_kept_one_without_asking_the_services(
        app, logged_in, fake_services, member_organisation_id):
    arrange_deadlines(fake_services, member_organisation_id)
    address = new_address(logged_in("member"))
    first = events(app, address)
    asked = len(fake_services.calls)
    assert events(app, address).keys() == first.keys()
    assert len(fake_services.calls) == asked
