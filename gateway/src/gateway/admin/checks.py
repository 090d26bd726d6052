"""Gathering the state of each service, the broker and the gateway's own database for the health page."""
from __future__ import annotations

import dataclasses
from typing import Any

from hubkit.config import SERVICES, KafkaSettings
from hubkit.consumer import NO_TOPICS_YET, consumer_workers, dead_letter_count
from hubkit.db import Database as KitDatabase
from hubkit.relay import outbox_backlog
from hubkit.topics import broker_topics
from sqlalchemy import desc, select

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
    title: str | None = None  # the heading, if not "<Service> service"
    probed: bool = True  # answers /healthz and /readyz (a worker without HTTP does not)


GATEWAY_WORKER = "gateway"  # the gateway's notifications worker, shown beside the services
DEAD_LETTERS_SHOWN = 50


def as_shown(workers: list[dict]) -> list[dict]:
    """Each consumer worker's report as the page shows it: waiting for topics a fresh broker does not have yet is
    what the worker is doing (`note`), not an error."""
    shown = []
    for worker in workers:
        worker = dict(worker)
        if worker.get("last_error") == NO_TOPICS_YET:
            worker["last_error"] = None
            worker["note"] = NO_TOPICS_YET if worker.get("state") == "waiting" else None
        shown.append(worker)
    return shown


def gateway_worker_health(database: KitDatabase) -> ServiceHealth:
    """The gateway's notifications worker, read from the gateway's own database as each service reads its own
    (hubkit's kit tables): its consumer workers' state and lag, the dead-letter notices waiting to be sent, and its
    dead letters."""
    health = ServiceHealth(GATEWAY_WORKER, title="Gateway notifications worker", probed=False)
    try:
        backlog, oldest = outbox_backlog(database)
        health.status = {"service": GATEWAY_WORKER, "outbox_backlog": backlog, "outbox_oldest_unsent_at": oldest,
                         "dead_letters": dead_letter_count(database), "consumers": as_shown(consumer_workers(database))}
        letters = database.kit.dead_letter
        with database.session(None) as session:
            health.dead_letters = [dict(row._mapping) for row in session.execute(
                select(letters).order_by(desc(letters.c.created_at), desc(letters.c.id)).limit(DEAD_LETTERS_SHOWN))]
    except Exception as exc:  # noqa: BLE001 - the page says the gateway's database did not answer
        health.problems.append(f"The gateway's database did not answer: {type(exc).__name__}")
    return health


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
            if field == "status" and isinstance(answer.body, dict):
                health.status = answer.body | {"consumers": as_shown(answer.body.get("consumers") or [])}
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
