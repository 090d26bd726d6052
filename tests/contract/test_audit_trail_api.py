"""Every service's audit read API (hubkit.audit_trail, mounted by each): the consortium's rows only, for the consortium
manager and the host admin, filtered by subject, actor and days, a page at a time; and refused access to another
consortium's or organisation's records counted once per actor, kind of record and hour."""
from __future__ import annotations

import datetime as dt
import time
import uuid
from importlib import import_module

import pytest
import time_machine
from sqlalchemy import insert, select

from hubkit import clock
from hubkit.db import utcnow
from hubkit.testing import follow_pages, make_principal, migrated_service_app

SERVICES = ["membership", "contracts", "finance", "governance"]


@pytest.fixture(scope="module")
def apps(databases, broker, token_keys):
    made = {service: migrated_service_app(import_module(f"{service}.app").SERVICE, databases, broker, token_keys[1])
            for service in SERVICES}
    yield made
    for app in made.values():
        app.extensions["hubkit.db"].dispose()


def add_rows(app, consortium_id, rows: list[dict]) -> None:
    db = app.extensions["hubkit.db"]
    with db.engine.begin() as connection:
        connection.execute(insert(db.kit.audit_entry), [
            {"consortium_id": consortium_id, "action": "update", "entity": "Thing", "entity_id": str(uuid.uuid4()),
             "before": {"name": "before"}, "after": {"name": "after"}, "at": utcnow(), "actor": "system"} | row
            for row in rows])


def audit_rows(app, consortium_id) -> list:
    db = app.extensions["hubkit.db"]
    audit = db.kit.audit_entry
    with db.engine.connect() as connection:
        return connection.execute(select(audit).where(audit.c.consortium_id == consortium_id)
                                  .order_by(audit.c.id)).all()


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_shows_the_consortium_manager_and_host_admin_their_own_consortiums_trail_only(
        service, apps, sign):
    app = apps[service]
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    add_rows(app, ours, [{"entity_id": f"ours-{i}"} for i in range(3)])
    add_rows(app, theirs, [{"entity_id": f"theirs-{i}"} for i in range(3)])
    client = app.test_client()
    for role in ("consortium_manager", "host_admin"):
        headers = {"Authorization": sign(make_principal((role,), consortium_id=ours), service)}
        pages = follow_pages(client, "/audit", headers=headers, limit=2)
        shown = [row["entity_id"] for page in pages for row in page]
        assert sorted(shown) == ["ours-0", "ours-1", "ours-2"], role  # never another consortium's rows
        assert len(pages) == 2
    for role in ("board_member", "finance_officer"):
        answer = client.get("/audit", headers={"Authorization": sign(make_principal((role,), consortium_id=ours),
                                                                     service)})
        assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    member = make_principal(("member_user",), consortium_id=ours, organisation_id=uuid.uuid4())
    assert client.get("/audit", headers={"Authorization": sign(member, service)}).status_code == 403
    assert client.get("/audit").status_code == 401


