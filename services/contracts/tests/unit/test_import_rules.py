"""The rules of a contract's history brought in from a file (issue 12, item 6; P1), as plain functions."""
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from contracts.domain import imports as rules

NORTH, WHARF, WHARF_MANAGEMENT = (rules.SubcontractRef(uuid.uuid4(), name, starts, dt.date(2026, 3, 31))
                                  for name, starts in (("Northfield", dt.date(2025, 4, 1)),
                                                       ("Wharfedale", dt.date(2025, 7, 1)),
                                                       ("Wharfedale", dt.date(2025, 4, 1))))
O1, W1 = uuid.uuid4(), uuid.uuid4()
Q1 = rules.PeriodRef(uuid.uuid4(), 1, "Q1 2025-26", dt.date(2025, 4, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 20))
Q2 = rules.PeriodRef(uuid.uuid4(), 2, "Q2 2025-26", dt.date(2025, 7, 1), dt.date(2025, 9, 30), dt.date(2025, 10, 20))
REFS = rules.ContractRefs((NORTH, WHARF), {"O1": O1, "W1": W1}, (Q1, Q2))


def _row(number=2, **values):
    return {"_row": number, "subcontract": "Northfield", "indicator": "O1", "period": "1", "target": "10"} | values


@pytest.mark.parametrize("text, expected", [("12", Decimal(12)), ("1,250.5", Decimal("1250.5")), ("0", Decimal(0))])
def test_p1_a_figure_is_a_number_from_nothing_up(text, expected):
    assert rules.parse_figure(text) == expected


@pytest.mark.parametrize("text", ["ten", "-1", "NaN", "Infinity", "2000000000"])
def test_p1_a_figure_that_is_not_a_count_is_refused(text):
    with pytest.raises(ValueError):
        rules.parse_figure(text)


def test_p1_a_row_names_a_subcontract_indicator_and_period_of_the_contract():
    row, problems = rules.read_row(_row(), REFS, "target")
    assert problems == [] and row.subcontract == NORTH and row.indicator_id == O1 and row.period == Q1
    assert row.figure == 10
    by_id, problems = rules.read_row(_row(subcontract=str(NORTH.id).upper(), period=str(Q2.id)), REFS, "target")
    assert problems == [] and by_id.subcontract == NORTH and by_id.period == Q2
    _, problems = rules.read_row(_row(subcontract="Nobody", indicator="Z", period="7", target=""), REFS, "target")
    assert [p.column for p in problems] == ["subcontract", "indicator", "period", "target"]


def test_p1_a_period_outside_the_subcontracts_dates_is_refused():
    _, problems = rules.read_row(_row(subcontract="Wharfedale"), REFS, "target")
    assert [(p.column, "outside" in p.message) for p in problems] == [("period", True)]


def test_p1_an_organisation_holding_two_subcontracts_is_named_by_the_subcontracts_id():
    refs = rules.ContractRefs((NORTH, WHARF, WHARF_MANAGEMENT), REFS.indicators, REFS.periods)
    _, problems = rules.read_row(_row(subcontract="wharfedale"), refs, "target")
    assert [p.column for p in problems] == ["subcontract"] and "id" in problems[0].message


def test_p1_a_figure_given_twice_in_a_file_is_a_problem_of_the_second_row():
    rows = [rules.read_row(_row(n, target=str(n)), REFS, "target")[0] for n in (2, 3)]
    assert [(p.row, p.column) for p in rules.duplicate_problems(rows)] == [(3, "indicator")]


def _return(number=2, **values):
    row, problems = rules.read_row({"_row": number, "subcontract": "Northfield", "indicator": "O1", "period": "1",
                                    "actual": "5", "submitted_on": "10/07/2025", "accepted_on": "",
                                    "narrative": "", "review_comment": ""} | values, REFS, "actual")
    assert problems == []
    return row


def test_p1_a_past_return_is_history_only_once_its_period_has_ended():
    assert rules.read_return_days(_return(), dt.date(2025, 7, 11)) == []
    problems = rules.read_return_days(_return(period="2", submitted_on="2025-08-01"), dt.date(2025, 9, 30))
    assert [(p.column, "has not ended" in p.message) for p in problems] == [("period", True)]


def test_p1_a_past_returns_days_are_in_order_and_have_happened():
    today = dt.date(2025, 8, 1)
    problems = rules.read_return_days(_return(submitted_on="2025-08-02", accepted_on="2025-07-30"), today)
    assert [p.column for p in problems] == ["submitted_on", "accepted_on"]
    problems = rules.read_return_days(_return(submitted_on="2025-03-31"), today)
    assert [p.column for p in problems] == ["submitted_on"]  # before its period started
    problems = rules.read_return_days(_return(submitted_on="31/02/2025"), today)
    assert [p.column for p in problems] == ["submitted_on"]


def test_p1_a_returns_rows_agree_give_every_indicator_and_are_not_in_the_hub_already():
    rows = [_return(2), _return(3, indicator="W1", narrative="Different")]
    for row in rows:
        rules.read_return_days(row, dt.date(2025, 8, 1))
    returns, problems = rules.group_returns(rows, {O1, W1}, set())
    assert list(returns) == [(NORTH.id, Q1.id)] and [(p.row, p.column) for p in problems] == [(3, "narrative")]
    _, problems = rules.group_returns(rows[:1], {O1, W1}, {(NORTH.id, Q1.id)})
    assert [(p.row, p.column) for p in problems] == [(2, "period"), (2, "indicator")]


def test_a_past_returns_words_are_text_a_database_stores_and_no_longer_than_the_api_takes():
    assert rules.return_text_problems(_return(narrative="Outreach began.")) == []
    problems = rules.return_text_problems(_return(narrative="x\x00y", review_comment="y" * 5001))
    assert [(p.column, p.message) for p in problems] == [("narrative", "NUL characters are not accepted."),
                                                         ("review_comment", "It is longer than 5000 characters.")]
