"""Each service's migrations build exactly the schema its models describe, and can be undone."""
from __future__ import annotations

from importlib import import_module

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from hubkit.migrations import alembic_config
from hubkit.testing import Databases


@pytest.mark.parametrize("service", ["membership", "contracts", "finance", "governance"])
def test_migrations_match_the_models_and_downgrade_cleanly(service, databases: Databases):
    definition = import_module(f"{service}.app").SERVICE
    url = databases.create(f"migrate_{service}")
    config = alembic_config(definition.migrations, url)
    command.upgrade(config, "heads")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), definition.kit.outbox.metadata)
        assert differences == []
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
