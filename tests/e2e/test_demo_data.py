"""`make run`'s demo consortium loads into an empty hub through the real API, every area of it (membership, pipeline,
allocation, delivery, time, money), only once; and every page a demo user is shown a link to works for them."""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from gateway.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Issue 14 item 5: what a page must never show a person (names, titles and plain words instead)
INTERNAL_VALUES = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                             r"|\bNone\b(?! (of|given|yet|declared|recorded|listed)\b| \()"  # "None given": words
                             r"|\buser:|\bevent:")


class VisibleText(HTMLParser):
    """A page's text as a person reads it: not its scripts, styles, attributes or what is hidden from everyone."""

    UNSEEN = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.unseen = 0  # how deep inside an unseen element the parser is

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.unseen or tag in self.UNSEEN or any(name == "hidden" for name, _ in attrs):
            self.unseen += 1

    def handle_endtag(self, tag):
        if self.unseen and tag not in self.VOID:
            self.unseen -= 1

    def handle_data(self, data):
        if not self.unseen:
            self.parts.append(data)


def internal_values_shown(html: str) -> list[str]:
    """Each internal value (an id, "None", "user:<id>", "event:<type>") in a page's visible text, with its words
    around it."""
    reader = VisibleText()
    reader.feed(html)
    text = re.sub(r"\s+", " ", " ".join(reader.parts))
    text = re.sub(r"https?://\S+", "", text)  # a web address written out (an email's link) is an address
    return [text[max(0, m.start() - 40):m.end() + 40] for m in INTERNAL_VALUES.finditer(text)]


def test_issue_14_item_5_the_crawl_sees_internal_values_in_visible_text_only():
    page = ('<html><head><title>Member</title><script>var id = "5b0d7a8e-59c5-4b8e-a3b1-1d2f3e4a5b6c";</script>'
            '</head><body><a href="/members/5b0d7a8e-59c5-4b8e-a3b1-1d2f3e4a5b6c">Leeds Mind</a>'
            '<p>Nobody decided. None of that.</p><template><p>None</p></template>'
            '<div hidden><p>None</p><br></div><p>Shown</p></body></html>')
    assert internal_values_shown(page) == []  # the link's id, the script's and what is hidden are not read
    for shown in ("<td>None</td>", "<p>Declared: None.</p>", "<p>By user:5b0d7a8e</p>", "<dd>event:member.admitted</dd>",
                  "<dd>5B0D7A8E-59C5-4B8E-A3B1-1D2F3E4A5B6C</dd>"):
        assert internal_values_shown(shown), shown


def pages_shown_to(hub, username: str, shown: dict | None = None) -> dict[str, int]:
    """Follow every link a signed-in user is shown, up to three pages of each kind (ids aside): path -> status.
    `shown` collects, by path, any internal value a page shows in its visible text (issue 14 item 5)."""
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
        if shown is not None:
            values = internal_values_shown(response.text)
            if values:
                shown[path] = values
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


@pytest.mark.timeout(900)  # loads the demo twice, then follows every link each of five roles is shown
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

    # Every page each demo user is shown a link to answers: nothing broken, nothing shown that they may not open,
    # and (issue 14 item 5) no id, "None", "user:<id>" or "event:<type>" in what the page says.
    found = {}
    for username in ("manager", "finance", "board", "member", "admin"):
        shown: dict = {}
        statuses = pages_shown_to(fresh_hub, username, shown)
        assert len(statuses) > 5, (username, statuses)
        broken = {path: status for path, status in statuses.items() if status >= 400}
        if broken or shown:
            found[username] = {"broken": broken, "internal values shown": shown}
    assert found == {}, "\n".join(f"{user} {kind} {path}: {what}" for user, kinds in found.items()
                                   for kind, paths in kinds.items() for path, what in paths.items())
