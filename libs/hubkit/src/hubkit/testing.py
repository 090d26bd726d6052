"""Pytest fixtures shared by every suite: real PostgreSQL databases, a real Tansu broker, signed tokens.

Loaded by the repository's root conftest.py (`pytest_plugins = ["hubkit.testing"]`).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .broker import TansuBroker
from .config import ServiceSettings, load_service_settings
from .tokens import Principal, generate_keypair, mint

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/postgres")


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


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    dbs = Databases()
    yield dbs
    dbs.drop_all()


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
def token_keys(tmp_path_factory) -> tuple[Path, Path]:
    """(private key file, public key file) for signing test tokens."""
    return generate_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory) -> tuple[Path, Path]:
    """A second key pair: tokens signed with it must be refused."""
    return generate_keypair(tmp_path_factory.mktemp("other-keys"))


def make_principal(roles=("consortium_manager",), consortium_id: uuid.UUID | None = None,
                   organisation_id: uuid.UUID | None = None, user_id: str | None = None) -> Principal:
    return Principal(user_id=user_id or uuid.uuid4().hex, username="tester",
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
