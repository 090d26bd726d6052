"""What a service declares about itself, and the commands every service has (migrate, web, worker)."""
from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from . import clock, logs
from .config import ConfigError, ServiceSettings, load_service_settings
from .consumer import EventConsumer, EventHandlers
from .db import Database, KitTables
from .relay import OutboxRelay

if TYPE_CHECKING:  # the web stack (Flask, flask-smorest) and Alembic are imported by the commands that use them
    from flask import Flask
    from flask_smorest import Blueprint

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class PeriodicTask:
    """Work the worker repeats, e.g. a daily review of expiry dates; it must be safe to repeat."""

    name: str
    every_s: float
    run: Callable[[Database, ServiceSettings], object]


def _repeat(task: PeriodicTask, db: Database, settings: ServiceSettings, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            task.run(db, settings)
        except Exception:  # noqa: BLE001 - log and try again next time
            log.exception("periodic task %s failed", task.name)
        stop.wait(task.every_s)


@dataclasses.dataclass
class ServiceDefinition:
    """A service: its name, tables, HTTP resources, event subscriptions and migrations."""

    name: str
    title: str
    kit: KitTables
    blueprints: Callable[[], Iterable[Blueprint]]
    handlers: EventHandlers
    migrations: Path
    periodic: tuple[PeriodicTask, ...] = ()

    def settings(self, **overrides) -> ServiceSettings:
        return load_service_settings(self.name, **overrides)

    def create_app(self, settings: ServiceSettings | None = None) -> Flask:
        from .headers import no_store
        from .web import create_service_app  # not in the worker, which runs no web app (lighter at rest)

        app = create_service_app(settings or self.settings(), kit=self.kit, blueprints=self.blueprints(),
                                 handlers=self.handlers, title=self.title)
        app.after_request(no_store)  # bank details, salaries, personal data: never kept by a cache
        return app

    def migrate(self, settings: ServiceSettings | None = None) -> None:
        from .migrations import upgrade  # Alembic: only for this command

        upgrade(self.migrations, (settings or self.settings()).database_url)

    def run_worker(self, settings: ServiceSettings | None = None, stop: threading.Event | None = None) -> None:
        """Run the outbox relay and the event consumer until stopped (SIGTERM/SIGINT)."""
        settings = settings or self.settings()
        logs.configure(f"{self.name}-worker", settings.log_level)
        clock.use_time_zone(settings.time_zone)
        db = Database(settings.database_url, self.kit)
        stop = stop or threading.Event()
        relay = OutboxRelay(db, settings)
        consumer = EventConsumer(db, settings, self.handlers)
        threads = [threading.Thread(target=relay.run_forever, args=(stop,), name="relay", daemon=True)]
        if self.handlers.by_type:
            threads.append(threading.Thread(target=consumer.run_forever, args=(stop,), name="consumer", daemon=True))
        for task in self.periodic:
            threads.append(threading.Thread(target=_repeat, args=(task, db, settings, stop), name=task.name,
                                            daemon=True))
        for thread in threads:
            thread.start()
        log.info("worker started", extra={"threads": [t.name for t in threads]})
        for thread in threads:
            thread.join()
        db.dispose()

    def main(self, argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=f"python -m {self.name}")
        parser.add_argument("command", choices=["migrate", "worker", "web"])
        args = parser.parse_args(argv)
        try:
            settings = self.settings()
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            return 2
        if args.command == "migrate":
            self.migrate(settings)
            return 0
        if args.command == "worker":
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
            gc.freeze()  # what is loaded lives as long as the process: out of full collections (gunicorn_config)
            self.run_worker(settings, stop)
            return 0
        bind = f"{os.environ.get('HUB_BIND_HOST', '127.0.0.1')}:{settings.port}"
        workers = os.environ.get("WEB_CONCURRENCY", "2")
        threads = os.environ.get("WEB_THREADS", "1")  # more than 1: gunicorn's gthread workers
        os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--config", "python:hubkit.gunicorn_config",
                                   "--bind", bind, "--workers", workers,
                                   "--threads", threads, "--access-logfile", "-", "--graceful-timeout", "10",
                                   f"{self.name}.app:create_app()"])
        return 0
