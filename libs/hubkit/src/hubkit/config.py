"""Configuration from the environment, checked once at start with a message naming every problem."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Mapping

from .clock import DEFAULT_TIME_ZONE

SERVICES = ("membership", "contracts", "finance", "governance")
DEFAULT_PORTS = {"gateway": 8000, "membership": 8001, "contracts": 8002, "finance": 8003, "governance": 8004}


class ConfigError(RuntimeError):
    """Raised when the environment is missing or has malformed settings; lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Configuration error:\n  - " + "\n  - ".join(problems))


def parse_int(text: str) -> int:
    return int(text, 10)


def parse_positive_int(text: str) -> int:
    value = int(text, 10)
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def parse_positive_number(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError("must be a positive number")
    return value


def parse_time_zone(text: str):
    """An IANA time zone name such as Europe/London."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("must be a time zone name such as Europe/London") from exc


def parse_acks(text: str) -> Any:
    if text == "all":
        return "all"
    if text in ("0", "1"):
        return int(text)
    raise ValueError("must be all, 0 or 1")


def parse_database_url(text: str) -> str:
    """postgresql:// or sqlite:/// URLs; a plain postgresql:// uses psycopg 3, the driver we install."""
    if not (text.startswith("postgresql") or text.startswith("sqlite")):
        raise ValueError("must be a postgresql+psycopg:// or sqlite:/// URL")
    if text.startswith("postgresql://"):
            text = "postgresql+psycopg://" + text[len("postgresql://"):]
    return text


def parse_existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise ValueError(f"no such file: {text}")
    return path


class EnvReader:
    """Reads typed values from an environment mapping, collecting problems instead of failing fast."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def get(self, name: str, default: Any, parse: Callable[[str], Any] = str, *, required: bool = False) -> Any:
        raw = self.environ.get(name)
        if raw is None or raw == "":
            if required:
                self.problems.append(f"{name} is required but not set")
            return default
        try:
            return parse(raw)
        except (ValueError, TypeError) as exc:
            self.problems.append(f"{name}={raw!r} is malformed: {exc}")
            return default


BROKER_KINDS = ("kafka", "tansu")
CONSUMER_MODES = ("group", "self-assign")


def parse_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError("must be one of " + ", ".join(choices))
        return text

    return parse


@dataclasses.dataclass(frozen=True)
class KafkaSettings:
    """kafka-python settings. Defaults are Apache Kafka's way; `for_broker("tansu")` names the Tansu workarounds."""

    bootstrap_servers: str
    broker_kind: str = "kafka"
    acks: Any = "all"
    retries: int = 5
    enable_idempotence: bool = True
    # group: a service's workers share partitions through a consumer group (Kafka). self-assign: one
    # worker per service takes every partition itself; Tansu's groups stall (DESIGN.md).
    consumer_mode: str = "group"
    request_timeout_ms: int = 10000
    max_block_ms: int = 5000
    fetch_max_wait_ms: int = 100  # Tansu answers waiting fetches late; Kafka's default is 500.
    session_timeout_ms: int = 6000  # only used by group consumers (Kafka's minimum; default 45000)
    heartbeat_interval_ms: int = 1000
    max_poll_interval_ms: int = 30000
    topic_partitions: int = 3

    @classmethod
    def for_broker(cls, broker_kind: str, bootstrap_servers: str, **overrides: Any) -> "KafkaSettings":
        """The settings a broker kind needs, with any explicit overrides on top."""
        return cls(bootstrap_servers=bootstrap_servers, broker_kind=broker_kind,
                   **{**TANSU_WORKAROUNDS.get(broker_kind, {}), **overrides})

    def group_id(self, consumer: str) -> str:
        return f"hub.{consumer}"

    def producer_config(self) -> dict[str, Any]:
        return {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "acks": self.acks,
            "retries": self.retries,
            "enable_idempotence": self.enable_idempotence,
            "request_timeout_ms": self.request_timeout_ms,
            "max_block_ms": self.max_block_ms,
        }

    def consumer_config(self) -> dict[str, Any]:
        return {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "enable_auto_commit": False,  # offsets live in the service's database, with the effect
            "auto_offset_reset": "earliest",
            "fetch_max_wait_ms": self.fetch_max_wait_ms,
            "request_timeout_ms": max(self.request_timeout_ms, self.fetch_max_wait_ms + 1000),
            "session_timeout_ms": self.session_timeout_ms,
            "heartbeat_interval_ms": self.heartbeat_interval_ms,
            "max_poll_interval_ms": self.max_poll_interval_ms,
        }

    def admin_config(self, timeout_ms: int | None = None) -> dict[str, Any]:
        """Admin client settings; timeout_ms bounds connecting too (kafka-python waits 30 s by default)."""
        timeout = timeout_ms or self.request_timeout_ms
        return {"bootstrap_servers": self.bootstrap_servers.split(","), "request_timeout_ms": timeout,
                "bootstrap_timeout_ms": timeout}


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    """Everything a service process needs, read from the environment."""

    service: str
    database_url: str
    kafka: KafkaSettings
    token_public_key_file: Path | None
    token_issuer: str
    max_body_bytes: int
    max_upload_bytes: int
    consumer_max_tries: int
    consumer_retry_backoff_ms: int
    relay_poll_interval_ms: int
    log_level: str
    port: int
    time_zone: Any = None  # ZoneInfo: the zone whose calendar days the service counts (hubkit.clock)
    testing: bool = False
    token_max_lifetime_s: int = 60  # tokens made to live longer (exp - iat) are refused (HUB_TOKEN_MAX_LIFETIME_S)

    @property
    def topic(self) -> str:
        return f"hub.{self.service}"


def var_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder for local state (SQLite files, keys) used by `make run`."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("HUB_VAR_DIR") or Path.cwd() / "var").resolve()


# Tansu-only workarounds, each for a fault measured against Tansu 0.6 (DESIGN.md, "The broker"):
# its idempotent producer never recovers from a restart (UnknownProducerIdError), and its consumer
# groups stall on join, so a service's single worker assigns itself every partition.
TANSU_WORKAROUNDS: dict[str, dict[str, Any]] = {"tansu": {"enable_idempotence": False, "consumer_mode": "self-assign"}}


def kafka_settings(reader: EnvReader) -> KafkaSettings:
    kind = reader.get("HUB_BROKER_KIND", "kafka", parse_choice(BROKER_KINDS))
    defaults = KafkaSettings.for_broker(kind, "")
    return KafkaSettings(
        bootstrap_servers=reader.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        broker_kind=kind,
        consumer_mode=reader.get("HUB_CONSUMER_MODE", defaults.consumer_mode, parse_choice(CONSUMER_MODES)),
        acks=reader.get("KAFKA_ACKS", "all", parse_acks),
        retries=reader.get("KAFKA_RETRIES", 5, parse_int),
        enable_idempotence=reader.get("KAFKA_ENABLE_IDEMPOTENCE", defaults.enable_idempotence, parse_bool),
        request_timeout_ms=reader.get("KAFKA_REQUEST_TIMEOUT_MS", 10000, parse_positive_int),
        max_block_ms=reader.get("KAFKA_MAX_BLOCK_MS", 5000, parse_positive_int),
        fetch_max_wait_ms=reader.get("KAFKA_FETCH_MAX_WAIT_MS", 100, parse_positive_int),
        session_timeout_ms=reader.get("KAFKA_SESSION_TIMEOUT_MS", 6000, parse_positive_int),
        heartbeat_interval_ms=reader.get("KAFKA_HEARTBEAT_INTERVAL_MS", 1000, parse_positive_int),
        max_poll_interval_ms=reader.get("KAFKA_MAX_POLL_INTERVAL_MS", 30000, parse_positive_int),
        topic_partitions=reader.get("KAFKA_TOPIC_PARTITIONS", 3, parse_positive_int),
    )


def load_service_settings(service: str, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServiceSettings:
    """Read and check a service's settings; raise ConfigError listing everything wrong."""
    environ = os.environ if environ is None else environ
    reader = EnvReader(environ)
    prefix = service.upper()
    default_db = f"sqlite:///{var_dir(environ) / (service + '.db')}"
    settings = ServiceSettings(
        service=service,
        database_url=reader.get(f"{prefix}_DATABASE_URL", parse_database_url(default_db), parse_database_url),
        kafka=kafka_settings(reader),
        token_public_key_file=reader.get("HUB_TOKEN_PUBLIC_KEY_FILE", None, parse_existing_file, required=True),
        token_issuer=reader.get("HUB_TOKEN_ISSUER", "consortium-hub-gateway"),
        token_max_lifetime_s=reader.get("HUB_TOKEN_MAX_LIFETIME_S", 60, parse_positive_int),
        max_body_bytes=reader.get("HUB_MAX_BODY_BYTES", 1024 * 1024, parse_positive_int),
        max_upload_bytes=reader.get("HUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, parse_positive_int),
        consumer_max_tries=reader.get("HUB_CONSUMER_MAX_TRIES", 3, parse_positive_int),
        consumer_retry_backoff_ms=reader.get("HUB_CONSUMER_RETRY_BACKOFF_MS", 200, parse_int),
        relay_poll_interval_ms=reader.get("HUB_RELAY_POLL_INTERVAL_MS", 100, parse_positive_int),
        log_level=reader.get("LOG_LEVEL", "INFO"),
        port=reader.get(f"{prefix}_PORT", DEFAULT_PORTS.get(service, 8080), parse_positive_int),
        time_zone=reader.get("HUB_DISPLAY_TIME_ZONE", parse_time_zone(DEFAULT_TIME_ZONE), parse_time_zone),
    )
    if reader.problems:
        raise ConfigError(reader.problems)
    if overrides:
        settings = dataclasses.replace(settings, **overrides)
    return settings
