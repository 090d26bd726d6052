"""Contracts service: `create_app()` for gunicorn, `SERVICE` for the migrate/worker commands."""
from pathlib import Path

from hubkit.service import PeriodicTask, ServiceDefinition

from .adapters.orm import Base
from .entrypoints.events import handlers


def _blueprints():
    from .entrypoints import pipeline_http, allocation_http, delivery_http, imports_http
    from .entrypoints.http import members_blp
    from .entrypoints.summary_http import blp as summary_blp

    from hubkit.audit_trail import audit_blp

    return [members_blp, *pipeline_http.BLUEPRINTS, *allocation_http.BLUEPRINTS, *delivery_http.BLUEPRINTS,
            *imports_http.BLUEPRINTS, summary_blp, audit_blp]


def _review_returns(db, settings):
    from .service_layer.returns_due import review_returns_everywhere

    return review_returns_everywhere(db, settings)


SERVICE = ServiceDefinition(name="contracts", title="Consortium Hub: contracts", kit=Base.kit, blueprints=_blueprints,
                            handlers=handlers, migrations=Path(__file__).parent / "migrations",
                            periodic=(PeriodicTask("returns-review", 3600, _review_returns),))


def create_app(settings=None):
    return SERVICE.create_app(settings)
