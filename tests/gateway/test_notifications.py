"""Notifications (issue 13, item 3): the events the services publish, applied by the gateway's notifications worker
(hubkit's idempotent consumer on the gateway's database), tell the right people once, in the hub and by email
read back from a real SMTP server (aiosmtpd in its own process): never another consortium's people nor another
organisation's staff."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

import pytest
import time_machine
from sqlalchemy import select

from gateway import accounts, mail
from gateway.adapters.orm import NotificationRow
from gateway.notifications import domain, store
from gateway.notifications.events import handlers
from gateway.notifications.worker import KIT
from hubkit.clock import utcnow
from hubkit.config import load_service_settings
from hubkit.consumer import EventApplier
from hubkit.db import Database as KitDatabase
from hubkit.events import new_event
from gateway_helpers import Browser
from smtp_sink import smtp_sink  # noqa: F401  the fixture

BASE_URL = "https://hub.example.org"
PASSWORD = "a-long-enough-passphrase-26"


@dataclasses.dataclass
class Consortium:
    id: uuid.UUID
    name: str
    users: dict  # name -> (user id, email address)

    def user(self, name: str) -> uuid.UUID:
        return self.users[name][0]

    def address(self, name: str) -> str:
        return self.users[name][1]


def _consortium(session, tag: str, organisation_x: uuid.UUID, organisation_y: uuid.UUID) -> Consortium:
    slug = f"{tag}-{uuid.uuid4().hex[:8]}"
    made = accounts.create_consortium(session, f"Consortium {slug}", slug, actor="test")
    people = {"finance": ({"finance_officer"}, None), "line_manager": ({"consortium_manager"}, None),
              "other_manager": ({"consortium_manager"}, None), "staff": ({"member_user"}, organisation_x),
              "x_staff": ({"member_user"}, organisation_x), "y_staff": ({"member_user"}, organisation_y),
              "board": ({"board_member"}, None), "former_board": ({"board_member"}, None),
              "other_board": ({"board_member"}, None)}
    users = {}
    for name, (roles, organisation) in people.items():
        username = f"{slug}-{name}".replace("_", "-")
        user = accounts.create_user(session, username=username, password=PASSWORD, consortium_id=made.id,
                                    roles=roles, actor="test", display_name=name, email=f"{username}@example.org",
                                    organisation_id=organisation)
        users[name] = (user.id, f"{username}@example.org")
    accounts.deactivate_user(session, f"{slug}-former-board", actor="test")
    return Consortium(made.id, made.name, users)


@pytest.fixture(scope="module")
def world(gateway_db):
    """Two consortia alike, with the same organisation ids in both (tenancy must still keep them apart)."""
    organisation_x, organisation_y = uuid.uuid4(), uuid.uuid4()
    with gateway_db.session() as session:
        ours = _consortium(session, "ours", organisation_x, organisation_y)
        theirs = _consortium(session, "theirs", organisation_x, organisation_y)
    return ours, theirs, organisation_x, organisation_y


@pytest.fixture(scope="module")
def applier(gateway_database_url, token_keys):
    settings = load_service_settings("gateway", environ={"GATEWAY_DATABASE_URL": gateway_database_url,
                                                         "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])})
    database = KitDatabase(gateway_database_url, KIT)
    yield EventApplier(database, settings, handlers)
    database.dispose()


@pytest.fixture(scope="module")
def mail_settings(settings, smtp_sink):  # noqa: F811
    return dataclasses.replace(settings.mail, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, base_url=BASE_URL)


def notified(gateway_db, source_key: str) -> dict[uuid.UUID, int]:
    with gateway_db.session() as session:
        rows = session.scalars(select(NotificationRow).where(NotificationRow.source_key == source_key))
        found: dict[uuid.UUID, int] = {}
        for row in rows:
            found[row.recipient_id] = found.get(row.recipient_id, 0) + 1
        return found


def timesheet_submitted(consortium: Consortium, organisation_id, *, line_manager: str | None = "line_manager"):
    return new_event("finance.timesheet.submitted", subject="timesheet/x", consortium_id=consortium.id,
                     actor="user:staff", correlation_id="test", data={
                         "timesheet_id": uuid.uuid4(), "staff_id": uuid.uuid4(), "organisation_id": organisation_id,
                         "week_starting": dt.date(2026, 11, 16), "minutes": 2250,
                         "staff_user_id": str(consortium.user("staff")),
                         "line_manager_user_id": str(consortium.user(line_manager)) if line_manager else None})


def invoice_issued(consortium: Consortium, organisation_id, number: str):
    return new_event("finance.invoice.issued", subject="invoice/x", consortium_id=consortium.id, actor="user:fo",
                     correlation_id="test", data={
                         "invoice_id": uuid.uuid4(), "kind": "invoice", "number": number,
                         "organisation_id": organisation_id, "month": dt.date(2026, 11, 1),
                         "issued_on": dt.date(2026, 12, 1), "due_on": dt.date(2026, 12, 31), "net_pence": 100000,
                         "vat_pence": 20000, "total_pence": 120000})


def decision_requested(consortium: Consortium, title: str, seat_accounts: list[str]):
    """Governance filed a request for the body that decides it, naming the accounts seated on it today."""
    request_id = uuid.uuid4()
    return new_event("governance.request.routed", subject=f"decision_request/{request_id}",
                     consortium_id=consortium.id, actor="system:consumer", correlation_id="test", data={
                         "request_id": request_id, "kind": "budget_variation", "title": title,
                         "body_id": uuid.uuid4(), "body_name": "Management Board", "seat_accounts": seat_accounts})


def messages_to(smtp_sink, address: str):  # noqa: F811
    return smtp_sink.messages_to(address)


def send_and_read(gateway_db, mail_settings, smtp_sink, addresses: list[str]):  # noqa: F811
    """Send what is owed, and the one message each address gets."""
    store.send_owed(gateway_db, mail_settings)
    return {address: smtp_sink.wait_for_message_to(address) for address in addresses}


def test_h4_a_submitted_timesheet_tells_the_line_manager_and_finance_officer_once_and_nobody_else(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, organisation_x, _ = world
    event = timesheet_submitted(ours, organisation_x)
    assert applier.apply(event) is True
    assert applier.apply(event) is False  # the same event again (a replay, another worker) tells nobody again

    assert notified(gateway_db, f"event:{event.id}") == {ours.user("line_manager"): 1, ours.user("finance"): 1}
    received = send_and_read(gateway_db, mail_settings, smtp_sink,
                             [ours.address("line_manager"), ours.address("finance")])
    for message in received.values():
        assert "week starting 16 November 2026 waits for your approval" in message["Subject"]
        body = message.get_content()
        assert f"{BASE_URL}/time/approvals" in body
        assert theirs.name not in body and str(theirs.id) not in body
    store.send_owed(gateway_db, mail_settings)  # nothing is owed any more
    for name in ("line_manager", "finance"):
        assert len(messages_to(smtp_sink, ours.address(name))) == 1
    for name in ("staff", "other_manager", "x_staff", "board"):
        assert not any("approval" in m["Subject"] for m in messages_to(smtp_sink, ours.address(name)))
    for name in theirs.users:
        assert not any("approval" in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_h4_a_week_with_no_line_manager_waits_for_the_finance_officer_and_the_person_is_never_told_of_their_own(
        world, applier, gateway_db):
    ours, _, organisation_x, _ = world
    event = timesheet_submitted(ours, organisation_x, line_manager="staff")  # nobody approves their own week
    applier.apply(event)
    assert notified(gateway_db, f"event:{event.id}") == {ours.user("finance"): 1}


def test_an_invoice_issued_tells_that_organisations_staff_in_its_consortium_only(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, organisation_x, _ = world
    number = f"INV-{uuid.uuid4().hex[:6]}"
    event = invoice_issued(ours, organisation_x, number)
    applier.apply(event)
    applier.apply(event)

    assert notified(gateway_db, f"event:{event.id}") == {ours.user("staff"): 1, ours.user("x_staff"): 1}
    received = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("x_staff")])
    message = received[ours.address("x_staff")]
    assert number in message["Subject"] and "£1,200.00" in message["Subject"]
    assert message["To"] == ours.address("x_staff")
    assert f"{BASE_URL}/time/invoices" in message.get_content()
    assert theirs.name not in message.get_content()
    for name in ("y_staff", "finance", "line_manager", "board"):  # another organisation's staff, other roles
        assert not any(number in m["Subject"] for m in messages_to(smtp_sink, ours.address(name)))
    for name in theirs.users:  # the same organisation id in another consortium is another organisation
        assert not any(number in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_a_decision_requested_tells_those_seated_on_the_deciding_body_of_that_consortium_once(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, _, _ = world
    title = f"Budget variation {uuid.uuid4().hex[:6]}"
    # seated: our board member and a manager; a member user's seat (the decisions page is not theirs), a deactivated
    # account, another consortium's account and a name with no account are never told, nor the board member who
    # holds no seat on this body
    seats = [ours.address(name).split("@")[0] for name in ("board", "line_manager", "x_staff", "former_board")]
    event = decision_requested(ours, title, seats + [theirs.address("board").split("@")[0], "nobody-by-that-name"])
    applier.apply(event)
    applier.apply(event)

    assert notified(gateway_db, f"event:{event.id}") == {ours.user("board"): 1, ours.user("line_manager"): 1}
    message = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("board")])[ours.address("board")]
    assert title in message["Subject"] and "Management Board" in message["Subject"]
    for name in ("other_board", "x_staff", "finance"):
        assert not any(title in m["Subject"] for m in messages_to(smtp_sink, ours.address(name)))
    request_id = event.data["request_id"]
    assert f"{BASE_URL}/decisions#request-{request_id}" in message.get_content()
    for name in theirs.users:
        assert not any(title in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_email_choices_off_and_a_daily_digest_sent_the_next_day_while_the_hub_shows_every_one(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, _, organisation_x, _ = world
    with gateway_db.session() as session:
        store.choose(session, ours.user("finance"), {domain.TIMESHEET_TO_APPROVE: domain.DIGEST})
        store.choose(session, ours.user("line_manager"), {domain.TIMESHEET_TO_APPROVE: domain.OFF})
        with pytest.raises(domain.ChoiceRefused):
            store.choose(session, ours.user("finance"), {domain.TIMESHEET_TO_APPROVE: "hourly"})
    before = len(messages_to(smtp_sink, ours.address("finance")))
    with time_machine.travel(utcnow(), tick=False) as clock:
        first, second = timesheet_submitted(ours, organisation_x), timesheet_submitted(ours, organisation_x)
        applier.apply(first)
        applier.apply(second)
        store.send_owed(gateway_db, mail_settings)  # the digest waits for the day to end
        assert len(messages_to(smtp_sink, ours.address("finance"))) == before
        clock.shift(dt.timedelta(days=1))
        assert store.send_owed(gateway_db, mail_settings) >= 1
        digest = smtp_sink.wait_for_message_to(ours.address("finance"), count=before + 1)
        assert "daily summary (2 new)" in digest["Subject"]
        assert digest.get_content().count(f"{BASE_URL}/time/approvals") == 2
        store.send_owed(gateway_db, mail_settings)
        assert len(messages_to(smtp_sink, ours.address("finance"))) == before + 1
    for event in (first, second):  # in the hub whatever the email choice
        assert notified(gateway_db, f"event:{event.id}") == {ours.user("line_manager"): 1, ours.user("finance"): 1}
    with gateway_db.session() as session:
        store.choose(session, ours.user("finance"), {domain.TIMESHEET_TO_APPROVE: domain.IMMEDIATE})
        store.choose(session, ours.user("line_manager"), {domain.TIMESHEET_TO_APPROVE: domain.IMMEDIATE})


def test_without_an_smtp_server_the_email_waits_in_the_outbox(world, applier, gateway_db, settings):
    ours, _, organisation_x, _ = world
    number = f"INV-{uuid.uuid4().hex[:6]}"
    applier.apply(invoice_issued(ours, organisation_x, number))
    outbox = dataclasses.replace(settings.mail, smtp_host=None, base_url=BASE_URL)
    store.send_owed(gateway_db, outbox)
    with gateway_db.session() as session:
        kept, _ = mail.outbox_page(session, limit=500)
    ours_kept = [m for m in kept if number in m.subject]
    assert sorted(m.to for m in ours_kept) == sorted([ours.address("staff"), ours.address("x_staff")])
    assert all(m.consortium_id == ours.id and f"{BASE_URL}/time/invoices" in m.body for m in ours_kept)


def signed_in(app, username: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    browser = Browser(client)
    assert browser.login(username, PASSWORD).status_code == 302
    return client, browser


def unread_in_header(html: str) -> int:
    found = re.search(r'class="govuk-tag govuk-tag--blue hub-unread">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_the_hub_lists_my_notifications_with_the_unread_count_in_the_header_and_marks_them_read(
        app, world, applier, gateway_db):
    ours, theirs, organisation_x, _ = world
    username = ours.address("y_staff").split("@")[0]
    organisation_y = world[3]
    numbers = [f"INV-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    for number in numbers:
        applier.apply(invoice_issued(ours, organisation_y, number))
    applier.apply(invoice_issued(theirs, organisation_y, "INV-THEIRS"))  # another consortium's: never listed here
    client, browser = signed_in(app, username)

    page = client.get("/notifications").get_data(as_text=True)
    assert unread_in_header(client.get("/").get_data(as_text=True)) == 2
    assert all(number in page for number in numbers) and "INV-THEIRS" not in page
    assert 'href="/time/invoices"' in page

    with gateway_db.session() as session:
        mine, _ = store.page(session, ours.user("y_staff"))
        [someone_elses] = [n.id for n in store.page(session, theirs.user("y_staff"))[0]]
    token = browser.csrf_token("/notifications")
    assert client.post(f"/notifications/{mine[0].id}/read", data={"csrf_token": token}).status_code == 302
    assert unread_in_header(client.get("/notifications").get_data(as_text=True)) == 1
    # another person's notification: nothing happens to it
    client.post(f"/notifications/{someone_elses}/read", data={"csrf_token": token})
    with gateway_db.session() as session:
        assert store.unread_count(session, theirs.user("y_staff")) == 1
    assert client.post(f"/notifications/{mine[0].id}/read").status_code == 400  # no CSRF token
    client.post("/notifications/read", data={"csrf_token": token})
    assert unread_in_header(client.get("/notifications").get_data(as_text=True)) == 0


def test_i_choose_how_i_am_emailed_per_kind_and_a_wrong_choice_is_refused(app, world, gateway_db):
    ours, _, _, _ = world
    client, browser = signed_in(app, ours.address("board").split("@")[0])
    assert 'value="immediate" checked' in client.get("/notifications/choices").get_data(as_text=True)
    token = browser.csrf_token("/notifications/choices")
    wanted = {kind: domain.IMMEDIATE for kind in domain.KINDS} | {domain.DECISION_REQUESTED: domain.DIGEST}
    assert client.post("/notifications/choices", data=wanted | {"csrf_token": token}).status_code == 302
    refused = client.post("/notifications/choices", data=wanted | {domain.INVOICE_ISSUED: "hourly",
                                                                   "csrf_token": token})
    assert refused.status_code == 400 and "There is a problem" in refused.get_data(as_text=True)
    with gateway_db.session() as session:
        assert store.choices(session, ours.user("board"))[domain.DECISION_REQUESTED] == domain.DIGEST
        assert store.choices(session, ours.user("board"))[domain.INVOICE_ISSUED] == domain.IMMEDIATE
        store.choose(session, ours.user("board"), {domain.DECISION_REQUESTED: domain.IMMEDIATE})


def test_who_is_told_is_always_among_the_events_consortium():
    """The rules alone: a person of another consortium with the same roles and organisation is never chosen."""
    ours, theirs, organisation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    people = [domain.Person(uuid.uuid4(), consortium, organisation, frozenset({role}))
              for consortium in (ours, theirs) for role in ("finance_officer", "member_user", "board_member")]
    for chosen in (domain.timesheet_approvers(people, ours, None, None),
                   domain.organisation_staff(people, ours, organisation), domain.finance_officers(people, ours)):
        assert len(chosen) == 1 and chosen[0].consortium_id == ours


def test_an_invitation_to_express_interest_tells_the_invited_organisations_staff_with_the_deadline_once(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, organisation_x, organisation_y = world
    title = f"Lot {uuid.uuid4().hex[:6]}"
    event = new_event("contracts.allocation_round.opened", subject="allocation_round/x", consortium_id=ours.id,
                      actor="user:manager", correlation_id="test", data={
                          "allocation_round_id": uuid.uuid4(), "title": title,
                          "invited": [{"organisation_id": organisation_x, "organisation_name": "X"}],
                          "eois_close_on": dt.date(2027, 1, 15)})
    applier.apply(event)
    applier.apply(event)
    assert notified(gateway_db, f"event:{event.id}") == {ours.user("staff"): 1, ours.user("x_staff"): 1}
    message = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("x_staff")])[ours.address("x_staff")]
    assert title in message["Subject"] and "by 15 January 2027" in message["Subject"]
    assert f"{BASE_URL}/allocation/mine" in message.get_content()
    assert not any(title in m["Subject"] for m in messages_to(smtp_sink, ours.address("y_staff")))  # not invited
    for name in theirs.users:
        assert not any(title in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_f1_a_variation_the_board_approved_tells_the_finance_officer_it_waits_for_ratification_once(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, _, _ = world

    def approved(by: str):
        return new_event("finance.variation.approved", subject="variation/x", consortium_id=ours.id,
                         actor="event:governance.decision.made", correlation_id="test", data={
                             "variation_id": uuid.uuid4(), "kind": "variation", "budget_line_id": uuid.uuid4(),
                             "change_pence": 750000, "amount_pence": 750000, "needs_board": by == "management_board",
                             "approved_by": by, "takes_effect": by == "finance_officer"})
    by_board, by_finance = approved("management_board"), approved("finance_officer")
    for event in (by_board, by_board, by_finance):
        applier.apply(event)
    assert notified(gateway_db, f"event:{by_board.id}") == {ours.user("finance"): 1}
    assert notified(gateway_db, f"event:{by_finance.id}") == {}  # it took effect: nothing waits
    before = len(messages_to(smtp_sink, ours.address("finance")))
    store.send_owed(gateway_db, mail_settings)
    message = smtp_sink.wait_for_message_to(ours.address("finance"), count=before + 1)
    assert "£7,500.00" in message["Subject"] and "ratification" in message["Subject"]
    assert f"{BASE_URL}/money/variations/{by_board.data['variation_id']}" in message.get_content()
    for name in theirs.users:
        assert not any("ratification" in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_papers_published_tell_those_seated_on_the_body_with_an_account_once(
        world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, _, _ = world
    seated = [ours.address(name).split("@")[0] for name in ("board", "x_staff")]
    # the same username can only be one account; another consortium's account named by a seat is never told
    accounts = seated + [theirs.address("board").split("@")[0], "nobody-by-that-name"]
    title = f"Budget report {uuid.uuid4().hex[:6]}"
    meeting_id = uuid.uuid4()
    event = new_event("governance.paper.published", subject=f"meeting/{meeting_id}", consortium_id=ours.id,
                      actor="user:secretary", correlation_id="test", data={
                          "paper_id": uuid.uuid4(), "meeting_id": meeting_id, "meeting_title": "Management Board",
                          "meeting_starts_at": dt.datetime(2027, 1, 12, 18, 0, tzinfo=dt.timezone.utc),
                          "title": title, "seat_accounts": accounts})
    applier.apply(event)
    applier.apply(event)
    assert notified(gateway_db, f"event:{event.id}") == {ours.user("board"): 1, ours.user("x_staff"): 1}
    message = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("board")])[ours.address("board")]
    assert title in message["Subject"] and "12 January 2027" in message["Subject"]
    assert f"{BASE_URL}/governance/meetings/{meeting_id}" in message.get_content()
    for name in theirs.users:
        assert not any(title in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


@pytest.mark.parametrize("event_type,within,wording", [
    ("membership.document.expiring", None, "expires on 5 January 2027"),  # published before thresholds: 30 days
    ("membership.document.expiring", 30, "expires on 5 January 2027"),
    ("membership.document.expiring", 7, "expires within a week, on 5 January 2027"),
    ("membership.document.expiring", 0, "expires today, 5 January 2027"),
    ("membership.document.expired", None, "expired on 5 January 2027")])
def test_m1_evidence_expiring_or_expired_tells_the_members_staff_and_the_managers_once(
        event_type, within, wording, world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, organisation_x, _ = world
    kind = f"insurance_{uuid.uuid4().hex[:6]}"
    event = new_event(event_type, subject=f"organisation/{organisation_x}", consortium_id=ours.id,
                      actor="system:expiry-review", correlation_id="test", data={
                          "organisation_id": organisation_x, "document_id": uuid.uuid4(), "kind": kind,
                          "expires_on": dt.date(2027, 1, 5)} | ({} if within is None else {"within_days": within}))
    applier.apply(event)
    applier.apply(event)
    assert notified(gateway_db, f"event:{event.id}") == {
        ours.user(name): 1 for name in ("staff", "x_staff", "line_manager", "other_manager")}
    message = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("x_staff")])[ours.address("x_staff")]
    assert kind.replace("_", " ") in message["Subject"] and wording in message["Subject"]
    assert f"{BASE_URL}/members/{organisation_x}" in message.get_content()
    for name in ("y_staff", "finance", "board"):
        assert not any(kind.replace("_", " ") in m["Subject"] for m in messages_to(smtp_sink, ours.address(name)))
    for name in theirs.users:
        assert not any(kind.replace("_", " ") in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_the_worker_refuses_to_start_naming_each_malformed_setting():
    from hubkit.config import ConfigError

    from gateway.notifications.worker import worker_settings
    settings, every_s = worker_settings({"GATEWAY_NOTIFICATION_MAIL_EVERY_S": "30"})
    assert every_s == 30 and settings.off  # no GATEWAY_SMTP_HOST nor GATEWAY_MAIL_OUTBOX: no email
    with pytest.raises(ConfigError) as refused:
        worker_settings({"GATEWAY_NOTIFICATION_MAIL_EVERY_S": "soon", "GATEWAY_BASE_URL": "not a url"})
    assert "GATEWAY_NOTIFICATION_MAIL_EVERY_S" in str(refused.value) and "GATEWAY_BASE_URL" in str(refused.value)
