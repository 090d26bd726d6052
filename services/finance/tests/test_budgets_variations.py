"""Budgets and variations (F1): over the threshold a variation or virement needs the Management Board's agreement
and then the accountable body's ratification before it changes any figure; at or under it the finance officer
approves directly. Actuals come from the ledger."""
from __future__ import annotations

import uuid
from pathlib import Path

from money_fixtures import PAST, mh  # noqa: F401


def _virement(mh, budget, amount, source="E2", to="E1", status=201, headers=None, **extra):
    return mh.call("POST", "/variations", {
        "kind": "virement", "from_line_id": mh.line(budget, source)["id"], "line_id": mh.line(budget, to)["id"],
        "amount_pence": amount, "reason": "Move unspent events money to outreach"} | extra, status, headers)


def _board_decides(mh, variation, outcome="approved", note="Agreed at the October board."):
    event = mh.event("governance.decision.made", {
        "decision_id": str(uuid.uuid4()), "request_id": variation["decision_request_id"], "kind": "budget_variation",
        "subject": f"variation/{variation['id']}", "outcome": outcome, "note": note}, f"decision/{uuid.uuid4()}")
    assert mh.deliver(event) is True
    return event


def test_f1_a_7500_virement_waits_for_the_board_and_the_accountable_body_before_any_figure_moves(mh):
    budget = mh.adopted_budget()
    before = mh.figures(budget["id"])
    variation = _virement(mh, budget, 750_000)
    assert variation["status"] == "awaiting_board" and variation["needs_board"] is True
    assert variation["threshold_pence"] == 500_000 and variation["pending"] is True
    # the Management Board is asked, by event, with the amount
    [asked] = mh.outbox("finance.decision.requested")
    assert asked["data"] == {"request_id": variation["decision_request_id"], "kind": "budget_variation",
                             "title": asked["data"]["title"], "variation_id": variation["id"],
                             "amount_pence": 750_000}
    assert "£7,500.00" in asked["data"]["title"] and asked["subject"] == f"variation/{variation['id']}"
    # F1: no endpoint can apply it early: not approval, not ratification before the board, not editing the lines
    early = mh.call("POST", f"/variations/{variation['id']}/approve", status=409)
    assert early["type"] == "urn:consortium-hub:rule:F1"
    early = mh.call("POST", f"/variations/{variation['id']}/ratify", status=409)
    assert early["type"] == "urn:consortium-hub:rule:F1" and "Management Board" in early["detail"]
    edit = mh.call("PATCH", f"/budgets/{budget['id']}/lines/{mh.line(budget, 'E1')['id']}",
                   {"amount_pence": 2_750_000}, status=409)
    assert edit["type"] == "urn:consortium-hub:rule:F1"
    mh.call("POST", f"/budgets/{budget['id']}/lines", {"code": "E9", "title": "Sneaky", "kind": "expenditure",
                                                        "amount_pence": 750_000}, status=409)
    mh.call("POST", f"/variations/{variation['id']}/reject", {"reason": "no"}, status=409)  # the board decides
    assert mh.figures(budget["id"]) == before
    shown = mh.call("GET", f"/budgets/{budget['id']}", headers=mh.board)
    assert [p["id"] for p in shown["pending"]] == [variation["id"]]
    assert mh.line(shown, "E1")["pending_change_pence"] == 750_000
    assert mh.line(shown, "E2")["pending_change_pence"] == -750_000
    # the board agrees (delivered twice: applied once); still nothing moves until ratification
    decision = _board_decides(mh, variation)
    assert mh.deliver(decision) is False
    after_board = mh.call("GET", f"/variations/{variation['id']}")
    assert after_board["status"] == "awaiting_ratification" and after_board["board_outcome"] == "approved"
    assert mh.figures(budget["id"]) == before
    assert mh.call("POST", f"/variations/{variation['id']}/approve", status=409)["type"].endswith(":F1")
    mh.call("POST", f"/variations/{variation['id']}/ratify", headers=mh.manager, status=403)
    mh.call("POST", f"/variations/{variation['id']}/ratify", headers=mh.board, status=403)
    # ratified on behalf of the accountable body, with who and when: now, and only now, the budget changes
    ratified = mh.call("POST", f"/variations/{variation['id']}/ratify")
    assert ratified["status"] == "ratified" and ratified["decided_by"].startswith("user:")
    assert ratified["decided_at"] and ratified["applied_at"]
    assert [step["step"] for step in ratified["journey"]] == [
        "requested", "Management Board approved", "ratified on behalf of the accountable body"]
    after = mh.figures(budget["id"])
    assert after["E1"] == before["E1"] + 750_000 and after["E2"] == before["E2"] - 750_000
    assert sum(after.values()) == sum(before.values())
    mh.call("POST", f"/variations/{variation['id']}/ratify", status=409)  # once only
    assert mh.figures(budget["id"]) == after
    types = [e["type"] for e in mh.outbox("finance.variation.requested") + mh.outbox("finance.variation.approved")
             + mh.outbox("finance.variation.ratified")]
    assert types == ["finance.variation.requested", "finance.variation.approved", "finance.variation.ratified"]
    assert mh.outbox("finance.variation.approved")[0]["data"]["approved_by"] == "management_board"
    assert mh.outbox("finance.variation.approved")[0]["data"]["takes_effect"] is False


