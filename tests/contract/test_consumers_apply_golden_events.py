"""Every consumer applies the golden example of every event version it claims, against its real schema."""
from __future__ import annotations

from importlib import import_module, resources

import pytest
from sqlalchemy import select

from hubkit.consumer import EventApplier
from hubkit.db import Database
from hubkit.events import parse_event
from hubkit.testing import service_settings

SERVICES = ("membership", "contracts", "finance", "governance")


@pytest.mark.parametrize("service", SERVICES)
def test_consumer_applies_every_claimed_event_version_once(service, databases, broker, token_keys):
    definition = import_module(f"{service}.app").SERVICE
    settings = service_settings(service, databases.create(f"contract_{service}"), broker.bootstrap_servers,
                                token_keys[1])
    definition.migrate(settings)
    db = Database(settings.database_url, definition.kit)
    applier = EventApplier(db, settings, definition.handlers)
    try:
        for subscription in definition.handlers.by_type.values():
            for version in subscription.versions:
                raw = (resources.files("hubkit.events") / "examples" /
                       f"{subscription.event_type}.v{version}.json").read_bytes()
                event = applier.decode(raw)
                assert applier.apply(event) is True
                assert applier.apply(event) is False  # a replay is recognised
                with db.session(None) as session:
                    handled = session.execute(select(db.kit.inbox.c.event_id)).scalars().all()
                assert parse_event(raw).id in handled
    finally:
        db.dispose()
