"""Two-factor sign-in in the browser: the second step after a right password (/login/code), setting it up when the
host requires it for the person's role, and /account/two-factor (set up, turn off, new recovery codes).

Between the password and the code nothing is signed in: the signed cookie holds only whose password was right and
what they must do next, for PENDING_FOR; the browser session starts once the code is right (or two-factor is set up).
"""
from __future__ import annotations

import datetime as dt
import uuid

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for

from hubkit.clock import utcnow

from .. import accounts
from .. import two_factor as use_cases
from ..accounts import SignInThrottled
from ..domain.throttling import seconds_to_wait
from ..domain.two_factor import (SecretBox, TwoFactorRefused, otpauth_uri, required_for, shown_secret)
from ..domain.users import UserAccount
from .session import current_user, login_required, start_session
from .signing_in import client_address
from .views import _safe_next, bp, throttled_message

PENDING_KEY = "two_factor_pending"
PENDING_FOR = dt.timedelta(minutes=10)
CODE = "code"  # a pending step: enter a code
SET_UP = "set_up"  # a pending step: set two-factor up (the host requires it for their role)


def _settings():
    return current_app.extensions["gateway.settings"]


def _database():
    return current_app.extensions["gateway.db"]


def _box() -> SecretBox:
    return SecretBox(_settings().secret_key)


def after_password(db_session, user: UserAccount) -> None:
    """The login form's next step once the password is right (in its transaction): a session at once, or first a
    code (two-factor is on), or first setting two-factor up (the host requires it for their role)."""
    if use_cases.is_enabled(db_session, user.id):
        _remember(user, CODE)
    elif required_for(user.roles, _settings().two_factor_required):
        _remember(user, SET_UP)
    else:
        start_session(db_session, user)


def where_next(target: str) -> str:
    """Where the login form sends the browser after a right password: `target`, unless a second step waits."""
    pending = session.get(PENDING_KEY)
    if not pending:
        return target
    pending["next"] = target
    session[PENDING_KEY] = pending
    return url_for("auth.sign_in_code" if pending["step"] == CODE else "auth.two_factor_setup")


def _remember(user: UserAccount, step: str) -> None:
    session.clear()  # nothing from before carries over, as at start_session
    session[PENDING_KEY] = {"user": str(user.id), "step": step,
                            "until": (utcnow() + PENDING_FOR).isoformat(), "next": None}


def _pending(step: str) -> tuple[UserAccount | None, str | None]:
    """The user whose password was right and who must do `step` next, and where to go after; (None, None) if none."""
    pending = session.get(PENDING_KEY)
    if not pending or pending.get("step") != step or dt.datetime.fromisoformat(pending["until"]) <= utcnow():
        return None, None
    with _database().session() as db_session:
        user = accounts.find_user(db_session, uuid.UUID(pending["user"]))
    return user, pending.get("next")


def check_code_from_request(user: UserAccount, code: str) -> bool:
    """Whether `code` is the user's current or a recovery code, counted by the sign-in throttle (on a username counter
    of its own, so a right password never resets it) before it is checked; raise SignInThrottled while a delay runs."""
    return _counted(user, lambda db_session, now, address: use_cases.check_code(db_session, user.id, code, _box(),
                                                                                address, now))


def _counted(user: UserAccount, check) -> bool:
    """check(db_session, now, client_address) -> bool, counted first as a failed guess of the user's code (committed
    on its own, under the counters' locks), handed back if right; raise SignInThrottled while a delay runs."""
    settings, database = _settings(), _database()
    now, address = utcnow(), client_address()
    keys = use_cases.code_throttle_keys(user.username, address)
    with database.session() as db_session:
        accounts.count_attempt(db_session, user.username, address, settings.login_throttle, now, keys=keys)
    with database.session() as db_session:
        right = check(db_session, now, address)
        if right:
            accounts.attempt_succeeded(db_session, keys)
    return right


@bp.route("/login/code", methods=["GET", "POST"])
def sign_in_code():
    user, target = _pending(CODE)
    if user is None:
        return redirect(url_for("auth.login"))
    error, status, headers = None, 200, {}
    if request.method == "POST":
        code = request.form.get("code", "")[:64]
        if not code.strip():
            error, status = "Enter the code from your authenticator app, or a recovery code", 400
        else:
            try:
                right = check_code_from_request(user, code)
            except SignInThrottled as throttled:
                now = utcnow()
                error, status = throttled_message(throttled.until, now), 429
                headers["Retry-After"] = str(seconds_to_wait(throttled.until, now))
            else:
                if right:
                    with _database().session() as db_session:
                        start_session(db_session, user)
                    return redirect(_safe_next(target))
                current_app.logger.info("sign-in code refused", extra={"username": user.username,
                                                                        "client_address": client_address()})
                error, status = use_cases.WRONG_CODE, 401
    return render_template("auth/sign_in_code.html", error=error), status, headers


