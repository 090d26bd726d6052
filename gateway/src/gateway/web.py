"""Cross-cutting web concerns: request ids, security headers, HTML or problem+json errors, assets."""
from __future__ import annotations

import base64
import hashlib
import re
import uuid
from pathlib import Path

from flask import Flask, abort, g, render_template, request, send_from_directory
from hubkit import logs
from hubkit.problems import handle_http_exception, handle_unexpected
from hubkit.safe_input import refuse_unsafe_input
from werkzeug.exceptions import HTTPException, InternalServerError

from .auth.csrf import CSRFError

ERROR_PAGES = {
    400: ("There is a problem with your request", "We could not understand what your browser sent."),
    403: ("You do not have access to this page", "Your role does not include this page. "
          "If you think it should, ask your consortium manager or host administrator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That action is not allowed here", "Go back and try again from the page's own buttons."),
    413: ("What you sent is too large", "Try again with a smaller file or less text."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}
CSRF_EXPLANATION = ("The form could not be accepted because its security token was missing or had expired. "
                    "This protects you from forms sent by other websites. Go back, reload the page and try again.")


def init_app(app: Flask) -> None:
    app.before_request(_start_request)
    app.before_request(_refuse_unsafe_input)
    app.after_request(_finish_request)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.extensions["gateway.csp"] = content_security_policy()
    if app.config.get("SESSION_COOKIE_SECURE"):
        # Behind HTTPS the session cookie (which also holds the CSRF token) is a __Host- cookie: sent over HTTPS
        # only, for this host alone and the whole site, so no other subdomain can set or overwrite it.
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + app.config["SESSION_COOKIE_NAME"].removeprefix("__Host-")
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None
    node_modules: Path = app.extensions["gateway.settings"].node_modules
    govuk_dist = node_modules / "govuk-frontend" / "dist" / "govuk"

    @app.route("/assets/<path:filename>")
    def assets(filename: str):
        """govuk-frontend's files, where its CSS expects them: fonts and images, then the CSS and JS."""
        for folder in (govuk_dist / "assets", govuk_dist):
            if (folder / filename).is_file():
                return send_from_directory(folder, filename, max_age=3600)
        abort(404)


def _refuse_unsafe_input() -> None:
    """hubkit's guard, as every service has it (400 for what no database stores). Multipart forms (uploads, whose
    views raise the size limit before reading them) and the /api router's bodies (forwarded unread) are left to the
    service they go to, which has the same guard."""
    refuse_unsafe_input(forms=() if request.endpoint == "proxy.forward" else ("application/x-www-form-urlencoded",))


def content_security_policy() -> str:
    """Scripts only from our origin, plus govuk-frontend's one-line 'js-enabled' script by its hash."""
    import govuk_frontend_jinja

    template = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    inline = re.search(r"<script[^>]*>(.*?)</script>", template.read_text(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    return ("default-src 'self'; "
            f"script-src 'self' 'sha256-{digest}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _start_request() -> None:
    g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    g.correlation_id = request.headers.get("X-Correlation-ID") or g.request_id
    logs.request_id_var.set(g.request_id)
    logs.correlation_id_var.set(g.correlation_id)


STATIC_PATHS = ("/assets/", "/static/")


def _finish_request(response):
    from flask import current_app

    response.headers["X-Request-ID"] = g.get("request_id", "")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = current_app.extensions["gateway.csp"]
        response.headers["X-Frame-Options"] = "DENY"
    # Pages and /api answers may carry bank details, salaries or personal data: no cache keeps them (issue 11).
    if not request.path.startswith(STATIC_PATHS):
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    response.headers.pop("Server", None)  # no software banner
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _http_error(exc: HTTPException):
    if is_api_request():
        return handle_http_exception(exc)
    status = exc.code or 500
    if isinstance(exc, CSRFError):
        title, detail = "The form has expired", CSRF_EXPLANATION
    else:
        title, detail = ERROR_PAGES.get(status, (exc.name, exc.description))
    return render_template("errors/error.html", title=title, detail=detail, status=status), status


def _unexpected_error(exc: Exception):
    if is_api_request():
        return handle_unexpected(exc)
    from flask import current_app

    current_app.logger.exception("unhandled error", exc_info=exc)
    return _http_error(InternalServerError())
