"""An organisation's history and documents, and the evidence expiring soon, are paged in SQL (issue 16): a page
followed by its cursor goes on where the first stopped (no row twice, none missed), in the order the list always
had (history oldest first; documents newest first; evidence soonest first, then by organisation and kind), with
the same rows as the whole list read at once."""
from __future__ import annotations

import datetime as dt
import json
import uuid

from hubkit import clock
from hubkit.testing import follow_pages_in_sql, make_principal

from .test_documents import upload
from .test_joining import MANAGER, activate, register

TODAY = clock.today()


def _manager(sign) -> dict:
    """A manager of a consortium of their own, so a list of the consortium's holds this test's rows only."""
    return {"Authorization": sign(make_principal(("consortium_manager",), consortium_id=uuid.uuid4()), "membership")}


def _two_at_a_time(app, client, headers, path: str, table: str, **query) -> list[dict]:
    pages = follow_pages_in_sql(app, client, path, table, headers=headers, limit=2, **query)
    rows = [row for page in pages for row in page]
    assert rows == client.get(path, headers=headers, query_string=query).get_json()
    assert len({json.dumps(row, sort_keys=True) for row in rows}) == len(rows)
    assert len(pages) > 1
    return rows


def test_an_organisations_history_pages_oldest_first(app, client, sign):
    manager = {"Authorization": sign(MANAGER, "membership")}  # the consortium the board's decisions come to
    org = activate(app, client, manager)
    for to_status, reason in (("suspended", "Safeguarding concern under review"), ("active", "Review closed"),
                              ("suspended", "Accounts overdue")):
        answer = client.post(f"/organisations/{org['id']}/membership-changes", headers=manager, json={
            "to_status": to_status, "reason": reason, "effective_on": TODAY.isoformat()})
        assert answer.status_code == 200, answer.get_json()
    rows = _two_at_a_time(app, client, manager, f"/organisations/{org['id']}/history", "membership_change")
    assert [row["to_status"] for row in rows] == ["applicant", "in_due_diligence", "awaiting_decision", "active",
                                                  "suspended", "active", "suspended"]
    assert [row["recorded_at"] for row in rows] == sorted(row["recorded_at"] for row in rows)


def test_an_organisations_documents_page_newest_first(app, client, sign):
    manager = {"Authorization": sign(MANAGER, "membership")}
    org = register(client, manager)
    added = []
    for name in ("policy.pdf", "insurance.pdf", "accounts.pdf", "constitution.pdf", "registration.pdf"):
        answer = upload(client, manager, org["id"], filename=name)
        assert answer.status_code == 201, answer.get_json()
        added.append(answer.get_json())
    rows = _two_at_a_time(app, client, manager, f"/organisations/{org['id']}/documents", "compliance_document")
    assert [(row["uploaded_at"], row["id"]) for row in rows] == sorted(
        ((d["uploaded_at"], d["id"]) for d in added), reverse=True)


def test_m1_evidence_expiring_pages_soonest_first_then_by_organisation_and_kind(app, client, sign):
    manager = _manager(sign)
    expiring = {}
    for name, days in (("Wharfedale Trust", 20), ("Aire Valley CIC", 20), ("Nidd Gorge Trust", 5)):
        org = register(client, manager, name=name)
        for kind in ("public_liability", "employers_liability"):
            answer = client.put(f"/organisations/{org['id']}/due-diligence/{kind}", headers=manager, json={
                "provided_on": TODAY.isoformat(), "expires_on": (TODAY + dt.timedelta(days=days)).isoformat(),
                "cover_pence": 1_000_000_000})
            assert answer.status_code == 200, answer.get_json()
            expiring[(org["id"], kind)] = (TODAY + dt.timedelta(days=days)).isoformat(), name
    later = register(client, manager, name="Later Trust")
    client.put(f"/organisations/{later['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": TODAY.isoformat(), "expires_on": (TODAY + dt.timedelta(days=200)).isoformat(),
        "cover_pence": 1_000_000_000})
    rows = _two_at_a_time(app, client, manager, "/due-diligence/expiring", "due_diligence_evidence")
    assert [(row["expires_on"], row["organisation_name"], row["kind"]) for row in rows] == sorted(
        (on, name, kind) for (_, kind), (on, name) in expiring.items())
    assert {row["label"] for row in rows} == {"Public liability insurance", "Employers' liability insurance"}
    within_ten = client.get("/due-diligence/expiring?within_days=10&limit=1", headers=manager)
    assert [row["organisation_name"] for row in within_ten.get_json()] == ["Nidd Gorge Trust"]
    assert within_ten.headers.get("X-Next-Cursor")
