import pytest

from hubkit.testing import migrated_service_app
from governance.app import SERVICE


@pytest.fixture(scope="module")
def app(databases, broker, token_keys):
    app = migrated_service_app(SERVICE, databases, broker, token_keys[1])
    yield app
    app.extensions["hubkit.db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()
