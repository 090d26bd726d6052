"""Pytest fixtures shared by every suite: real databases (PostgreSQL, or SQLite with `--db=sqlite`), a real Tansu
broker, signed tokens, golden events, and a clock that `--clock` moves to a chosen day for the whole run.

Loaded by the repository's root conftest.py (`pytest_plugins = ["hubkit.testing"]`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import String, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .broker import ApacheKafkaBroker, LocalBroker, TansuBroker
from .config import ServiceSettings, load_service_settings
from .db import ConsortiumScoped, declarative_base_for
from .events import Envelope, parse_event
from .read_copies import MemberOrganisationCopy
from .tokens import Principal, generate_keypair, mint

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/postgres")

# The days the date sweep (`make test-dates`) moves the clock to: each is a day on which date rules have edges.
# `make test` runs the in-process suites on one of them, a different one each day (see clock_of_the_day).
TEST_CLOCKS: dict[str, str] = {
    "leap-day": "2028-02-29T12:00:00+00:00",
    "new-years-eve": "2026-12-31T23:30:00+00:00",  # 23:30 UTC: still 31 December in London
    "new-years-day": "2027-01-01T00:30:00+00:00",
    "uk-clocks-forward": "2027-03-28T00:59:00+00:00",  # last Sunday of March, a minute before 01:00 UTC
    "uk-clocks-back": "2027-10-31T00:59:00+00:00",  # last Sunday of October, a minute before 01:00 UTC
    "monday": "2027-06-07T07:30:00+00:00",
    "sunday": "2027-06-13T22:30:00+00:00",  # 23:30 in London: the last hour of the week
    # 00:30 on 1 July in London while UTC is still in June: a new day, month and quarter in one zone only
    "summer-midnight": "2027-06-30T23:30:00+00:00",
    "years-ahead": "2031-11-12T10:00:00+00:00",  # fixed dates in tests must not age: five years on
}


def stop_process_groups(processes, timeout: float = 15.0) -> None:
    """SIGTERM each still-running process's group, then SIGKILL any that has not ended within timeout seconds."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition: Callable[[], object], timeout: float = 15.0, interval: float = 0.05, what: str = "condition"):
    """Poll until condition() is truthy and return it; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last saw {result!r:.500}")
        time.sleep(interval)


class Databases:
    """Creates uniquely named PostgreSQL databases for a test run and drops them afterwards."""

    backend = "postgresql"

    def __init__(self, admin_url: str = ADMIN_URL):
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self, label: str) -> str:
        name = f"hubtest_{label}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


class SqliteDatabases:
    """The same for SQLite, what `make run` uses: one file per database in a folder removed afterwards."""

    backend = "sqlite"

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="hubtest-sqlite-"))

    def create(self, label: str) -> str:
        return f"sqlite:///{self.folder / f'{label}_{uuid.uuid4().hex[:10]}.db'}"

    def drop_all(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def databases(pytestconfig) -> Iterator[Databases | SqliteDatabases]:
    """Where tests make their databases: PostgreSQL, or SQLite files under `--db=sqlite`."""
    dbs = SqliteDatabases() if pytestconfig.getoption("hub_db") == "sqlite" else Databases()
    yield dbs
    dbs.drop_all()


def golden_event(event_type: str, version: int = 1, **envelope) -> Envelope:
    """The golden example of an event, as new: a fresh id and `occurred_at` now (the test's clock), then `envelope`.

    The examples are about shape; their fixed `occurred_at` ages, so a test about time must not inherit it.
    """
    payload = json.loads((resources.files("hubkit.events") / "examples" / f"{event_type}.v{version}.json").read_text())
    payload.update(id=str(uuid.uuid4()), occurred_at=clock.utcnow().isoformat())
    data = envelope.pop("data", None)
    payload.update({k: str(v) if isinstance(v, uuid.UUID) else v for k, v in envelope.items()})
    if data:
        payload["data"] = payload["data"] | data
    return parse_event(json.dumps(payload))


# --- the test clock and the database backend, chosen on the command line -----------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("consortium hub")
    group.addoption("--db", dest="hub_db", choices=("postgresql", "sqlite"),
                    default=os.environ.get("HUB_TEST_DB", "postgresql"),
                    help="where services' test databases live (default postgresql; sqlite is what make run uses)")
    group.addoption("--clock", dest="hub_clock", default=os.environ.get("HUB_TEST_CLOCK") or None,
                    help="move the clock for the whole run: a name from hubkit.testing.TEST_CLOCKS, an ISO instant, "
                         "or 'of-the-day' (one of TEST_CLOCKS, a different one each day)")


def clock_of_the_day(today: dt.date | None = None) -> str:
    """The TEST_CLOCKS name `make test` uses today: each in turn, one a day."""
    names = sorted(TEST_CLOCKS)
    return names[(today or dt.date.today()).toordinal() % len(names)]


def resolve_clock(value: str) -> tuple[str, dt.datetime]:
    """(name, aware instant) for a --clock value."""
    name = clock_of_the_day() if value == "of-the-day" else value
    instant = dt.datetime.fromisoformat(TEST_CLOCKS.get(name, name))
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--clock {value!r}: give a time zone (e.g. +00:00) or one of {sorted(TEST_CLOCKS)}")
    return name, instant


def pytest_configure(config):
    value = config.getoption("hub_clock", None)
    if not value:
        return
    import time_machine  # a test tool: only needed when the clock is moved

    try:
        name, instant = resolve_clock(value)
    except ValueError as exc:
        raise pytest.UsageError(f"--clock {value!r}: {exc}; names: {sorted(TEST_CLOCKS)}") from exc
    # tick=True: time goes on from there, so timeouts, token lifetimes and ordering behave as on any day.
    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    config.stash[_CLOCK] = (name, instant, traveller)


def pytest_unconfigure(config):
    moved = config.stash.get(_CLOCK, None)
    if moved:
        moved[2].stop()


def _reproduce(config) -> str | None:
    moved = config.stash.get(_CLOCK, None)
    if not moved:
        return None
    name, instant, _ = moved
    return (f"clock moved to {instant.isoformat()} ({name}); reproduce with: "
            f"make test-dates DATES={name} DB={config.getoption('hub_db')}")


def pytest_report_header(config):
    return [line for line in (_reproduce(config), f"databases: {config.getoption('hub_db')}") if line]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = _reproduce(config)
    if line and exitstatus not in (0, 5):
        terminalreporter.write_sep("=", line, red=True, bold=True)


_CLOCK = pytest.StashKey[tuple]()


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> Iterator[TansuBroker]:
    """One Tansu broker for the session; tests that restart a broker use `own_broker`."""
    with TansuBroker(log_file=tmp_path_factory.mktemp("tansu") / "tansu.log") as running:
        yield running


@pytest.fixture
def own_broker(tmp_path) -> Iterator[TansuBroker]:
    """A broker of this test's own, to stop, kill or restart."""
    with TansuBroker(log_file=tmp_path / "tansu.log") as running:
        yield running


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> Iterator[ApacheKafkaBroker]:
    """One Apache Kafka broker (KRaft, the production engine, from Maven Central) for the session."""
    with ApacheKafkaBroker(tmp_path_factory.mktemp("kafka")) as running:
        yield running


@pytest.fixture
def own_kafka_broker(tmp_path) -> Iterator[ApacheKafkaBroker]:
    """An Apache Kafka broker of this test's own, to kill, pause, restart with its log, or wipe."""
    with ApacheKafkaBroker(tmp_path / "kafka") as running:
        yield running


BROKERS = ("tansu", "kafka")


@pytest.fixture(params=BROKERS)
def any_broker(request) -> LocalBroker:
    """The session's broker of each kind in turn: a test using it runs on Tansu and on Apache Kafka."""
    return request.getfixturevalue("broker" if request.param == "tansu" else "kafka_broker")


@pytest.fixture(params=BROKERS)
def any_own_broker(request) -> LocalBroker:
    """A broker of this test's own, of each kind in turn."""
    return request.getfixturevalue("own_broker" if request.param == "tansu" else "own_kafka_broker")


@pytest.fixture(scope="session")
def token_keys(tmp_path_factory) -> tuple[Path, Path]:
    """(private key file, public key file) for signing test tokens."""
    return generate_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory) -> tuple[Path, Path]:
    """A second key pair: tokens signed with it must be refused."""
    return generate_keypair(tmp_path_factory.mktemp("other-keys"))