@bp.route("/account/two-factor", methods=["GET"])
@login_required
def two_factor():
    user = current_user()
    with _database().session() as db_session:
        state = use_cases.status(db_session, user.id)
    return render_template("auth/two_factor.html", state=state,
                           required=required_for(user.roles, _settings().two_factor_required), errors={})


def _setup_user() -> tuple[UserAccount | None, bool, str | None]:
    """Who is setting two-factor up: the signed-in user, or one the host requires it of, between password and
    session (then True, and where to go after)."""
    user = current_user()
    if user is not None:
        return user, False, None
    user, target = _pending(SET_UP)
    return user, True, target


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
def two_factor_setup():
    user, pending, target = _setup_user()
    if user is None:
        return redirect(url_for("auth.login"))
    error, status = None, 200
    if request.method == "POST":
        try:
            with _database().session() as db_session:
                codes = use_cases.confirm_setup(db_session, user, request.form.get("code", "")[:64], _box())
                if pending:
                    start_session(db_session, user)
        except TwoFactorRefused as refused:
            error, status = str(refused), 400
        else:
            response = current_app.make_response((render_template(
                "auth/recovery_codes.html", codes=codes, just_enabled=True,
                next_url=_safe_next(target) if pending else url_for("auth.two_factor")), 201))
            response.headers["Cache-Control"] = "no-store"
            return response
    try:
        with _database().session() as db_session:
            secret = use_cases.setup_secret(db_session, user, _box())
    except TwoFactorRefused:
        return redirect(url_for("auth.two_factor"))
    uri = otpauth_uri(secret, user.username)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=4)
    response = current_app.make_response((render_template(
        "auth/two_factor_setup.html", secret=shown_secret(secret), uri=uri, qr=qr, error=error,
        required=pending), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@login_required
def two_factor_off():
    user = current_user()
    if required_for(user.roles, _settings().two_factor_required):
        flash("The hub requires two-factor for your role, so it stays on.", "error")
        return redirect(url_for("auth.two_factor"))
    password, code = request.form.get("password", "")[:256], request.form.get("code", "")[:64]
    errors = {}
    if not password:
        errors["password"] = ["Enter your password"]
    if not code.strip():
        errors["code"] = ["Enter the code from your authenticator app, or a recovery code"]
    status = 400
    if not errors:
        try:
            done = _counted(user, lambda db_session, now, address: use_cases.turn_off(
                db_session, user, password, code, _box(), address, now))
        except SignInThrottled as throttled:
            errors["code"], status = [throttled_message(throttled.until, utcnow())], 429
        else:
            if done:
                flash("Two-factor is off: you sign in with your password alone.", "success")
                return redirect(url_for("auth.two_factor"))
            errors["password"], status = ["The password or code is wrong"], 401
    with _database().session() as db_session:
        state = use_cases.status(db_session, user.id)
    return render_template("auth/two_factor.html", state=state, required=False, errors=errors), status


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    user = current_user()
    password, codes = request.form.get("new_codes_password", "")[:256], []
    error, status = None, 400
    if not password:
        error = "Enter your password"
    else:
        def make(db_session, now, address) -> bool:
            codes.extend(use_cases.make_recovery_codes(db_session, user, password, now))
            return bool(codes)

        try:  # a password guessed here is counted as a code guess is
            right = _counted(user, make)
        except SignInThrottled as throttled:
            error, status = throttled_message(throttled.until, utcnow()), 429
        except TwoFactorRefused as refused:
            error = str(refused)
        else:
            if not right:
                error, status = "The password is wrong", 401
    if error is not None:
        with _database().session() as db_session:
            state = use_cases.status(db_session, user.id)
        return render_template("auth/two_factor.html", state=state,
                               required=required_for(user.roles, _settings().two_factor_required),
                               errors={"new_codes_password": [error]}), status
    response = current_app.make_response((render_template(
        "auth/recovery_codes.html", codes=codes, just_enabled=False, next_url=url_for("auth.two_factor")), 201))
    response.headers["Cache-Control"] = "no-store"
    return response
