"""No 500s, ever (issue 11): the gateway refuses what no database stores with 400, as every service does
(hubkit.safe_input): a NUL or a lone surrogate in a username once reached PostgreSQL and answered 500."""
import pytest
from gateway_helpers import csrf_token_from

from gateway.demo import DEMO_PASSWORD


@pytest.mark.parametrize("credentials", [{"username": "fin\u0000ance", "password": DEMO_PASSWORD},
                                         {"username": "fin\ud800ance", "password": DEMO_PASSWORD},
                                         {"username": "finance", "password": "pass\u0000word"}],
                         ids=["NUL in the username", "a lone surrogate", "NUL in the password"])
def test_the_token_endpoint_refuses_unstorable_text_with_400(client, credentials):
    response = client.post("/api/auth/token", json=credentials)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "access_token" not in response.get_json()


def test_the_api_router_refuses_unstorable_json_and_paths_before_forwarding(client, fake_services):
    token = client.post("/api/auth/token", json={"username": "manager", "password": DEMO_PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    deep = b"[" * 600 + b"]" * 600
    for response in (client.post("/api/membership/organisations", data=deep, content_type="application/json",
                                 headers=headers),
                     client.get("/api/membership/organisations/a%00b", headers=headers),
                     client.get("/api/membership/organisations?q=%00", headers=headers)):
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert not [call for call in fake_services.calls if call["service"] == "membership"]


def test_a_sign_in_form_with_a_nul_is_a_400_page(client):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"csrf_token": token, "username": "fin\x00ance", "password": DEMO_PASSWORD})
    assert page.status_code == 400 and page.mimetype == "text/html"
