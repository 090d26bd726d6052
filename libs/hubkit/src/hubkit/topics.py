"""The hub's Kafka topics and the helpers that keep them as we made them."""
from __future__ import annotations

import logging

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError

from .config import SERVICES, KafkaSettings

log = logging.getLogger(__name__)

DEAD_LETTER_TOPIC = "hub.deadletter"
TOPICS = tuple(f"hub.{service}" for service in SERVICES) + (DEAD_LETTER_TOPIC,)


def topic_for(service: str) -> str:
    """One topic per producing service (DESIGN.md)."""
    return f"hub.{service}"


def admin_client(kafka: KafkaSettings, timeout_ms: int | None = None, client_id: str = "hub-admin") -> KafkaAdminClient:
    return KafkaAdminClient(**kafka.admin_config(timeout_ms), client_id=client_id)


def broker_topics(kafka: KafkaSettings, timeout_ms: int = 2000) -> list[str]:
    """The broker's topics, failing within timeout_ms if it cannot be reached (for health checks)."""
    admin = admin_client(kafka, timeout_ms, client_id="hub-health")
    try:
        return sorted(admin.list_topics())
    finally:
        admin.close()


def ensure_topics(admin: KafkaAdminClient, partitions: int, topics: tuple[str, ...] = TOPICS) -> list[str]:
    """Create any missing topic with a fixed partition count; return the names created.

    Created explicitly because kafka-python asks the broker to auto-create on every metadata request,
    and an auto-created topic gets the broker's default partition count.
    """
    existing = set(admin.list_topics())
    missing = [name for name in topics if name not in existing]
    created = []
    for name in missing:
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
            created.append(name)
        except TopicAlreadyExistsError:
            pass
    if created:
        log.info("created topics", extra={"topics": created})
    return created


def describe(admin: KafkaAdminClient, topics: list[str]) -> dict[str, tuple[str, int]]:
    """Map each existing topic to (topic id, partition count); missing topics are left out.

    The topic id changes when a memory-only broker restarts and the topic is made again, which is
    how relays and consumers notice that the broker lost its data.
    """
    result: dict[str, tuple[str, int]] = {}
    try:
        described = admin.describe_topics(topics)
    except UnknownTopicOrPartitionError:
        described = [admin.describe_topics([t])[0] for t in topics if t in set(admin.list_topics())]
    for entry in described:
        if entry.get("error_code", 0) == 0 and entry.get("partitions"):
            result[entry["name"]] = (str(entry["topic_id"]), len(entry["partitions"]))
    return result