def test_f1_the_board_saying_no_ends_it_and_nothing_can_ratify_it(mh):
    budget = mh.adopted_budget()
    before = mh.figures(budget["id"])
    variation = _virement(mh, budget, 750_000)
    _board_decides(mh, variation, "rejected", "Not this year.")
    found = mh.call("GET", f"/variations/{variation['id']}")
    assert found["status"] == "rejected" and found["rejection_reason"] == "Not this year."
    assert mh.call("POST", f"/variations/{variation['id']}/ratify", status=409)["type"].endswith(":F1")
    assert mh.figures(budget["id"]) == before
    [rejected] = mh.outbox("finance.variation.rejected")
    assert rejected["data"]["rejected_by"] == "management_board"
    # a later decision on the same request (another event) changes nothing
    _board_decides(mh, variation, "approved")
    assert mh.call("GET", f"/variations/{variation['id']}")["status"] == "rejected"


def test_f1_the_accountable_body_may_decline_to_ratify(mh):
    budget = mh.adopted_budget()
    variation = _virement(mh, budget, 600_000)
    _board_decides(mh, variation)
    refused = mh.call("POST", f"/variations/{variation['id']}/reject", {"reason": "Funder's conditions"})
    assert refused["status"] == "rejected"
    assert mh.outbox("finance.variation.rejected")[0]["data"]["rejected_by"] == "accountable_body"
    assert mh.figures(budget["id"])["E1"] == 2_000_000


def test_f1_at_or_under_the_threshold_the_finance_officer_approves_directly(mh):
    budget = mh.adopted_budget()
    exactly = _virement(mh, budget, 500_000)  # "exceeding £5,000" needs the board; £5,000 itself does not
    assert exactly["status"] == "requested" and exactly["needs_board"] is False
    assert mh.outbox("finance.decision.requested") == []
    assert mh.figures(budget["id"])["E1"] == 2_000_000  # pending until approved
    mh.call("POST", f"/variations/{exactly['id']}/ratify", status=409)
    mh.call("POST", f"/variations/{exactly['id']}/approve", headers=mh.manager, status=403)
    approved = mh.call("POST", f"/variations/{exactly['id']}/approve")
    assert approved["status"] == "approved" and approved["applied_at"]
    assert mh.figures(budget["id"])["E1"] == 2_500_000
    mh.call("POST", f"/variations/{exactly['id']}/approve", status=409)
    assert mh.figures(budget["id"])["E1"] == 2_500_000
    [event] = mh.outbox("finance.variation.approved")
    assert event["data"]["approved_by"] == "finance_officer" and event["data"]["takes_effect"] is True
    over = _virement(mh, budget, 500_001)
    assert over["status"] == "awaiting_board"


