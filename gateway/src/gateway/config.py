"""The gateway's settings, read from the environment and checked once at start."""
from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path
from typing import Mapping

from hubkit.config import DEFAULT_PORTS, SERVICES, ConfigError, EnvReader, KafkaSettings, var_dir

MIB = 1024 * 1024


def parse_database_url(text: str) -> str:
    """Accept postgresql:// or sqlite:/// URLs; plain postgresql:// uses psycopg 3, the driver we install."""
    if not (text.startswith("postgresql") or text.startswith("sqlite")):
        raise ValueError("must be a postgresql:// or sqlite:/// URL")
    if text.startswith("postgresql://"):
        text = "postgresql+psycopg://" + text[len("postgresql://"):]
    return text


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise ValueError(f"no such file: {text}")
    return path


def _positive_number(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def _positive_int(text: str) -> int:
    value = int(text, 10)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _http_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return text.rstrip("/")


@dataclasses.dataclass(frozen=True)
class GatewaySettings:
    """Everything the gateway process needs."""

    database_url: str
    secret_key: str
    token_private_key_file: Path
    token_public_key_file: Path
    token_issuer: str
    service_urls: Mapping[str, str]
    kafka: KafkaSettings
    upstream_timeout_s: float
    max_body_bytes: int
    session_cookie_secure: bool
    port: int
    log_level: str = "INFO"
    node_modules: Path = Path(__file__).resolve().parents[2] / "node_modules"

    @functools.cached_property
    def private_key_pem(self) -> bytes:
        return self.token_private_key_file.read_bytes()

    @functools.cached_property
    def public_key_pem(self) -> bytes:
        return self.token_public_key_file.read_bytes()


def read_database_url(environ: Mapping[str, str] | None = None) -> str:
    """Only the database URL: enough for `manage migrate` and the user commands."""
    environ = os.environ if environ is None else environ
    reader = EnvReader(environ)
    url = reader.get("GATEWAY_DATABASE_URL", f"sqlite:///{var_dir(environ) / 'gateway.db'}", parse_database_url)
    if reader.problems:
        raise ConfigError(reader.problems)
    return url


def load_settings(environ: Mapping[str, str] | None = None, **overrides) -> GatewaySettings:
    """Read and check every setting; raise ConfigError listing everything that is wrong."""
    environ = os.environ if environ is None else environ
    reader = EnvReader(environ)
    service_urls = {
        service: reader.get(f"{service.upper()}_URL", f"http://127.0.0.1:{DEFAULT_PORTS[service]}", _http_url)
        for service in SERVICES
    }
    settings = GatewaySettings(
        database_url=reader.get("GATEWAY_DATABASE_URL", f"sqlite:///{var_dir(environ) / 'gateway.db'}",
                                parse_database_url),
        secret_key=reader.get("GATEWAY_SECRET_KEY", "", required=True),
        token_private_key_file=reader.get("HUB_TOKEN_PRIVATE_KEY_FILE", None, _existing_file, required=True),
        token_public_key_file=reader.get("HUB_TOKEN_PUBLIC_KEY_FILE", None, _existing_file, required=True),
        token_issuer=reader.get("HUB_TOKEN_ISSUER", "consortium-hub-gateway"),
        service_urls=service_urls,
        kafka=KafkaSettings(bootstrap_servers=reader.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                            request_timeout_ms=2000),
        upstream_timeout_s=reader.get("HUB_UPSTREAM_TIMEOUT_S", 10.0, _positive_number),
        max_body_bytes=reader.get("HUB_MAX_BODY_BYTES", MIB, _positive_int),
        session_cookie_secure=reader.get("SESSION_COOKIE_SECURE", False, _bool),
        port=reader.get("GATEWAY_PORT", DEFAULT_PORTS["gateway"], _positive_int),
        log_level=reader.get("LOG_LEVEL", "INFO"),
    )
    if reader.problems:
        raise ConfigError(reader.problems)
    return dataclasses.replace(settings, **overrides) if overrides else settings
