"""Finance's test fixtures: the app on a fresh, migrated database (each area adds its helpers in its own module)."""
from hubkit.testing import service_app_fixture
from finance.app import SERVICE

app = service_app_fixture(SERVICE)
