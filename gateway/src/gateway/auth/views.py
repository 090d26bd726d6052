"""Browser login and logout."""
from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from hubkit.clock import utcnow

from ..accounts import SignInThrottled
from ..domain.throttling import seconds_to_wait
from .forms import LoginForm
from .signing_in import client_address, sign_in_from_request, wait_in_words
from .session import current_user, end_session

bp = Blueprint("auth", __name__, template_folder="templates")

WRONG_CREDENTIALS = "The username or password is wrong"


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used to send people elsewhere."""
    # Browsers read a backslash as a slash, so a path starting "/\\" would leave the site too.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("ui.home")


def throttled_message(until, now) -> str:
    """Says when to try again, in the hub's time zone, e.g. 'Try again in 30 seconds, after 3:35:30pm.'
    (The same words whichever counter runs the delay: the username's, the address's or everyone's.)"""
    local = until.astimezone(current_app.extensions["gateway.settings"].display_time_zone)
    return (f"Too many failed sign-ins. Try again in {wait_in_words(until, now)}, "
            f"after {local.hour % 12 or 12}:{local:%M}:{local:%S}{'am' if local.hour < 12 else 'pm'}.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        try:
            # A browser session at once, unless a two-factor code (or setting two-factor up) comes first.
            user = sign_in_from_request(form.username.data, form.password.data, then=two_factor.after_password)
        except SignInThrottled as throttled:
            now = utcnow()
            current_app.logger.warning("login throttled", extra={"username": form.username.data,
                                                                  "client_address": client_address()})
            error, status = throttled_message(throttled.until, now), 429
            headers["Retry-After"] = str(seconds_to_wait(throttled.until, now))
        else:
            if user is not None:
                return redirect(two_factor.where_next(_safe_next(request.args.get("next"))))
            current_app.logger.info("login refused", extra={"username": form.username.data,
                                                             "client_address": client_address()})
            error, status = WRONG_CREDENTIALS, 401
    elif current_user() is not None and request.method == "GET":
        return redirect(url_for("ui.home"))
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form, failed=error is not None, error=error), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    return redirect(url_for("auth.login", logged_out=1))


import_module(".keys", __package__)  # the API key pages: routes on this blueprint
from . import two_factor  # noqa: E402  the second step of signing in and the two-factor pages, on this blueprint
