"""Finance service: `create_app()` for gunicorn, `SERVICE` for the migrate/worker commands."""
from pathlib import Path

from hubkit.service import PeriodicTask, ServiceDefinition

from .adapters.orm import Base
from .entrypoints.events import handlers


def _blueprints():
    from .entrypoints import time_http, money_http
    from .entrypoints.http import members_blp
    from .entrypoints.imports_http import blp as imports_blp
    from .entrypoints.summary_http import blp as summary_blp

    from hubkit.audit_trail import audit_blp

    return [members_blp, *time_http.BLUEPRINTS, *money_http.BLUEPRINTS, imports_blp, summary_blp, audit_blp]


def _release_due_payments(db, settings):
    from .service_layer.payments import release_due_everywhere

    return release_due_everywhere(db, settings)


def _review_weeks(db, settings):
    from .service_layer.week_reminders import review_weeks_everywhere

    return review_weeks_everywhere(db, settings)


SERVICE = ServiceDefinition(name="finance", title="Consortium Hub: finance", kit=Base.kit, blueprints=_blueprints,
                            handlers=handlers, migrations=Path(__file__).parent / "migrations",
                            periodic=(PeriodicTask("release-due-payments", 3600, _release_due_payments),
                                      PeriodicTask("timesheet-review", 3600, _review_weeks)))


def create_app(settings=None):
    return SERVICE.create_app(settings)
