"""Compliance documents: accepted formats only, size limits, checksums, and nothing kept when refused."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid

import pytest

from hubkit import clock
from hubkit.testing import make_principal

from .test_joining import CONSORTIUM, MANAGER, register

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def manager(sign):
    return {"Authorization": sign(MANAGER, "membership")}


def upload(client, headers, org_id, content=PDF, filename="policy.pdf", **form):
    data = {"kind": "safeguarding_policy", **form, "file": (io.BytesIO(content), filename)}
    return client.post(f"/organisations/{org_id}/documents", data=data, headers=headers,
                       content_type="multipart/form-data")


def listed(client, headers, org_id):
    return client.get(f"/organisations/{org_id}/documents", headers=headers).get_json()


def test_a_pdf_is_stored_with_its_checksum_and_comes_back_unchanged(client, manager):
    org = register(client, manager)
    response = upload(client, manager, org["id"], filename="../../etc/Safeguarding policy.pdf",
                      expires_on="2027-04-01")
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    assert document["sha256"] == hashlib.sha256(PDF).hexdigest() and document["content_type"] == "application/pdf"
    assert document["filename"] == "Safeguarding policy.pdf"  # no folder part from the client
    download = client.get(f"/organisations/{org['id']}/documents/{document['id']}/content", headers=manager)
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="Safeguarding policy.pdf"' in download.headers["Content-Disposition"]
    # Evidence can point at it; not at another organisation's document.
    given = client.put(f"/organisations/{org['id']}/due-diligence/safeguarding_policy", headers=manager,
                       json={"provided_on": clock.today().isoformat(), "document_id": document["id"]})
    assert given.status_code == 200
    other = register(client, manager)
    refused = client.put(f"/organisations/{other['id']}/due-diligence/safeguarding_policy", headers=manager,
                         json={"provided_on": clock.today().isoformat(), "document_id": document["id"]})
    assert refused.status_code == 409


def test_a_file_of_the_wrong_type_is_415_and_nothing_is_stored(client, manager):
    org = register(client, manager)
    response = upload(client, manager, org["id"], content=b"#!/bin/sh\necho hello\n", filename="policy.pdf")
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert listed(client, manager, org["id"]) == []


def test_a_file_over_the_size_limit_is_413_and_nothing_is_stored(app, client, manager):
    org = register(client, manager)
    too_big = PDF + b"0" * app.extensions["hubkit.settings"].max_upload_bytes
    response = upload(client, manager, org["id"], content=too_big)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert listed(client, manager, org["id"]) == []


def test_uploads_must_be_multipart_and_name_a_known_kind(client, manager):
    org = register(client, manager)
    as_json = client.post(f"/organisations/{org['id']}/documents", json={"kind": "other"}, headers=manager)
    assert as_json.status_code == 415
    unknown = upload(client, manager, org["id"], kind="horoscope")
    assert unknown.status_code == 422 and "kind" in unknown.get_json()["errors"]


def test_member_staff_upload_for_their_own_organisation_only(client, manager, sign):
    mine, theirs = register(client, manager), register(client, manager)
    member = {"Authorization": sign(make_principal(("member_user",), consortium_id=CONSORTIUM,
                                                   organisation_id=uuid.UUID(mine["id"])), "membership")}
    assert upload(client, member, mine["id"]).status_code == 201
    assert upload(client, member, theirs["id"]).status_code == 404
    assert listed(client, manager, theirs["id"]) == []


def test_m1_an_uploaded_certificate_fills_its_checklist_items_expiry_and_cover(client, manager):
    org = register(client, manager)
    today = clock.today()
    expiry = (today + dt.timedelta(days=300)).isoformat()

    def item(kind):
        view = client.get(f"/organisations/{org['id']}/due-diligence", headers=manager).get_json()
        return next(i for i in view["items"] if i["kind"] == kind)

    # Refused whole: the item needs its expiry and cover, so neither the file nor the evidence is kept.
    refused = upload(client, manager, org["id"], kind="public_liability", filename="insurance.pdf",
                     as_evidence="true")
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"expires_on", "cover_pence"}
    assert listed(client, manager, org["id"]) == [] and item("public_liability").get("provided_on") is None
    other = upload(client, manager, org["id"], kind="other", as_evidence="true")
    assert other.status_code == 422 and "as_evidence" in other.get_json()["errors"]
    stray = upload(client, manager, org["id"], kind="public_liability", expires_on=expiry, cover_pence="500000000")
    assert stray.status_code == 422 and "cover_pence" in stray.get_json()["errors"]
    assert listed(client, manager, org["id"]) == []

    # Used as the evidence at once: provided today with the certificate's expiry and cover, to be verified.
    response = upload(client, manager, org["id"], kind="public_liability", filename="insurance.pdf",
                      expires_on=expiry, cover_pence="500000000", as_evidence="true")
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    evidence = item("public_liability")
    assert (evidence["provided_on"], evidence["expires_on"], evidence["cover_pence"], evidence["document_id"]) == (
        today.isoformat(), expiry, 500_000_000, document["id"])
    assert evidence["verified_on"] is None and evidence["newer_document"] is None

    # A renewal uploaded on its own is offered to the item, and its expiry is taken when the evidence names it.
    renewal_expiry = (today + dt.timedelta(days=665)).isoformat()
    renewal = upload(client, manager, org["id"], kind="public_liability", filename="renewal.pdf",
                     expires_on=renewal_expiry).get_json()
    offered = item("public_liability")["newer_document"]
    assert (offered["id"], offered["filename"], offered["expires_on"]) == (renewal["id"], "renewal.pdf",
                                                                          renewal_expiry)
    given = client.put(f"/organisations/{org['id']}/due-diligence/public_liability", headers=manager, json={
        "provided_on": today.isoformat(), "document_id": renewal["id"], "cover_pence": 500_000_000})
    assert given.status_code == 200, given.get_json()
    evidence = item("public_liability")
    assert evidence["expires_on"] == renewal_expiry and evidence["newer_document"] is None


def test_m1_due_diligence_documents_are_read_by_the_manager_and_the_organisations_own_staff_only(client, manager,
                                                                                                  sign):
    """Issue 11, item 6: insurance certificates, accounts and policies are read by the consortium manager, who checks
    them (M1), and by the organisation's own staff; board members, the finance officer and the host admin see the
    checklist's state (complete, outstanding, verified by whom), not the files."""
    org = register(client, manager)
    document = upload(client, manager, org["id"]).get_json()
    content = f"/organisations/{org['id']}/documents/{document['id']}/content"
    own = {"Authorization": sign(make_principal(("member_user",), consortium_id=CONSORTIUM,
                                                organisation_id=uuid.UUID(org["id"])), "membership")}
    assert [d["id"] for d in listed(client, own, org["id"])] == [document["id"]]
    assert client.get(content, headers=own).data == PDF
    for role in ("board_member", "finance_officer", "host_admin"):
        headers = {"Authorization": sign(make_principal((role,), consortium_id=CONSORTIUM), "membership")}
        assert client.get(f"/organisations/{org['id']}/documents", headers=headers).status_code == 403, role
        assert client.get(content, headers=headers).status_code == 403, role
        checklist = client.get(f"/organisations/{org['id']}/due-diligence", headers=headers)
        assert checklist.status_code == 200 and "outstanding" in checklist.get_json(), role
