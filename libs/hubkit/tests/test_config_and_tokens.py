"""Configuration checked at start, and the gateway's signed tokens."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from hubkit.config import ConfigError, load_service_settings
from hubkit.tokens import InvalidToken, Principal, mint, verify


def test_missing_and_malformed_settings_are_all_named_at_once(tmp_path):
    with pytest.raises(ConfigError) as failure:
        load_service_settings("membership", {"MEMBERSHIP_DATABASE_URL": "mysql://x", "KAFKA_ACKS": "most",
                                             "HUB_MAX_BODY_BYTES": "-1"})
    message = str(failure.value)
    for name in ("MEMBERSHIP_DATABASE_URL", "KAFKA_ACKS", "HUB_MAX_BODY_BYTES", "HUB_TOKEN_PUBLIC_KEY_FILE"):
        assert name in message


def test_defaults_are_apache_kafkas_way_and_postgresql_urls_use_psycopg(token_keys):
    settings = load_service_settings("finance", {"HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1]),
                                                 "FINANCE_DATABASE_URL": "postgresql://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.port == 8003 and settings.topic == "hub.finance"
    producer = settings.kafka.producer_config()
    assert producer["acks"] == "all" and producer["enable_idempotence"] is True
    assert settings.kafka.consumer_mode == "group" and settings.kafka.group_id("finance") == "hub.finance"
    assert settings.kafka.consumer_config()["enable_auto_commit"] is False


def test_tansu_names_its_workarounds_and_each_can_still_be_set(token_keys):
    base = {"HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1]), "HUB_BROKER_KIND": "tansu"}
    tansu = load_service_settings("finance", base).kafka
    assert (tansu.broker_kind, tansu.enable_idempotence, tansu.consumer_mode) == ("tansu", False, "self-assign")
    assert tansu.producer_config()["acks"] == "all"
    forced = load_service_settings("finance", base | {"HUB_CONSUMER_MODE": "group",
                                                      "KAFKA_ENABLE_IDEMPOTENCE": "true"}).kafka
    assert (forced.enable_idempotence, forced.consumer_mode) == (True, "group")
    with pytest.raises(ConfigError) as failed:
        load_service_settings("finance", base | {"HUB_BROKER_KIND": "redpanda", "HUB_CONSUMER_MODE": "both"})
    assert any("HUB_BROKER_KIND" in p for p in failed.value.problems)
    assert any("HUB_CONSUMER_MODE" in p for p in failed.value.problems)


PRINCIPAL = Principal(user_id="u1", username="ann", consortium_id=uuid.uuid4(), organisation_id=None,
                      roles=frozenset({"finance_officer"}))


def test_a_token_round_trips_for_its_audience_only(token_keys):
    token = mint(PRINCIPAL, token_keys[0].read_bytes(), issuer="consortium-hub-gateway", audience="finance")
    assert verify(token, token_keys[1].read_bytes(), issuer="consortium-hub-gateway", audience="finance") == PRINCIPAL
    with pytest.raises(InvalidToken):
        verify(token, token_keys[1].read_bytes(), issuer="consortium-hub-gateway", audience="membership")


def test_expired_and_foreign_tokens_are_refused(token_keys, other_keys):
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    expired = mint(PRINCIPAL, token_keys[0].read_bytes(), issuer="consortium-hub-gateway", audience="finance",
                   now=old)
    foreign = mint(PRINCIPAL, other_keys[0].read_bytes(), issuer="consortium-hub-gateway", audience="finance")
    for token in (expired, foreign, "not-a-token"):
        with pytest.raises(InvalidToken):
            verify(token, token_keys[1].read_bytes(), issuer="consortium-hub-gateway", audience="finance")


def test_unknown_roles_in_a_token_are_refused(token_keys):
    odd = Principal(user_id="u", username="u", consortium_id=uuid.uuid4(), organisation_id=None,
                    roles=frozenset({"superuser"}))
    token = mint(odd, token_keys[0].read_bytes(), issuer="consortium-hub-gateway", audience="finance")
    with pytest.raises(InvalidToken):
        verify(token, token_keys[1].read_bytes(), issuer="consortium-hub-gateway", audience="finance")


def test_a_token_made_to_live_longer_than_the_maximum_is_refused(token_keys):
    """Issue 11: a token that outlives revocation is refused however good its signature."""
    private, public = token_keys[0].read_bytes(), token_keys[1].read_bytes()
    for ttl, accepted in ((dt.timedelta(seconds=60), True), (dt.timedelta(seconds=61), False),
                          (dt.timedelta(hours=2), False)):
        token = mint(PRINCIPAL, private, issuer="consortium-hub-gateway", audience="finance", ttl=ttl)
        if accepted:
            assert verify(token, public, issuer="consortium-hub-gateway", audience="finance",
                          max_lifetime=dt.timedelta(seconds=60)) == PRINCIPAL
        else:
            with pytest.raises(InvalidToken, match="longer than the 60 s allowed"):
                verify(token, public, issuer="consortium-hub-gateway", audience="finance",
                       max_lifetime=dt.timedelta(seconds=60))


def test_the_maximum_token_lifetime_is_a_setting_every_service_checks(token_keys):
    from flask import Flask

    from hubkit.auth import TokenChecker, allow, check_request

    base = {"HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    assert load_service_settings("finance", base).token_max_lifetime_s == 60
    assert load_service_settings("finance", base | {"HUB_TOKEN_MAX_LIFETIME_S": "300"}).token_max_lifetime_s == 300
    with pytest.raises(ConfigError, match="HUB_TOKEN_MAX_LIFETIME_S"):
        load_service_settings("finance", base | {"HUB_TOKEN_MAX_LIFETIME_S": "forever"})

    app = Flask("finance")  # what hubkit.web wires into every service: the checker and the before_request hook
    app.extensions["hubkit.settings"] = load_service_settings("finance", base | {"HUB_TOKEN_MAX_LIFETIME_S": "120"})
    app.extensions["hubkit.tokens"] = TokenChecker(token_keys[1], "consortium-hub-gateway", "finance")
    app.before_request(check_request)

    @app.get("/staff")
    @allow("finance_officer")
    def staff():
        return {"ok": True}

    client = app.test_client()

    def ask(ttl: dt.timedelta) -> int:
        token = mint(PRINCIPAL, token_keys[0].read_bytes(), issuer="consortium-hub-gateway", audience="finance",
                     ttl=ttl)
        return client.get("/staff", headers={"Authorization": f"Bearer {token}"}).status_code

    assert ask(dt.timedelta(seconds=120)) == 200
    assert ask(dt.timedelta(seconds=121)) == 401
    assert ask(dt.timedelta(minutes=15)) == 401  # an API token sent straight to a service
