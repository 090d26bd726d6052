"""The gateway's settings, read from the environment and checked once at start."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from pathlib import Path
from typing import Any, Mapping

from hubkit.clock import DEFAULT_TIME_ZONE
from hubkit.config import (DEFAULT_PORTS, SERVICES, ConfigError, EnvReader, KafkaSettings, parse_bool,
                           parse_database_url, parse_existing_file, parse_positive_int, parse_positive_number,
                           parse_time_zone, var_dir)

from .domain.sessions import SessionPolicy
from .domain.throttling import DelayRule, ThrottlePolicy

MIB = 1024 * 1024


def _whole_seconds(text: str) -> int:
    value = int(text, 10)
    if not 0 <= value <= 60:
        raise ValueError("must be a whole number of seconds from 0 to 60")
    return value


def _proxy_hops(text: str) -> int:
    value = int(text, 10)
    if not 0 <= value <= 5:
        raise ValueError("must be a whole number from 0 to 5")
    return value


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
    max_upload_bytes: int
    session_cookie_secure: bool
    port: int
    log_level: str = "INFO"
    login_max_failures: int = 5
    login_address_max_failures: int = 20
    login_everyone_max_failures: int = 300
    login_window_minutes: int = 15
    login_first_delay_seconds: int = 30
    login_max_delay_minutes: int = 15
    session_idle_minutes: int = 60
    session_max_hours: int = 8
    revocation_check_seconds: int = 5  # how long an API token's user is taken as still allowed, per process
    trusted_proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-For names the client
    display_time_zone: Any = None  # ZoneInfo: people see times in it; everything is stored in UTC
    node_modules: Path = Path(__file__).resolve().parents[2] / "node_modules"
    mail: Any = None  # mail.MailSettings: SMTP, or the outbox table when no server is set; links' base URL
    two_factor_required: bool = False  # host admins and finance officers must sign in with two-factor

    @property
    def login_throttle(self) -> ThrottlePolicy:
        window = dt.timedelta(minutes=self.login_window_minutes)
        first = dt.timedelta(seconds=self.login_first_delay_seconds)
        longest = max(first, dt.timedelta(minutes=self.login_max_delay_minutes))
        return ThrottlePolicy(username=DelayRule(self.login_max_failures, window, first, longest),
                              address=DelayRule(self.login_address_max_failures, window, first, longest),
                              everyone=DelayRule(self.login_everyone_max_failures, dt.timedelta(minutes=1),
                                                 dt.timedelta(seconds=1), dt.timedelta(minutes=1)))

    @property
    def browser_sessions(self) -> SessionPolicy:
        return SessionPolicy(idle_timeout=dt.timedelta(minutes=self.session_idle_minutes),
                             max_age=dt.timedelta(hours=self.session_max_hours))

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
        token_private_key_file=reader.get("HUB_TOKEN_PRIVATE_KEY_FILE", None, parse_existing_file, required=True),
        token_public_key_file=reader.get("HUB_TOKEN_PUBLIC_KEY_FILE", None, parse_existing_file, required=True),
        token_issuer=reader.get("HUB_TOKEN_ISSUER", "consortium-hub-gateway"),
        service_urls=service_urls,
        kafka=KafkaSettings(bootstrap_servers=reader.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                            request_timeout_ms=2000),
        upstream_timeout_s=reader.get("HUB_UPSTREAM_TIMEOUT_S", 10.0, parse_positive_number),
        max_body_bytes=reader.get("HUB_MAX_BODY_BYTES", MIB, parse_positive_int),
        max_upload_bytes=reader.get("HUB_MAX_UPLOAD_BYTES", 10 * MIB, parse_positive_int),
        session_cookie_secure=reader.get("SESSION_COOKIE_SECURE", False, parse_bool),
        port=reader.get("GATEWAY_PORT", DEFAULT_PORTS["gateway"], parse_positive_int),
        log_level=reader.get("LOG_LEVEL", "INFO"),
        login_max_failures=reader.get("GATEWAY_LOGIN_MAX_FAILURES", 5, parse_positive_int),
        login_address_max_failures=reader.get("GATEWAY_LOGIN_ADDRESS_MAX_FAILURES", 20, parse_positive_int),
        login_everyone_max_failures=reader.get("GATEWAY_LOGIN_EVERYONE_MAX_FAILURES", 300, parse_positive_int),
        login_window_minutes=reader.get("GATEWAY_LOGIN_WINDOW_MINUTES", 15, parse_positive_int),
        login_first_delay_seconds=reader.get("GATEWAY_LOGIN_FIRST_DELAY_SECONDS", 30, parse_positive_int),
        login_max_delay_minutes=reader.get("GATEWAY_LOGIN_MAX_DELAY_MINUTES", 15, parse_positive_int),
        session_idle_minutes=reader.get("GATEWAY_SESSION_IDLE_MINUTES", 60, parse_positive_int),
        session_max_hours=reader.get("GATEWAY_SESSION_MAX_HOURS", 8, parse_positive_int),
        revocation_check_seconds=reader.get("GATEWAY_REVOCATION_CHECK_SECONDS", 5, _whole_seconds),
        trusted_proxy_hops=reader.get("GATEWAY_TRUSTED_PROXY_HOPS", 0, _proxy_hops),
        two_factor_required=reader.get("GATEWAY_TWO_FACTOR_REQUIRED", False, parse_bool),
        display_time_zone=reader.get("HUB_DISPLAY_TIME_ZONE", parse_time_zone(DEFAULT_TIME_ZONE), parse_time_zone),
    )
    from .mail import read_mail_settings

    settings = dataclasses.replace(settings, mail=read_mail_settings(reader, settings.port))
    if reader.problems:
        raise ConfigError(reader.problems)
    return dataclasses.replace(settings, **overrides) if overrides else settings
