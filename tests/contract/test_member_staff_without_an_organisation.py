"""Member staff whose login is not linked to an organisation yet see and change no organisation's data, in every
service alike (issue 11, item 1: such a user used to list and edit every member organisation in membership and
contracts). Generated from each service's own routes: every operation open to member_user is tried."""
from __future__ import annotations

import uuid
from importlib import import_module

import pytest

from hubkit.testing import make_principal, migrated_service_app

SERVICES = ("membership", "contracts", "finance", "governance")


def member_user_operations(app) -> list[tuple[str, str]]:
    """(method, path) of every route member_user may call, with a made-up id for each path parameter."""
    operations = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            view = app.view_functions[rule.endpoint]
            target = getattr(getattr(view, "view_class", None), method.lower(), None) or view
            if target is not None and "member_user" in getattr(target, "_hubkit_roles", ()):
                path = rule.rule
                for argument in rule.arguments:
                    path = path.replace(f"<{argument}>", str(uuid.uuid4()))
                    for converter in ("uuid", "int", "string", "path"):
                        path = path.replace(f"<{converter}:{argument}>", str(uuid.uuid4()))
                operations.append((method, path))
    return operations


@pytest.mark.parametrize("service", SERVICES)
def test_member_staff_without_an_organisation_are_refused_everywhere(service, databases, broker, token_keys, sign):
    app = migrated_service_app(import_module(f"{service}.app").SERVICE, databases, broker, token_keys[1])
    client = app.test_client()
    pending = make_principal(("member_user",))  # no organisation yet
    operations = member_user_operations(app)  # none in governance: its bodies' members have roles of their own
    for method, path in operations:
        response = client.open(path, method=method, json={}, headers={"Authorization": sign(pending, service)})
        assert response.status_code == 403, (method, path, response.status_code)
        assert "not linked to a member organisation" in response.get_json()["detail"], (method, path)
    # Linked to an organisation, the same user gets past this rule (each view then scopes to that organisation).
    linked = make_principal(("member_user",), consortium_id=pending.consortium_id, organisation_id=uuid.uuid4())
    answers = {client.open(path, method=method, json={}, headers={"Authorization": sign(linked, service)}).status_code
               for method, path in operations if method == "GET"}
    assert not operations or answers - {403}, f"{service}: a linked member user is refused everything"
