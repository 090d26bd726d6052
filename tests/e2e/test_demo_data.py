"""`make run`'s demo consortium loads into an empty hub through the real API, every area of it, and only once."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

from gateway.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def _as(hub, username):
    base = hub.url("gateway") + "/api"
    token = requests.post(f"{base}/auth/token", json={"username": username, "password": DEMO_PASSWORD},
                          timeout=10).json()["access_token"]

    def get(path):
        response = requests.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
        return response.json()
    return get


def test_the_demo_loads_every_area_once(fresh_hub):
    sys.path.insert(0, str(ROOT / "scripts"))
    from demo_data import load_demo

    logins = load_demo(fresh_hub.env)
    assert {username for username, _ in logins} == {"admin", "manager", "finance", "board", "member"}
    manager, finance, member = (_as(fresh_hub, name) for name in ("manager", "finance", "member"))

    members = manager("/contracts/members")
    assert sum(1 for m in members if m["status"] == "active") >= 3
    opportunities = manager("/contracts/opportunities")
    assert len(opportunities) >= 3 and len({o["opportunity"]["stage"] for o in opportunities}) >= 3
    assert manager("/contracts/contracts")
    assert member("/contracts/subcontracts")  # the member user's own organisation delivers work
    assert finance("/finance/invoices")  # the host's recharge invoice
    counts = (len(opportunities), len(manager("/contracts/contracts")), len(finance("/finance/invoices")))

    load_demo(fresh_hub.env)  # a second start adds nothing
    assert (len(manager("/contracts/opportunities")), len(manager("/contracts/contracts")),
            len(finance("/finance/invoices"))) == counts
