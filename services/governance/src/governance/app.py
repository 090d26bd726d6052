"""Governance service: `create_app()` for gunicorn, `SERVICE` for the migrate/worker commands."""
from pathlib import Path

from hubkit.service import PeriodicTask, ServiceDefinition

from .adapters.orm import Base
from .entrypoints.events import handlers
from .service_layer.attendance import review_last_year_everywhere


def _blueprints():
    from .entrypoints.bodies_http import blp as bodies, decisions_blp, interests_blp, meetings_blp, resolutions_blp
    from .entrypoints.http import blp
    from .entrypoints.hub_http import blp as hub
    from .entrypoints.policies_http import blp as policies
    from .entrypoints.summary_http import blp as summary

    from hubkit.audit_trail import audit_blp

    return [blp, bodies, meetings_blp, decisions_blp, interests_blp, resolutions_blp, hub, policies, summary, audit_blp]


SERVICE = ServiceDefinition(name="governance", title="Consortium Hub: governance", kit=Base.kit, blueprints=_blueprints,
                            handlers=handlers, migrations=Path(__file__).parent / "migrations",
                            periodic=(PeriodicTask("attendance-review", 24 * 3600, review_last_year_everywhere),))


def create_app(settings=None):
    return SERVICE.create_app(settings)
