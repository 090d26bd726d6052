"""The gateway's notifications worker: hubkit's idempotent event consumer (consumer group hub.gateway, its inbox and
offsets in the gateway's database) applying events.py's handlers, its outbox relay (dead-letter notices only), and a
mailer sending the email each notification owes."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from hubkit.config import ConfigError, EnvReader, ServiceSettings, parse_positive_int, parse_positive_number
from hubkit.db import KitTables
from hubkit.service import PeriodicTask, ServiceDefinition

from .. import mail
from ..adapters.database import Database as GatewayDatabase
from ..adapters.orm import AuditEntryRow, metadata
from ..migrations import ALEMBIC_DIR
from . import store
from .events import handlers

MAIL_EVERY_S = 15.0  # GATEWAY_NOTIFICATION_MAIL_EVERY_S

KIT = KitTables(outbox=metadata.tables["outbox_message"], inbox=metadata.tables["inbox_event"],
                consumer_position=metadata.tables["consumer_position"], dead_letter=metadata.tables["dead_letter"],
                relay_state=metadata.tables["relay_state"], consumer_worker=metadata.tables["consumer_worker"],
                # never written: the handlers change no consortium-scoped rows, and the gateway's audit is its own
                audit_entry=AuditEntryRow.__table__, idempotent_request=None)


def worker_settings(environ=None) -> tuple[mail.MailSettings, float]:
    """The mail settings (as the gateway reads them) and how often owed emails are sent; ConfigError naming each
    problem."""
    environ = os.environ if environ is None else environ
    reader = EnvReader(environ)
    port = reader.get("GATEWAY_PORT", 8000, parse_positive_int)
    every_s = reader.get("GATEWAY_NOTIFICATION_MAIL_EVERY_S", MAIL_EVERY_S, parse_positive_number)
    settings = mail.read_mail_settings(reader, port or 8000)
    if reader.problems:
        raise ConfigError(reader.problems)
    return settings, every_s


def _mailer(settings: mail.MailSettings):
    databases: dict[str, GatewayDatabase] = {}
    if settings.off:  # said once, not for every email every round: they stay owed until a server is set
        logging.getLogger(__name__).warning(mail.OFF_WARNING)

    def run(_db, service_settings: ServiceSettings) -> int:
        if settings.off:
            return 0
        database = databases.setdefault(service_settings.database_url,
                                        GatewayDatabase(service_settings.database_url))
        return store.send_owed(database, settings)
    return run


def definition(settings: mail.MailSettings, every_s: float = MAIL_EVERY_S) -> ServiceDefinition:
    return ServiceDefinition(name="gateway", title="Gateway notifications", kit=KIT, blueprints=lambda: [],
                             handlers=handlers, migrations=ALEMBIC_DIR,
                             periodic=(PeriodicTask("notification-mail", every_s, _mailer(settings)),))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.notifications")
    parser.add_argument("command", choices=["worker"])
    parser.parse_args(argv)
    try:
        service = definition(*worker_settings())
        settings = service.settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    service.run_worker(settings, stop)
    return 0
