"""P1's RAG dashboard a page at a time, as matrices (issue 16): `GET /contracts/{id}/dashboard/matrix` gives the
same figures as the whole dashboard (`/dashboard`, pinned in test_performance_reads.py), a keyset page of delivery
subcontracts by name at a time, optionally of one overall RAG; its refusals are 422/404/403 problems; and it reads
a fixed handful of statements whatever the page's size."""
from __future__ import annotations

import uuid

from delivery_fixtures import Delivery, delivery  # noqa: F401
from hubkit.testing import statements_run
from test_performance_reads import DASHBOARD, _contract_with_returns

MATRIX = "/contracts/{cid}/dashboard/matrix"


def _page(delivery: Delivery, cid: str, status: int = 200, headers=None, **query):
    answer = delivery.raw("GET", MATRIX.format(cid=cid), headers=headers, query_string=query)
    assert answer.status_code == status, answer.get_data(as_text=True)
    return answer


def _walk(delivery: Delivery, cid: str, **query) -> tuple[list[dict], int]:
    """Every row of every page, following X-Next-Cursor; and how many pages."""
    rows, cursor, pages = [], None, 0
    while True:
        answer = _page(delivery, cid, **query, **({"cursor": cursor} if cursor else {}))
        rows += answer.get_json()["subcontracts"]
        pages += 1
        cursor = answer.headers.get("X-Next-Cursor")
        if not cursor:
            return rows, pages


def _as_cells(body: dict) -> dict:
    """The matrices' figures in the shape of test_performance_reads' pinned DASHBOARD (from the `/dashboard`
    cells): by organisation, each period's number, state, lateness, overall RAG and cells by indicator code."""
    codes = [i["code"] for i in body["indicators"]]
    found = {}
    for row in body["subcontracts"]:
        periods = []
        for p, (period, state) in enumerate(zip(body["periods"], row["by_period"])):
            cells = [(code, row["target"][i][p], row["actual"][i][p], row["percent"][i][p], row["rag"][i][p])
                     for i, code in enumerate(codes)]
            periods.append((period["number"], state["status"], state["late"], state["overall"], cells))
        found[row["organisation_name"]] = {"overall": row["overall"], "periods": periods,
                                           "trends": dict(zip(codes, row["trends"]))}
    return found


def test_p1_the_matrix_gives_the_whole_dashboards_figures_a_page_at_a_time(delivery):
    cid = _contract_with_returns(delivery)
    whole = delivery.call("GET", f"/contracts/{cid}/dashboard")
    first = _page(delivery, cid).get_json()
    assert _as_cells(first) == DASHBOARD  # the default page holds all three
    assert [i["code"] for i in first["indicators"]] == ["O1", "W1"] and len(first["periods"]) == 4
    assert first["counts"] == {"all": 3, "green": 2, "amber": 1, "red": 0, "not_rated": 0}
    assert first["thresholds"] == whole["thresholds"] and first["contract"] == whole["contract"]
    returns = {(row["subcontract"]["organisation_name"], p["period"]["number"]): p["return_id"]
               for row in whole["subcontracts"] for p in row["periods"]}
    assert {(row["organisation_name"], n + 1): state["return_id"] for row in first["subcontracts"]
            for n, state in enumerate(row["by_period"])} == returns
    assert [(r["id"], r["organisation_id"]) for r in first["subcontracts"]] == [
        (r["subcontract"]["id"], r["subcontract"]["organisation_id"]) for r in whole["subcontracts"]]

    rows, pages = _walk(delivery, cid, limit=1)
    assert pages == 3 and [r["organisation_name"] for r in rows] == sorted(DASHBOARD)
    assert _as_cells(first | {"subcontracts": rows}) == DASHBOARD


