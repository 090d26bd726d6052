"""Notifications of the services' daily reviews (issue 13, item 3): a subcontract's return due within 7 days or
overdue (P1, contracts.return.due / .overdue) and my own week not submitted by the Monday after (H4,
finance.timesheet.not_submitted), applied by the gateway's notifications worker: each once per return period (or
week), kind and person, to the right people only, the email read back from a real SMTP server."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hubkit.events import new_event
from smtp_sink import smtp_sink  # noqa: F401  the fixture
from test_notifications import (BASE_URL, applier, mail_settings, messages_to, notified,  # noqa: F401  fixtures
                                send_and_read, world)

DUE_ON = dt.date(2027, 4, 20)  # data of the event: contracts' review decided it is due (its clock is tested there)


def return_owed(consortium, organisation_id, event_type: str, subcontract_id=None, period_id=None, label="2026-27 Q4"):
    subcontract_id, period_id = subcontract_id or uuid.uuid4(), period_id or uuid.uuid4()
    return new_event(event_type, subject=f"subcontract/{subcontract_id}", consortium_id=consortium.id,
                     actor="system:returns-review", correlation_id="test", data={
                         "subcontract_id": subcontract_id, "contract_id": uuid.uuid4(),
                         "contract_title": "Community wellbeing hubs", "organisation_id": organisation_id,
                         "organisation_name": "Northfield Advice", "purpose": "delivery", "period_id": period_id,
                         "period_label": label, "return_due_on": DUE_ON})


@pytest.mark.parametrize("event_type,key,wording", [
    ("contracts.return.due", "return-due", "is due on 20 April 2027"),
    ("contracts.return.overdue", "return-overdue", "is overdue: it was due on 20 April 2027")])
def test_p1_a_return_due_or_overdue_tells_that_organisations_staff_and_the_managers_once(
        event_type, key, wording, world, applier, gateway_db, mail_settings, smtp_sink):  # noqa: F811
    ours, theirs, organisation_x, _ = world
    label = f"Q{uuid.uuid4().hex[:6]}"
    event = return_owed(ours, organisation_x, event_type, label=label)
    subcontract_id, period_id = event.data["subcontract_id"], event.data["period_id"]
    applier.apply(event)
    applier.apply(event)
    # the review announcing the same return again (a new event: another worker, a replayed outbox) tells nobody again
    applier.apply(return_owed(ours, organisation_x, event_type, subcontract_id, period_id, label))
    source = f"{key}:{subcontract_id}:{period_id}"
    assert notified(gateway_db, source) == {
        ours.user(name): 1 for name in ("staff", "x_staff", "line_manager", "other_manager")}

    received = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("x_staff"), ours.address("line_manager")])
    staff, manager = received[ours.address("x_staff")], received[ours.address("line_manager")]
    for message in (staff, manager):
        assert label in message["Subject"] and wording in message["Subject"]
        assert "Community wellbeing hubs" in message["Subject"]
        assert theirs.name not in message.get_content()
    assert staff["To"] == ours.address("x_staff") and manager["To"] == ours.address("line_manager")
    # each is sent to the page that acts on it: the member's return form, the manager's subcontract
    assert f"{BASE_URL}/contracts/mine/{subcontract_id}/returns/{period_id}" in staff.get_content()
    assert f"{BASE_URL}/contracts/subcontracts/{subcontract_id}" in manager.get_content()
    for name in ("staff", "x_staff", "line_manager"):
        assert len([m for m in messages_to(smtp_sink, ours.address(name)) if label in m["Subject"]]) == 1
    for name in ("y_staff", "finance", "board"):  # another organisation's staff, roles that do not act on returns
        assert not any(label in m["Subject"] for m in messages_to(smtp_sink, ours.address(name)))
    for name in theirs.users:  # the same organisation id in another consortium is another organisation
        assert not any(label in m["Subject"] for m in messages_to(smtp_sink, theirs.address(name)))


def test_p1_due_and_overdue_are_each_once_for_the_same_return(world, applier, gateway_db):
    ours, _, organisation_x, _ = world
    due = return_owed(ours, organisation_x, "contracts.return.due")
    overdue = return_owed(ours, organisation_x, "contracts.return.overdue", due.data["subcontract_id"],
                          due.data["period_id"])
    for event in (due, overdue):
        applier.apply(event)
    for key in ("return-due", "return-overdue"):
        assert notified(gateway_db, f"{key}:{due.data['subcontract_id']}:{due.data['period_id']}")[
            ours.user("x_staff")] == 1


def week_not_submitted(consortium, staff_user_id: str, staff_id=None, week=dt.date(2027, 3, 1)):
    staff_id = staff_id or uuid.uuid4()
    return new_event("finance.timesheet.not_submitted", subject=f"staff/{staff_id}", consortium_id=consortium.id,
                     actor="system:timesheet-review", correlation_id="test", data={
                         "staff_id": staff_id, "staff_user_id": staff_user_id, "organisation_id": None,
                         "week_starting": week, "due_on": week + dt.timedelta(days=7), "status": "draft"})


def test_h4_my_week_not_submitted_by_monday_tells_me_alone_once(world, applier, gateway_db, mail_settings,
                                                               smtp_sink):  # noqa: F811
    ours, theirs, _, _ = world
    week = dt.date(2027, 3, 1) + dt.timedelta(weeks=uuid.uuid4().int % 500)
    event = week_not_submitted(ours, str(ours.user("finance")), week=week)
    applier.apply(event)
    applier.apply(event)
    applier.apply(week_not_submitted(ours, str(ours.user("finance")), event.data["staff_id"], week))  # again: once
    source = f"week-not-submitted:{event.data['staff_id']}:{week.isoformat()}"
    assert notified(gateway_db, source) == {ours.user("finance"): 1}

    message = send_and_read(gateway_db, mail_settings, smtp_sink, [ours.address("finance")])[ours.address("finance")]
    starting = f"{week.day} {week:%B %Y}"
    monday = week + dt.timedelta(days=7)
    assert f"week starting {starting}" in message["Subject"]
    assert f"due on Monday {monday.day} {monday:%B %Y}" in message["Subject"]
    assert message["To"] == ours.address("finance")
    assert f"{BASE_URL}/time?week={week.isoformat()}" in message.get_content()
    for consortium in (ours, theirs):
        for name in consortium.users:
            if (consortium, name) != (ours, "finance"):
                assert not any(starting in m["Subject"] for m in messages_to(smtp_sink, consortium.address(name)))


def test_h4_a_week_reminder_naming_no_active_user_of_that_consortium_tells_nobody(world, applier, gateway_db):
    ours, theirs, _, _ = world
    # another consortium's user named by our finance (a wrong link), a deactivated user: nobody is told
    for user_id in (str(theirs.user("finance")), str(ours.user("former_board"))):
        event = week_not_submitted(ours, user_id)
        applier.apply(event)
        week = str(event.data["week_starting"])
        assert notified(gateway_db, f"week-not-submitted:{event.data['staff_id']}:{week}") == {}
