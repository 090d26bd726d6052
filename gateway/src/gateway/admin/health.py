"""/admin/health for the host administrator, and the gateway's own /healthz and /readyz."""
from __future__ import annotations

import threading
import types
import uuid

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from hubkit.config import SERVICES
from hubkit.consumer import EventApplier
from hubkit.db import Database as KitDatabase

from ..auth.session import roles_required
from ..domain.roles import RUNS_THE_HOST
from ..proxy.client import ServiceDown, call_service
from .checks import GATEWAY_WORKER, all_services_health, broker_health, database_health, gateway_worker_health

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
probes = Blueprint("probes", __name__)


_kit_lock = threading.Lock()


def _kit_database() -> KitDatabase:
    """The gateway's database as hubkit's kit reads it (the notifications worker's inbox, offsets, reports and dead
    letters), made once per app."""
    with _kit_lock:
        if "gateway.kit_db" not in current_app.extensions:
            from ..notifications.worker import KIT

            current_app.extensions["gateway.kit_db"] = KitDatabase(
                current_app.extensions["gateway.settings"].database_url, KIT)
        return current_app.extensions["gateway.kit_db"]


@bp.route("/health")
@roles_required(RUNS_THE_HOST)
def health():
    return render_template("admin/health.html", services=[gateway_worker_health(_kit_database()),
                                                          *all_services_health()],
                           broker=broker_health(current_app.extensions["gateway.settings"].kafka),
                           database=database_health(current_app.extensions["gateway.db"]),
                           mail_off=current_app.extensions["gateway.settings"].mail.off)


def _retry_in_the_gateway(dead_letter_id: uuid.UUID):
    """The notifications worker's dead letter applied again here, by its handlers, as a service's retry does."""
    from ..notifications.events import handlers

    # EventApplier names its consumer and units of work by settings.service: the worker's, "gateway"
    applier = EventApplier(_kit_database(), types.SimpleNamespace(service=GATEWAY_WORKER), handlers)
    try:
        ok, message = applier.retry_dead_letter(dead_letter_id)
    except LookupError:
        return render_template("errors/error.html", title="Page not found", detail="No such dead letter.",
                               status=404), 404
    if ok:
        flash(f"Dead letter {dead_letter_id} in the gateway was applied again: {message}.", "success")
    else:
        flash(f"Dead letter {dead_letter_id} in the gateway was not applied: {message}", "error")
    return redirect(url_for("admin.health"))


@bp.route("/health/<service>/dead-letters/<uuid:dead_letter_id>/retry", methods=["POST"])
@roles_required(RUNS_THE_HOST)
def retry_dead_letter(service: str, dead_letter_id: uuid.UUID):
    if service == GATEWAY_WORKER:
        return _retry_in_the_gateway(dead_letter_id)
    if service not in SERVICES:
        return render_template("errors/error.html", title="Page not found", detail="No such service.",
                               status=404), 404
    try:
        answer = call_service(service, "POST", f"/admin/dead-letters/{dead_letter_id}/retry", {})
    except ServiceDown as exc:
        flash(f"Dead letter {dead_letter_id} was not retried: {exc.message}", "error")
        return redirect(url_for("admin.health"))
    body = answer.body if isinstance(answer.body, dict) else {}
    if answer.ok:
        flash(f"Dead letter {dead_letter_id} in {service} was applied again: {body.get('message', 'done')}.",
              "success")
    else:
        reason = body.get("detail") or body.get("title") or f"answer {answer.status}"
        flash(f"Dead letter {dead_letter_id} in {service} was not applied: {reason}", "error")
    return redirect(url_for("admin.health"))


@probes.route("/healthz")
def healthz():
    """Alive: the process answers."""
    return jsonify(status="ok", service="gateway")


@probes.route("/readyz")
def readyz():
    """Ready: the gateway's database answers."""
    database = database_health(current_app.extensions["gateway.db"])
    ready = database["reachable"]
    body = {"status": "ready" if ready else "not ready", "service": "gateway",
            "checks": {"database": "ok" if ready else f"unreachable: {database['error']}"}}
    return jsonify(body), 200 if ready else 503
