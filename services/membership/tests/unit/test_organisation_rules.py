"""Pure domain rules of membership: identifiers, the M1 joining lifecycle, due diligence, eligibility."""
import datetime as dt

import pytest

from hubkit.domain import RuleViolation
from membership.domain import due_diligence as dd
from membership.domain import eligibility
from membership.domain import organisations as rules

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("number,ok", [("123456", True), ("1234567", True), ("12345", False), ("12345678", False),
                                       ("12a456", False)])
def test_charity_numbers_have_six_or_seven_digits(number, ok):
    assert rules.is_charity_number(number) is ok


@pytest.mark.parametrize("number,ok", [("01234567", True), ("SC123456", True), ("ni123456", True),
                                       ("1234567", False), ("XX123456", False), ("SC12345", False)])
def test_company_numbers_have_eight_characters(number, ok):
    assert rules.is_company_number(number) is ok


@pytest.mark.parametrize("code,ok", [("LS1 8AB", True), ("sw1a1aa", True), ("EC1A 1BB", True), ("LS1", False),
                                     ("QQ1 1AA", False), ("12345", False)])
def test_postcodes_are_real_uk_formats(code, ok):
    assert rules.is_postcode(code) is ok


def complete_evidence(**overrides) -> dict[str, dd.Evidence]:
    evidence = {}
    for requirement in dd.DEFAULT_CHECKLIST:
        evidence[requirement.kind] = dd.Evidence(
            requirement.kind, provided_on=TODAY - dt.timedelta(days=10),
            expires_on=TODAY + dt.timedelta(days=200) if requirement.needs_expiry else None,
            cover_pence=500_000_000 if requirement.needs_cover else None,
            verified_by="Morgan Manager", verified_on=TODAY - dt.timedelta(days=5))
    evidence.update(overrides)
    return evidence


def test_m1_complete_due_diligence_has_nothing_outstanding():
    assert dd.outstanding(dd.DEFAULT_CHECKLIST, complete_evidence(), TODAY) == []


def test_m1_missing_unverified_and_expired_items_are_each_named():
    evidence = complete_evidence(
        safeguarding_policy=dd.Evidence("safeguarding_policy", provided_on=TODAY),  # not verified
        public_liability=dd.Evidence("public_liability", provided_on=TODAY, expires_on=TODAY - dt.timedelta(days=1),
                                     cover_pence=1, verified_by="A", verified_on=TODAY))
    del evidence["latest_accounts"]
    assert dd.outstanding(dd.DEFAULT_CHECKLIST, evidence, TODAY) == [
        "Latest accounts is missing", "Public liability insurance has expired", "Safeguarding policy is not verified"]


def test_m1_an_optional_item_does_not_hold_an_application_back():
    checklist = tuple(dd.Requirement(r.kind, r.label, r.kind != "equality_policy", r.needs_expiry, r.needs_cover)
                      for r in dd.DEFAULT_CHECKLIST)
    evidence = complete_evidence()
    del evidence["equality_policy"]
    assert dd.outstanding(checklist, evidence, TODAY) == []


def test_m1_only_a_submitted_application_with_due_diligence_done_goes_to_the_board():
    assert rules.put_to_board(rules.IN_DUE_DILIGENCE, []) == rules.AWAITING_DECISION
    with pytest.raises(RuleViolation) as refused:
        rules.put_to_board(rules.IN_DUE_DILIGENCE, ["Latest accounts is missing"])
    assert refused.value.rule == "M1" and "Latest accounts is missing" in refused.value.message
    with pytest.raises(RuleViolation):
        rules.put_to_board(rules.APPLICANT, [])


def test_m1_the_boards_decision_makes_the_applicant_active_or_rejected():
    assert rules.decide_application(rules.AWAITING_DECISION, "approved") == rules.ACTIVE
    assert rules.decide_application(rules.AWAITING_DECISION, "rejected") == rules.REJECTED
    with pytest.raises(RuleViolation):
        rules.decide_application(rules.ACTIVE, "approved")


@pytest.mark.parametrize("status,to,ok", [
    ("active", "suspended", True), ("suspended", "active", True), ("active", "withdrawn", True),
    ("lapsed", "active", True), ("applicant", "suspended", False), ("withdrawn", "active", False),
    ("expelled", "active", False), ("active", "rejected", False),
])
def test_membership_changes_follow_the_lifecycle(status, to, ok):
    if ok:
        assert rules.change_membership(status, to, None) == to
    else:
        with pytest.raises(RuleViolation):
            rules.change_membership(status, to, None)


def test_g5_expulsion_needs_the_partners_groups_decision():
    with pytest.raises(RuleViolation) as refused:
        rules.change_membership("active", "expelled", None)
    assert refused.value.rule == "G5"
    assert rules.change_membership("active", "expelled", "a-decision-id") == "expelled"


def test_expired_insurance_makes_a_member_ineligible_until_a_verified_renewal():
    expired = dd.Evidence("public_liability", provided_on=TODAY - dt.timedelta(days=400),
                          expires_on=TODAY - dt.timedelta(days=1), cover_pence=1, verified_by="A",
                          verified_on=TODAY - dt.timedelta(days=399))
    renewed_unverified = dd.Evidence("public_liability", provided_on=TODAY, expires_on=TODAY + dt.timedelta(days=365),
                                     cover_pence=1)
    renewed = dataclasses_replace(renewed_unverified, verified_by="A", verified_on=TODAY)
    check = lambda item: eligibility.reasons_not_eligible(  # noqa: E731
        dd.DEFAULT_CHECKLIST, complete_evidence(public_liability=item), TODAY)
    assert check(expired) == [f"Public liability insurance expired on {expired.expires_on.isoformat()}"]
    assert check(renewed_unverified) == ["Public liability insurance renewal is not verified yet"]
    assert check(renewed) == []


def dataclasses_replace(item, **changes):
    import dataclasses

    return dataclasses.replace(item, **changes)