def test_the_pages_go_back_with_the_previous_cursor_and_keep_the_filter_in_their_links(delivery):
    cid = _contract_with_returns(delivery)
    one = _page(delivery, cid, limit=1)
    assert "X-Prev-Cursor" not in one.headers
    two = _page(delivery, cid, limit=1, cursor=one.headers["X-Next-Cursor"])
    back = _page(delivery, cid, limit=1, cursor=two.headers["X-Prev-Cursor"])
    assert back.get_json()["subcontracts"] == one.get_json()["subcontracts"]
    green = _page(delivery, cid, limit=1, overall="green")
    assert green.headers["Link"].startswith("<?limit=1&overall=green&cursor=") or \
        green.headers["Link"].startswith("<?overall=green&limit=1&cursor=")


def test_p1_the_matrix_filters_by_overall_rag(delivery):
    cid = _contract_with_returns(delivery)
    contract = {"contract": {"id": cid}}
    delivery.subcontract(contract, delivery.member("Zeal Community Trust"), value_pence=1_000_000)  # no returns
    greens, _ = _walk(delivery, cid, overall="green", limit=1)
    assert [(r["organisation_name"], r["overall"]) for r in greens] == [
        ("Aire Valley Youth", "green"), ("Wharfedale Carers", "green")]
    [amber] = _page(delivery, cid, overall="amber").get_json()["subcontracts"]
    assert amber["organisation_name"] == "Northfield Advice Centre"
    assert _page(delivery, cid, overall="red").get_json()["subcontracts"] == []
    unrated = _page(delivery, cid, overall="not_rated").get_json()
    assert [r["organisation_name"] for r in unrated["subcontracts"]] == ["Zeal Community Trust"]
    assert unrated["overall_filter"] == "not_rated"
    assert unrated["counts"] == {"all": 4, "green": 2, "amber": 1, "red": 0, "not_rated": 1}
    [zeal] = unrated["subcontracts"]
    assert zeal["rag"] == [[None] * 4, [None] * 4] and zeal["actual"] == [[None] * 4, [None] * 4]
    assert zeal["target"] == [[50.0] * 4, [10.0] * 4]


def test_the_matrix_leaves_out_the_contracts_management_subcontract(delivery):
    host = delivery.member("Leeds CVS")
    delivery.hub_model("virtual_hub")
    cid = delivery.contract()["contract"]["id"]
    delivery.call("POST", f"/contracts/{cid}/subcontracts", {"organisation_id": host, "value_pence": 1_000_000,
                                                             "purpose": "contract_management"}, 201)
    body = _page(delivery, cid).get_json()
    assert body["subcontracts"] == [] and body["counts"]["all"] == 0


def test_the_matrix_refuses_a_bad_page_filter_or_cursor_and_a_stranger(delivery):
    cid = _contract_with_returns(delivery)
    for query, field in (({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "many"}, "limit"),
                         ({"overall": "purple"}, "overall"), ({"cursor": "not-a-cursor"}, "cursor")):
        problem = _page(delivery, cid, 422, **query)
        assert problem.mimetype == "application/problem+json" and field in problem.get_json()["errors"], query
    delivery.contract(title="Second contract")
    contracts = delivery.raw("GET", "/contracts", query_string={"limit": 1})  # a cursor of another list
    refused = _page(delivery, cid, 422, cursor=contracts.headers["X-Next-Cursor"])
    assert "another list" in str(refused.get_json()["errors"])
    assert _page(delivery, str(uuid.uuid4()), 404).mimetype == "application/problem+json"
    _page(delivery, cid, 403, headers=delivery.member_headers(uuid.uuid4()))
    _page(delivery, cid, 200, headers=delivery.as_(("board_member",)))
    _page(delivery, cid, 200, headers=delivery.as_(("finance_officer",)))
    assert delivery.client.get(MATRIX.format(cid=cid)).status_code == 401


def test_the_matrix_is_read_in_the_same_statements_whatever_the_pages_size(delivery):
    cid = _contract_with_returns(delivery)
    counts = []
    for limit in (1, 3):
        with statements_run(delivery.app) as seen:
            _page(delivery, cid, limit=limit)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 9, counts  # 7 when this was written


