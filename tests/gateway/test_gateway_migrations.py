"""The gateway's migrations build exactly the schema its models describe, on PostgreSQL and SQLite, and undo cleanly."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from gateway.adapters.orm import metadata
from gateway.migrations import ALEMBIC_DIR
from hubkit.migrations import alembic_config


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_migrations_match_the_models_and_downgrade_cleanly(backend, databases, tmp_path):
    url = databases.create("gateway_migrations") if backend == "postgresql" else f"sqlite:///{tmp_path / 'gw.db'}"
    config = alembic_config(ALEMBIC_DIR, url)
    command.upgrade(config, "heads")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert {"login_failure", "browser_session", "audit_entry"} <= set(inspect(engine).get_table_names())
        command.downgrade(config, "0002")
        assert "audit_entry" not in set(inspect(engine).get_table_names())
        command.downgrade(config, "0001")
        assert not {"login_failure", "browser_session"} & set(inspect(engine).get_table_names())
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
