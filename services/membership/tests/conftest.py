from hubkit.testing import service_app_fixture
from membership.app import SERVICE

app = service_app_fixture(SERVICE)
