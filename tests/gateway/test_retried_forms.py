"""Writes that are safe to retry, from the gateway: each form the pages show carries a key of its own, which the
gateway sends as the Idempotency-Key of the changes a submission makes, and the /api router passes the header
through (and the services' Idempotent-Replayed back). The fake services keep answers by key as hubkit does."""
import re
import uuid

from gateway_helpers import csrf_token_from

from gateway.demo import DEMO_PASSWORD


def form_key_from(html: str) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', html).group(1)


def registration(client) -> dict:
    html = client.get("/members").get_data(as_text=True)
    return {"csrf_token": csrf_token_from(html), "form_key": form_key_from(html), "name": "Hillside Hub",
            "legal_form": "cic", "postcode": "LS6 2QA"}


def organisation_posts(fake_services) -> list[dict]:
    return [c for c in fake_services.calls if c["service"] == "membership" and c["method"] == "POST"
            and c["path"] == "/organisations"]


def test_each_form_shown_carries_a_new_key_beside_its_csrf_token(logged_in):
    client = logged_in("manager")
    first, again = (form_key_from(client.get("/members").get_data(as_text=True)) for _ in range(2))
    assert uuid.UUID(first) and uuid.UUID(again) and first != again


def test_a_form_post_sends_the_change_to_the_service_with_a_key_made_from_the_forms(logged_in, fake_services):
    client = logged_in("manager")
    form = registration(client)
    assert client.post("/members", data=form).status_code == 302
    [call] = organisation_posts(fake_services)
    assert call["headers"]["Idempotency-Key"].startswith(form["form_key"] + ".")


def test_the_same_form_sent_twice_registers_the_organisation_once(logged_in, fake_services):
    client = logged_in("manager")
    form = registration(client)
    first, resubmitted = client.post("/members", data=form), client.post("/members", data=form)
    assert first.status_code == resubmitted.status_code == 302
    assert first.headers["Location"] == resubmitted.headers["Location"]  # the first answer's organisation page
    assert [o["name"] for o in fake_services.organisations.values()] == ["Hillside Hub"]
    keys = [c["headers"]["Idempotency-Key"] for c in organisation_posts(fake_services)]
    assert len(keys) == 2 and keys[0] == keys[1]


def test_the_form_shown_again_is_a_new_change(logged_in, fake_services):
    client = logged_in("manager")
    client.post("/members", data=registration(client))
    client.post("/members", data=registration(client) | {"name": "Second Hub"})
    assert sorted(o["name"] for o in fake_services.organisations.values()) == ["Hillside Hub", "Second Hub"]


def test_a_form_without_a_key_is_sent_without_one(logged_in, fake_services):
    client = logged_in("manager")
    form = registration(client)
    del form["form_key"]
    client.post("/members", data=form)
    [call] = organisation_posts(fake_services)
    assert "Idempotency-Key" not in call["headers"]


def test_the_api_router_passes_the_key_through_and_the_replayed_mark_back(client, fake_services):
    token = client.post("/api/auth/token", json={"username": "manager", "password": DEMO_PASSWORD}
                        ).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "retry-me-1"}
    first = client.post("/api/contracts/echo/bids", headers=headers, json={"title": "Lunch club"})
    again = client.post("/api/contracts/echo/bids", headers=headers, json={"title": "Lunch club"})
    assert fake_services.last_call("contracts", "POST", "/echo/bids")["headers"]["Idempotency-Key"] == "retry-me-1"
    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
