"""Settings from the environment, checked at start."""
import pytest
from hubkit.config import ConfigError

from gateway.app import create_app
from gateway.config import load_settings
from gateway.manage import main as manage


def test_missing_settings_are_all_named_at_once(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings({"HUB_VAR_DIR": str(tmp_path), "HUB_TOKEN_PUBLIC_KEY_FILE": str(tmp_path / "absent.pem"),
                       "HUB_UPSTREAM_TIMEOUT_S": "soon"})
    text = "\n".join(raised.value.problems)
    assert "GATEWAY_SECRET_KEY is required" in text
    assert "HUB_TOKEN_PRIVATE_KEY_FILE is required" in text
    assert "no such file" in text and "HUB_UPSTREAM_TIMEOUT_S" in text


def test_defaults_and_postgresql_url_rewrite(tmp_path, token_keys):
    environ = {"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s", "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    settings = load_settings(environ)
    assert settings.database_url == f"sqlite:///{tmp_path / 'gateway.db'}"
    assert settings.service_urls["finance"] == "http://127.0.0.1:8003"
    assert settings.max_body_bytes == 1024 * 1024 and settings.upstream_timeout_s == 10 and settings.port == 8000
    assert settings.session_cookie_secure is False and settings.token_issuer == "consortium-hub-gateway"
    pg = load_settings(environ | {"GATEWAY_DATABASE_URL": "postgresql://u@h/db"})
    assert pg.database_url == "postgresql+psycopg://u@h/db"


def test_manage_migrates_an_embedded_sqlite_database_and_the_app_starts_on_it(tmp_path, token_keys, monkeypatch):
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
    assert manage(["migrate"]) == 0
    assert manage(["load-demo"]) == 0
    settings = load_settings({"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s",
                              "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
                              "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])})
    client = create_app(settings).test_client()
    assert client.post("/api/auth/token", json={"username": "board", "password": "demo-password-2026"}).status_code == 200
