"""Consumers that scale out (issue 15): two finance workers share hub.contracts through one consumer group on
Apache Kafka; one is SIGKILLed mid-stream and the other takes its partitions over, starting each at the offset
kept in finance's database, so 1,200 events are each applied exactly once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka import KafkaProducer
from sqlalchemy import create_engine, text

from finance.app import SERVICE as FINANCE
from hubkit.testing import golden_event, service_settings, wait_for

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
EVENTS = 1200


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "finance", "worker"], env=env, stdout=open(log, "wb"),
                            stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def workers(engine) -> dict[str, list[str]]:
    """Each running worker's partitions of hub.contracts, as it last reported them."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT worker, partitions, state FROM consumer_worker")).all()
    return {r.worker: [p for p in (json.loads(r.partitions) if isinstance(r.partitions, str) else r.partitions or [])
                       if p.startswith("hub.contracts/")]
            for r in rows if r.state != "stopped"}


def test_two_finance_workers_share_the_partitions_and_one_takes_over_when_the_other_is_killed(
        databases, own_kafka_broker, token_keys, tmp_path):
    url = databases.create("finance_group")
    settings = service_settings("finance", url, own_kafka_broker.bootstrap_servers, token_keys[1],
                                kafka=own_kafka_broker.kafka_settings())
    FINANCE.migrate(settings)
    assert settings.kafka.consumer_mode == "group"
    env = dict(os.environ, FINANCE_DATABASE_URL=url, KAFKA_BOOTSTRAP_SERVERS=own_kafka_broker.bootstrap_servers,
               HUB_BROKER_KIND="kafka", HUB_TOKEN_PUBLIC_KEY_FILE=str(token_keys[1]), LOG_LEVEL="INFO",
               HUB_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    env.pop("HUB_CONSUMER_MODE", None)
    engine = create_engine(url)
    first, second = start_worker(env, tmp_path / "worker-1.log"), start_worker(env, tmp_path / "worker-2.log")
    try:
        # Both join the group and split hub.contracts' three partitions (and those of the other topics) between them.
        wait_for(lambda: len(workers(engine)) == 2 and all(workers(engine).values())
                 and sum(len(p) for p in workers(engine).values()) == 3, timeout=60,
                 what=f"two workers sharing three partitions (logs in {tmp_path})")

        consortium = uuid.uuid4()
        producer = KafkaProducer(**own_kafka_broker.kafka_settings().producer_config())
        for n in range(EVENTS):
            opportunity = uuid.uuid4()
            event = golden_event("contracts.opportunity.created", consortium_id=consortium,
                                 subject=f"opportunity/{opportunity}",
                                 data={"opportunity_id": str(opportunity), "title": f"Opportunity {n}"})
            producer.send("hub.contracts", key=event.subject.encode(), value=event.to_json().encode())
        producer.flush()
        producer.close()

        applied = "SELECT count(*) FROM inbox_event WHERE consumer = 'finance'"
        wait_for(lambda: scalar(engine, applied) >= 150, timeout=60, what="the stream under way")
        first_pid = str(first.pid)
        os.killpg(first.pid, signal.SIGKILL)  # mid-stream, mid-batch: no goodbye to the group
        first.wait(timeout=10)
        half_seen = scalar(engine, applied)

        wait_for(lambda: scalar(engine, applied) == EVENTS, timeout=180,
                 what=f"every event applied after the takeover (logs in {tmp_path})")
        assert half_seen < EVENTS  # the kill really came mid-stream
        # The survivor took all three partitions over.
        wait_for(lambda: [len(p) for w, p in workers(engine).items() if not w.endswith(f":{first_pid}")] == [3],
                 timeout=30, what="the surviving worker owning every partition")
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)

    # Exactly once: one inbox row, one cost code and one audited insert of it per event; nothing dead-lettered.
    assert scalar(engine, "SELECT count(DISTINCT event_id) FROM inbox_event WHERE consumer = 'finance'") == EVENTS
    assert scalar(engine, "SELECT count(*) FROM cost_code WHERE consortium_id = :c AND kind = 'bid'",
                  c=consortium) == EVENTS
    assert scalar(engine, "SELECT count(*) FROM audit_entry WHERE entity = 'CostCode' AND action = 'create' "
                          "AND consortium_id = :c", c=consortium) == scalar(
        engine, "SELECT count(*) FROM cost_code WHERE consortium_id = :c", c=consortium)
    assert scalar(engine, "SELECT count(*) FROM dead_letter") == 0
    with engine.connect() as conn:
        offsets = dict(conn.execute(text("SELECT partition, next_offset FROM consumer_position "
                                         "WHERE consumer = 'finance' AND topic = 'hub.contracts'")).all())
    assert sum(offsets.values()) == EVENTS  # every message read, the offsets kept in finance's database
    engine.dispose()
