"""Fixtures of hubkit's own suites."""
from __future__ import annotations

import pytest

from event_harness import Harness


@pytest.fixture
def harness_on(databases, token_keys):
    """Makes a Harness on a broker (called with the broker fixture the test uses); closes them after."""
    made = []

    def _make(broker, **kafka_overrides):
        h = Harness(databases.create("events"), broker, token_keys[1], **kafka_overrides)
        made.append(h)
        return h

    yield _make
    for h in made:
        h.close()
