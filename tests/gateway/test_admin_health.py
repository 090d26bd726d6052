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


def test_health_page_shows_each_consumer_workers_state_lag_and_last_error(logged_in, fake_services):
    fake_services.consumers["finance"] = [
        {"worker": "finance-worker:7", "mode": "group", "state": "failing", "partitions": ["hub.contracts/1"],
         "lag": 42, "last_applied_at": None, "last_error": "OperationalError: the database went away",
         "error_at": "2030-01-01T09:00:00+00:00", "seen_at": "2030-01-01T09:00:01+00:00", "silent": False},
        {"worker": "finance-worker:8", "mode": "group", "state": "running", "partitions": [], "lag": None,
         "last_applied_at": None, "last_error": None, "error_at": None, "seen_at": "2030-01-01T08:00:00+00:00",
         "silent": True}]
    fake_services.consumers["governance"] = []
    html = logged_in("admin").get("/admin/health").get_data(as_text=True)
    finance = html[html.index("Finance service"):html.index("Governance service")]
    assert "finance-worker:7 (group)" in finance and "Failing" in finance and "Behind by: 42" in finance
    assert "hub.contracts/1" in finance and "OperationalError: the database went away" in finance
    assert "finance-worker:8" in finance and "Silent" in finance and "not known yet" in finance
    assert "Last event applied: none yet" in finance
    assert "No worker has reported yet." in html[html.index("Governance service"):]
    membership = html[html.index("Membership service"):html.index("Contracts service")]
    assert "Running" in membership and "membership-worker:1 (group)" in membership


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