def make_principal(roles=("consortium_manager",), consortium_id: uuid.UUID | None = None,
                   organisation_id: uuid.UUID | None = None, user_id: str | None = None,
                   username: str = "tester") -> Principal:
    return Principal(user_id=user_id or uuid.uuid4().hex, username=username,
                     consortium_id=consortium_id or uuid.uuid4(), organisation_id=organisation_id,
                     roles=frozenset(roles))


@pytest.fixture(scope="session")
def sign(token_keys):
    """sign(principal, audience, ttl=60s, key_file=None) -> a bearer header value."""

    def _sign(principal: Principal, audience: str, ttl: dt.timedelta = dt.timedelta(seconds=60),
              key_file: Path | None = None, now: dt.datetime | None = None) -> str:
        key = (key_file or token_keys[0]).read_bytes()
        return "Bearer " + mint(principal, key, issuer="consortium-hub-gateway", audience=audience, ttl=ttl, now=now)

    return _sign


def service_settings(service: str, database_url: str, bootstrap_servers: str, public_key: Path,
                     **overrides) -> ServiceSettings:
    """A service's settings for a test; pass kafka=broker.kafka_settings() for the broker's own client settings."""
    environ = {f"{service.upper()}_DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(public_key), "LOG_LEVEL": "WARNING",
               "HUB_CONSUMER_RETRY_BACKOFF_MS": "10"}
    return load_service_settings(service, environ, **overrides)


