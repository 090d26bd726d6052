"""Shared-staff time rules as plain functions: F3 full-cost rates, F4 exact money, H4 who recharges and timesheets."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from hubkit.domain import RuleViolation

from finance.domain import invoices, rates, time


def _inputs(**changes):
    base = dict(salary_pence=3_000_000, on_costs_percent=Decimal("20"), on_costs_pence=None,
                overhead_percent=Decimal("25"), productive_hours=Decimal("1500"))
    return rates.RateInputs(**(base | changes))


def test_f3_the_full_cost_rate_includes_on_costs_and_overheads_not_salary_alone():
    assert rates.full_cost_rate_pence(_inputs()) == 3000  # 30,000 x 1.2 x 1.25 / 1500 h
    salary_only = rates.full_cost_rate_pence(_inputs(on_costs_percent=Decimal(0), overhead_percent=Decimal(0)))
    assert salary_only == 2000


def test_f3_on_costs_in_pence_a_year():
    assert rates.full_cost_rate_pence(_inputs(on_costs_percent=None, on_costs_pence=600_000)) == 3000


def test_f3_the_rate_is_rounded_once_half_up_from_the_exact_yearly_cost():
    # 1,000,000 x 1.0 x 1.0 / 1600 = 625.0p; / 1601 = 624.609...p; 2001.5 -> 2002 (half up, not banker's)
    assert rates.full_cost_rate_pence(_inputs(salary_pence=1_000_000, on_costs_percent=Decimal(0),
                                              overhead_percent=Decimal(0), productive_hours=Decimal(1601))) == 625
    assert rates.full_cost_rate_pence(_inputs(salary_pence=4003, on_costs_percent=Decimal(0),
                                              overhead_percent=Decimal(0), productive_hours=Decimal(2))) == 2002
    # rounding on-costs or overheads to the penny first would give a different answer: we never do
    tricky = _inputs(salary_pence=2_345_679, on_costs_percent=Decimal("13.83"), overhead_percent=Decimal("17.51"),
                     productive_hours=Decimal("1642.5"))
    exact = Decimal(2_345_679) * Decimal("1.1383") * Decimal("1.1751") / Decimal("1642.5")
    assert rates.full_cost_rate_pence(tricky) == int(exact + Decimal("0.5"))


def test_f3_a_rate_needs_productive_hours_and_one_kind_of_on_costs():
    with pytest.raises(RuleViolation):
        rates.full_cost_rate_pence(_inputs(productive_hours=Decimal(0)))
    with pytest.raises(RuleViolation):
        rates.full_cost_rate_pence(_inputs(on_costs_pence=5))


def test_f3_the_rate_in_effect_on_a_day_is_the_latest_begun():
    Rate = dataclasses.make_dataclass("Rate", ["effective_from", "created_at", "hourly_rate_pence"])
    now = dt.datetime.now(dt.timezone.utc)
    history = [Rate(dt.date(2026, 4, 1), now, 3200), Rate(dt.date(2026, 1, 1), now, 3000)]
    assert rates.rate_on(history, dt.date(2025, 12, 31)) is None
    assert rates.rate_on(history, dt.date(2026, 3, 31)).hourly_rate_pence == 3000
    assert rates.rate_on(history, dt.date(2026, 4, 1)).hourly_rate_pence == 3200


def test_f4_a_line_is_minutes_times_rate_rounded_once():
    assert rates.cost_pence(15, 1911) == 478   # 477.75 -> 478
    assert rates.cost_pence(30, 1911) == 956   # 955.5 -> 956 (half up)
    assert rates.cost_pence(-15, 1911) == -478  # a credit is the mirror image of the charge


def test_f4_lines_group_entries_by_code_person_and_rate_and_sum_exactly():
    Entry = dataclasses.make_dataclass("Entry", ["id", "cost_code_id", "staff_id", "rate_pence", "minutes"])
    code, person = uuid.uuid4(), uuid.uuid4()
    entries = [Entry(uuid.uuid4(), code, person, 1911, 15) for _ in range(3)] + [
        Entry(uuid.uuid4(), code, person, 2000, 60)]
    lines = invoices.group_lines(entries)
    assert sorted((line.rate_pence, line.minutes, line.net_pence) for line in lines) == [
        (1911, 45, 1433), (2000, 60, 2000)]  # 3 x 15 min at 1911 = 1433.25 -> 1433 (not 3 x 478 = 1434)
    assert sum(len(line.entry_ids) for line in lines) == 4


def test_f4_a_reversal_and_its_original_cancel_out_to_no_line():
    Entry = dataclasses.make_dataclass("Entry", ["id", "cost_code_id", "staff_id", "rate_pence", "minutes"])
    code, person = uuid.uuid4(), uuid.uuid4()
    assert invoices.group_lines([Entry(1, code, person, 3000, 450), Entry(2, code, person, 3000, -450)]) == []


def test_f4_vat_is_per_issuer_configuration_rounded_once_per_line():
    assert invoices.vat_pence(1433, "standard") == 287   # 286.6
    assert invoices.vat_pence(1433, "exempt") == 0
    assert invoices.vat_pence(1433, "outside_scope") == 0
    with pytest.raises(RuleViolation):
        invoices.vat_pence(1, "zero")


def test_h4_who_recharges_depends_on_the_hub_model():
    host, member = uuid.uuid4(), uuid.uuid4()
    invoices.check_recharge_allowed("outsourced_to_member", host, "host", host)
    invoices.check_recharge_allowed("virtual_hub", None, "member", member)
    for model, kind, org in (("central_staff_team", "host", host), ("outsourced_to_member", "member", member),
                             (None, "host", host), ("virtual_hub", "consortium", None)):
        with pytest.raises(RuleViolation):
            invoices.check_recharge_allowed(model, host, kind, org)


def test_h4_invoice_status_moves_forward_only():
    invoices.check_transition("draft", "issued")
    invoices.check_transition("issued", "paid")
    for status, to in (("draft", "paid"), ("paid", "issued"), ("credited", "credited")):
        with pytest.raises(RuleViolation):
            invoices.check_transition(status, to)
    assert invoices.invoice_number("INV-", 7) == "INV-00007"


def test_h4_time_is_logged_in_quarter_hours_up_to_24_hours_a_day():
    assert time.minutes_problem(0) is None and time.minutes_problem(1440) is None
    assert "negative" in time.minutes_problem(-15)
    assert "quarter" in time.minutes_problem(20)
    assert "24" in time.minutes_problem(1455)
    monday = dt.date(2026, 10, 5)
    code = uuid.uuid4()
    with pytest.raises(time.InvalidField) as caught:
        time.check_entries(monday, [{"day": monday, "cost_code_id": code, "minutes": 900},
                                    {"day": monday, "cost_code_id": uuid.uuid4(), "minutes": 600}])
    assert "minutes" in caught.value.errors["entries"]["1"]


def test_h4_minutes_are_shown_back_as_hours():
    """Hours as typed are read by the gateway (hubkit.hours, tested in libs/hubkit/tests/test_hours.py)."""
    assert time.hours_text(450) == "7.5" and time.hours_text(480) == "8" and time.hours_text(0) == ""


def test_h4_an_approved_week_is_locked_and_nobody_approves_their_own():
    with pytest.raises(RuleViolation, match="locked"):
        time.check_can_edit("approved")
    time.check_can_edit("rejected")
    with pytest.raises(time.NotAllowed):
        time.check_approver("u1", {"finance_officer"}, "u1", None)
    with pytest.raises(time.NotAllowed):
        time.check_approver("m1", {"consortium_manager"}, "u1", "someone-else")
    time.check_approver("m1", {"consortium_manager"}, "u1", "m1")
    time.check_approver("f1", {"finance_officer"}, "u1", None)


def test_weeks_and_months():
    assert time.week_start(dt.date(2026, 10, 11)) == dt.date(2026, 10, 5)
    assert time.parse_month("2026-12") == dt.date(2026, 12, 1)
    assert time.next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert time.closed_days([dt.date(2026, 9, 30), dt.date(2026, 10, 1)], {dt.date(2026, 10, 1)}) == [
        dt.date(2026, 10, 1)]


def test_f4_xero_files_hold_at_most_500_lines_an_invoice_never_split():
    counts = [(f"INV-{n:05d}", 1 + n % 7) for n in range(1, 301)]  # 300 invoices, 1 to 7 lines each
    files = invoices.xero_files(counts)
    lines = dict(counts)
    assert [number for file in files for number in file] == [number for number, _ in counts]  # all, in order
    assert all(sum(lines[n] for n in file) <= invoices.XERO_ROWS_PER_FILE for file in files)
    assert len(files) == -(-sum(lines.values()) // 500) or len(files) == 1 + sum(lines.values()) // 500
    # exactly 500 lines fill one file; the 501st line opens the next
    assert invoices.xero_files([("a", 250), ("b", 250)]) == [["a", "b"]]
    assert invoices.xero_files([("a", 250), ("b", 250), ("c", 1)]) == [["a", "b"], ["c"]]
    assert invoices.xero_files([("a", 499), ("b", 2)]) == [["a"], ["b"]]  # b is not split across files
    assert invoices.xero_files([("a", 1), ("b", 501), ("c", 1)]) == [["a"], ["b"], ["c"]]  # too long: alone
    assert invoices.xero_files([]) == []


def test_f4_an_export_with_nothing_new_is_refused():
    with pytest.raises(RuleViolation) as refused:
        invoices.check_something_to_export(0, dt.date(2026, 11, 1))
    assert refused.value.rule == "F4" and "issued in November 2026" in refused.value.message
    invoices.check_something_to_export(1, None)


def test_f3_a_staff_rows_login_is_found_by_username_or_email_in_any_case():
    from finance.domain import staff_imports

    def row(login="", user_id=""):
        return staff_imports.StaffRow(2, "Priya Shah", {"employer_kind": "host", "employer": "", "line_manager": "",
                                                        "login": login, "user_id": user_id}, {})

    logins = {"priya.shah": "u-1", "priya@example.org": "u-1"}
    for login in ("Priya.Shah", "PRIYA@example.org"):
        found = row(login)
        assert staff_imports.resolve_login(found, logins) == [] and found.user_id == "u-1"
    [problem] = staff_imports.resolve_login(row("nobody"), logins)
    assert problem.column == "login" and "nobody" in problem.message
    [problem] = staff_imports.resolve_login(row("priya.shah", "u-2"), logins)
    assert problem.column == "user_id"
    old = row(user_id="u-9")
    assert staff_imports.resolve_login(old, {}) == [] and old.user_id == "u-9"
