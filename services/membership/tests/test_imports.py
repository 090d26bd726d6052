"""Bringing a consortium's existing members in from a file (issue 12, item 6): every row's problems listed by a
dry run before anything is written, then every row written in one transaction or none, with an audit row naming
the file (M1: members and their due-diligence evidence with its real dates)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from hubkit import clock
from hubkit.testing import make_principal

TODAY = clock.today()


def day(days_ago: int) -> dt.date:
    return TODAY - dt.timedelta(days=days_ago)


@pytest.fixture
def hub(client, sign):
    """A consortium of its own, as its manager."""
    consortium = uuid.uuid4()
    return {"consortium": consortium,
            "manager": {"Authorization": sign(make_principal(("consortium_manager",), consortium_id=consortium),
                                              "membership")},
            "member": {"Authorization": sign(make_principal(("member_user",), consortium_id=consortium,
                                                            organisation_id=uuid.uuid4()), "membership")}}


COLUMNS = ["name", "legal_form", "status", "member_since", "charity_number", "postcode", "service_categories",
           "areas_served", "public_liability_provided_on", "public_liability_expires_on", "public_liability_cover",
           "public_liability_verified_by", "public_liability_verified_on", "safeguarding_policy_provided_on"]


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # as Excel's "CSV UTF-8" saves it


def as_xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(column) for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(client, hub, content: bytes, filename="members.csv", dry_run=True, headers=None):
    return client.post("/imports/members", data={"dry_run": "true" if dry_run else "false",
                                                 "file": (io.BytesIO(content), filename)},
                       headers=headers or hub["manager"], content_type="multipart/form-data")


def directory(client, hub) -> list[dict]:
    return client.get("/organisations?limit=200", headers=hub["manager"]).get_json()


def outbox_for(app, consortium) -> list[dict]:
    db = app.extensions["hubkit.db"]
    with db.session(None) as session:
        rows = session.execute(select(db.kit.outbox.c.payload).order_by(db.kit.outbox.c.seq)).scalars()
        events = [json.loads(payload) for payload in rows]
    return [e for e in events if e.get("consortium_id") == str(consortium)]


GOOD = {"name": "Northfield Advice Centre", "legal_form": "cio", "status": "active",
        "member_since": day(900).strftime("%d/%m/%Y"), "charity_number": "1123456", "postcode": "ls1 8ab",
        "service_categories": "advice; mental_health", "areas_served": "Leeds",
        "public_liability_provided_on": day(200).isoformat(),
        "public_liability_expires_on": (TODAY + dt.timedelta(days=165)).isoformat(),
        "public_liability_cover": "£5,000,000", "public_liability_verified_by": "Dee Diligence",
        "public_liability_verified_on": day(199).isoformat(), "safeguarding_policy_provided_on": day(30).isoformat()}


def test_m1_a_members_file_is_checked_row_by_row_and_nothing_is_written_while_any_row_has_a_problem(app, client,
                                                                                                     hub):
    existing = client.post("/organisations", json={"name": "Seacroft Together", "legal_form": "charity"},
                           headers=hub["manager"]).get_json()
    rows = [GOOD,
            GOOD | {"name": "Bad Form Trust", "legal_form": "limited", "member_since": "31/02/2020"},
            GOOD | {"name": "No Date CIO", "member_since": ""},
            GOOD | {"name": "Uninsured Group", "public_liability_cover": "", "public_liability_verified_by": ""},
            GOOD | {"name": "seacroft together"},
            GOOD | {"name": "Northfield Advice Centre", "status": "member"},
            GOOD | {"name": "Future Friends", "public_liability_provided_on": (TODAY + dt.timedelta(days=2)).isoformat(),
                    "public_liability_verified_on": day(10).isoformat()}]
    events_before = len(outbox_for(app, hub["consortium"]))
    checked = send(client, hub, as_csv(rows))
    assert checked.status_code == 200, checked.get_json()
    report = checked.get_json()
    assert report["dry_run"] is True and report["rows"] == 7
    problems = {(p["row"], p["column"]) for p in report["problems"]}
    assert problems == {
        (3, "legal_form"), (3, "member_since"),  # not a legal form; 31 February
        (4, "member_since"),  # an active member without the day it joined
        (5, "public_liability_cover"), (5, "public_liability_verified_by"),  # M1: insurance needs its cover
        (6, "name"),  # already on the register
        (7, "name"), (7, "status"),  # named twice in the file; neither active nor applicant
        (8, "public_liability_provided_on"), (8, "public_liability_verified_on")}, report["problems"]
    assert all(p["message"] for p in report["problems"])
    # The real import of the same file is refused whole: nothing is written, nothing announced.
    refused = send(client, hub, as_csv(rows), dry_run=False)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert any(line.startswith("Row 3, legal_form:") for line in refused.get_json()["errors"]["file"])
    assert [o["name"] for o in directory(client, hub)] == [existing["name"]]
    assert len(outbox_for(app, hub["consortium"])) == events_before


def test_m1_a_clean_members_file_is_imported_in_one_transaction_with_its_evidence_and_an_audit_row(app, client,
                                                                                                 hub):
    rows = [GOOD | {"member_since": day(900), "public_liability_cover": 5_000_000},  # a spreadsheet's own cells
            {"name": "Wharfedale Carers", "legal_form": "charity", "status": "applicant"}]
    imported = send(client, hub, as_xlsx(rows), filename="Our members 2026.xlsx", dry_run=False)
    assert imported.status_code == 201, imported.get_json()
    answer = imported.get_json()
    assert answer["problems"] == [] and answer["dry_run"] is False
    ids = {m["name"]: m["organisation_id"] for m in answer["members"]}
    north = client.get(f"/organisations/{ids['Northfield Advice Centre']}", headers=hub["manager"]).get_json()
    assert north["status"] == "active" and north["postcode"] == "LS1 8AB"
    assert north["service_categories"] == ["advice", "mental_health"]
    history = client.get(f"/organisations/{north['id']}/history", headers=hub["manager"]).get_json()
    assert [(h["to_status"], h["effective_on"]) for h in history][-1] == ("active", day(900).isoformat())
    assert "Our members 2026.xlsx" in history[-1]["reason"]
    items = {i["kind"]: i for i in client.get(f"/organisations/{north['id']}/due-diligence",
                                              headers=hub["manager"]).get_json()["items"]}
    insurance = items["public_liability"]
    assert (insurance["provided_on"], insurance["cover_pence"], insurance["verified_by"],
            insurance["verified_on"]) == (day(200).isoformat(), 500_000_000, "Dee Diligence", day(199).isoformat())
    assert items["safeguarding_policy"]["provided_on"] == day(30).isoformat()
    assert items["safeguarding_policy"]["verified_on"] is None
    wharf = client.get(f"/organisations/{ids['Wharfedale Carers']}", headers=hub["manager"]).get_json()
    assert wharf["status"] == "applicant"
    # Announced as any registration and activation is, so the other services' copies follow.
    types = [e["type"] for e in outbox_for(app, hub["consortium"])]
    assert types.count("membership.organisation.registered") == 2 and types.count("membership.member.activated") == 1
    # The audit trail names the file, with its checksum and what it created.
    db = app.extensions["hubkit.db"]
    with db.session(None) as session:
        audit = db.kit.audit_entry
        [row] = session.execute(select(audit).where(audit.c.consortium_id == hub["consortium"],
                                                    audit.c.entity == "MembersFile")).all()
    assert row.action == "import" and row.entity_id == answer["sha256"]
    assert row.after["filename"] == "Our members 2026.xlsx" and row.after["rows"] == 2
    assert set(row.after["organisations"]) == set(ids.values())
    # The same members again are refused: they are on the register now.
    again = send(client, hub, as_xlsx(rows[:1])).get_json()
    assert [(p["row"], p["column"]) for p in again["problems"]] == [(2, "name")]


def test_imports_read_only_tables_and_are_for_the_consortium_manager(client, hub):
    unreadable = send(client, hub, b"PK\x03\x04 not really a workbook", filename="members.xlsx")
    assert unreadable.status_code == 422 and "file" in unreadable.get_json()["errors"]
    headings = send(client, hub, "name,colour\nX,blue\n".encode())
    assert {(p["row"], p["column"]) for p in headings.get_json()["problems"]} >= {(1, "legal_form"), (1, "status"),
                                                                                  (1, "colour")}
    assert send(client, hub, as_csv([GOOD]), headers=hub["member"]).status_code == 403
    as_json = client.post("/imports/members", json={"dry_run": True}, headers=hub["manager"])
    assert as_json.status_code == 415


def test_a_blank_members_template_has_every_column_the_import_takes(client, hub):
    answer = client.get("/imports/members/columns", headers=hub["manager"]).get_json()
    assert answer["required"] == ["name", "legal_form", "status"]
    assert set(COLUMNS) <= set(answer["columns"])
    assert "public_liability_cover" in answer["columns"] and "governing_document_cover" not in answer["columns"]
    blank = send(client, hub, (",".join(answer["columns"]) + "\n").encode()).get_json()
    assert blank["problems"] == [{"row": 1, "column": "file", "message": "The file has no rows under its headings."}]
