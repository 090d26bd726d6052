"""How a service's consumer workers are judged for readiness, and when a group worker with no partitions joins again."""
from __future__ import annotations

import datetime as dt
import types

import pytest

from hubkit.config import KafkaSettings
from hubkit.consumer import EventConsumer, EventHandlers, consumer_check

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)


def worker(state: str, silent: bool = False, error: str | None = None) -> dict:
    return {"worker": "w", "state": state, "silent": silent, "seen_at": NOW, "last_error": error}


@pytest.mark.parametrize("workers, consumes, expected", [
    ([], True, "not started"),
    ([], False, "ok"),  # a service that consumes nothing needs no worker
    ([worker("running")], True, "ok"),
    ([worker("running"), worker("idle")], True, "ok"),  # a spare worker beside one at work
    ([worker("idle")], True, "idle: no worker owns a partition"),
    ([worker("failing", error="OperationalError: gone")], True, "failing: OperationalError: gone"),
    ([worker("failing", error="x"), worker("running")], True, "ok"),  # another carries on
    ([worker("running", silent=True)], True, "silent since 2030-01-01 00:00:00 UTC"),
    ([worker("stopped")], True, "not started"),
])
def test_readiness_of_a_services_consumers(workers, consumes, expected):
    assert consumer_check(workers, consumes) == expected


class FakeAdmin:
    """Answers describe_groups and describe_topics as a broker would (a unit test of the watchdog's rule)."""

    def __init__(self, members: list[str], partitions: int = 3):
        self.members, self.partitions = members, partitions

    def describe_groups(self, groups):
        return {groups[0]: {"members": [{"client_id": c} for c in self.members]}}

    def describe_topics(self, topics):
        return [{"name": t, "topic_id": "id", "error_code": 0, "partitions": list(range(self.partitions))}
                for t in topics]


def group_consumer(admin: FakeAdmin) -> EventConsumer:
    handlers = EventHandlers()
    handlers.on("membership.organisation.registered")(lambda uow, event: None)
    settings = types.SimpleNamespace(service="contracts", consumer_max_tries=3,
                                     kafka=KafkaSettings(bootstrap_servers="127.0.0.1:1"))
    consumer = EventConsumer(db=types.SimpleNamespace(kit=None), settings=settings, handlers=handlers, worker="w1")
    consumer._admin = admin
    return consumer


def test_a_group_worker_with_no_partitions_joins_again_only_when_the_group_should_have_work_for_it():
    me = "contracts-consumer-w1"
    assert group_consumer(FakeAdmin([me, "other"]))._stuck_without_partitions()  # 2 members, 3 partitions each
    assert group_consumer(FakeAdmin(["other"]))._stuck_without_partitions()  # the group has forgotten us
    assert not group_consumer(FakeAdmin([me, "b", "c", "d"]))._stuck_without_partitions()  # a spare fourth worker
