"""Rules of contracts and performance as plain functions: P1 (periods, RAG, trend, returns), F2 (the value
check), H5 (a virtual hub's contract management)."""
import datetime as dt
from decimal import Decimal

import pytest

from hubkit.domain import RuleViolation
from contracts.domain import contracts as c
from contracts.domain import ocds
from contracts.domain import performance as p


def test_p1_quarterly_periods_are_generated_from_the_contract_dates_with_returns_due_20_days_after():
    periods = c.reporting_periods(dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert [(x.starts_on, x.ends_on) for x in periods] == [
        (dt.date(2027, 4, 1), dt.date(2027, 6, 30)), (dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
        (dt.date(2027, 10, 1), dt.date(2027, 12, 31)), (dt.date(2028, 1, 1), dt.date(2028, 3, 31))]
    assert periods[0].return_due_on == dt.date(2027, 7, 20)
    assert periods[0].label.startswith("Q1") and periods[3].number == 4


def test_p1_other_frequencies_and_a_short_last_period():
    monthly = c.reporting_periods(dt.date(2027, 1, 31), dt.date(2027, 4, 15), "monthly", 10)
    # a month from 31 January ends with February (no 31st to stop the day before), as G6 terms do
    assert [x.ends_on for x in monthly] == [dt.date(2027, 2, 28), dt.date(2027, 3, 30), dt.date(2027, 4, 15)]
    assert monthly[-1].return_due_on == dt.date(2027, 4, 25)
    assert len(c.reporting_periods(dt.date(2027, 4, 1), dt.date(2029, 3, 31), "annual")) == 2
    with pytest.raises(ValueError):
        c.reporting_periods(dt.date(2027, 4, 1), dt.date(2027, 3, 1))


def test_p1_rag_defaults_green_from_95_percent_amber_from_80_red_below():
    assert p.rag(95, 100) == "green" and p.rag(120, 100) == "green"
    assert p.rag(Decimal("94.9"), 100) == "amber" and p.rag(80, 100) == "amber"
    assert p.rag(79, 100) == "red" and p.rag(0, 100) == "red"
    assert p.rag(None, 100) is None and p.rag(5, None) is None


def test_p1_rag_thresholds_are_configuration():
    strict = p.Thresholds(green_percent=100, amber_percent=90)
    assert p.rag(95, 100, thresholds=strict) == "amber" and p.rag(89, 100, thresholds=strict) == "red"
    with pytest.raises(ValueError):
        p.Thresholds(green_percent=80, amber_percent=90)


def test_p1_rag_when_lower_is_better():
    # e.g. days waited for a first appointment: a target of 10 days, 12 days is 83% of profile
    assert p.rag(10, 10, higher_is_better=False) == "green"
    assert p.rag(8, 10, higher_is_better=False) == "green"
    assert p.rag(12, 10, higher_is_better=False) == "amber"
    assert p.rag(20, 10, higher_is_better=False) == "red"


def test_p1_rag_with_zero_targets():
    assert p.rag(0, 0) == "green" and p.rag(3, 0) == "green"  # nothing was expected: anything meets it
    assert p.rag(0, 0, higher_is_better=False) == "green"  # e.g. no complaints expected, none received
    assert p.rag(1, 0, higher_is_better=False) == "red"


def test_p1_overall_rag_is_the_worst_indicator_and_trend_compares_the_last_two_periods():
    assert p.overall(["green", "amber", None]) == "amber" and p.overall(["green", "red"]) == "red"
    assert p.overall([None, None]) is None
    assert p.trend([80, 95]) == "improving" and p.trend([95, None, 70]) == "worsening"
    assert p.trend([90, 90.2]) == "steady" and p.trend([None, 90]) == "not enough data"


def test_p1_a_return_needs_an_actual_of_zero_or_more_for_every_indicator():
    p.check_actuals({"a": 0, "b": 3}, {"a", "b"})
    with pytest.raises(ValueError, match="negative"):
        p.check_actuals({"a": -1, "b": 3}, {"a", "b"})
    with pytest.raises(ValueError, match="every indicator"):
        p.check_actuals({"a": 1}, {"a", "b"})
    with pytest.raises(ValueError, match="not indicators"):
        p.check_actuals({"a": 1, "b": 1, "z": 1}, {"a", "b"})
    assert p.is_late(dt.date(2027, 7, 21), dt.date(2027, 7, 20)) and not p.is_late(dt.date(2027, 7, 20),
                                                                                   dt.date(2027, 7, 20))


def test_p1_only_submitted_returns_are_reviewed_and_only_queried_ones_resubmitted():
    p.check_can_review("submitted")
    p.check_can_resubmit("queried")
    for status in ("accepted", "queried"):
        with pytest.raises(RuleViolation):
            p.check_can_review(status)
    with pytest.raises(RuleViolation):
        p.check_can_resubmit("accepted")


def test_f2_subcontracts_may_not_exceed_the_contract_value_less_the_management_fee():
    # £450,000 at 8%: £36,000 fee, £414,000 for subcontracts
    assert c.available_for_subcontracts(45_000_000, 800) == 41_400_000
    c.check_subcontract_values(45_000_000, 800, [20_000_000, 21_400_000])
    with pytest.raises(RuleViolation) as refused:
        c.check_subcontract_values(45_000_000, 800, [20_000_000, 21_400_001])
    assert refused.value.rule == "F2" and "£414,000" in refused.value.message


def test_f2_a_payment_schedule_cannot_promise_more_than_the_subcontract_and_goes_to_active_members():
    c.check_schedule_within_value(1000, [400, 600])
    with pytest.raises(RuleViolation, match="F2"):
        c.check_schedule_within_value(1000, [400, 601])
    with pytest.raises(RuleViolation, match="not an active member"):
        c.check_member_can_subcontract("suspended", "Wharfedale Carers")
    with pytest.raises(RuleViolation, match="not a member organisation"):
        c.check_member_can_subcontract(None, None)


def test_h5_a_virtual_hub_contract_goes_live_only_with_its_management_subcontracted():
    assert c.management_subcontract_needed("virtual_hub")
    assert not c.management_subcontract_needed("central_staff_team") and not c.management_subcontract_needed(None)
    with pytest.raises(RuleViolation) as refused:
        c.check_can_go_live("awarded", "virtual_hub", has_management_subcontract=False)
    assert refused.value.rule == "H5"
    c.check_can_go_live("awarded", "virtual_hub", has_management_subcontract=True)
    c.check_can_go_live("awarded", "central_staff_team", has_management_subcontract=False)
    with pytest.raises(RuleViolation):
        c.check_can_go_live("live", None, False)


def test_p1_ocds_release_package_has_the_required_fields():
    package = ocds.release_package(
        contract={"id": "c1", "title": "Hubs", "commissioner_name": "Leeds City Council", "value_pence": 12345,
                  "starts_on": dt.date(2027, 4, 1), "ends_on": dt.date(2028, 3, 31), "status": "awarded",
                  "awarded_at": dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc),
                  "income_schedule": [{"due_on": "2027-07-30", "amount_pence": 12345}]},
        opportunity=None, consortium_name="Leeds Together", indicators=[],
        periods=[{"number": 1, "label": "Q1", "return_due_on": dt.date(2027, 7, 20)}],
        published_at=dt.datetime(2027, 5, 1, tzinfo=dt.timezone.utc), uri="https://hub.example/ocds")
    assert {"uri", "publishedDate", "publisher", "version", "releases"} <= set(package)
    release = package["releases"][0]
    assert {"ocid", "id", "date", "tag", "initiationType"} <= set(release)
    transaction = release["contracts"][0]["implementation"]["transactions"][0]
    assert transaction["value"] == {"amount": Decimal("123.45"), "currency": "GBP"}


# --- P1: the roll-up's total when lower is better -------------------------------------------------------------

def _rollup_line(higher_is_better: bool, target, returns):
    """One indicator, one period: `returns` as (name, actual, share) of each accepted return."""
    from types import SimpleNamespace

    indicator = SimpleNamespace(id="W1", higher_is_better=higher_is_better)
    period = SimpleNamespace(id="Q1")
    accepted = {"Q1": [p.AcceptedReturn(name, name, (None if a is None else Decimal(a),),
                                        (None if s is None else Decimal(s),)) for name, a, s in returns]}
    shares = {("W1", "Q1"): sum(Decimal(s) for _, _, s in returns if s is not None)}
    [line] = p.rollup([indicator], [period], {("W1", "Q1"): Decimal(target)}, shares, accepted, p.Thresholds())
    return line


def test_p1_lower_is_better_every_subcontractor_green_is_not_a_red_total():
    # days waited: each of three on (or under) its share of 10 days; the commissioner's target is 10 days.
    # Summed, 28 days against the whole target of 10 was 36% (red); like for like it is 30 against 28: green.
    line = _rollup_line(False, 10, [("North", 10, 10), ("Wharf", 9, 10), ("Aire", 9, 10)])
    assert line["actual"] == 28 and line["rated_against"] == 30
    assert line["percent"] == Decimal("107.1") and line["rag"] == "green" and line["worst_rag"] == "green"


def test_p1_lower_is_better_the_total_is_compared_the_right_way_round_with_the_worst_beside_it():
    line = _rollup_line(False, 10, [("North", 9, 10), ("Wharf", 14, 10)])  # 111% green and 71% red
    assert line["rated_against"] == 20 and line["actual"] == 23
    assert line["percent"] == Decimal("87.0") and line["rag"] == "amber"  # 20 / 23: more days than profile is worse
    assert line["worst_rag"] == "red" and [(w["organisation_name"], w["percent"]) for w in line["worst"]] == [
        ("Wharf", Decimal("71.4"))]
    better = _rollup_line(False, 10, [("North", 5, 10), ("Wharf", 8, 10)])  # fewer days than profile: above 100
    assert better["percent"] == Decimal("153.8") and better["rag"] == "green"


def test_p1_lower_is_better_total_is_never_worse_than_its_worst_subcontractor():
    cases = [[("A", 12, 10), ("B", 3, 5)], [("A", 1, 10), ("B", 40, 5), ("C", 7, 7)], [("A", 0, 4), ("B", 9, 8)]]
    for returns in cases:
        line = _rollup_line(False, 1, returns)
        own = [p.achievement(Decimal(a), Decimal(s), False) for _, a, s in returns]
        assert line["percent"] >= min(own) - Decimal("0.1"), (returns, line["percent"])
        assert p.RAG_ORDER[line["rag"]] <= p.RAG_ORDER[line["worst_rag"]]


def test_p1_lower_is_better_a_return_without_a_share_is_left_out_of_the_like_for_like_total():
    line = _rollup_line(False, 10, [("North", 10, 10), ("Newcomer", 30, None)])
    assert line["actual"] == 40 and line["rated_against"] == 10 and line["rag"] == "green"
    nobody_has_a_share = _rollup_line(False, 10, [("Newcomer", 20, None)])
    assert nobody_has_a_share["rated_against"] == 10 and nobody_has_a_share["rag"] == "red"  # the target: 10 / 20


def test_p1_higher_is_better_totals_are_still_against_the_commissioners_target():
    line = _rollup_line(True, 100, [("North", 52, 50), ("Wharf", 38, 50)])
    assert line["rated_against"] == 100 and line["percent"] == 90 and line["rag"] == "amber"
    assert line["worst_rag"] == "red"
    alone = _rollup_line(True, 100, [("North", 50, 50)])  # the other yet to report: a shortfall so far
    assert alone["rated_against"] == 100 and alone["rag"] == "red"
