"""/admin/audit: the host administrator reads the gateway's audit trail of changes to consortia and users."""
from __future__ import annotations

import uuid
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for

from ..adapters.repository import AuditTrail, UserRepository
from ..auth.session import roles_required
from ..domain import audit
from ..domain.roles import RUNS_THE_HOST
from ..domain.users import normalise_username

bp = Blueprint("admin_audit", __name__, url_prefix="/admin", template_folder="templates")

PER_PAGE = 50
FIELD_NAMES = {"display_name": "Display name", "organisation_id": "Organisation", "consortium_id": "Consortium",
               "browser_sessions_ended": "Browser sessions ended", "last_login_at": "Signed in at",
               "logo_text": "Logo text", "variation_threshold_owner": "Who sets the variation threshold (F1)",
               "variation_threshold_pence": "Variation threshold (F1)"}


@bp.route("/audit")
@roles_required(RUNS_THE_HOST)
def audit_trail():
    filters = {"user": (request.args.get("user") or "").strip(), "action": request.args.get("action") or ""}
    page = _page_number(request.args.get("page"))
    errors: dict[str, list[str]] = {}
    if filters["action"] and filters["action"] not in audit.ACTIONS:
        errors["action"] = ["Choose an action from the list"]
    with current_app.extensions["gateway.db"].session() as session:
        users = UserRepository(session)
        about_user = None
        if filters["user"]:
            found = users.by_username(normalise_username(filters["user"]))
            if found is None:
                errors["user"] = [f"There is no user called {filters['user']}"]
            else:
                about_user = found.id
        entries, total = [], 0
        if not errors:
            entries, total = AuditTrail(session).page(about_user=about_user, action=filters["action"] or None,
                                                      offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
        names = users.usernames(_user_ids(entries))
        consortia = users.consortium_names({e.consortium_id for e in entries if e.consortium_id})
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "admin/audit.html", entries=entries, total=total, page=page, pages=pages, filters=filters,
        filter_errors=errors, actions=audit.ACTIONS, usernames={str(k): v for k, v in names.items()},
        consortia={str(k): v for k, v in consortia.items()}, field_names=FIELD_NAMES,
        previous_href=_page_href(filters, page - 1) if page > 1 else None,
        next_href=_page_href(filters, page + 1) if page < pages else None), 400 if errors else 200


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _page_href(filters: dict[str, str], page: int) -> str:
    query = {key: value for key, value in filters.items() if value} | {"page": page}
    return f"{url_for('admin_audit.audit_trail')}?{urlencode(query)}"


def _user_ids(entries: list[audit.AuditEntry]) -> set[uuid.UUID]:
    """Ids of the users named as actor or subject, so the page can show usernames."""
    ids = set()
    for entry in entries:
        for value in (entry.actor, entry.entity_id if entry.entity == audit.USER else None):
            try:
                ids.add(uuid.UUID(value))
            except (TypeError, ValueError):
                pass
    return ids
