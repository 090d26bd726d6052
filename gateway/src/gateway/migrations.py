"""Apply the gateway's Alembic migrations."""
from __future__ import annotations

from pathlib import Path

from hubkit.migrations import upgrade

ALEMBIC_DIR = Path(__file__).resolve().parents[2] / "alembic"


def migrate(database_url: str) -> None:
    """Bring the gateway's database to the newest schema."""
    if database_url.startswith("sqlite:///"):
        Path(database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    upgrade(ALEMBIC_DIR, database_url)