def test_filters_by_subject_kind_actor_and_days_in_the_hubs_time_zone(apps, sign):
    app = apps["membership"]
    consortium, person = uuid.uuid4(), uuid.uuid4()
    today = clock.today()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
    add_rows(app, consortium, [
        {"entity": "Organisation", "entity_id": "org-1", "actor": f"user:{person}", "at": noon - dt.timedelta(days=3)},
        {"entity": "Organisation", "entity_id": "org-1", "actor": "event:governance.decision.recorded",
         "at": noon - dt.timedelta(days=2)},
        {"entity": "Document", "entity_id": "doc-1", "actor": f"user:{person}", "at": noon - dt.timedelta(days=1)},
        {"entity": "Document", "entity_id": "doc-2", "actor": "system", "at": clock.start_of_day(today)},
    ])
    client = app.test_client()
    headers = {"Authorization": sign(make_principal(consortium_id=consortium), "membership")}

    def ids(**query):
        answer = client.get("/audit", headers=headers, query_string=query)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return [(row["entity_id"], row["actor"]) for row in answer.get_json()]

    assert [i for i, _ in ids()] == ["doc-2", "doc-1", "org-1", "org-1"]  # newest first
    assert ids(subject="org-1") == [("org-1", "event:governance.decision.recorded"), ("org-1", f"user:{person}")]
    assert [i for i, _ in ids(entity="Document")] == ["doc-2", "doc-1"]
    assert ids(actor=f"user:{person}") == ids(actor=str(person)) == [("doc-1", f"user:{person}"),
                                                                     ("org-1", f"user:{person}")]
    # days are the hub's: the row at the first instant of today (London) is today's, not yesterday's
    assert [i for i, _ in ids(**{"from": today.isoformat()})] == ["doc-2"]
    yesterday = today - dt.timedelta(days=1)
    assert [i for i, _ in ids(**{"from": (today - dt.timedelta(days=2)).isoformat(), "to": yesterday.isoformat()})] \
        == ["doc-1", "org-1"]
    refused = client.get("/audit", headers=headers, query_string={"from": today.isoformat(),
                                                                  "to": yesterday.isoformat()})
    assert refused.status_code == 422 and "to" in refused.get_json()["errors"]
    assert client.get("/audit", headers=headers, query_string={"from": "yesterday"}).status_code == 422
    assert client.get("/audit", headers=headers, query_string={"to": "9999-12-31"}).status_code == 422  # not a 500


def test_rows_name_the_record_and_say_in_words_who_and_what(apps, sign):
    app = apps["membership"]
    manager = make_principal(consortium_id=uuid.uuid4())
    headers = {"Authorization": sign(manager, "membership")}
    client = app.test_client()
    n = uuid.uuid4().int
    created = client.post("/organisations", headers=headers, json={
        "name": "Riverside Advice", "legal_form": "charity", "charity_number": f"{n % 9_000_000 + 1_000_000}",
        "company_number": f"SC{n % 900_000 + 100_000}", "postcode": "LS1 8AB"})
    assert created.status_code == 201, created.get_data(as_text=True)
    organisation_id = created.get_json()["id"]
    rows = client.get("/audit", headers=headers, query_string={"subject": organisation_id}).get_json()
    assert rows and rows[-1]["action"] == "create"
    first = rows[-1]
    assert (first["subject_name"], first["entity_label"], first["action_label"]) == (
        "Riverside Advice", "Organisation", "Created")
    assert (first["actor"], first["actor_user_id"], first["actor_label"]) == (
        f"user:{manager.user_id}", manager.user_id, None)
    add_rows(app, manager.consortium_id, [{"actor": "event:membership.organisation.registered",
                                           "entity": "TimeEntry", "before": None, "after": {"minutes": 60}}])
    words = client.get("/audit", headers=headers, query_string={"entity": "TimeEntry"}).get_json()[0]
    assert words["actor_label"] == "The hub, on news from membership: organisation registered"
    assert (words["entity_label"], words["subject_name"]) == ("Time entry", None)
    add_rows(app, manager.consortium_id, [{"action": "import", "entity": "MembersFile", "before": None,
                                           "after": {"filename": "members.xlsx", "rows": 3}}])
    imported = client.get("/audit", headers=headers, query_string={"entity": "MembersFile"}).get_json()[0]
    assert (imported["action_label"], imported["entity_label"], imported["subject_name"]) == (
        "Imported from a file", "Members file", "members.xlsx")


