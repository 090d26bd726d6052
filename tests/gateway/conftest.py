"""Fixtures for the gateway's tests: a migrated PostgreSQL database, demo users, a fake upstream, the app."""
from __future__ import annotations

from uuid import uuid4

import pytest

from gateway_fake_services import FakeServices, ServedApp
from gateway_helpers import THROWAWAY_PASSWORD, Browser, gateway_environ

from gateway import accounts
from gateway.adapters.database import Database
from gateway.app import create_app
from gateway.config import load_settings
from gateway.demo import DEMO_CONSORTIUM_ID, load_demo_users
from gateway.domain.audit import DEMO_ACTOR
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
        accounts.set_organisation(session, "member", organisation_id, actor=DEMO_ACTOR)
    return organisation_id


@pytest.fixture(scope="session")
def settings(gateway_database_url, token_keys, fake_services, demo_users, member_organisation_id):
    # The everyone-counter is shared by every test of the run and tests move the clock: it is tested on a
    # gateway of its own (test_login_throttling.small_gateway), and allows plenty here.
    return load_settings(gateway_environ(gateway_database_url, token_keys, fake_services.url,
                                         GATEWAY_LOGIN_EVERYONE_MAX_FAILURES="1000000"))


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    """A test client from an address of its own, so one test's failed sign-ins never delay another's."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid4().int % 250}.{uuid4().int % 250}.{uuid4().int % 250 + 1}"
    return client


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


@pytest.fixture
def throwaway_user(gateway_db, demo_users):
    """new_user() -> the username of a fresh board member in the demo consortium, password THROWAWAY_PASSWORD.

    For tests that lock a username out or end its sessions, so the shared demo users never are.
    """
    def _new_user() -> str:
        username = f"throwaway-{uuid4().hex[:10]}"
        with gateway_db.session() as session:
            accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD,
                                 consortium_id=DEMO_CONSORTIUM_ID, roles={"board_member"}, actor="test:throwaway")
        return username

    return _new_user
