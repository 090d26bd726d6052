"""Every list a service answers with pages: a GET whose 200 answer is an array takes `limit` and `cursor` and
documents the headers naming the next page (hubkit.paging). A new list without `@paged` fails here."""
from __future__ import annotations

from importlib import import_module

import pytest

from hubkit.paging import NEXT_HEADER, PREV_HEADER
from hubkit.testing import service_settings

SERVICES = ["membership", "contracts", "finance", "governance"]


def list_operations(service: str, public_key, tmp_path) -> dict[str, dict]:
    definition = import_module(f"{service}.app").SERVICE
    app = definition.create_app(service_settings(service, f"sqlite:///{tmp_path}/{service}.db", "127.0.0.1:9",
                                                 public_key))
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    lists = {}
    for path, operations in spec["paths"].items():
        get = operations.get("get") or {}
        answer = get.get("responses", {}).get("200", {})
        if answer.get("content", {}).get("application/json", {}).get("schema", {}).get("type") == "array":
            lists[path] = get
    return lists


@pytest.mark.parametrize("service", SERVICES)
def test_every_list_takes_limit_and_cursor_and_names_the_next_page(service, token_keys, tmp_path):
    lists = list_operations(service, token_keys[1], tmp_path)
    assert "/admin/dead-letters" in lists  # the walk finds lists at all
    unpaged = {path for path, get in lists.items()
               if not {"limit", "cursor"} <= {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
               or not {"Link", NEXT_HEADER, PREV_HEADER} <= set(get["responses"]["200"].get("headers", {}))}
    assert unpaged == set(), f"{service}: lists without paging (use hubkit.paging.paged)"
