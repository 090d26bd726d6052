"""Browser login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..accounts import authenticate
from .forms import LoginForm
from .session import current_user, end_session, start_session

bp = Blueprint("auth", __name__, template_folder="templates")

WRONG_CREDENTIALS = "The username or password is wrong"


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used to send people elsewhere."""
    # Browsers read a backslash as a slash, so a path starting "/\\" would leave the site too.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("ui.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        with current_app.extensions["gateway.db"].session() as db_session:
            user = authenticate(db_session, form.username.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        failed = True
        current_app.logger.info("login refused", extra={"username": form.username.data})
    elif current_user() is not None and request.method == "GET":
        return redirect(url_for("ui.home"))
    status = 401 if failed else (400 if form.errors else 200)
    return render_template("auth/login.html", form=form, failed=failed,
                           wrong_credentials=WRONG_CREDENTIALS), status


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    return redirect(url_for("auth.login", logged_out=1))
