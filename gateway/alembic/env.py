"""Alembic environment for the gateway's database."""
from alembic import context

from gateway.adapters.orm import metadata
from gateway.config import read_database_url
from hubkit.migrations import run_env

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    url = context.get_x_argument(as_dictionary=True).get("url") or read_database_url()
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
run_env(metadata)
