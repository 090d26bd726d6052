"""/admin/health for the host administrator, and the gateway's own /healthz and /readyz."""
from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from hubkit.config import SERVICES

from ..auth.session import roles_required
from ..domain.roles import RUNS_THE_HOST
from ..proxy.client import ServiceDown, call_service
from .checks import all_services_health, broker_health, database_health

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
probes = Blueprint("probes", __name__)


@bp.route("/health")
@roles_required(RUNS_THE_HOST)
def health():
    return render_template("admin/health.html", services=all_services_health(),
                           broker=broker_health(current_app.extensions["gateway.settings"].kafka),
                           database=database_health(current_app.extensions["gateway.db"]))


@bp.route("/health/<service>/dead-letters/<uuid:dead_letter_id>/retry", methods=["POST"])
@roles_required(RUNS_THE_HOST)
def retry_dead_letter(service: str, dead_letter_id: uuid.UUID):
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
