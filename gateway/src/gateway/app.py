"""The gateway's app factory."""
from __future__ import annotations

import importlib
import logging

from flask import Flask
from hubkit import clock, logs
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from . import calendar_feed, mail, pages, web
from .adapters.database import Database
from .admin import audit as admin_audit, health
from .auth import api_token, views as auth_views
from .auth.csrf import csrf
from .config import GatewaySettings, load_settings
from .notifications import views as notifications
from .pages.allocation import views as allocation_pages
from .pages.audit import views as audit_pages
from .pages.common import dates, errors, money, navigation
from .pages.delivery import views as delivery_pages
from .pages.governance import views as governance_pages
from .pages.home import views as home_pages
from .pages.money import views as money_pages
from .pages.people import views as people_pages
from .pages.pipeline import views as pipeline_pages
from .pages.time import views as time_pages
from .proxy import routes as proxy_routes
from .proxy.upstream import Upstreams

importlib.import_module(".pages.membership.views", __package__)  # membership's pages: routes on home's "ui" blueprint


def create_app(settings: GatewaySettings | None = None) -> Flask:
    """Build the gateway from settings (read from the environment when not given)."""
    settings = settings or load_settings()
    logs.configure("gateway", settings.log_level)
    if settings.mail is not None and settings.mail.off:  # said at start; System health says it too
        logging.getLogger("gateway.mail").warning(mail.OFF_WARNING)
    clock.use_time_zone(settings.display_time_zone)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_NAME="hub_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=settings.browser_sessions.max_age,  # the server-side row decides (auth/session.py)
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, so slow form-fillers are not refused
        WTF_CSRF_SSL_STRICT=settings.session_cookie_secure,
    )
    app.extensions["gateway.settings"] = settings
    app.extensions["gateway.db"] = Database(settings.database_url)
    app.extensions["gateway.upstreams"] = Upstreams(settings.service_urls, private_key_pem=settings.private_key_pem,
                                                    issuer=settings.token_issuer,
                                                    timeout_s=settings.upstream_timeout_s)
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader([str(app.root_path + "/templates"), *pages.template_folders()]),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Nothing to show is shown as nothing, never "None" (issue 14 item 5): a value a page has not got (a form box
    # with no typed value, an optional field) is left empty by every template and GOV.UK macro alike.
    app.jinja_env.finalize = lambda value: "" if value is None else value
    csrf.init_app(app)
    web.init_app(app)
    navigation.init_app(app)
    notifications.init_app(app)  # its pages, and the unread count in every page's header
    csrf.exempt(api_token.bp)
    for blueprint in (auth_views.bp, api_token.bp, proxy_routes.bp, home_pages.bp, governance_pages.bp, pipeline_pages.bp,
                      allocation_pages.bp, delivery_pages.bp, time_pages.bp, money_pages.bp, health.bp, admin_audit.bp,
                      audit_pages.bp, people_pages.bp, calendar_feed.bp, health.probes):
        app.register_blueprint(blueprint)
    for helpers in (errors, dates, money):  # one error pattern, one date and one money format (issue 14)
        helpers.install(app)
    return app