def test_f1_the_threshold_is_configuration_per_consortium(mh):
    assert mh.call("GET", "/money/settings", headers=mh.board)["variation_threshold_pence"] == 500_000
    mh.call("PUT", "/money/settings", {"variation_threshold_pence": 1_000_000}, headers=mh.manager, status=403)
    mh.call("PUT", "/money/settings", {"variation_threshold_pence": 1_000_000})
    budget = mh.adopted_budget()
    assert _virement(mh, budget, 750_000)["status"] == "requested"
    other = mh.as_(("finance_officer",), consortium=uuid.uuid4())
    assert mh.call("GET", "/money/settings", headers=other)["variation_threshold_pence"] == 500_000


def test_f1_only_the_thresholds_owner_moves_it_and_the_host_admin_chooses_the_owner(mh):
    """F1: whoever a threshold governs must not raise it alone. The host admin chooses its owner (issue 13's
    consortium settings): the finance officer (the default, as before) or the host admin."""
    host = mh.as_(("host_admin",))
    path = "/money/settings/variation-threshold"
    shown = mh.call("GET", path, headers=host)
    assert shown["variation_threshold_owner"] == "finance_officer" and shown["variation_threshold_pence"] == 500_000
    assert mh.call("GET", "/money/settings", headers=mh.board)["variation_threshold_owner"] == "finance_officer"
    mh.call("PUT", path, {"variation_threshold_pence": 100_000}, headers=host, status=403)  # not the host's yet
    for refused in (mh.manager, mh.finance, mh.board):
        mh.call("PUT", path, {"variation_threshold_owner": "finance_officer"}, headers=refused, status=403)
    mh.call("PUT", path, {"variation_threshold_owner": "the_treasurer"}, headers=host, status=422)
    # Both at once: the owner changes first, so the host admin may then move the threshold; all or nothing.
    made = mh.call("PUT", path, {"variation_threshold_owner": "host_admin", "variation_threshold_pence": 250_000},
                   headers=host)
    assert made["variation_threshold_owner"] == "host_admin" and made["variation_threshold_pence"] == 250_000
    assert made["updated_by"].startswith("user:")
    refused = mh.call("PUT", "/money/settings", {"variation_threshold_pence": 1_000_000}, status=403)
    assert "host administrator" in refused["detail"]
    assert mh.call("GET", path, headers=host)["variation_threshold_pence"] == 250_000  # nothing half-applied
    # The finance officer's other settings still save, the threshold sent unchanged with them.
    kept = mh.call("PUT", "/money/settings", {"variation_threshold_pence": 250_000, "claim_daily_rate_pence": 45_000})
    assert kept["claim_daily_rate_pence"] == 45_000 and kept["variation_threshold_pence"] == 250_000
    budget = mh.adopted_budget()
    assert _virement(mh, budget, 300_000)["status"] == "awaiting_board"  # the host's threshold governs
    mh.call("PUT", path, {"variation_threshold_owner": "finance_officer"}, headers=host)
    mh.call("PUT", path, {"variation_threshold_pence": 600_000}, headers=host, status=403)
    assert mh.call("PUT", "/money/settings", {"variation_threshold_pence": 600_000})["variation_threshold_pence"] \
        == 600_000
    other = mh.as_(("host_admin",), consortium=uuid.uuid4())
    assert mh.call("GET", path, headers=other)["variation_threshold_owner"] == "finance_officer"


