"""hubkit.paging: limit and cursor on a real database (PostgreSQL, or SQLite with --db=sqlite) and in memory."""
from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Uuid, create_engine, insert, select
from sqlalchemy.orm import Session

from hubkit import problems
from hubkit.testing import follow_pages
from hubkit.paging import DEFAULT_LIMIT, MAX_LIMIT, Order, asc, desc, paged

metadata = MetaData()
things = Table("things", metadata, Column("id", Uuid, primary_key=True), Column("name", String(40), nullable=False),
               Column("rank", Integer, nullable=False), Column("created_at", DateTime(timezone=True), nullable=False))
T = things.c
START = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)


class ThingOut(Schema):
    id = fields.UUID()
    name = fields.String()
    rank = fields.Integer()


ORDERS = {
    "by-name": Order(asc(T.name), asc(T.id)),
    "newest": Order(desc(T.created_at), desc(T.id)),
    "mixed": Order(desc(T.rank), asc(T.name), asc(T.id)),
}
MEMORY_ORDER = Order(desc("rank"), asc("name"), asc("id"))


@pytest.fixture(scope="module")
def engine(databases):
    made = create_engine(databases.create("paging"))
    metadata.create_all(made)
    yield made
    made.dispose()


@pytest.fixture
def app(engine):
    with engine.begin() as conn:
        conn.execute(things.delete())
    flask_app = Flask("paging")
    flask_app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0")
    api = Api(flask_app)
    problems.init_app(flask_app)
    blp = Blueprint("things", __name__)

    @blp.route("/things/<order>")
    class Things(MethodView):
        @paged(blp, ThingOut)
        def get(self, order, page):
            with Session(engine) as session:
                return page.select(session, select(things), ORDERS[order])

    @blp.route("/sorted")
    class Sorted(MethodView):
        @paged(blp, ThingOut, sorts=ORDERS)
        def get(self, page):
            with Session(engine) as session:
                return page.select(session, select(things), page.order(ORDERS))

    @blp.route("/memory")
    class Memory(MethodView):
        @paged(blp, ThingOut)
        def get(self, page):
            with Session(engine) as session:
                rows = [dict(r._mapping) for r in session.execute(select(things))]
            return page.rows(rows, MEMORY_ORDER)

    api.register_blueprint(blp)
    flask_app.extensions["test.engine"] = engine
    return flask_app


def add(engine, count: int, *, name=lambda i: f"thing {i:04d}", rank=lambda i: i % 3, at=None) -> list[dict]:
    rows = [{"id": uuid.uuid4(), "name": name(i), "rank": rank(i),
             "created_at": at(i) if at else START + dt.timedelta(minutes=i % 7)} for i in range(count)]
    with engine.begin() as conn:
        conn.execute(insert(things), rows)
    return rows


def walk(client, url: str, limit: int, between=None) -> list[list[str]]:
    """The ids of each page, following the next cursor to the end."""
    return [[row["id"] for row in page] for page in follow_pages(client, url, between=between, limit=limit)]


def expected(rows: list[dict], order: Order) -> list[str]:
    ordered = list(rows)
    for key in reversed(order.keys):
        ordered.sort(key=lambda r: r[key.name], reverse=key.descending)
    return [str(r["id"]) for r in ordered]


@pytest.mark.parametrize("url,order", [("/things/by-name", ORDERS["by-name"]), ("/things/newest", ORDERS["newest"]),
                                       ("/things/mixed", ORDERS["mixed"]), ("/memory", MEMORY_ORDER)])
