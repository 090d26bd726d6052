"""The in-app list of a person's notifications (/notifications), marking them read, their email choices per kind
(/notifications/choices), and the unread count every page's header shows."""
from __future__ import annotations

import uuid

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for

from ..auth.session import current_user, login_required
from . import domain, store

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
PER_PAGE = 25


def _db():
    return current_app.extensions["gateway.db"]


@bp.route("")
@login_required
def index():
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    user = current_user()
    with _db().session() as session:
        listed, total = store.page(session, user.id, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
        unread = store.unread_count(session, user.id)
    return render_template("notifications/index.html", listed=listed, total=total, unread=unread, page=page,
                           pages=max(1, -(-total // PER_PAGE)), kinds=domain.KINDS)


@bp.route("/<uuid:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: uuid.UUID):
    with _db().session() as session:
        store.mark_read(session, current_user().id, notification_id)  # another person's: nothing happens
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int) or None))


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    with _db().session() as session:
        marked = store.mark_read(session, current_user().id)
    flash(f"{marked} notification{'' if marked == 1 else 's'} marked as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/choices", methods=["GET", "POST"])
@login_required
def choices():
    user = current_user()
    errors = {}
    if request.method == "POST":
        wanted = {kind: request.form.get(kind, "")[:20] for kind in domain.KINDS}
        errors = {kind: [f"Choose whether you are emailed when {_lower_first(domain.KINDS[kind].label)}"]
                  for kind, choice in wanted.items() if choice not in domain.CHOICES}
        if not errors:
            with _db().session() as session:
                store.choose(session, user.id, wanted)
            flash("Your email choices are saved.", "success")
            return redirect(url_for("notifications.choices"))
    with _db().session() as session:
        chosen = store.choices(session, user.id)
    if errors:
        chosen |= {k: v for k, v in request.form.items() if k in domain.KINDS}
    return render_template("notifications/choices.html", kinds=domain.KINDS, options=domain.CHOICES, chosen=chosen,
                           errors=errors), 400 if errors else 200


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def init_app(app: Flask) -> None:
    @app.context_processor
    def unread_notifications():
        def count() -> int:
            user = current_user() if request.endpoint not in (None, "assets", "static") else None
            if user is None:
                return 0
            with _db().session() as session:
                return store.unread_count(session, user.id)
        return {"unread_notifications": count}
    app.register_blueprint(bp)
