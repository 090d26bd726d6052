"""Idempotency-Key on state-changing requests (hubkit.idempotency), on a small service of its own."""
from __future__ import annotations

import datetime as dt
import io
import threading
import uuid

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import String, create_engine, event, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hubkit.clock import utcnow
from hubkit.db import ConsortiumScoped, declarative_base_for
from hubkit.idempotency import IN_FLIGHT_LIMIT, KEY_TTL
from hubkit.testing import make_principal, service_settings
from hubkit.web import accepts_upload, create_service_app, request_uow

Base = declarative_base_for("pledges")


class Pledge(ConsortiumScoped, Base):
    __tablename__ = "pledge"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))


blp = Blueprint("pledges", __name__, url_prefix="/pledges")
held = {"entered": threading.Event(), "release": threading.Event()}


def _pledge(name: str, **extra) -> dict:
    with request_uow() as uow:
        row = Pledge(name=name)
        uow.session.add(row)
        uow.commit()
        total = uow.session.execute(select(func.count()).select_from(Pledge)).scalar_one()
        return {"id": str(row.id), "name": row.name, "pledges_so_far": total, **extra}


@blp.route("")
class Pledges(MethodView):
    @blp.response(201)
    def post(self):
        from flask import request
        body = request.get_json()
        if not body.get("name"):
            abort(422, message="A pledge needs a name.")
        return _pledge(body["name"])


@blp.route("/held")
class HeldPledge(MethodView):
    @blp.response(201)
    def post(self):
        """Waits for the test to let it go, before it opens its unit of work: a request in flight."""
        held["entered"].set()
        assert held["release"].wait(30)
        return _pledge("held")


@blp.route("/fails-after-commit")
class FailingPledge(MethodView):
    def post(self):
        _pledge("doomed")
        raise RuntimeError("the process falls over after the change")


@blp.route("/refused-after-commit")
class RefusedPledge(MethodView):
    def post(self):
        _pledge("kept")
        abort(409, message="Saved, but the next step was refused.")


@blp.route("/upload")
class UploadPledge(MethodView):
    @accepts_upload
    @blp.response(201)
    def post(self):
        from flask import request
        return _pledge(request.form["name"], size=len(request.files["file"].read()))


for view in (Pledges.post, HeldPledge.post, FailingPledge.post, RefusedPledge.post, UploadPledge.post):
    view._hubkit_roles = frozenset({"consortium_manager"})


@pytest.fixture(scope="module")
def app(databases, token_keys):
    url = databases.create("idempotency")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    settings = service_settings("pledges", url, "127.0.0.1:9", token_keys[1])
    flask_app = create_service_app(settings, kit=Base.kit, blueprints=[blp], title="Pledges")
    yield flask_app
    flask_app.extensions["hubkit.db"].dispose()


@pytest.fixture
def db(app):
    return app.extensions["hubkit.db"]


@pytest.fixture
def caller(sign):
    """caller() -> headers of a new user in a new consortium; caller(like=headers) -> another user there."""
    def _caller(consortium=None):
        principal = make_principal(("consortium_manager",), consortium_id=consortium or uuid.uuid4())
        return {"Authorization": sign(principal, "pledges"), "X-Consortium": str(principal.consortium_id)}
    return _caller


def post(client, headers, key, path="/pledges", **kwargs):
    return client.post(path, headers={**headers, **({"Idempotency-Key": key} if key is not None else {})}, **kwargs)


def stored_keys(db) -> list:
    table = db.kit.idempotent_request
    with db.session(None) as session:
        return list(session.execute(select(table.c.key, table.c.status_code)))


def pledges(db, name) -> int:
    with db.session(None) as session:
        return session.execute(select(func.count()).select_from(Pledge.__table__)
                               .where(Pledge.__table__.c.name == name)
                               .execution_options(hubkit_all_tenants=True)).scalar_one()  # every consortium's


