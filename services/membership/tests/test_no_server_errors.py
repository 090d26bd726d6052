"""No 500s, ever (issue 11): input that once broke membership is answered 4xx (or served), and nothing half-stored."""
from __future__ import annotations

import io

import pytest

from .test_documents import PDF, listed, upload
from .test_joining import MANAGER, register


@pytest.fixture
def manager(sign):
    return {"Authorization": sign(MANAGER, "membership")}


def test_a_document_with_a_non_ascii_name_downloads_with_its_name_as_rfc_6266_filename_star(client, manager):
    org = register(client, manager)
    stored = upload(client, manager, org["id"], filename="Politique de sécurité 2026 — 年度.pdf")
    assert stored.status_code == 201, stored.get_json()
    assert stored.get_json()["filename"] == "Politique de sécurité 2026 — 年度.pdf"
    download = client.get(f"/organisations/{org['id']}/documents/{stored.get_json()['id']}/content", headers=manager)
    assert download.status_code == 200 and download.data == PDF
    header = download.headers["Content-Disposition"]
    header.encode("ascii")  # HTTP headers are ASCII (gunicorn refuses anything else: the download was a 500)
    assert header == ('attachment; filename="Politique de securite 2026  .pdf"; filename*=UTF-8\'\''
                      'Politique%20de%20s%C3%A9curit%C3%A9%202026%20%E2%80%94%20%E5%B9%B4%E5%BA%A6.pdf')


def test_a_contact_without_a_role_is_422_naming_the_field(client, manager):
    org = register(client, manager)
    for body in ({"contacts": [{"name": "Ann Lee"}]},
                 {"contacts": [{"name": "Ann Lee", "role": "main"}, {"name": "Bo Chan"}]}):
        response = client.patch(f"/organisations/{org['id']}", json=body, headers=manager)
        assert response.status_code == 422, response.get_data(as_text=True)
        assert response.mimetype == "application/problem+json" and "contacts" in response.get_json()["errors"]
    refused = client.post("/organisations", json={"name": "No Role Trust", "legal_form": "cio",
                                                  "contacts": [{"name": "Ann Lee"}]}, headers=manager)
    assert refused.status_code == 422


UNSTORABLE_JSON = {
    "a lone surrogate": b'{"name": "Trust \\ud800", "legal_form": "cio"}',
    "a NUL character": b'{"name": "Trust \\u0000 of NULs", "legal_form": "cio"}',
    "a NUL in a key": b'{"name": "Trust", "legal_form": "cio", "\\u0000": 1}',
    "a 5,000-digit integer": b'{"name": "Trust", "legal_form": "cio", "staff_count": ' + b"9" * 5000 + b"}",
    "an integer past 64 bits": b'{"name": "Trust", "legal_form": "cio", "staff_count": 9223372036854775808}',
    "a number too big to be finite": b'{"name": "Trust", "legal_form": "cio", "staff_count": 1e999}',
    "NaN": b'{"name": "Trust", "legal_form": "cio", "staff_count": NaN}',
    "deep nesting": b'{"name": "Trust", "legal_form": "cio", "areas_served": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "nesting past 32": b'{"name": "Trust", "legal_form": "cio", "x": ' + b"[" * 40 + b"]" * 40 + b"}",
    "bytes that are not UTF-8": b'{"name": "Trust \xff", "legal_form": "cio"}',
}


@pytest.mark.parametrize("body", UNSTORABLE_JSON.values(), ids=UNSTORABLE_JSON.keys())
def test_json_no_database_could_store_is_400_before_any_view_and_nothing_is_stored(client, manager, body):
    before = client.get("/organisations?limit=500", headers=manager).get_json()
    response = client.post("/organisations", data=body, content_type="application/json", headers=manager)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json" and response.get_json()["detail"]
    assert client.get("/organisations?limit=500", headers=manager).get_json() == before


def test_a_nul_in_the_query_string_path_or_a_form_field_is_400(client, manager):
    org = register(client, manager)
    assert client.get("/organisations?q=a%00b", headers=manager).status_code == 400
    assert client.get("/organisations/%00", headers=manager).status_code == 400
    refused = upload(client, manager, org["id"], notes="a\x00b")
    assert refused.status_code == 400
    named = client.post(f"/organisations/{org['id']}/documents", headers=manager, content_type="multipart/form-data",
                        data={"kind": "safeguarding_policy", "file": (io.BytesIO(PDF), "policy\x00.pdf")})
    assert named.status_code in (400, 201)  # the name is made safe or refused, never a 500
    if named.status_code == 400:
        assert listed(client, manager, org["id"]) == []
