"""Alembic, driven from code: each service keeps its migrations in its package's `migrations/` folder."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool


def alembic_config(script_location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, database_url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


def render_item(type_, obj, autogen_context):
    """Render the kit's column types as plain SQLAlchemy ones, so migrations stay frozen snapshots."""
    if type_ == "type" and type(obj).__name__ == "UtcDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_env(metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    from alembic import context

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    batch = url.startswith("sqlite")  # SQLite alters tables by copying them
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=batch,
                          render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=metadata, render_as_batch=batch,
                              render_item=render_item)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
    else:
        context.configure(connection=connectable, target_metadata=metadata, render_as_batch=batch,
                          render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()


def create_indexes(indexes) -> None:
    """In a migration: make each (name, table, columns) index, e.g. those a list's filter and order need."""
    from alembic import op

    for name, table, columns in indexes:
        op.create_index(name, table, columns)


def drop_indexes(indexes) -> None:
    """In a migration's downgrade: drop the indexes `create_indexes` made."""
    from alembic import op

    for name, table, _columns in reversed(indexes):
        op.drop_index(name, table_name=table)