def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing_more(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    first = post(client, headers, key, json={"name": "first"})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = post(client, headers, key, json={"name": "first"})
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert pledges(db, "first") == 1


def test_json_with_its_keys_in_another_order_is_the_same_request(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    post(client, headers, key, data='{"name": "ordered", "note": 1}', content_type="application/json")
    again = post(client, headers, key, data='{"note":1,"name":"ordered"}', content_type="application/json")
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert pledges(db, "ordered") == 1


def test_without_a_key_each_request_is_a_new_change(client, caller, db):
    headers = caller()
    for _ in range(2):
        assert post(client, headers, None, json={"name": "keyless"}).status_code == 201
    assert pledges(db, "keyless") == 2


def test_the_same_key_with_another_body_or_path_is_refused_with_422(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    post(client, headers, key, json={"name": "original"})
    for path, body in (("/pledges", {"name": "changed"}), ("/pledges/refused-after-commit", {"name": "original"})):
        response = post(client, headers, key, path, json=body)
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert "Idempotency-Key" in response.get_json()["errors"]
    assert pledges(db, "changed") == 0


def test_a_key_is_the_callers_own_another_user_with_the_same_key_makes_their_own_change(client, caller, db):
    key = uuid.uuid4().hex
    alice = caller()
    bob_same_consortium = caller(uuid.UUID(alice["X-Consortium"]))
    first = post(client, alice, key, json={"name": "shared key"})
    second = post(client, bob_same_consortium, key, json={"name": "shared key"})
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert second.get_json()["id"] != first.get_json()["id"]
    assert pledges(db, "shared key") == 2


@pytest.mark.parametrize("bad_key", ["", "   ", "x" * 201, "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_refused_with_a_problem_naming_the_header(client, caller, db, bad_key):
    response = post(client, caller(), bad_key.encode("utf-8").decode("latin-1"), json={"name": "malformed"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert pledges(db, "malformed") == 0


def test_a_key_of_200_printable_characters_is_accepted(client, caller):
    assert post(client, caller(), "k" * 199 + "~", json={"name": "long key"}).status_code == 201


def test_a_duplicate_while_the_first_is_in_flight_gets_409_then_the_first_answer(client, app, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    held["entered"].clear()
    held["release"].clear()
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault(
        "first", post(app.test_client(), headers, key, "/pledges/held")))
    first.start()
    try:
        assert held["entered"].wait(30)
        duplicate = post(client, headers, key, "/pledges/held")
        assert duplicate.status_code == 409
        assert duplicate.mimetype == "application/problem+json"
        assert "in progress" in duplicate.get_json()["detail"]
        assert int(duplicate.headers["Retry-After"]) >= 1
    finally:
        held["release"].set()
        first.join(30)
    assert answers["first"].status_code == 201
    later = post(client, headers, key, "/pledges/held")
    assert later.get_json() == answers["first"].get_json()
    assert later.headers["Idempotent-Replayed"] == "true"
    assert pledges(db, "held") == 1


def test_the_answer_commits_in_the_changes_transaction_a_failed_commit_keeps_neither(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    seen_in_transaction = []

    def fail_commit(session):
        if session.info.get("tenant") is None:
            return  # the kit's own short transactions (reserving, releasing the key) go ahead
        table = db.kit.idempotent_request
        seen_in_transaction.append(session.execute(
            select(table.c.status_code).where(table.c.key == key)).scalar_one_or_none())
        raise RuntimeError("the database refuses the commit")

    event.listen(Session, "before_commit", fail_commit)
    try:
        response = post(client, headers, key, json={"name": "never committed"})
    finally:
        event.remove(Session, "before_commit", fail_commit)
    assert seen_in_transaction[-1] == 201  # the answer was in the transaction being committed, with the pledge
    assert response.status_code == 500
    assert pledges(db, "never committed") == 0
    assert key not in [k for k, _ in stored_keys(db)]
    assert post(client, headers, key, json={"name": "never committed"}).status_code == 201  # free to try again


def test_a_5xx_after_the_change_keeps_nothing_and_undoes_the_change(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    assert post(client, headers, key, "/pledges/fails-after-commit").status_code == 500
    assert pledges(db, "doomed") == 0
    assert key not in [k for k, _ in stored_keys(db)]


def test_a_refusal_that_changed_nothing_is_not_kept_so_the_corrected_request_may_use_the_key(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    assert post(client, headers, key, json={"name": ""}).status_code == 422
    corrected = post(client, headers, key, json={"name": "corrected"})
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected.headers


def test_a_refusal_after_a_change_is_kept_with_the_change(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    first = post(client, headers, key, "/pledges/refused-after-commit")
    assert first.status_code == 409
    again = post(client, headers, key, "/pledges/refused-after-commit")
    assert (again.status_code, again.get_json()["detail"]) == (409, first.get_json()["detail"])
    assert again.headers["Idempotent-Replayed"] == "true"
    assert pledges(db, "kept") == 1


def _store(db, owner, key, created_at, **answer):
    table = db.kit.idempotent_request
    with db.session(None) as session:
        session.execute(insert(table).values(
            principal=owner, key=key, attempt=uuid.uuid4().hex, method="POST", path="/pledges",
            request_hash="0" * 64, created_at=created_at, **answer))
        session.commit()


def _owner(headers, app) -> str:
    checker = app.extensions["hubkit.tokens"]
    principal = checker.principal_from(headers["Authorization"])
    return f"{principal.consortium_id}/{principal.user_id}"


def test_keys_older_than_a_day_are_ignored_and_purged(client, app, caller, db):
    headers, key, stale_other = caller(), uuid.uuid4().hex, uuid.uuid4().hex
    old = utcnow() - KEY_TTL - dt.timedelta(minutes=1)
    _store(db, _owner(headers, app), key, old, status_code=201, response_body=b"{}", response_headers=[])
    _store(db, "someone/else", stale_other, old, status_code=201, response_body=b"{}", response_headers=[])
    response = post(client, headers, key, json={"name": "after a day"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    keys = [k for k, _ in stored_keys(db)]
    assert key in keys and stale_other not in keys


def test_a_reservation_abandoned_by_a_dead_process_is_taken_over_by_the_retry(client, app, caller, db):
    headers, key = caller(), uuid.uuid4().hex
    table = db.kit.idempotent_request
    with app.test_request_context("/pledges", method="POST", json={"name": "orphan"}):
        from hubkit.idempotency import _fingerprint
        fingerprint = _fingerprint()
    with db.session(None) as session:
        session.execute(insert(table).values(
            principal=_owner(headers, app), key=key, attempt="dead", method="POST", path="/pledges",
            request_hash=fingerprint, created_at=utcnow() - IN_FLIGHT_LIMIT - dt.timedelta(seconds=1)))
        session.commit()
    response = post(client, headers, key, json={"name": "orphan"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert pledges(db, "orphan") == 1


def test_an_upload_sent_again_is_the_same_request_whatever_its_multipart_boundary(client, caller, db):
    headers, key = caller(), uuid.uuid4().hex

    def send():
        return post(client, headers, key, "/pledges/upload", content_type="multipart/form-data",
                    data={"name": "upload", "file": (io.BytesIO(b"%PDF-1.7 pledge"), "pledge.pdf")})

    first, again = send(), send()
    assert first.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    assert pledges(db, "upload") == 1


def test_the_openapi_document_offers_the_header_on_state_changing_operations_only(client):
    spec = client.get("/openapi.json").get_json()
    parameter = spec["components"]["parameters"]["IdempotencyKey"]
    assert (parameter["in"], parameter["name"], parameter["required"]) == ("header", "Idempotency-Key", False)
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    assert ref in spec["paths"]["/pledges"]["post"]["parameters"]
    assert ref not in spec["paths"]["/healthz"]["get"].get("parameters", [])
