"""Membership service: `create_app()` for gunicorn, `SERVICE` for the migrate/worker commands."""
from pathlib import Path

from hubkit.service import PeriodicTask, ServiceDefinition

from .adapters.orm import Base
from .entrypoints.events import handlers
from .service_layer.eligibility import review_every_consortium


def _blueprints():
    from .entrypoints.http import blp, checklist_blp
    from .entrypoints.imports_http import blp as imports_blp
    from .entrypoints.reports_http import blp as reports_blp
    from .entrypoints.summary_http import blp as summary_blp

    from hubkit.audit_trail import audit_blp

    return [blp, checklist_blp, reports_blp, imports_blp, summary_blp, audit_blp]


SERVICE = ServiceDefinition(name="membership", title="Consortium Hub: membership", kit=Base.kit,
                            blueprints=_blueprints, handlers=handlers,
                            migrations=Path(__file__).parent / "migrations",
                            periodic=(PeriodicTask("expiry-review", 3600, review_every_consortium),))


def create_app(settings=None):
    return SERVICE.create_app(settings)