def test_f1_a_variation_to_one_line_and_a_virement_between_years(mh):
    this_year = mh.adopted_budget(2026)
    next_year = mh.adopted_budget(2027)
    increase = mh.call("POST", "/variations", {"kind": "variation", "line_id": mh.line(this_year, "E1")["id"],
                                               "amount_pence": 100_000, "direction": "increase",
                                               "reason": "New grant"}, 201)
    mh.call("POST", f"/variations/{increase['id']}/approve")
    decrease = mh.call("POST", "/variations", {"kind": "variation", "line_id": mh.line(this_year, "E2")["id"],
                                               "amount_pence": 900_000, "direction": "decrease",
                                               "reason": "Fewer events"}, 201)
    assert decrease["status"] == "awaiting_board" and decrease["change_pence"] == -900_000
    across = mh.call("POST", "/variations", {
        "kind": "virement", "from_line_id": mh.line(this_year, "E3")["id"], "line_id": mh.line(next_year, "E3")["id"],
        "amount_pence": 400_000, "reason": "Carry forward to 2027-28"}, 201)
    assert "(2026-27)" in across["from_line"] and "(2027-28)" in across["line"]
    mh.call("POST", f"/variations/{across['id']}/approve")
    assert mh.figures(this_year["id"])["E1"] == 2_100_000
    assert mh.figures(this_year["id"])["E3"] == 9_600_000 and mh.figures(next_year["id"])["E3"] == 10_400_000
    assert mh.figures(this_year["id"])["E2"] == 1_500_000  # the decrease still waits for the board


def test_f1_bad_requests_are_refused_and_nothing_is_recorded(mh):
    budget = mh.adopted_budget()
    floaty = _virement(mh, budget, 7500.5, status=422)
    assert "amount_pence" in floaty["errors"]
    as_text = _virement(mh, budget, "750000", status=422)
    assert "amount_pence" in as_text["errors"]
    no_source = mh.call("POST", "/variations", {"kind": "virement", "line_id": mh.line(budget, "E1")["id"],
                                                "amount_pence": 100, "reason": "x"}, 422)
    assert "from_line_id" in no_source["errors"]
    unknown = mh.call("POST", "/variations", {"kind": "virement", "line_id": str(uuid.uuid4()),
                                              "from_line_id": mh.line(budget, "E1")["id"], "amount_pence": 100,
                                              "reason": "x"}, 422)
    assert "line_id" in unknown["errors"]
    same = _virement(mh, budget, 100, source="E1", to="E1", status=409)
    assert same["type"] == "urn:consortium-hub:rule:F1"
    too_much = _virement(mh, budget, 1_500_001, status=409)  # E2 holds £15,000.00
    assert "below zero" in too_much["detail"]
    mh.call("POST", "/variations", {"kind": "variation", "line_id": mh.line(budget, "E1")["id"], "amount_pence": 0,
                                    "reason": "x"}, 422)
    _virement(mh, budget, 100, headers=mh.manager, status=403)
    other = mh.as_(("finance_officer",), consortium=uuid.uuid4())
    _virement(mh, budget, 100, headers=other, status=422)  # another consortium's line is no line at all
    assert mh.call("GET", "/variations") == []
    assert mh.outbox("finance.variation.requested") == []


def test_f1_a_draft_budget_is_edited_directly_and_variations_need_it_adopted(mh):
    budget = mh.call("POST", "/budgets", {"year": 2028, "title": "2028-29"}, 201)
    mh.call("POST", "/budgets", {"year": 2028}, 409)
    budget = mh.call("POST", f"/budgets/{budget['id']}/lines", {"code": "E1", "title": "Outreach",
                                                                "kind": "expenditure", "amount_pence": 100}, 201)
    line = mh.line(budget, "E1")
    budget = mh.call("PATCH", f"/budgets/{budget['id']}/lines/{line['id']}", {"amount_pence": 250_000})
    assert mh.line(budget, "E1")["amount_pence"] == 250_000
    mh.call("POST", f"/budgets/{budget['id']}/lines", {"code": "E1", "title": "Again", "kind": "expenditure"}, 422)
    mh.call("POST", "/variations", {"kind": "variation", "line_id": line["id"], "amount_pence": 100,
                                    "reason": "x"}, 409)
    mh.call("POST", f"/budgets/{budget['id']}/adopt")
    mh.call("POST", f"/budgets/{budget['id']}/adopt", status=409)
    # a new line after adoption starts at nothing; a rename is fine
    budget = mh.call("POST", f"/budgets/{budget['id']}/lines", {"code": "E2", "title": "New work",
                                                                "kind": "expenditure"}, 201)
    budget = mh.call("PATCH", f"/budgets/{budget['id']}/lines/{line['id']}", {"title": "Outreach and events"})
    assert mh.line(budget, "E1")["title"] == "Outreach and events"
    assert mh.line(budget, "E2")["amount_pence"] == 0
    mh.call("GET", "/budgets", headers=mh.member_a, status=403)
    assert mh.call("GET", "/budgets", headers=mh.manager)


