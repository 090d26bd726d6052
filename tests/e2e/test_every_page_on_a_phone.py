"""Every page each demo role is shown, on the demo consortium, at 1280 and at 375 CSS px (issue 14 items 6 and 8):
it answers, axe-core finds nothing, and the document is no wider than the viewport (WCAG 1.4.10 reflow: a wide table
scrolls inside its own container, never the whole page)."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from browser_checks import axe_violations, horizontal_overflow

from hubkit.broker import TansuBroker

from .conftest import RunningHub
from .journeys import at_each_width, sign_in

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}(-\d{2})?")
PER_KIND = 1  # pages of each kind (ids and dates aside) to visit: one member's pages, not every member's
NOT_PAGES = ("/static", "/assets", "/api", "/logout", "/calendar")  # files, the API, a feed, and signing out

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_hub(databases, token_keys, tmp_path_factory):
    """A hub of its own on its own broker with `make run`'s whole demo consortium loaded: every kind of page has
    something on it (members, contracts, returns, timesheets, invoices, payments, meetings)."""
    logs = tmp_path_factory.mktemp("demo-hub-logs")
    with TansuBroker(log_file=logs / "tansu.log") as broker:
        running = RunningHub(databases, broker, token_keys, logs, with_gateway=True)
        try:
            running.start()
            sys.path.insert(0, str(ROOT / "scripts"))
            from demo_data import load_demo
            load_demo(running.env)
            yield running
        finally:
            running.stop()


def _links(page, base: str) -> list[str]:
    """The hub pages this page links to, as paths with their query."""
    found = []
    for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
        link = urlsplit(urljoin(page.url, href))
        if link.netloc == urlsplit(base).netloc and not link.path.startswith(NOT_PAGES) and "/static/" not in link.path:
            found.append(link.path + (f"?{link.query}" if link.query else ""))
    return found


@pytest.mark.timeout(900)  # the first starts the demo hub; each walks some fifty pages twice with axe
@pytest.mark.parametrize("username", ["manager", "member", "finance", "board", "admin"])
def test_every_page_a_role_is_shown_works_at_1280_and_375_px(demo_hub, browser, browser_context_args, username):
    base = demo_hub.url("gateway")
    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, demo_hub, username)
    problems: dict[str, object] = {}
    seen, kinds, queue = set(), {}, ["/"]
    while queue:
        path = queue.pop(0)
        seen.add(path)
        answer = page.request.get(base + path)  # a CSV, a calendar or a document is a download, not a page
        if "text/html" not in answer.headers.get("content-type", ""):
            if not answer.ok:
                problems[path] = answer.status
            continue
        response = page.goto(base + path)
        if response is None or not response.ok:
            problems[path] = response and response.status
            continue
        for width in at_each_width(page):
            violations = axe_violations(page)
            overflow = horizontal_overflow(page)
            if violations:
                problems[f"{path} at {width}px: axe"] = violations
            if overflow:
                problems[f"{path} at {width}px: overflow"] = overflow
        for link in _links(page, base):
            kind = ID.sub("<id>", urlsplit(link).path)
            if link in seen or link in queue or kinds.get(kind, 0) >= PER_KIND:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(link)
    assert len(seen) > 5, (username, seen)
    assert not problems, f"{len(problems)} problems on the {len(seen)} pages {username} visited:\n" + "\n".join(
        f"{where}: {what}" for where, what in problems.items())

