"""Who is logged in to this browser session, and guards for views.

The signed cookie carries only a random session id (and the CSRF token); the session itself is a row in
the gateway's database, so logout, a password change or deactivation can end it for good.
"""
from __future__ import annotations

import functools

from flask import abort, current_app, g, redirect, request, session, url_for

from .. import accounts
from ..domain.users import UserAccount

SESSION_ID_KEY = "sid"


def _settings():
    return current_app.extensions["gateway.settings"]


def current_user() -> UserAccount | None:
    """The logged-in, still active user of a live session, loaded once per request."""
    if "user" not in g:
        g.user = None
        session_id = session.get(SESSION_ID_KEY)
        if session_id:
            with current_app.extensions["gateway.db"].session() as db_session:
                g.user = accounts.session_user(db_session, session_id, _settings().browser_sessions)
            if g.user is None:
                session.clear()
    return g.user


def start_session(db_session, user: UserAccount) -> None:
    """Log the user in with a fresh session (new id, nothing from before login carries over), once every step of
    signing in has passed (their password, and their second factor when it is on): the sign-in is recorded now.

    Runs inside the sign-in's database transaction, so the session row commits with it.
    """
    accounts.record_sign_in(db_session, user.id)
    session.clear()
    session.permanent = True
    session[SESSION_ID_KEY] = accounts.open_session(db_session, user, _settings().browser_sessions)
    g.user = user


def end_session() -> None:
    """Revoke this browser's session on the server and forget it in the cookie."""
    session_id = session.get(SESSION_ID_KEY)
    if session_id:
        with current_app.extensions["gateway.db"].session() as db_session:
            accounts.close_session(db_session, session_id)
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
