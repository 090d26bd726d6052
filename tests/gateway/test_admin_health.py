"""/admin/health for the host administrator, and the gateway's own probes."""
import pytest

from gateway_helpers import csrf_token_from


@pytest.mark.parametrize("username", ["manager", "finance", "board", "member"])
def test_health_page_is_forbidden_to_everyone_but_the_host_admin(logged_in, username):
    response = logged_in(username).get("/admin/health")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_health_page_shows_each_service_broker_and_database_in_words(logged_in, fake_services):
    fake_services.not_ready.add("finance")
    fake_services.add_dead_letter("contracts")
    html = logged_in("admin").get("/admin/health").get_data(as_text=True)
    for service in ("Membership", "Contracts", "Finance", "Governance"):
        assert f"{service} service" in html
    assert "Not ready" in html and "broker: unreachable: NoBrokersAvailable" in html
    assert "Reachable" in html  # the gateway's database
    assert "Message broker" in html and "Unreachable" in html  # no broker at 127.0.0.1:1
    assert "membership.member.activated" in html and "Retry" in html and "1 waiting" in html


def test_retrying_a_dead_letter_reports_what_happened(logged_in, fake_services):
    letter = fake_services.add_dead_letter("contracts")
    client = logged_in("admin")
    token = csrf_token_from(client.get("/admin/health").get_data(as_text=True))
    response = client.post(f"/admin/health/contracts/dead-letters/{letter['id']}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert fake_services.dead_letters["contracts"][0]["status"] == "retried"
    assert "was applied again" in client.get("/admin/health").get_data(as_text=True)


def test_gateway_probes_answer(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "service": "gateway"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}
