"""The demo's money (scripts/demo_money.py) on an empty hub: a budget with lines, one variation within the F1
threshold and one over it, both pending; payments from the demo contract; a claim (G11); a second load adds nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def _counts(call) -> dict:
    return {path: len(call("finance", "GET", f"/finance{path}")) for path in (
        "/budgets", "/variations", "/payment-runs", "/claims", "/money/ledger", "/payments/subcontracts")}


def test_f1_g11_the_demo_money_loads_once(fresh_hub):
    sys.path.insert(0, str(ROOT / "scripts"))
    import demo_money
    from demo_data import DemoCaller, load_demo

    load_demo(fresh_hub.env)
    call = DemoCaller(fresh_hub.env)
    [budget] = call("finance", "GET", "/finance/budgets")
    assert budget["status"] == "adopted" and len(budget["lines"]) == len(demo_money.LINES)
    pending = call("finance", "GET", "/finance/variations?status=pending")
    assert sorted(v["status"] for v in pending) == ["awaiting_board", "requested"]  # F1: neither applied early
    assert {line["code"]: line["amount_pence"] for line in budget["lines"]} == {
        code: amount for code, _, _, _, amount in demo_money.LINES}
    assert call("finance", "GET", "/finance/payments/subcontracts")
    [run] = call("finance", "GET", "/finance/payment-runs")
    assert run["status"] == "paid" and run["total_pence"] > 0
    assert [c["status"] for c in call("member", "GET", "/finance/claims")] == ["approved"]
    counts = _counts(call)

    demo_money.load(call)  # a second load adds nothing
    assert _counts(call) == counts
