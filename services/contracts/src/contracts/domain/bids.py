"""Bids: pricing and partners' shares, who may partner, what may be uploaded, submission and outcome."""
from __future__ import annotations

from typing import Iterable

from hubkit.domain import InvalidField, RuleViolation
from hubkit.uploads import UnacceptableFile, checksum, content_type_of, safe_filename  # noqa: F401

PRICING_RULE = "bid_shares_within_price_less_fee"
BID_RULE = "bid"
DOCUMENT_KINDS = ("method_statement", "pricing_schedule", "case_study", "policy", "declaration", "other")
OUTCOMES = ("won", "lost")


def management_fee(price_pence: int, fee_basis_points: int) -> int:
    """The hub's management fee on a price, in whole pence (half a penny rounds up)."""
    return (price_pence * fee_basis_points + 5000) // 10000


def available_to_partners(price_pence: int, fee_basis_points: int) -> int:
    """What the delivery partners can share: the price less the hub's management fee."""
    return price_pence - management_fee(price_pence, fee_basis_points)


def check_shares(price_pence: int | None, fee_basis_points: int | None, shares: Iterable[int]) -> None:
    """The partners' proposed shares must not add up to more than the price less the management fee."""
    if price_pence is None:
        return  # nothing to hold them to until the bid is priced; submission needs a price
    total = sum(shares)
    available = available_to_partners(price_pence, fee_basis_points or 0)
    if total > available:
        raise RuleViolation(
            f"The partners' shares ({_pounds(total)}) exceed the price less the hub's management fee "
            f"({_pounds(available)}).", rule=PRICING_RULE)


PARTNER_STATUS = "active"  # the one membership status a partner or lead may have (partner_refusal)


def partner_refusal(status: str | None, eligible_for_new_work: bool | None, name: str | None
                    ) -> RuleViolation | None:
    """Why an organisation cannot partner in (or lead) a bid, or None when it can: a delivery partner is an active
    member organisation that is eligible for new work. The one rule for the choices offered and the acceptance."""
    if status is None:
        return RuleViolation("That organisation is not a member organisation known to the hub.", rule=BID_RULE)
    if status != PARTNER_STATUS:
        return RuleViolation(f"{name} is not an active member ({status}): only active members can be partners.",
                             rule=BID_RULE)
    if eligible_for_new_work is False:
        return RuleViolation(f"{name} is not eligible for new work (its evidence has expired).", rule=BID_RULE)
    return None


def check_partner(status: str | None, eligible_for_new_work: bool | None, name: str | None) -> None:
    refusal = partner_refusal(status, eligible_for_new_work, name)
    if refusal is not None:
        raise refusal


def check_editable(submitted: bool) -> None:
    if submitted:
        raise RuleViolation("The bid has been submitted: it can no longer be changed.", rule=BID_RULE)


def check_ready_to_submit(price_pence: int | None, partner_count: int) -> None:
    """A bid goes in priced and with at least one delivery partner."""
    if price_pence is None:
        raise RuleViolation("Price the bid before submitting it.", rule=BID_RULE)
    if partner_count == 0:
        raise RuleViolation("Name at least one delivery partner before submitting the bid.", rule=BID_RULE)


class ScoreOutOfRange(InvalidField):
    """A commissioner's score above its maximum (answered 422 naming the field)."""

    def __init__(self, index: int, message: str):
        super().__init__({"scores": {index: {"score": [message]}}})
        self.index, self.message = index, message


def check_scores(scores: list[dict]) -> None:
    for index, score in enumerate(scores):
        if score["score"] > score["max_score"]:
            raise ScoreOutOfRange(index, f"{score['criterion']}: a score of {score['score']} is above its maximum "
                                         f"of {score['max_score']}.")


def opportunity_outcome(bid_outcomes: list[str | None]) -> str | None:
    """Once every submitted bid has its outcome: won if any was won, otherwise lost; None while any is awaited."""
    if not bid_outcomes or any(outcome is None for outcome in bid_outcomes):
        return None
    return "won" if "won" in bid_outcomes else "lost"


# Documents: hubkit.uploads' checks, as for membership's compliance documents.


def _pounds(pence: int) -> str:
    pounds, pennies = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{pennies:02d}" if pennies else "")