def read_topic(bootstrap_servers: str, topic: str, *, timeout: float = 1.0) -> list[dict]:
    """Every message now on a topic, decoded from JSON, read from the start of each partition."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False,
                             fetch_max_wait_ms=100, consumer_timeout_ms=int(timeout * 1000))
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        messages: list[dict] = []
        deadline = time.monotonic() + timeout + 5
        while any(consumer.position(tp) < ends[tp] for tp in tps) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                messages.extend(json.loads(r.value) for r in records)
        return messages
    finally:
        consumer.close()


def migrated_service_app(definition, databases: Databases, broker: TansuBroker, public_key: Path):
    """A service's Flask app on a fresh, migrated PostgreSQL database."""
    url = databases.create(definition.name)
    settings = service_settings(definition.name, url, broker.bootstrap_servers, public_key)
    definition.migrate(settings)
    app = definition.create_app(settings)
    return app


def service_app_fixture(definition):
    """A module-scoped `app` fixture for a service's tests: `app = service_app_fixture(SERVICE)`."""

    @pytest.fixture(scope="module")
    def app(databases, broker, token_keys):
        flask_app = migrated_service_app(definition, databases, broker, token_keys[1])
        yield flask_app
        flask_app.extensions["hubkit.db"].dispose()

    return app


@pytest.fixture
def client(app):
    """A test client for the `app` fixture the suite defines."""
    return app.test_client()


def follow_pages(client, url: str, *, headers=None, between=None, **query) -> list[list[dict]]:
    """Every page of a list (hubkit.paging), following X-Next-Cursor to the end; `between(n)` runs after page n."""
    pages, cursor = [], None
    while True:
        answer = client.get(url, headers=headers, query_string=query | ({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        pages.append(answer.get_json())
        cursor = answer.headers.get("X-Next-Cursor")
        if cursor is None:
            assert 'rel="next"' not in answer.headers.get("Link", "")
            return pages
        assert f"cursor={cursor}" in answer.headers["Link"]
        if between:
            between(len(pages))


@contextlib.contextmanager
def statements_run(app) -> Iterator[list[str]]:
    """The SQL statements a service's app (hubkit.web) runs meanwhile, in order: how tests check that a read's
    statements do not grow with its rows."""
    seen: list[str] = []
    engine = app.extensions["hubkit.db"].engine
    record = lambda _conn, _cursor, statement, *_: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def follow_pages_in_sql(app, client, url: str, table: str, *, headers=None, **query) -> list[list[dict]]:
    """follow_pages, checking the list is paged in SQL: its table is read once a page, each time with a LIMIT
    (a page of rows), never whole to be paged in memory."""
    with statements_run(app) as seen:
        pages = follow_pages(client, url, headers=headers, **query)
    reads = [statement for statement in seen if re.search(rf"\bFROM {table}\b", statement)]
    assert len(reads) == len(pages) and all("LIMIT" in statement.upper() for statement in reads), reads
    return pages


# --- a producing and a consuming service's tables, for the event suites and the event benchmarks ------------------

EventsFlowBase = declarative_base_for("eventsflow")


class OrganisationCopy(MemberOrganisationCopy, EventsFlowBase):
    """The consuming side's read copy of membership's organisations: the effect its consumer commits."""

    __tablename__ = "organisation_copy"


class Note(ConsortiumScoped, EventsFlowBase):
    """A row of the producing side's own, committed with each event as a real command would."""

    __tablename__ = "note"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(String(100))
