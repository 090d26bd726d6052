"""The home page's rules in contracts (issue 14 item 1): the next 14 days, and the step a round waits on."""
from __future__ import annotations

import datetime as dt

from contracts.domain import summary as rules

TODAY = dt.date(2027, 3, 20)  # a pure rule fed a fixed day: no clock involved


def test_a_pipeline_deadline_counts_from_today_to_14_days_on_and_never_once_passed():
    dates = {"clarification_deadline": None, "submission_deadline": TODAY + dt.timedelta(days=14),
             "award_expected_on": None, "start_expected_on": None}
    assert rules.pipeline_deadline_soon("bidding", dates, TODAY).on == TODAY + dt.timedelta(days=14)
    assert rules.pipeline_deadline_soon("bidding", dates, TODAY - dt.timedelta(days=1)) is None  # 15 days off
    assert rules.pipeline_deadline_soon("bidding", dates, TODAY + dt.timedelta(days=14)).days_left == 0
    assert rules.pipeline_deadline_soon("bidding", dates, TODAY + dt.timedelta(days=15)) is None  # overdue
    assert rules.pipeline_deadline_soon("lost", dates, TODAY) is None
    # a clarification deadline passed gives way to the submission deadline (the domain's next_deadline)
    dates |= {"clarification_deadline": TODAY - dt.timedelta(days=1)}
    assert rules.pipeline_deadline_soon("qualifying", dates, TODAY).what == "the submission deadline"


def test_c2_c4_each_undecided_round_waits_on_one_step_towards_one_of_its_dates():
    dates = {"declarations_close_on": TODAY, "eois_close_on": TODAY + dt.timedelta(days=7),
             "decision_by": TODAY + dt.timedelta(days=21)}
    assert rules.round_step("declarations", dates) == ("Confirm the panel and open expressions of interest", TODAY)
    assert rules.round_step("eois_open", dates)[1] == TODAY + dt.timedelta(days=7)
    assert rules.round_step("scoring", dates)[1] == TODAY + dt.timedelta(days=21)
    assert rules.round_step("decided", dates) is None
