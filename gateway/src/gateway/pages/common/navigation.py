"""What every page's layout needs: the service navigation for the user's roles and their account details."""
from __future__ import annotations

from flask import Flask, request, url_for

from ...auth.csrf import generate_csrf
from ...proxy.client import form_hidden_fields
from ...auth.session import current_user
from ...domain.roles import places_for, role_name


def navigation_items() -> list[dict]:
    user = current_user()
    if user is None:
        return []
    items = [{"href": url_for("ui.home"), "text": "Home", "current": request.endpoint == "ui.home"}]
    for place in places_for(user.roles):
        blueprint = place.endpoint.split(".")[0]
        items.append({"href": url_for(place.endpoint), "text": place.label,
                      "active": (request.endpoint or "").startswith(place.endpoint),
                      "current": request.endpoint == place.endpoint and blueprint != ""})
    return items


def init_app(app: Flask) -> None:
    @app.context_processor
    def layout_context():
        user = current_user() if request.endpoint not in (None, "assets", "static") else None
        return {"current_user": user, "navigation_items": navigation_items() if user else [],
                "role_name": role_name, "csrf_token": generate_csrf,
                "form_hidden_fields": form_hidden_fields}
