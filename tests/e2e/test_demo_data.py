"""`make run`'s demo consortium loads into an empty hub through the real API, every area of it (membership, pipeline,
allocation, delivery, time, money), only once; and every page a demo user is shown a link to works for them."""
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


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def pages_shown_to(hub, username: str) -> dict[str, int]:
    """Follow every link a signed-in user is shown, up to three pages of each kind (ids aside): path -> status."""
    base = hub.url("gateway")
    browser = requests.Session()
    form = browser.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert browser.post(base + "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token},
                        timeout=10, allow_redirects=False).status_code == 302
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
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
            if link.netloc != urlsplit(base).netloc or kinds.get(kind, 0) >= 3 or target in statuses \
                    or target in queue or link.path.startswith(("/static", "/assets", "/api", "/logout")) \
                    or "/static/" in link.path:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(target)
    return statuses


def _counts(call) -> dict:
    """How many of each kind of record the demo makes, area by area."""
    paths = {"manager": ("/contracts/opportunities", "/contracts/contracts", "/contracts/allocation-rounds"),
             "finance": ("/finance/invoices", "/finance/budgets", "/finance/variations", "/finance/payment-runs",
                         "/finance/claims", "/finance/money/ledger", "/finance/payments/subcontracts")}
    return {path: len(call(user, "GET", path)) for user, user_paths in paths.items() for path in user_paths}


def test_the_demo_loads_every_area_once_and_every_page_it_links_works(fresh_hub):
    sys.path.insert(0, str(ROOT / "scripts"))
    import demo_money
    from demo_data import DemoCaller, load_demo

    logins = load_demo(fresh_hub.env)
    assert {username for username, _ in logins} == {"admin", "manager", "finance", "board", "member"}
    call = DemoCaller(fresh_hub.env)

    # Membership: active members contracts can invite, subcontract and pay.
    assert sum(1 for m in call("manager", "GET", "/contracts/members") if m["status"] == "active") >= 3
    # Pipeline and delivery: opportunities at several stages, a contract, the member's own subcontract.
    opportunities = call("manager", "GET", "/contracts/opportunities")
    assert len(opportunities) >= 3 and len({o["opportunity"]["stage"] for o in opportunities}) >= 3
    # Issue 12 item 1: the go/no-go the demo shows decided was the board's, from governance, never the manager's.
    decided = [o["opportunity"] for o in opportunities if o["opportunity"]["stage"] == "bidding"]
    assert decided and {o["go_no_go_decided_by"] for o in decided} == {"governance"}
    assert call("manager", "GET", "/contracts/contracts")
    assert call("member", "GET", "/contracts/subcontracts")
    # Allocation: one decided round whose report shows C2 at work, one open for the member's declaration.
    rounds = call("manager", "GET", "/contracts/allocation-rounds")
    assert sorted(r["status"] for r in rounds) == ["decided", "declarations"]
    decided = next(r for r in rounds if r["status"] == "decided")
    report = call("board", "GET", f"/contracts/allocation-rounds/{decided['id']}/report")
    assert [e["bid"] for e in report["exclusions"]] == [True, False]  # C2: a declarer that did not bid, excluded
    assert report["scores"] and report["round"]["awarded_score"]
    assert any(i["may_declare"] for i in call("member", "GET", "/contracts/allocation/invitations"))
    # Time: the host's recharge invoice.
    assert call("finance", "GET", "/finance/invoices")
    # Money: an adopted budget, two variations pending (F1: neither applied early), a paid run, a claim (G11).
    [budget] = call("finance", "GET", "/finance/budgets")
    assert budget["status"] == "adopted" and {line["code"]: line["amount_pence"] for line in budget["lines"]} == {
        code: amount for code, _, _, _, amount in demo_money.LINES}
    pending = call("finance", "GET", "/finance/variations?status=pending")
    assert sorted(v["status"] for v in pending) == ["awaiting_board", "requested"]
    [run] = call("finance", "GET", "/finance/payment-runs")
    assert run["status"] == "paid" and run["total_pence"] > 0
    assert [c["status"] for c in call("member", "GET", "/finance/claims")] == ["approved"]

    counts = _counts(call)
    load_demo(fresh_hub.env)  # a second start adds nothing
    assert _counts(call) == counts

    # Governance (issue 14 item 2): the demo board member holds a voting seat at a meeting under way, whose items
    # have papers and open motions nobody has voted on; they declare an interest in one and vote on the other.
    bodies = [call("board", "GET", f"/governance/bodies/{b['id']}") for b in call("board", "GET", "/governance/bodies")]
    seated = [b for b in bodies if any(s.get("account") == "board" and s["role"] in ("chair", "member")
                                       for s in b["seats"])]
    meetings = [call("board", "GET", f"/governance/meetings/{m['id']}")
                for b in seated for m in call("board", "GET", f"/governance/bodies/{b['id']}/meetings")]
    to_vote = [(m["id"], item, motion) for m in meetings if m["you"] and m["you"]["votes"] for item in m["agenda"]
               if item["papers"] for motion in item["motions"] if motion["status"] == "open"]
    assert len(to_vote) >= 2 and not any(motion["ballots"] for _, _, motion in to_vote)
    (first_meeting, declared_on, _), (second_meeting, _, voted_on) = to_vote[:2]
    call("board", "POST", f"/governance/meetings/{first_meeting}/my-declarations",
         {"agenda_item_id": declared_on["id"], "interest": "Trustee of a partner"})
    cast = call("board", "POST", f"/governance/meetings/{second_meeting}/motions/{voted_on['id']}/my-vote",
                {"vote": "for"})
    assert cast["vote"] == "for"

    # Every page each demo user is shown a link to answers: nothing broken, nothing shown that they may not open.
    for username in ("manager", "finance", "board", "member", "admin"):
        statuses = pages_shown_to(fresh_hub, username)
        assert len(statuses) > 5, (username, statuses)
        assert {path: status for path, status in statuses.items() if status >= 400} == {}, username
