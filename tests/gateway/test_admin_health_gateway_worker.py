"""System health shows the gateway's notifications worker like the services' consumers (issue 13, item 3): each
worker's state, lag and last error, read from the gateway's own database; waiting for topics a fresh broker does
not have yet is said, not shown as an error; its dead letters are listed and retried here."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import delete, select

from gateway import accounts
from gateway.adapters.orm import NotificationRow
from gateway.notifications.events import handlers
from gateway.notifications.worker import KIT
from gateway_helpers import csrf_token_from
from hubkit.consumer import NO_TOPICS_YET, EventApplier, WorkerReport
from hubkit.db import Database as KitDatabase
from hubkit.events import new_event
from test_notifications import applier  # noqa: F401  the fixture: the worker's applier on the gateway's database


@pytest.fixture
def kit_db(gateway_database_url):
    database = KitDatabase(gateway_database_url, KIT)
    yield database
    with database.session(None) as session:  # the reports and letters made here go: other tests see none
        session.execute(delete(KIT.consumer_worker).where(KIT.consumer_worker.c.worker.like("test-gateway-worker%")))
        session.execute(delete(KIT.dead_letter).where(KIT.dead_letter.c.topic == "hub.test-health"))
        session.execute(delete(KIT.outbox).where(KIT.outbox.c.key.like("gateway/%")))
        session.commit()
    database.dispose()


def gateway_section(html: str) -> str:
    start = html.index("Gateway notifications worker")
    return html[start:html.index("Membership service", start)]


def test_health_shows_the_gateway_workers_consumers_waiting_for_topics_is_not_an_error(logged_in, kit_db):
    waiting = WorkerReport(kit_db, "gateway", "test-gateway-worker:1", "self-assign")
    waiting.set("waiting", NO_TOPICS_YET)
    failing = WorkerReport(kit_db, "gateway", "test-gateway-worker:2", "self-assign")
    failing.lag, failing.partitions = 7, ["hub.finance/0"]
    failing.set("failing", "OperationalError: the gateway's database went away")

    section = gateway_section(logged_in("admin").get("/admin/health").get_data(as_text=True))
    one, two = (section[section.index(f'data-consumer-worker="test-gateway-worker:{n}"'):] for n in (1, 2))
    one = one[:one.index("</p>")]
    assert "Waiting" in one and "no topics yet" in one and "Last error" not in one and "Failing" not in one
    two = two[:two.index("</p>")]
    assert "Failing" in two and "Behind by: 7" in two and "hub.finance/0" in two
    assert "Last error" in two and "the gateway&#39;s database went away" in two
    assert "Dead letters" in section and "No dead letters" in section  # in words, never "None" (issue 14 item 5)


def test_a_gateway_dead_letter_is_listed_and_retried_from_system_health(logged_in, kit_db, gateway_db,
                                                                        applier):  # noqa: F811
    with gateway_db.session() as session:
        slug = f"health-{uuid.uuid4().hex[:8]}"
        consortium = accounts.create_consortium(session, f"Consortium {slug}", slug, actor="test")
        organisation = uuid.uuid4()
        user = accounts.create_user(session, username=slug, password="a-long-enough-passphrase-26",
                                    consortium_id=consortium.id, roles={"member_user"}, actor="test",
                                    display_name="Member", email=f"{slug}@example.org", organisation_id=organisation)
    event = new_event("finance.invoice.issued", subject="invoice/x", consortium_id=consortium.id, actor="user:fo",
                      correlation_id="test", data={
                          "invoice_id": uuid.uuid4(), "kind": "invoice", "number": f"INV-{slug}",
                          "organisation_id": organisation, "month": dt.date(2026, 11, 1),
                          "issued_on": dt.date(2026, 12, 1), "due_on": dt.date(2026, 12, 31), "net_pence": 100,
                          "vat_pence": 20, "total_pence": 120})
    # the worker gave up on it (say the database was away each try): a dead letter in the gateway's database
    EventApplier(kit_db, applier.settings, handlers).dead_letter(event.to_json().encode(), "OperationalError: away",
                                                                 5, "hub.test-health", 0, 42)
    client = logged_in("admin")
    html = client.get("/admin/health").get_data(as_text=True)
    section = gateway_section(html)
    assert "finance.invoice.issued" in section and "OperationalError: away" in section and "1 waiting" in section
    with kit_db.session(None) as session:
        [letter_id] = session.execute(select(KIT.dead_letter.c.id).where(
            KIT.dead_letter.c.topic == "hub.test-health")).scalars().all()
    assert f"/admin/health/gateway/dead-letters/{letter_id}/retry" in section

    answer = client.post(f"/admin/health/gateway/dead-letters/{letter_id}/retry",
                         data={"csrf_token": csrf_token_from(html)})
    assert answer.status_code == 302
    assert "in the gateway was applied again" in client.get("/admin/health").get_data(as_text=True)
    with gateway_db.session() as session:  # applied by the worker's own handlers: the member is told once
        assert [row.recipient_id for row in session.scalars(select(NotificationRow).where(
            NotificationRow.source_key == f"event:{event.id}"))] == [user.id]
    again = client.post(f"/admin/health/gateway/dead-letters/{letter_id}/retry",
                        data={"csrf_token": csrf_token_from(html)})
    assert again.status_code == 302 and "already retried" in client.get("/admin/health").get_data(as_text=True)
    assert client.post(f"/admin/health/gateway/dead-letters/{uuid.uuid4()}/retry",
                       data={"csrf_token": csrf_token_from(html)}).status_code == 404


@pytest.mark.parametrize("username", ["manager", "finance"])
def test_only_the_host_admin_retries_the_gateways_dead_letters(logged_in, username):
    client = logged_in(username)
    html = client.get("/").get_data(as_text=True)
    answer = client.post(f"/admin/health/gateway/dead-letters/{uuid.uuid4()}/retry",
                         data={"csrf_token": csrf_token_from(html)})
    assert answer.status_code == 403