def test_the_next_cursor_walks_every_row_once_in_order(app, url, order):
    rows = add(app.extensions["test.engine"], 23)
    pages = walk(app.test_client(), url, limit=5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [i for p in pages for i in p] == expected(rows, order)


def test_limit_defaults_and_is_bounded(app):
    add(app.extensions["test.engine"], DEFAULT_LIMIT + 1)
    client = app.test_client()
    first = client.get("/things/by-name")
    assert len(first.json) == DEFAULT_LIMIT and first.headers["X-Next-Cursor"]
    assert "X-Prev-Cursor" not in first.headers
    for bad in (MAX_LIMIT + 1, 0, "lots"):
        answer = client.get("/things/by-name", query_string={"limit": bad})
        assert answer.status_code == 422
        assert answer.mimetype == "application/problem+json"
        assert "limit" in answer.json["errors"]
    assert client.get("/things/by-name", query_string={"limit": MAX_LIMIT}).status_code == 200


def test_rows_inserted_before_the_cursor_between_pages_neither_repeat_nor_push_rows_out(app):
    engine = app.extensions["test.engine"]
    rows = add(engine, 20, name=lambda i: f"m {i:04d}")

    def insert_before_and_after(_page):  # a row sorting before everything seen, and one among those still to come
        add(engine, 1, name=lambda i: "a early")
        add(engine, 1, name=lambda i: "m 0017x")

    pages = walk(app.test_client(), "/things/by-name", limit=6, between=insert_before_and_after)
    seen = [i for p in pages for i in p]
    originals = [str(r["id"]) for r in rows]
    assert len(seen) == len(set(seen))  # nothing repeated
    assert [i for i in seen if i in originals] == originals  # nothing skipped, still in order
    with engine.connect() as conn:
        early = {str(i) for i in conn.scalars(select(T.id).where(T.name == "a early"))}
    assert early and not early & set(seen)  # rows inserted behind the cursor wait for the next walk


def test_previous_cursor_goes_back_page_by_page(app):
    rows = add(app.extensions["test.engine"], 12, at=lambda i: START + dt.timedelta(minutes=i))
    client = app.test_client()
    newest = [str(r["id"]) for r in reversed(rows)]
    first = client.get("/things/newest?limit=5")
    second = client.get(f"/things/newest?limit=5&cursor={first.headers['X-Next-Cursor']}")
    third = client.get(f"/things/newest?limit=5&cursor={second.headers['X-Next-Cursor']}")
    assert [r["id"] for r in third.json] == newest[10:]
    back = client.get(f"/things/newest?limit=5&cursor={third.headers['X-Prev-Cursor']}")
    assert [r["id"] for r in back.json] == newest[5:10]
    assert 'rel="prev"' in back.headers["Link"] and 'rel="next"' in back.headers["Link"]
    start = client.get(f"/things/newest?limit=5&cursor={back.headers['X-Prev-Cursor']}")
    assert [r["id"] for r in start.json] == newest[:5]
    assert "X-Prev-Cursor" not in start.headers and start.headers["X-Next-Cursor"]


def _cursor(body) -> str:
    return base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["not-base64!!", "bm90IGpzb24", _cursor([1, 2]), _cursor({"v": 99}),
                                    _cursor({"v": 1, "o": "x", "d": "next", "k": [{"t": "not a time"}]}),
                                    _cursor({"v": 1, "o": "x", "d": "sideways", "k": ["a"]})])
def test_a_malformed_cursor_is_a_problem_naming_it(app, cursor):
    answer = app.test_client().get("/things/by-name", query_string={"cursor": cursor})
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert list(answer.json["errors"]) == ["cursor"]


def test_a_cursor_from_another_list_is_refused(app):
    add(app.extensions["test.engine"], 3)
    client = app.test_client()
    other = client.get("/things/newest?limit=1").headers["X-Next-Cursor"]
    answer = client.get(f"/things/by-name?cursor={other}")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "another list" in answer.json["errors"]["cursor"][0]


def test_the_link_keeps_the_filters_and_the_openapi_documents_paging(app):
    add(app.extensions["test.engine"], 3)
    answer = app.test_client().get("/things/by-name?limit=2&q=x")
    assert answer.headers["Link"].startswith("<?limit=2&q=x&cursor=")
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    operation = spec["paths"]["/things/{order}"]["get"]
    assert {"limit", "cursor"} <= {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert {"Link", "X-Next-Cursor", "X-Prev-Cursor"} <= set(operation["responses"]["200"]["headers"])


def test_a_list_offering_orders_takes_sort_by_name_and_keeps_each_orders_cursors_apart(app):
    """`paged(sorts=...)`: `sort` names one of the list's orders (the first by default; another is a 422 naming
    `sort`), the pages walk every row once in it, the Link keeps it, and a cursor of one order is refused in
    another; the OpenAPI documents `sort` with its choices."""
    rows = add(app.extensions["test.engine"], 12)
    client = app.test_client()
    for name, order in ORDERS.items():
        pages = [[row["id"] for row in page] for page in follow_pages(client, "/sorted", sort=name, limit=5)]
        assert [i for p in pages for i in p] == expected(rows, order)
    assert [r["id"] for r in client.get("/sorted?limit=50").json] == expected(rows, ORDERS["by-name"])
    first = client.get("/sorted?sort=newest&limit=5")
    assert first.headers["Link"].startswith("<?sort=newest&limit=5&cursor=")
    refused = client.get(f"/sorted?sort=by-name&cursor={first.headers['X-Next-Cursor']}")
    assert refused.status_code == 422 and "another list" in refused.json["errors"]["cursor"][0]
    wrong = client.get("/sorted?sort=sideways")
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json" and "sort" in wrong.json["errors"]
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    sort = next(p for p in spec["paths"]["/sorted"]["get"]["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == list(ORDERS) and sort["schema"]["default"] == "by-name"