def test_f1_actuals_come_from_the_ledger_income_payments_and_recharge_invoices(mh):
    budget = mh.adopted_budget(2026)
    contract_id = mh.award(value_pence=1_000_000, basis_points=500,
                           schedule=[{"due_on": "2026-07-01", "amount_pence": 1_000_000}])
    instalment = mh.call("GET", f"/income/contracts/{contract_id}")["instalments"][0]
    mh.call("POST", f"/income/instalments/{instalment['id']}/received", {"received_on": "2026-07-02"})
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(123_456, PAST)]))
    ids = [i["id"] for i in mh.schedule(data)["instalments"]]
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": "2026-12-01"}, 201)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    mh.call("POST", f"/payment-runs/{run['id']}/paid", {"paid_on": "2026-12-01"})
    invoice = {"invoice_id": str(uuid.uuid4()), "kind": "invoice", "number": "INV-00007",
               "organisation_id": str(mh.org_a), "month": "2026-10-01", "issued_on": "2026-11-03",
               "due_on": "2026-12-03", "net_pence": 540_000, "vat_pence": 108_000, "total_pence": 648_000,
               "credits_invoice_id": None}
    event = mh.event("finance.invoice.issued", invoice, f"invoice/{invoice['invoice_id']}")
    mh.deliver(event)
    mh.deliver(event)
    mh.apply("finance.invoice.issued", invoice)  # the same invoice told again: posted once
    credit = invoice | {"invoice_id": str(uuid.uuid4()), "kind": "credit_note", "number": "INV-00008",
                        "net_pence": -40_000, "vat_pence": -8_000, "total_pence": -48_000,
                        "credits_invoice_id": invoice["invoice_id"], "issued_on": "2027-01-10"}
    mh.apply("finance.invoice.issued", credit)
    mh.apply("finance.invoice.issued", invoice | {"invoice_id": str(uuid.uuid4()), "issued_on": "2027-04-01"})
    shown = mh.call("GET", f"/budgets/{budget['id']}")
    assert mh.line(shown, "I1")["actual_pence"] == 1_000_000
    assert mh.line(shown, "E3")["actual_pence"] == 123_456
    assert mh.line(shown, "E3")["remaining_pence"] == 10_000_000 - 123_456
    assert mh.line(shown, "E4")["actual_pence"] == 648_000 - 48_000  # the April invoice is next year's
    assert mh.line(shown, "E1")["actual_pence"] == 0
    assert len(mh.call("GET", "/money/ledger?year=2026")) == 5


def test_f1_a_decision_on_someone_elses_request_is_ignored(mh):
    budget = mh.adopted_budget()
    variation = _virement(mh, budget, 750_000)
    mh.apply("governance.decision.made", {
        "decision_id": str(uuid.uuid4()), "request_id": str(uuid.uuid4()), "kind": "membership_application",
        "subject": "organisation/x", "outcome": "approved", "note": ""})
    assert mh.call("GET", f"/variations/{variation['id']}")["status"] == "awaiting_board"
    pending = mh.call("GET", "/variations?status=pending", headers=mh.board)
    assert [v["id"] for v in pending] == [variation["id"]]
    assert mh.call("GET", "/money/overview")["pending_variations_pence"] == 750_000
