"""Gathering the state of each service, the broker and the gateway's own database for the health page."""
from __future__ import annotations

import dataclasses
from typing import Any

from hubkit.config import SERVICES, KafkaSettings
from hubkit.topics import broker_topics

from ..adapters.database import Database
from ..proxy.client import ServiceDown, call_service


@dataclasses.dataclass
class ServiceHealth:
    service: str
    alive: bool = False
    ready: bool = False
    checks: dict[str, str] = dataclasses.field(default_factory=dict)
    status: dict[str, Any] | None = None
    dead_letters: list[dict] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


def service_health(service: str) -> ServiceHealth:
    """Liveness, readiness, outbox and consumer status, and dead letters of one service."""
    health = ServiceHealth(service)
    try:
        health.alive = call_service(service, "GET", "/healthz").status == 200
        ready = call_service(service, "GET", "/readyz", allow_5xx=True)  # 503 names the failing check
        health.ready = ready.status == 200
        if isinstance(ready.body, dict):
            health.checks = {str(k): str(v) for k, v in (ready.body.get("checks") or {}).items()}
    except ServiceDown as exc:
        health.problems.append(exc.message)
        return health
    for path, field in (("/admin/status", "status"), ("/admin/dead-letters", "dead_letters")):
        try:
            answer = call_service(service, "GET", path)
        except ServiceDown as exc:
            health.problems.append(exc.message)
            continue
        if answer.ok:
            setattr(health, field, answer.body)
        else:
            health.problems.append(f"{path} answered {answer.status}")
    return health


def all_services_health() -> list[ServiceHealth]:
    return [service_health(service) for service in SERVICES]


def broker_health(kafka: KafkaSettings) -> dict:
    """Whether the broker answers, and its topics."""
    try:
        topics = broker_topics(kafka)
        return {"reachable": True, "topics": topics, "error": None}
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable" on this page
        return {"reachable": False, "topics": [], "error": type(exc).__name__}


def database_health(database: Database) -> dict:
    try:
        database.ping()
        return {"reachable": True, "error": None}
    except Exception as exc:  # noqa: BLE001
        return {"reachable": False, "error": type(exc).__name__}