def test_the_matrix_rows_made_by_hand_are_the_plain_nested_dump(delivery):
    """MatrixRows writes the rows' JSON by hand for speed: it must give what marshmallow's nested MatrixRowOut
    gives, field for field (a field added to MatrixRowOut or MatrixPeriodOut fails here)."""
    from marshmallow import Schema, fields
    from sqlalchemy import select

    from hubkit.db import Tenant
    from hubkit.paging import Page

    from contracts.adapters.contract_tables import Contract
    from contracts.entrypoints import dashboard_schemas as ds
    from contracts.service_layer import dashboard

    class Plain(Schema):
        subcontracts = fields.List(fields.Nested(ds.MatrixRowOut))

    class Fast(Schema):
        subcontracts = ds.MatrixRows()

    cid = _contract_with_returns(delivery)
    with delivery.app.extensions["hubkit.db"].session(Tenant(delivery.consortium)) as session:
        contract = session.execute(select(Contract).where(Contract.id == uuid.UUID(cid))).scalar_one()
        found = dashboard.dashboard_page(session, contract, Page(10))
        assert len(found["subcontracts"]) == 3
        assert Fast().dump(found) == Plain().dump(found)
        assert any(v is None for row in found["subcontracts"] for line in row["percent"] for v in line)


def test_the_matrix_is_in_the_openapi_document(delivery):
    spec = delivery.client.get("/openapi.json").get_json()
    get = spec["paths"]["/contracts/{contract_id}/dashboard/matrix"]["get"]
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {"limit", "cursor", "overall"}
    ok = get["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/DashboardMatrixOut")
    assert {"Link", "X-Next-Cursor", "X-Prev-Cursor"} <= set(ok["headers"])
    assert "422" in get["responses"]


def test_issue_16_item_3_the_whole_dashboard_is_paged_like_every_list(delivery):
    """`GET /contracts/{id}/dashboard` takes `limit` (default 20, at most 100) and a keyset `cursor`, by name, and
    the overall RAG filter, as the matrix does: a big contract's dashboard no longer comes in one answer (P1's
    figures are the same on every page, pinned in test_performance_reads.DASHBOARD)."""
    cid = _contract_with_returns(delivery)
    whole = delivery.raw("GET", f"/contracts/{cid}/dashboard")
    assert whole.status_code == 200 and "X-Next-Cursor" not in whole.headers  # three fit the default page
    first = whole.get_json()
    rows, cursor, pages = [], None, 0
    while True:
        answer = delivery.raw("GET", f"/contracts/{cid}/dashboard",
                              query_string={"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200
        rows += answer.get_json()["subcontracts"]
        pages += 1
        cursor = answer.headers.get("X-Next-Cursor")
        if not cursor:
            break
    assert pages == 3 and rows == first["subcontracts"]
    assert [r["subcontract"]["organisation_name"] for r in rows] == sorted(DASHBOARD)
    green = delivery.call("GET", f"/contracts/{cid}/dashboard?overall=green")["subcontracts"]
    assert sorted(r["subcontract"]["organisation_name"] for r in green) == sorted(
        name for name, card in DASHBOARD.items() if card["overall"] == "green")
    for query, field in (("limit=101", "limit"), ("limit=0", "limit"), ("cursor=junk", "cursor"),
                         ("overall=purple", "overall")):
        refused = delivery.raw("GET", f"/contracts/{cid}/dashboard?{query}")
        assert refused.status_code == 422 and refused.content_type == "application/problem+json"
        assert field in refused.get_data(as_text=True)
    spec = delivery.client.get("/openapi.json").get_json()
    get = spec["paths"]["/contracts/{contract_id}/dashboard"]["get"]
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {"limit", "cursor", "overall"}
    assert {"Link", "X-Next-Cursor", "X-Prev-Cursor"} <= set(get["responses"]["200"]["headers"])
