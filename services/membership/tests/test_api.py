"""Membership's API over real PostgreSQL: auth, tenancy, bad input, and the M1 application step."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from hubkit.testing import follow_pages, make_principal, statements_run
from membership.adapters.orm import Organisation

CONSORTIUM = uuid.uuid4()
MANAGER = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)
GOOD = {"name": "Riverside Advice", "legal_form": "charity", "charity_number": "1234567",
        "company_number": "sc123456", "postcode": "ls1 8ab"}


@pytest.fixture
def as_manager(sign):
    return {"Authorization": sign(MANAGER, "membership")}


def count_rows(app, table) -> int:
    db = app.extensions["hubkit.db"]
    with db.session(None) as session:
        return session.execute(select(func.count()).select_from(table)
                               .execution_options(hubkit_all_tenants=True)).scalar_one()  # every consortium's


def unique_numbers() -> dict:
    """A charity and company number no other test uses (duplicates are refused)."""
    n = uuid.uuid4().int
    return {"charity_number": f"{n % 9_000_000 + 1_000_000}", "company_number": f"SC{n % 900_000 + 100_000}"}


def register(client, headers, **changes):
    return client.post("/organisations", json=GOOD | unique_numbers() | {"name": f"Org {uuid.uuid4().hex[:6]}"}
                       | changes, headers=headers)


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"]
    return body


def test_register_normalises_identifiers_and_records_event_in_same_transaction(app, client, as_manager):
    outbox_before = count_rows(app, app.extensions["hubkit.db"].kit.outbox)
    response = register(client, as_manager, company_number="sc654321", charity_number="7654321")
    assert response.status_code == 201
    body = response.get_json()
    assert body["company_number"] == "SC654321"
    assert (body["status"], body["postcode"]) == ("applicant", "LS1 8AB")
    assert count_rows(app, app.extensions["hubkit.db"].kit.outbox) == outbox_before + 1
    assert count_rows(app, app.extensions["hubkit.db"].kit.audit_entry) >= 1


# --- auth ------------------------------------------------------------------------------------------

def test_no_token_is_401(client):
    assert_problem(client.get("/organisations"), 401)


@pytest.mark.parametrize("case", ["expired", "tampered", "wrong_key", "wrong_audience"])
def test_bad_tokens_are_401(client, sign, other_keys, case):
    if case == "expired":
        header = sign(MANAGER, "membership", now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10))
    elif case == "tampered":
        head, payload, signature = sign(MANAGER, "membership").split(".")
        header = ".".join([head, payload[:-4] + ("AAAA" if not payload.endswith("AAAA") else "BBBB"), signature])
    elif case == "wrong_key":
        header = sign(MANAGER, "membership", key_file=other_keys[0])
    else:
        header = sign(MANAGER, "finance")
    body = assert_problem(client.get("/organisations", headers={"Authorization": header}), 401)
    assert "token" in body["detail"].lower()


def test_wrong_role_is_403_and_writes_nothing(app, client, sign):
    board = make_principal(("board_member",), consortium_id=CONSORTIUM)
    before = count_rows(app, Organisation.__table__)
    assert_problem(register(client, {"Authorization": sign(board, "membership")}), 403)
    assert count_rows(app, Organisation.__table__) == before


def test_another_consortiums_record_is_404(client, sign, as_manager):
    org_id = register(client, as_manager).get_json()["id"]
    outsider = make_principal(("consortium_manager",))  # another consortium on the same deployment
    body = assert_problem(client.get(f"/organisations/{org_id}",
                                     headers={"Authorization": sign(outsider, "membership")}), 404)
    assert body["detail"] == "No such organisation."
    listing = client.get("/organisations", headers={"Authorization": sign(outsider, "membership")}).get_json()
    assert org_id not in {o["id"] for o in listing}


def test_member_user_sees_only_their_own_organisation(client, sign, as_manager):
    mine = register(client, as_manager).get_json()["id"]
    theirs = register(client, as_manager).get_json()["id"]
    member = make_principal(("member_user",), consortium_id=CONSORTIUM, organisation_id=uuid.UUID(mine))
    headers = {"Authorization": sign(member, "membership")}
    assert client.get(f"/organisations/{mine}", headers=headers).status_code == 200
    body = assert_problem(client.get(f"/organisations/{theirs}", headers=headers), 404)
    assert theirs not in body.get("detail", "")
    assert [o["id"] for o in client.get("/organisations", headers=headers).get_json()] == [mine]


# --- bad input -------------------------------------------------------------------------------------

def test_malformed_json_is_400_and_writes_nothing(app, client, as_manager):
    before = count_rows(app, Organisation.__table__)
    response = client.post("/organisations", data="{\"name\": ", content_type="application/json", headers=as_manager)
    assert_problem(response, 400)
    assert count_rows(app, Organisation.__table__) == before


@pytest.mark.parametrize("changes,field", [
    ({"legal_form": "sole trader"}, "legal_form"),
    ({"charity_number": "12"}, "charity_number"),
    ({"company_number": "ABC"}, "company_number"),
    ({"postcode": "NOT A CODE"}, "postcode"),
    ({"name": 42}, "name"),
    ({"favourite_colour": "green"}, "favourite_colour"),
])
def test_invalid_or_unknown_fields_are_422_naming_the_field(app, client, as_manager, changes, field):
    before = count_rows(app, Organisation.__table__)
    body = assert_problem(register(client, as_manager, **changes), 422)
    assert field in body["errors"]
    assert count_rows(app, Organisation.__table__) == before


def test_oversized_body_is_413(app, client, as_manager):
    huge = {"name": "x" * (app.extensions["hubkit.settings"].max_body_bytes + 10), "legal_form": "charity"}
    assert_problem(client.post("/organisations", json=huge, headers=as_manager), 413)


def test_wrong_content_type_is_415(client, as_manager):
    assert_problem(client.post("/organisations", data="name=x", content_type="application/x-www-form-urlencoded",
                               headers=as_manager), 415)


def test_unknown_route_and_method_are_problem_json(client, as_manager):
    assert_problem(client.get("/nowhere", headers=as_manager), 404)
    assert_problem(client.delete("/organisations", headers=as_manager), 405)


def test_duplicate_name_is_409_and_writes_nothing(app, client, as_manager):
    first = register(client, as_manager)
    before = count_rows(app, Organisation.__table__)
    assert_problem(register(client, as_manager, name=first.get_json()["name"]), 409)
    assert count_rows(app, Organisation.__table__) == before


def test_health_and_openapi_need_no_token(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz")
    # No worker runs beside this test app: its consumer is reported as not started, which is still ready.
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok", "broker": "ok",
                                                                       "consumer": "not started"}
    spec = client.get("/openapi.json").get_json()
    assert "/organisations" in spec["paths"]


def test_500_hides_internals(app, client, as_manager, monkeypatch):
    from membership.service_layer import organisations

    def explode(*_a, **_k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(organisations, "register_organisation", explode)
    body = assert_problem(register(client, as_manager), 500)
    assert "secret" not in str(body)


# --- pages (hubkit.paging) -------------------------------------------------------------------------

def test_the_directory_comes_in_pages_by_name_keeping_its_filter(client, sign):
    headers = {"Authorization": sign(make_principal(("consortium_manager",), consortium_id=uuid.uuid4()),
                                     "membership")}
    names = [f"Paged {letter} Trust" for letter in "GBEACFD"]
    for name in names:
        assert register(client, headers, name=name).status_code == 201
    pages = follow_pages(client, "/organisations", headers=headers, limit=3, status="applicant")
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [row["name"] for page in pages for row in page] == sorted(names)
    first = client.get("/organisations", headers=headers, query_string={"limit": 3, "status": "applicant"})
    assert "status=applicant" in first.headers["Link"] and "X-Prev-Cursor" not in first.headers
    assert_problem(client.get("/organisations", headers=headers, query_string={"limit": 501}), 422)
    backwards = follow_pages(client, "/organisations", headers=headers, limit=3, status="applicant", sort="name_desc")
    assert [row["name"] for page in backwards for row in page] == sorted(names, reverse=True)  # issue 14 item 7
    assert_problem(client.get("/organisations", headers=headers, query_string={"sort": "size"}), 422)


def test_the_directory_filters_and_pages_in_sql_reading_only_the_page(app, client, sign):
    """Issue 16: the filters (text, status, category, area, diversity) are SQL, so a page reads limit + 1 rows
    however big the directory; list fields that are empty or null match nothing; % and _ are only text."""
    headers = {"Authorization": sign(make_principal(("consortium_manager",), consortium_id=uuid.uuid4()),
                                     "membership")}
    wanted = dict(service_categories=["youth", "carers"], areas_served=["Leeds", "Harrogate"], diversity=["rural"])
    for n, town in enumerate(["Otley", "Ilkley", "Otley", "Wetherby", "Otley"]):
        assert register(client, headers, name=f"Found {n} 100% Trust", town=town, **wanted).status_code == 201
    register(client, headers, name="Other category", service_categories=["housing"], areas_served=["Leeds"])
    register(client, headers, name="Other area", service_categories=["youth"], areas_served=["York"])
    register(client, headers, name="Nothing listed", service_categories=[], areas_served=[], diversity=[])
    filters = {"service_category": "youth", "area": "LEEDS", "diversity": "rural", "status": "applicant"}
    pages = follow_pages(client, "/organisations", headers=headers, limit=2, **filters)
    assert [[o["name"] for o in page] for page in pages] == [
        ["Found 0 100% Trust", "Found 1 100% Trust"], ["Found 2 100% Trust", "Found 3 100% Trust"],
        ["Found 4 100% Trust"]]
    found = lambda **query: [o["name"] for o in client.get(  # noqa: E731
        "/organisations", headers=headers, query_string=query).get_json()]
    assert found(q=" otley ") == ["Found 0 100% Trust", "Found 2 100% Trust", "Found 4 100% Trust"]
    assert len(found(q="0%")) == 5 and found(q="1_0") == [] and found(q="_") == []
    assert found(diversity="rural", service_category="housing") == []
    with statements_run(app) as seen:
        assert len(found(limit=2, **filters)) == 2
    listing = next(s for s in seen if "FROM organisation" in s and "LIMIT" in s.upper())
    assert "areas_served" in listing and "diversity" in listing
