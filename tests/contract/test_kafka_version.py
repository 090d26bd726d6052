"""The Apache Kafka the tests run is the one docker-compose.yml deploys: one pinned version."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_tests_broker_and_the_deployed_broker_are_the_same_kafka_version():
    pinned = re.search(r"<kafka.version>([^<]+)</kafka.version>", (ROOT / "deploy/kafka/pom.xml").read_text())[1]
    deployed = re.findall(r"image:\s*apache/kafka:(\S+)", (ROOT / "docker-compose.yml").read_text())
    assert deployed == [pinned]
    assert int(pinned.split(".")[0]) >= 4  # KRaft only, runs on Java 17
