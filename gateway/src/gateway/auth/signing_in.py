"""Signing in from a request (the login form, the token endpoint): the attempt is counted by the throttle and
committed before the password is checked, then checked in a transaction of its own."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from flask import current_app, request
from hubkit.clock import utcnow
from sqlalchemy.orm import Session

from .. import accounts
from ..domain.throttling import seconds_to_wait
from ..domain.users import UserAccount


def client_address() -> str | None:
    """The client's address: the connection's peer, or, behind GATEWAY_TRUSTED_PROXY_HOPS reverse proxies, the
    address the outermost of them put in X-Forwarded-For (what a client writes there itself is never trusted)."""
    hops = current_app.extensions["gateway.settings"].trusted_proxy_hops
    if hops:
        forwarded = [part.strip() for part in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")
                     if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr


def sign_in_from_request(username: str, password: str,
                         then: Callable[[Session, UserAccount], None] | None = None) -> UserAccount | None:
    """The user whose password this is, or None; raise accounts.SignInThrottled while a delay runs. They are not
    signed in yet (a second factor may follow): accounts.record_sign_in records that once every step has passed.

    `then(session, user)` runs in the right password's transaction (e.g. to open a browser session with it).
    """
    settings = current_app.extensions["gateway.settings"]
    database = current_app.extensions["gateway.db"]
    now, address = utcnow(), client_address()
    with database.session() as session:
        accounts.count_attempt(session, username, address, settings.login_throttle, now)
    with database.session() as session:
        user = accounts.check_password(session, username, password, address, settings.login_throttle, now)
        if user is not None and then is not None:
            then(session, user)
    return user


def wait_in_words(until: dt.datetime, now: dt.datetime) -> str:
    """'30 seconds', '1 minute', '15 minutes': seconds under two minutes, whole minutes (rounded up) above."""
    seconds = seconds_to_wait(until, now)
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
