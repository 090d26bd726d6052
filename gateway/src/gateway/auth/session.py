"""Who is logged in to this browser session, and guards for views."""
from __future__ import annotations

import functools
import uuid

from flask import abort, current_app, g, redirect, request, session, url_for

from ..accounts import find_user
from ..domain.users import UserAccount

USER_KEY = "user_id"


def current_user() -> UserAccount | None:
    """The logged-in, still active user of this request, loaded once per request."""
    if "user" not in g:
        g.user = None
        user_id = session.get(USER_KEY)
        if user_id:
            with current_app.extensions["gateway.db"].session() as db_session:
                g.user = find_user(db_session, uuid.UUID(user_id))
            if g.user is None:
                session.clear()
    return g.user


def start_session(user: UserAccount) -> None:
    """Log the user in with a fresh session, so nothing from before login carries over."""
    session.clear()
    session.permanent = True
    session[USER_KEY] = str(user.id)
    g.user = user


def end_session() -> None:
    session.clear()
    g.user = None


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)
    return wrapped


def roles_required(allowed: frozenset[str]):
    """Let the view run only for a logged-in user holding one of the allowed roles (else 403)."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not (current_user().roles & allowed):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate
