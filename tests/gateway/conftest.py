"""Fixtures for the gateway's tests: a migrated PostgreSQL database, demo users, a fake upstream, the app."""
from __future__ import annotations

import pytest

from gateway_fake_services import FakeServices, ServedApp
from gateway_helpers import Browser, gateway_environ

from gateway import accounts
from gateway.adapters.database import Database
from gateway.app import create_app
from gateway.config import load_settings
from gateway.demo import load_demo_users
from gateway.migrations import migrate

@pytest.fixture(scope="session")
def gateway_database_url(databases) -> str:
    url = databases.create("gateway")
    migrate(url)
    return url


@pytest.fixture(scope="session")
def gateway_db(gateway_database_url):
    database = Database(gateway_database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def fake_services(token_keys):
    fake = FakeServices(token_keys[1])
    with ServedApp(fake.app) as served:
        fake.url = served.url
        yield fake


@pytest.fixture(autouse=True)
def _fresh_fake_services(request):
    if "fake_services" in request.fixturenames:
        request.getfixturevalue("fake_services").reset()


@pytest.fixture(scope="session")
def demo_users(gateway_db) -> dict[str, str]:
    with gateway_db.session() as session:
        return dict(load_demo_users(session))


@pytest.fixture(scope="session")
def member_organisation_id(gateway_db, demo_users):
    import uuid

    organisation_id = uuid.UUID("0b6f4a1e-51c9-4d53-9f0e-6d1d3c2a7b10")
    with gateway_db.session() as session:
        accounts.set_organisation(session, "member", organisation_id)
    return organisation_id


@pytest.fixture(scope="session")
def settings(gateway_database_url, token_keys, fake_services, demo_users, member_organisation_id):
    return load_settings(gateway_environ(gateway_database_url, token_keys, fake_services.url))


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def browser_session(client):
    return Browser(client)


@pytest.fixture
def logged_in(client, browser_session):
    """logged_in(username) -> a test client with that demo user signed in."""

    def _login(username: str):
        response = browser_session.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login
