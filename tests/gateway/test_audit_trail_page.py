"""The audit trail page (/audit) over the four real services (each served over HTTP on its own database) and the
gateway's own trail: merged newest first a page at a time, in words (people's names, records' names, events in plain
words, refusals counted per hour), filtered, exported as CSV and XLSX, for the consortium manager and host admin."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import uuid
from importlib import import_module

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from gateway_fake_services import ServedApp
from gateway_helpers import THROWAWAY_PASSWORD, Browser, gateway_environ

from gateway import accounts
from gateway.adapters.orm import AuditEntryRow
from gateway.app import create_app
from gateway.config import load_settings
from gateway.demo import DEMO_CONSORTIUM_ID
from hubkit import clock
from hubkit.db import utcnow
from hubkit.testing import make_principal, migrated_service_app

SERVICES = ("membership", "contracts", "finance", "governance")
MARKER = re.compile(r"row-\d+")


@pytest.fixture(scope="module")
def services(databases, broker, token_keys):
    apps = {service: migrated_service_app(import_module(f"{service}.app").SERVICE, databases, broker, token_keys[1])
            for service in SERVICES}
    served = {service: ServedApp(app) for service, app in apps.items()}
    for server in served.values():
        server.__enter__()
    yield apps, {service: server.url for service, server in served.items()}
    for server in served.values():
        server.__exit__(None, None, None)
    for app in apps.values():
        app.extensions["hubkit.db"].dispose()


@pytest.fixture(scope="module")
def audit_app(gateway_database_url, token_keys, services, demo_users, member_organisation_id):
    urls = {f"{service.upper()}_URL": url for service, url in services[1].items()}
    app = create_app(load_settings(gateway_environ(gateway_database_url, token_keys, "http://127.0.0.1:9", **urls)))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def person(gateway_db):
    """person(role) -> a new user of the demo consortium with that role (password THROWAWAY_PASSWORD)."""

    def _make(role: str = "consortium_manager"):
        tag = uuid.uuid4().hex[:8]
        with gateway_db.session() as session:
            return accounts.create_user(
                session, username=f"audit-{tag}", password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                roles={role}, actor="test:audit-page", display_name=f"Ada Reader {tag}",
                organisation_id=uuid.uuid4() if role == "member_user" else None)

    return _make


def signed_in(audit_app, user):
    client = audit_app.test_client()
    assert Browser(client).login(user.username, THROWAWAY_PASSWORD).status_code == 302
    return client


def add_service_rows(services, service: str, rows: list[dict], consortium_id=DEMO_CONSORTIUM_ID) -> None:
    db = services[0][service].extensions["hubkit.db"]
    with db.engine.begin() as connection:
        connection.execute(insert(db.kit.audit_entry), [
            {"consortium_id": consortium_id, "action": "update", "entity": "Thing", "entity_id": str(uuid.uuid4()),
             "before": {"name": "before"}, "after": {"name": "after"}, "at": utcnow(), "actor": "system"} | row
            for row in rows])


def add_gateway_rows(gateway_db, rows: list[dict], consortium_id=DEMO_CONSORTIUM_ID) -> None:
    with gateway_db.session() as session:
        for row in rows:
            session.add(AuditEntryRow(**({"consortium_id": consortium_id, "action": "user.roles_changed",
                                          "entity": "user", "entity_id": str(uuid.uuid4()), "before": None,
                                          "after": None, "at": utcnow(), "actor": "test:audit-page"} | row)))
        session.commit()


def table_rows(page_html: str) -> list[str]:
    assert 'id="audit-entries"' in page_html, page_html[:3000]
    body = page_html.split('id="audit-entries"', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="govuk-table__row">')[2:]  # the first is the head's row


def link(page_html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)"\s+rel="{rel}"', page_html)
    return html.unescape(found.group(1)) if found else None


def test_the_page_names_people_records_and_events_in_words_never_ids(audit_app, services, person, sign):
    manager = person()
    client = signed_in(audit_app, manager)
    n = uuid.uuid4().int
    as_manager = make_principal(consortium_id=DEMO_CONSORTIUM_ID, user_id=str(manager.id))
    created = services[0]["membership"].test_client().post(
        "/organisations", headers={"Authorization": sign(as_manager, "membership")},
        json={"name": f"Audit Row Charity {n % 10_000}", "legal_form": "charity",
              "charity_number": f"{n % 9_000_000 + 1_000_000}", "company_number": f"SC{n % 900_000 + 100_000}"})
    assert created.status_code == 201, created.get_data(as_text=True)
    organisation = created.get_json()
    add_service_rows(services, "finance", [{
        "actor": "event:membership.organisation.registered", "action": "create", "entity": "MemberOrganisationCopy",
        "entity_id": organisation["id"], "before": None, "after": {"name": organisation["name"]}}])

    page = client.get("/audit", query_string={"subject": organisation["id"]})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    rows = table_rows(text)
    assert len(rows) == 2
    assert "The hub, on news from membership: organisation registered" in rows[0]  # the newest first: finance's
    assert f"Member organisation copy: {organisation['name']}" in rows[0] and "Money and time" in rows[0]
    assert f"Ada Reader {manager.username[6:]} ({manager.username})" in rows[1]
    assert f"Organisation: {organisation['name']}" in rows[1] and "Created" in rows[1]
    assert f"Only the history of <strong>Member organisation copy: {organisation['name']}" in text
    table = text.split('id="audit-entries"', 1)[1]
    assert "user:" not in table and "event:" not in table and str(manager.id) not in table.replace(
        f"subject={manager.id}", "")


def test_a_persons_rows_of_every_part_merged_with_refusals_counted_per_hour(audit_app, services, person):
    manager, prober = person(), person("consortium_manager")
    signed_in(audit_app, prober)  # the gateway's own row: signed in
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    add_service_rows(services, "contracts", [{
        "actor": f"user:{prober.id}", "action": "refused", "entity": "Subcontract", "entity_id": str(uuid.uuid4()),
        "before": None, "after": {"whose": "another consortium", "method": "GET", "path": "/subcontracts/x"},
        "occurrences": 3, "at": hour}])
    add_service_rows(services, "governance", [{"actor": f"user:{prober.id}", "entity": "Meeting",
                                               "before": {"title": "Board"}, "after": {"title": "Partners Group"}}])
    page = signed_in(audit_app, manager).get("/audit", query_string={"person": str(prober.id)})
    assert page.status_code == 200
    rows = table_rows(page.get_data(as_text=True))
    whats = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", row))) for row in rows]
    assert any("Meeting: Partners Group" in r and "Title: Board → Partners Group" in r for r in whats), whats
    assert any("Signed in" in r and "Accounts and sign-ins" in r for r in whats)
    refused = [r for r in whats if "Refused access" in r]
    assert len(refused) == 1 and "Refused access to another consortium's record, 3 times between" in refused[0]
    assert "Subcontract" in refused[0]
    assert all(f"Ada Reader {prober.username[6:]}" in r for r in whats)


def test_pages_walk_every_part_once_newest_first_and_back_and_never_another_consortiums(
        audit_app, services, gateway_db, person):
    manager, worker = person(), person("finance_officer")
    base = utcnow().replace(microsecond=0) - dt.timedelta(minutes=5)
    made = []  # (marker, at): 60 rows over five trails, several at the very same instant in different trails
    for k in range(60):
        at = base - dt.timedelta(seconds=k // 3)
        made.append((f"row-{k}", at))
        source = ("gateway", *SERVICES)[k % 5]
        if source == "gateway":
            add_gateway_rows(gateway_db, [{"actor": str(worker.id), "entity_id": str(worker.id), "at": at,
                                           "before": {"roles": []}, "after": {"roles": [f"row-{k}"]}}])
        else:
            add_service_rows(services, source, [{"actor": f"user:{worker.id}", "at": at,
                                                 "after": {"name": f"row-{k}"}}])
    # the same person's rows in another consortium (a forged or mistaken id) are never shown
    add_service_rows(services, "membership", [{"actor": f"user:{worker.id}", "after": {"name": "row-999"}}],
                     consortium_id=uuid.uuid4())
    add_gateway_rows(gateway_db, [{"actor": str(worker.id), "after": {"roles": ["row-998"]}, "before": {"roles": []}}],
                     consortium_id=uuid.uuid4())

    client = signed_in(audit_app, manager)
    pages, url = [], f"/audit?person={worker.id}"
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        pages.append([MARKER.search(row).group(0) for row in table_rows(text)])
        url = link(text, "next")
    assert [len(p) for p in pages] == [25, 25, 10]
    shown = [marker for p in pages for marker in p]
    assert sorted(shown) == sorted(marker for marker, _ in made)  # each once: none skipped, none twice
    times = dict(made)
    assert [times[m] for m in shown] == sorted((times[m] for m in shown), reverse=True)

    back, url = [], link(text, "prev")
    while url:
        text = client.get(url).get_data(as_text=True)
        back.insert(0, [MARKER.search(row).group(0) for row in table_rows(text)])
        url = link(text, "prev")
    assert back == pages[:-1]


def test_days_filter_in_the_hubs_time_zone_and_bad_filters_are_explained(audit_app, services, person):
    manager, worker = person(), person("board_member")
    today = clock.today()
    for days in (5, 3, 1):
        add_service_rows(services, "membership", [{
            "actor": f"user:{worker.id}", "after": {"name": f"row-{days}"},
            "at": clock.start_of_day(today - dt.timedelta(days=days)) + dt.timedelta(hours=12)}])
    client = signed_in(audit_app, manager)
    first, last = today - dt.timedelta(days=4), today - dt.timedelta(days=2)
    query = {"person": str(worker.id), "from-day": first.day, "from-month": first.month, "from-year": first.year,
             "to-day": last.day, "to-month": last.month, "to-year": last.year}
    page = client.get("/audit", query_string=query)
    assert [MARKER.search(row).group(0) for row in table_rows(page.get_data(as_text=True))] == ["row-3"]

    wrong = client.get("/audit", query_string=query | {"from-day": 31, "from-month": 2})
    assert wrong.status_code == 400 and "The first day must be a real date" in wrong.get_data(as_text=True)
    backwards = client.get("/audit", query_string=query | {"from-year": last.year + 1})
    assert backwards.status_code == 400
    assert "The last day must be the same as or after the first day" in backwards.get_data(as_text=True)
    stranger = client.get("/audit", query_string={"person": str(uuid.uuid4())})
    assert stranger.status_code == 400 and "Choose a person from the list" in stranger.get_data(as_text=True)
    from gateway.pages.audit.merge import Position

    for cursor in ("not-a-cursor", Position(utcnow(), 0, 10**30).encode(), Position(utcnow(), 7, 1).encode()):
        forged = client.get("/audit", query_string={"cursor": cursor})
        assert forged.status_code == 400 and "not one this page gave out" in forged.get_data(as_text=True)


def test_export_as_csv_and_xlsx_in_words_and_never_a_formula(audit_app, services, person):
    manager, worker = person(), person("finance_officer")
    add_service_rows(services, "finance", [
        {"actor": f"user:{worker.id}", "entity": "CostCode", "entity_id": "=SUM(1,2)",
         "after": {"name": '=HYPERLINK("http://x","row-1")'}},
        {"actor": f"user:{worker.id}", "entity": "TimeEntry", "before": {"minutes": 60}, "after": {"minutes": 90}}])
    client = signed_in(audit_app, manager)
    answer = client.get("/audit/export.csv", query_string={"person": str(worker.id)})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0] == ["When", "Who", "What", "Part of the hub", "Record", "Record id", "Times", "Changes"]
    assert len(table) == 3
    newest, older = table[1], table[2]
    assert newest[1] == f"Ada Reader {worker.username[6:]} ({worker.username})"
    assert (newest[2], newest[3], newest[4], newest[7]) == ("Changed", "Money and time", "Time entry",
                                                            "Minutes: 60 → 90")
    assert older[4] == 'Cost code: =HYPERLINK("http://x","row-1")'
    assert older[5] == "'=SUM(1,2)"  # a value that would start a formula is quoted, as every export does
    assert not any(cell.startswith(("=", "+", "@")) for row in table for cell in row)

    book = client.get("/audit/export.xlsx", query_string={"person": str(worker.id)})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.get_data())).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == table[0] and len(cells) == 3
    assert cells[1][1] == newest[1] and cells[1][7] == "Minutes: 60 → 90"
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for row in cells for v in row)


@pytest.mark.parametrize("role", ["board_member", "finance_officer", "member_user"])
def test_only_the_consortium_manager_and_host_admin_may_read_the_trail(audit_app, services, person, role):
    client = signed_in(audit_app, person(role))
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_the_host_admin_reads_it_and_a_stranger_is_sent_to_sign_in(audit_app, services, person):
    admin = signed_in(audit_app, person("host_admin"))
    page = admin.get("/audit")
    assert page.status_code == 200 and "Accounts and sign-ins of every consortium" in page.get_data(as_text=True)
    assert audit_app.test_client().get("/audit").status_code == 302


@pytest.mark.browser
def test_in_the_browser_the_manager_filters_and_pages_the_trail_with_no_accessibility_violations(
        page, audit_app, services, person, monkeypatch):
    import json

    from playwright.sync_api import expect

    from browser_checks import axe_violations

    def no_violations():
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)

    monkeypatch.setattr("gateway.pages.audit.views.PER_PAGE", 2)
    manager, worker = person(), person("finance_officer")
    add_service_rows(services, "finance", [{"actor": f"user:{worker.id}", "entity": "CostCode",
                                            "after": {"name": f"row-{k}"}} for k in range(3)])
    with ServedApp(audit_app) as served:
        page.goto(f"{served.url}/login")
        page.get_by_label("Username").fill(manager.username)
        page.get_by_label("Password").fill(THROWAWAY_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Audit trail").click()
        expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
        no_violations()

        page.get_by_label("Who").select_option(str(worker.id))
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_role("cell", name="Cost code: row-2")).to_be_visible()
        no_violations()
        page.get_by_role("link", name="Next").click()
        expect(page.get_by_role("cell", name="Cost code: row-0")).to_be_visible()
        no_violations()

        page.locator("#filter-from").get_by_label("Day").fill("31")
        page.locator("#filter-from").get_by_label("Month").fill("2")
        page.locator("#filter-from").get_by_label("Year").fill("2027")
        page.get_by_role("button", name="Apply filters").click()
        expect(page.get_by_role("link", name="The first day must be a real date")).to_be_visible()
        no_violations()


def test_people_of_another_consortium_are_never_named(audit_app, services, gateway_db, person):
    manager = person()
    tag = uuid.uuid4().hex[:8]
    with gateway_db.session() as session:
        elsewhere = accounts.create_consortium(session, f"Elsewhere {tag}", f"elsewhere-{tag}", actor="test:audit-page")
        stranger = accounts.create_user(session, username=f"stranger-{tag}", password=THROWAWAY_PASSWORD,
                                        consortium_id=elsewhere.id, roles={"consortium_manager"},
                                        actor="test:audit-page", display_name=f"Sam Stranger {tag}")
    subject = str(uuid.uuid4())
    add_service_rows(services, "membership", [{"actor": f"user:{stranger.id}", "entity_id": subject,
                                               "after": {"name": "row-1", "owner": str(stranger.id)}}])
    text = signed_in(audit_app, manager).get("/audit", query_string={"subject": subject}).get_data(as_text=True)
    [row] = table_rows(text)
    assert "Someone without a login here" in row and f"Sam Stranger {tag}" not in text


def test_issue_14_item_7_oldest_first_and_by_kind_of_record_a_page_at_a_time_both_ways_keeping_every_filter(
        audit_app, services, gateway_db, person, monkeypatch):
    """The manager reads one kind of record's history oldest first: only that kind, from the part of the hub that
    keeps it, three a page, the pages after and before keeping the person, the kind and the order; the export
    follows the same order."""
    monkeypatch.setattr("gateway.pages.audit.views.PER_PAGE", 3)
    manager, worker = person(), person("board_member")
    base = utcnow().replace(microsecond=0) - dt.timedelta(minutes=10)
    for k in range(7):  # row-0 the oldest; two at each instant
        add_service_rows(services, "governance", [
            {"actor": f"user:{worker.id}", "entity": "Meeting", "at": base + dt.timedelta(seconds=k // 2),
             "before": {"title": "Draft"}, "after": {"title": f"row-{k}"}},
            {"actor": f"user:{worker.id}", "entity": "Motion", "at": base + dt.timedelta(seconds=k // 2),
             "after": {"title": f"other-{k}"}}])
    add_service_rows(services, "membership", [{"actor": f"user:{worker.id}", "entity": "Meeting",
                                               "after": {"name": "other-elsewhere"}}])
    add_gateway_rows(gateway_db, [{"actor": str(worker.id), "after": {"roles": ["other-gateway"]}}])

    client = signed_in(audit_app, manager)
    filters = {"person": str(worker.id), "kind": "governance.Meeting", "order": "oldest"}
    pages, url = [], "/audit?" + "&".join(f"{key}={value}" for key, value in filters.items())
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert "Entries, oldest first" in text and "other-" not in text.split('id="audit-entries"', 1)[1]
        pages.append([MARKER.search(row).group(0) for row in table_rows(text)])
        url = link(text, "next")
        if url:
            assert all(f"{key}={value}" in url for key, value in filters.items()), url
    assert pages == [["row-0", "row-1", "row-2"], ["row-3", "row-4", "row-5"], ["row-6"]]
    assert link(client.get("/audit", query_string=filters).get_data(as_text=True), "prev") is None

    back, url = [], link(text, "prev")
    while url:
        assert all(f"{key}={value}" in url for key, value in filters.items()), url
        text = client.get(url).get_data(as_text=True)
        back.insert(0, [MARKER.search(row).group(0) for row in table_rows(text)])
        url = link(text, "prev")
    assert back == pages[:-1]

    newest = client.get("/audit", query_string=filters | {"order": "newest"}).get_data(as_text=True)
    assert [MARKER.search(row).group(0) for row in table_rows(newest)] == ["row-6", "row-5", "row-4"]
    assert "Entries, newest first" in newest

    exported = client.get("/audit/export.csv", query_string=filters).get_data(as_text=True)
    table = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert [row[4] for row in table[1:]] == [f"Meeting: row-{k}" for k in range(7)]


def test_issue_14_item_7_a_kind_of_record_not_kept_in_the_part_chosen_is_explained(audit_app, services, person):
    client = signed_in(audit_app, person())
    mismatch = client.get("/audit", query_string={"kind": "governance.Meeting", "part": "membership"})
    assert mismatch.status_code == 400
    assert "Meeting records are kept in governance, not members" in mismatch.get_data(as_text=True)
    unknown = client.get("/audit", query_string={"kind": "governance.Nothing", "order": "sideways"})
    assert unknown.status_code == 400
    text = unknown.get_data(as_text=True)
    assert "Choose a kind of record from the list" in text and "Choose newest or oldest first" in text


def test_issue_14_item_7_every_kind_of_record_offered_is_one_its_part_of_the_hub_keeps(services):
    """The kinds the filter offers are record names each service's trail gives (its mapped classes)."""
    from gateway.adapters.audit_reads import ENTITY_LABELS
    from gateway.pages.audit.forms import KINDS, KINDS_KEPT

    for part, entities in KINDS_KEPT.items():
        if part == "gateway":
            assert set(entities) == set(ENTITY_LABELS)
            continue
        base = import_module(f"{part}.adapters.orm").Base
        mapped = {mapper.class_.__name__ for mapper in base.registry.mappers}
        assert set(entities) <= mapped, set(entities) - mapped
    assert len(KINDS) == sum(len(entities) for entities in KINDS_KEPT.values())
    assert KINDS["governance.AgendaItem"] == "Agenda item (Governance)"


