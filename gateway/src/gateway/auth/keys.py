"""/account/api-keys: a signed-in user makes, lists and revokes their personal API keys (for integrations, instead
of giving a script their password). A new key is shown once, on the answer to the form that made it."""
from __future__ import annotations

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from .. import accounts
from ..domain.api_keys import ApiKeyRuleBroken
from ..domain.roles import ROLE_NAMES
from .session import current_user, login_required
from .views import bp


def _page(status: int = 200, *, made=None, whole_key: str | None = None, errors: dict | None = None,
          form: dict | None = None):
    user = current_user()
    with current_app.extensions["gateway.db"].session() as session:
        keys = accounts.list_api_keys(session, user.id)
    return render_template("auth/api_keys.html", keys=keys, made=made, whole_key=whole_key, errors=errors or {},
                           form=form or {"name": "", "roles": []},
                           own_roles=[(role, ROLE_NAMES[role]) for role in sorted(user.roles)]), status


@bp.route("/account/api-keys", methods=["GET"])
@login_required
def api_keys():
    return _page()


@bp.route("/account/api-keys", methods=["POST"])
@login_required
def create_api_key():
    form = {"name": request.form.get("name", ""), "roles": request.form.getlist("roles")}
    try:
        with current_app.extensions["gateway.db"].session() as session:
            made, whole_key = accounts.create_api_key(session, current_user(), form["name"][:500],
                                                      frozenset(form["roles"]))
    except ApiKeyRuleBroken as broken:
        return _page(400, errors={field: [message] for field, message in broken.problems.items()}, form=form)
    return _page(201, made=made, whole_key=whole_key)


@bp.route("/account/api-keys/<key_id>/revoke", methods=["POST"])
@login_required
def revoke_api_key(key_id: str):
    try:
        key_id = uuid.UUID(key_id)
    except ValueError:
        abort(404)
    with current_app.extensions["gateway.db"].session() as session:
        revoked = accounts.revoke_api_key(session, current_user(), key_id)
    if revoked is None:
        abort(404)  # not one of this user's live keys
    flash(f"API key {revoked.name} is revoked: calls with it are refused within seconds.", "success")
    return redirect(url_for("auth.api_keys"))
