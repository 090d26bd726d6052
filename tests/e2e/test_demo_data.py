"""`make run`'s demo consortium loads into an empty hub through the real API, every area of it, and only once."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

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


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pages_shown_to(hub, username: str) -> dict[str, int]:
    """Follow every link a signed-in user is shown, one page of each kind (ids aside): path -> status."""
    base = hub.url("gateway")
    browser = requests.Session()
    form = browser.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert browser.post(base + "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token},
                        timeout=10, allow_redirects=False).status_code == 302
    statuses: dict[str, int] = {}
    kinds: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop(0)
        response = browser.get(base + path, timeout=30)
        statuses[path] = response.status_code
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.text):
            link = urlsplit(urljoin(base + path, href))
            target = link.path + (f"?{link.query}" if link.query else "")
            kind = UUID.sub("<id>", link.path)
            if link.netloc != urlsplit(base).netloc or kind in kinds or link.path.startswith(
                    ("/static", "/assets", "/api", "/logout")) or "/static/" in link.path:
                continue
            kinds.add(kind)
            queue.append(target)
    return statuses


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

    # Every page each demo user is shown a link to answers: nothing broken, nothing shown that they may not open.
    for username in ("manager", "finance", "board", "member", "admin"):
        statuses = pages_shown_to(fresh_hub, username)
        assert len(statuses) > 5, (username, statuses)
        assert {path: status for path, status in statuses.items() if status >= 400} == {}, username