def test_refused_reads_of_another_consortiums_or_organisations_records_are_one_row_per_actor_kind_and_hour(
        apps, sign):
    """OWASP logging cheat sheet: access-control failures are security events; counted, not flooded."""
    app = apps["membership"]
    client = app.test_client()
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    their_manager = make_principal(consortium_id=theirs)
    n = uuid.uuid4().int
    created = client.post("/organisations", headers={"Authorization": sign(their_manager, "membership")}, json={
        "name": "Their Charity", "legal_form": "charity", "charity_number": f"{n % 9_000_000 + 1_000_000}",
        "company_number": f"SC{n % 900_000 + 100_000}"})
    assert created.status_code == 201
    theirs_id = created.get_json()["id"]
    prober = make_principal(("consortium_manager",), consortium_id=ours)
    hour = utcnow().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)

    def probe(at: dt.datetime, path: str = f"/organisations/{theirs_id}") -> int:
        with time_machine.travel(at, tick=True):
            return client.get(path, headers={"Authorization": sign(prober, "membership")}).status_code

    assert probe(hour + dt.timedelta(minutes=5)) == 404
    assert probe(hour + dt.timedelta(minutes=40)) == 404
    assert probe(hour + dt.timedelta(minutes=50), f"/organisations/{theirs_id}/history") == 404
    assert probe(hour + dt.timedelta(minutes=55), f"/organisations/{uuid.uuid4()}") == 404  # no such record anywhere
    with time_machine.travel(hour + dt.timedelta(minutes=56), tick=True):  # a change, retried safely: counted too
        started = time.monotonic()
        answer = client.post(f"/organisations/{theirs_id}/application/submission",
                             headers={"Authorization": sign(prober, "membership"), "Idempotency-Key": "k-1"})
        assert answer.status_code == 404 and time.monotonic() - started < 5  # never waits on its own transaction
    refused = [row for row in audit_rows(app, ours) if row.action == "refused"]
    assert len(refused) == 1
    row = refused[0]
    assert (row.actor, row.entity, row.occurrences, row.at) == (f"user:{prober.user_id}", "Organisation", 4, hour)
    assert row.after["whose"] == "another consortium" and str(theirs) not in str(row.after)
    assert (row.after["method"], row.after["path"]) == ("POST", f"/organisations/{theirs_id}/application/submission")

    assert probe(hour + dt.timedelta(hours=1, minutes=1)) == 404  # a new hour, a new row
    refused = [row for row in audit_rows(app, ours) if row.action == "refused"]
    assert [(r.at, r.occurrences) for r in refused] == [(hour, 4), (hour + dt.timedelta(hours=1), 1)]
    assert not [row for row in audit_rows(app, theirs) if row.action == "refused"]  # theirs stays theirs

    with time_machine.travel(hour + dt.timedelta(hours=1, minutes=2), tick=True):
        shown = client.get("/audit", headers={"Authorization": sign(make_principal(consortium_id=ours), "membership")},
                           query_string={"actor": f"user:{prober.user_id}"}).get_json()
    assert [(r["action_label"], r["entity_label"], r["occurrences"]) for r in shown] == [
        ("Refused access", "Organisation", 1), ("Refused access", "Organisation", 4)]


def test_member_staff_refused_another_organisations_record_of_their_consortium_are_counted(apps, sign):
    app = apps["membership"]
    client = app.test_client()
    consortium = uuid.uuid4()
    manager = {"Authorization": sign(make_principal(consortium_id=consortium), "membership")}
    made = []
    for name in ("Ours", "Theirs"):
        n = uuid.uuid4().int
        answer = client.post("/organisations", headers=manager, json={
            "name": name, "legal_form": "charity", "charity_number": f"{n % 9_000_000 + 1_000_000}",
            "company_number": f"SC{n % 900_000 + 100_000}"})
        assert answer.status_code == 201
        made.append(answer.get_json()["id"])
    member = make_principal(("member_user",), consortium_id=consortium, organisation_id=uuid.UUID(made[0]))
    headers = {"Authorization": sign(member, "membership")}
    assert client.get(f"/organisations/{made[0]}", headers=headers).status_code == 200
    assert not [r for r in audit_rows(app, consortium) if r.action == "refused"]  # their own: nothing refused
    assert client.get(f"/organisations/{made[1]}", headers=headers).status_code == 404
    refused = [r for r in audit_rows(app, consortium) if r.action == "refused"]
    assert [(r.actor, r.entity, r.entity_id, r.after["whose"]) for r in refused] == [
        (f"user:{member.user_id}", "Organisation", made[1], "another organisation")]
