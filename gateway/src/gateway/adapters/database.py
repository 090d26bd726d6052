"""One engine and session factory per process."""
from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from hubkit.db import make_engine


class Database:
    """Opens sessions that commit on success and roll back on error."""

    def __init__(self, url: str):
        self.engine = make_engine(url)  # the services' engine settings (SQLite WAL, pooling)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