def test_issue_14_item_4_a_changes_dates_times_and_money_are_shown_as_every_page_shows_them():
    from gateway.pages.audit.views import _changes, _shown

    assert _shown("2026-07-01T14:05:00+00:00", {}, "starts_at") == "1 July 2026 at 3:05pm"  # the display zone
    assert _shown("2026-12-04T09:30:00", {}, "approved_at") == "4 December 2026 at 9:30am"  # no offset: UTC
    assert _shown("2026-12-04 09:30:00.123456+00:00", {}, "at") == "4 December 2026 at 9:30am"
    assert _shown("2026-12-04", {}, "starts_on") == "4 December 2026"
    assert _shown("2026-12", {}, "invoice_month") == "December 2026"
    assert _shown(18_000_000, {}, "value_pence") == "£180,000.00" and _shown(-150, {}, "amount_pence") == "-£1.50"
    assert _shown(18_000_000, {}, "minutes") == "18000000"  # not money unless its field says pence
    assert _shown("2026-12", {}, "reference") == "2026-12" and _shown("Board 2026-12-04", {}) == "Board 2026-12-04"
    assert _shown(None, {}, "ends_on") == "none" and _shown(False, {}) == "no"
    row = {"before": {"value_pence": 100, "ends_on": "2026-03-31"}, "after": {"value_pence": 250, "ends_on": None}}
    assert _changes(row, {}) == [("Value", "£1.00", "£2.50"), ("Ends on", "31 March 2026", "none")]
