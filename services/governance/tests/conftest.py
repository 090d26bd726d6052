from hubkit.testing import service_app_fixture
from governance.app import SERVICE

app = service_app_fixture(SERVICE)
