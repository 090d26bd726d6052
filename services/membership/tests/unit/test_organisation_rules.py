"""Pure domain rules of membership: identifiers in their real formats and the M1 lifecycle."""
import pytest

from hubkit.domain import RuleViolation
from membership.domain import organisations as rules


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


def test_m1_only_an_applicant_goes_to_the_board_and_the_board_decides():
    assert rules.submit_application(rules.APPLICANT) == rules.AWAITING_DECISION
    with pytest.raises(RuleViolation) as refused:
        rules.submit_application(rules.ACTIVE)
    assert refused.value.rule == "M1"
    assert rules.decide_application(rules.AWAITING_DECISION, "approved") == rules.ACTIVE
    assert rules.decide_application(rules.AWAITING_DECISION, "rejected") == rules.REJECTED
    with pytest.raises(RuleViolation):
        rules.decide_application(rules.APPLICANT, "approved")
