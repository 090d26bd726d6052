"""Fair allocation of work among members (C1-C7): plain rules, no Flask or SQLAlchemy.

A round allocates a contract or a lot: members are invited by capability, interests are declared first (C2),
a panel is formed and confirmed (C2, C3, C7), criteria and weights are fixed before expressions of interest open
(C4), each panel member scores each criterion on a scale, scores may be moderated, and the work is awarded by
weighted score with ties broken by the rule recorded with the criteria. The chosen-provider route needs the
Partners Group's decision (C1) and reverts to open competition if the provider fails the specification (C6).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Sequence

from hubkit.domain import InvalidField, RuleViolation

# --- the round's life -------------------------------------------------------------------------------
DECLARATIONS, EOIS_OPEN, SCORING, DECIDED = "declarations", "eois_open", "scoring", "decided"
STATUSES = (DECLARATIONS, EOIS_OPEN, SCORING, DECIDED)
STATUS_NAMES = {DECLARATIONS: "collecting declarations and forming the panel",
                EOIS_OPEN: "open for expressions of interest", SCORING: "scoring", DECIDED: "decided"}

# --- routes (C1, C6) --------------------------------------------------------------------------------
OPEN, CHOSEN_PROVIDER = "open", "chosen_provider"
ROUTES = (OPEN, CHOSEN_PROVIDER)
APPROVED, REJECTED = "approved", "rejected"


def check_round_not_decided(status: str) -> None:
    if status == DECIDED:
        raise RuleViolation("The round is decided: it can no longer be changed.", rule="allocation_round")


def check_chosen_provider_request(status: str, route: str, pending: bool, provider_is_active_member: bool) -> None:
    """C1: a chosen-provider route may be asked for only before expressions of interest open, once at a time,
    and only for an active, eligible member."""
    if status != DECLARATIONS:
        raise RuleViolation("C1: the chosen-provider route can be asked for only before expressions of interest "
                            "open; this round is already in open competition.", rule="C1")
    if pending:
        raise RuleViolation("C1: the Partners Group has already been asked about a chosen provider for this round.",
                            rule="C1")
    if route == CHOSEN_PROVIDER:
        raise RuleViolation("C1: this round already uses the chosen-provider route.", rule="C1")
    if not provider_is_active_member:
        raise RuleViolation("C1: a chosen provider must be an active member organisation eligible for new work.",
                            rule="C1")


def route_after_decision(outcome: str) -> str:
    """C1: the chosen-provider route applies only when the Partners Group approved it; otherwise the round stays
    in open competition."""
    return CHOSEN_PROVIDER if outcome == APPROVED else OPEN


def check_specification_assessment(route: str, status: str) -> None:
    """Only a round on the chosen-provider route, not yet decided, has a provider to assess (C6)."""
    check_round_not_decided(status)
    if route != CHOSEN_PROVIDER:
        raise RuleViolation("C1: only a round on the chosen-provider route (after the Partners Group's decision) "
                            "has a chosen provider to assess.", rule="C1")


def route_after_specification_check(meets_specification: bool) -> str:
    """C6: a chosen provider that does not meet the specification sends the work to open competition."""
    return CHOSEN_PROVIDER if meets_specification else OPEN


def check_eois_can_open(status: str, route: str, chosen_provider_pending: bool, panel_confirmed: bool,
                        criteria_count: int) -> None:
    """Expressions of interest open only in open competition (C1), with a confirmed panel and agreed criteria
    (C4: the panel sets the criteria before the opportunity is circulated)."""
    if status != DECLARATIONS:
        raise RuleViolation(f"Expressions of interest cannot be opened: the round is {STATUS_NAMES[status]}.",
                            rule="allocation_round")
    if chosen_provider_pending:
        raise RuleViolation("C1: the Partners Group has not yet answered the request for a chosen provider.",
                            rule="C1")
    if route == CHOSEN_PROVIDER:
        raise RuleViolation("C1: the round uses the chosen-provider route; it goes to open competition only if the "
                            "provider fails the specification (C6).", rule="C1")
    if not panel_confirmed:
        raise RuleViolation("C3: the panel must be confirmed before expressions of interest open.", rule="C3")
    if criteria_count == 0:
        raise RuleViolation("C4: criteria and weights must be agreed before expressions of interest open.",
                            rule="C4")


# --- the timetable (C4) -------------------------------------------------------------------------------

TIMETABLE = ("declarations_close_on", "eois_close_on", "decision_by")
TIMETABLE_NAMES = {"declarations_close_on": "declarations close", "eois_close_on": "expressions of interest close",
                   "decision_by": "the decision"}


def check_timetable(dates: dict[str, dt.date | None]) -> None:
    """Declarations close, then expressions of interest, then the decision: each no earlier than the one before."""
    known = [(name, dates.get(name)) for name in TIMETABLE if dates.get(name) is not None]
    for (earlier, earlier_on), (later, later_on) in zip(known, known[1:]):
        if later_on < earlier_on:
            raise Unprocessable(later, f"The date {TIMETABLE_NAMES[later]} cannot be before the date "
                                       f"{TIMETABLE_NAMES[earlier]}.")


# --- invitations (who can deliver it) ----------------------------------------------------------------

def _norm(values: Iterable[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v and v.strip()}


def can_deliver(member_categories: Iterable[str], member_areas: Iterable[str], categories: Iterable[str],
                areas: Iterable[str]) -> bool:
    """A member's register entry matches the work: one of its service categories, and one of its areas (a round
    that names no categories or no areas does not filter on them)."""
    wanted_categories, wanted_areas = _norm(categories), _norm(areas)
    if wanted_categories and not wanted_categories & _norm(member_categories):
        return False
    if wanted_areas and not wanted_areas & _norm(member_areas):
        return False
    return True


def may_be_invited(status: str, eligible_for_new_work: bool) -> bool:
    return status == "active" and bool(eligible_for_new_work)


def eoi_refusal(known: bool, status: str | None, eligible: bool | None, invited: bool, declared: bool,
                round_status: str, already_sent: bool = False) -> RuleViolation | None:
    """Why this organisation may not express interest now, or None when it may: an EOI comes from an invited,
    active member eligible for new work (as membership last said) that declared its interest at the start (C2),
    once, while the round is open for them (C4: the opportunity is circulated to those who can bid).

    The one rule for both the offer (a member's view of the round) and the acceptance (the EOI itself)."""
    if already_sent:
        return RuleViolation("The organisation has already expressed interest in this round.",
                             rule="allocation_duplicate")
    if not known or status != "active":
        return RuleViolation("Only an active member organisation of the consortium can express interest.",
                             rule="allocation_eligibility")
    if not eligible:
        return RuleViolation("The organisation is not eligible for new work (its compliance evidence is not in "
                             "order), so it cannot express interest.", rule="allocation_eligibility")
    if not invited:
        return RuleViolation("The organisation was not invited to this round (the register does not show it can "
                             "deliver this work).", rule="allocation_eligibility")
    if round_status != EOIS_OPEN:
        return RuleViolation(f"The round is not open for expressions of interest (it is "
                             f"{STATUS_NAMES[round_status]}).", rule="allocation_round")
    if not declared:
        return RuleViolation("C2: an organisation bidding for the work must first have declared its interest.",
                             rule="C2")
    return None


def check_may_express_interest(known: bool, status: str | None, eligible: bool | None, invited: bool,
                               declared: bool, round_status: str, already_sent: bool = False) -> None:
    """Refuse an expression of interest that `eoi_refusal` does not allow."""
    refusal = eoi_refusal(known, status, eligible, invited, declared, round_status, already_sent)
    if refusal is not None:
        raise refusal


# --- declarations and the panel (C2, C3, C7) -------------------------------------------------------

def declaration_refusal(panel_confirmed: bool, status: str) -> RuleViolation | None:
    """C2: interests are declared at the start, before the panel is confirmed. Why a declaration cannot be made
    now, or None: the one rule for the offer and the acceptance."""
    if panel_confirmed or status != DECLARATIONS:
        return RuleViolation("C2: interests are declared at the start; declarations closed when the panel was "
                             "confirmed.", rule="C2")
    return None


def check_declaration_open(panel_confirmed: bool, status: str) -> None:
    refusal = declaration_refusal(panel_confirmed, status)
    if refusal is not None:
        raise refusal


LEAD_MEMBER, MEMBER, OUTSIDE_EXPERT, HUB_STAFF = "lead_member", "member", "outside_expert", "hub_staff"
PANEL_ROLES = (LEAD_MEMBER, MEMBER, OUTSIDE_EXPERT, HUB_STAFF)
PANEL_ROLE_NAMES = {LEAD_MEMBER: "lead member managing the work", MEMBER: "member",
                    OUTSIDE_EXPERT: "outside expert", HUB_STAFF: "hub staff"}
MIN_PANEL = 3


@dataclasses.dataclass(frozen=True)
class PanelPerson:
    name: str
    role: str
    organisation_id: uuid.UUID | None = None
    organisation_name: str | None = None


@dataclasses.dataclass(frozen=True)
class Problem:
    rule: str
    message: str


def c2_conflict(person: PanelPerson, declaring: dict[uuid.UUID, str]) -> Problem | None:
    """C2: every person from a declaring organisation is excluded, whether or not the organisation bids."""
    if person.organisation_id is not None and person.organisation_id in declaring:
        return Problem("C2", f"C2: {person.name} is from {declaring[person.organisation_id]}, which declared an "
                             "interest; everyone from a declaring organisation is excluded from the panel.")
    return None


def panel_problems(panel: Sequence[PanelPerson], declaring: dict[uuid.UUID, str]) -> list[Problem]:
    """What stops the panel being confirmed: C2 conflicts, then C3 (at least 3 people, with the lead member)."""
    problems = [p for p in (c2_conflict(person, declaring) for person in panel) if p]
    if len(panel) < MIN_PANEL:
        problems.append(Problem("C3", f"C3: a panel needs at least {MIN_PANEL} people; it has {len(panel)}. Add an "
                                      "outside expert if too few members are free of conflict."))
    if not any(person.role == LEAD_MEMBER for person in panel):
        problems.append(Problem("C3", "C3: the panel must include the lead member who will manage the work."))
    return problems


def check_panel(panel: Sequence[PanelPerson], declaring: dict[uuid.UUID, str]) -> None:
    """Refuse a panel that breaks C2 or C3, naming the first rule broken."""
    problems = panel_problems(panel, declaring)
    if problems:
        raise RuleViolation(" ".join(p.message for p in problems), rule=problems[0].rule)


def check_panel_addition(person: PanelPerson, panel: Sequence[PanelPerson], declaring: dict[uuid.UUID, str],
                         panel_confirmed: bool) -> None:
    """A person may join the panel only before it is confirmed, and never from a declaring organisation (C2)."""
    if panel_confirmed:
        raise RuleViolation("C3: the panel is confirmed; its membership can no longer change.", rule="C3")
    conflict = c2_conflict(person, declaring)
    if conflict:
        raise RuleViolation(conflict.message, rule="C2")
    if any(p.name.strip().casefold() == person.name.strip().casefold() and p.organisation_id == person.organisation_id
           for p in panel):
        raise RuleViolation(f"{person.name} is already on the proposed panel.", rule="allocation_duplicate")
    if person.role == LEAD_MEMBER and any(p.role == LEAD_MEMBER for p in panel):
        raise RuleViolation("C3: the panel already has its lead member.", rule="C3")


MANAGEMENT_BOARD, PARTNERS_GROUP_NOMINEE = "management_board", "partners_group_nominee"
SERVICING_CAPACITIES = (MANAGEMENT_BOARD, PARTNERS_GROUP_NOMINEE)


@dataclasses.dataclass(frozen=True)
class Servicing:
    name: str
    capacity: str
    organisation_id: uuid.UUID | None = None
    note: str = ""


def servicing_problems(servicing: Servicing | None, declaring: dict[uuid.UUID, str]) -> list[Problem]:
    """C7: the process is serviced by a Management Board member who is not bidding; a nominated Partners Group
    member only when every board member bids (recorded in the note)."""
    if servicing is None:
        return [Problem("C7", "C7: name the Management Board member who services the process.")]
    if servicing.organisation_id is not None and servicing.organisation_id in declaring:
        return [Problem("C7", f"C7: {servicing.name} is from {declaring[servicing.organisation_id]}, which is "
                              "bidding; the process must be serviced by someone who is not.")]
    if servicing.capacity == PARTNERS_GROUP_NOMINEE and not servicing.note.strip():
        return [Problem("C7", "C7: a Partners Group member services the process only when every board member "
                              "is bidding; record that in the note.")]
    return []


def check_servicing(servicing: Servicing | None, declaring: dict[uuid.UUID, str]) -> None:
    problems = servicing_problems(servicing, declaring)
    if problems:
        raise RuleViolation(problems[0].message, rule="C7")


def check_declarer_not_servicing(organisation_id: uuid.UUID, organisation_name: str,
                                 servicing: Servicing | None) -> None:
    """C7: an organisation whose person services the process cannot then declare an interest in bidding."""
    if servicing is not None and servicing.organisation_id == organisation_id:
        raise RuleViolation(f"C7: {servicing.name} of {organisation_name} services this process; an organisation "
                            "servicing it must not bid. Name another servicing member first.", rule="C7")


# --- criteria, weights and the scale (C4) --------------------------------------------------------

HEAVIEST_CRITERION, EARLIEST_SUBMISSION = "heaviest_criterion", "earliest_submission"
TIE_BREAKS = (HEAVIEST_CRITERION, EARLIEST_SUBMISSION)
TIE_BREAK_NAMES = {
    HEAVIEST_CRITERION: "the higher agreed score on the most heavily weighted criterion, then the next, then the "
                        "earlier expression of interest",
    EARLIEST_SUBMISSION: "the earlier expression of interest",
}


@dataclasses.dataclass(frozen=True)
class Criterion:
    id: uuid.UUID
    name: str
    weight: int  # percent; the weights of a round add up to 100


class Unprocessable(InvalidField):
    """Input the rules cannot accept; `field` is the one to correct (answered 422 naming it, app-wide)."""

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})
        self.field, self.message = field, message


def check_criteria_may_change(eois_opened: bool) -> None:
    """C4: criteria and weights are fixed before expressions of interest open and never changed afterwards."""
    if eois_opened:
        raise RuleViolation("C4: criteria and weights were fixed when expressions of interest opened; they cannot "
                            "be changed now.", rule="C4")


def check_criteria(criteria: Sequence[tuple[str, int]], scale_max: int) -> None:
    """At least one criterion, distinct names, positive whole-number weights adding up to 100, a scale of 1+."""
    if not criteria:
        raise Unprocessable("criteria", "Give at least one criterion.")
    names = [name.strip().casefold() for name, _ in criteria]
    if len(set(names)) != len(names):
        raise Unprocessable("criteria", "Each criterion needs its own name.")
    if any(weight <= 0 for _, weight in criteria):
        raise Unprocessable("criteria", "Each weight must be more than 0.")
    total = sum(weight for _, weight in criteria)
    if total != 100:
        raise Unprocessable("criteria", f"The weights must add up to 100; they add up to {total}.")
    if scale_max < 1:
        raise Unprocessable("scale_max", "The scale must run from 0 to at least 1.")


def check_score(score: int, scale_max: int, field: str = "score") -> None:
    """A score is a whole number on the round's scale, 0 to scale_max."""
    if not 0 <= score <= scale_max:
        raise Unprocessable(field, f"A score must be from 0 to {scale_max}; {score} is outside the scale.")


def check_shortlisting(status: str, shortlisted: bool, reason: str) -> None:
    """C4: the panel shortlists once expressions of interest are closed, before the award; leaving one off the
    shortlist is recorded with the reason."""
    if status != SCORING:
        raise RuleViolation("C4: the shortlist is drawn up once expressions of interest are closed, before the "
                            "award.", rule="C4")
    if not shortlisted and not reason.strip():
        raise Unprocessable("reason", "Say why the expression of interest is not shortlisted.")


def check_scoring_open(status: str) -> None:
    if status not in (EOIS_OPEN, SCORING):
        raise RuleViolation("Scores are given once expressions of interest are in, and until the award.",
                            rule="allocation_round")


# --- award by weighted score -----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Entry:
    """An expression of interest, as the award sees it."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    submitted_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Ranked:
    entry: Entry
    agreed: dict[uuid.UUID, Fraction]  # criterion id -> agreed score (moderated, or the panel's mean)
    weighted: Fraction  # 0..100

    @property
    def weighted_percent(self) -> Decimal:
        return as_percent(self.weighted)


@dataclasses.dataclass(frozen=True)
class Award:
    ranking: list[Ranked]
    winner: Ranked
    tie_broken_by: str | None  # the tie-break rule applied, when the top weighted scores were level
    explanation: str


def as_percent(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def agreed_score(panel_scores: Sequence[int], moderated: int | None) -> Fraction | None:
    """Moderation's agreed score where there is one, otherwise the mean of the panel's scores (exact)."""
    if moderated is not None:
        return Fraction(moderated)
    if not panel_scores:
        return None
    return Fraction(sum(panel_scores), len(panel_scores))


def missing_scores(entries: Sequence[Entry], criteria: Sequence[Criterion], panel: Sequence[uuid.UUID],
                   scores: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], int],
                   moderated: dict[tuple[uuid.UUID, uuid.UUID], int]) -> int:
    """How many (panel member, entry, criterion) scores are still missing where no moderated score stands."""
    return sum(1 for e in entries for c in criteria if (e.id, c.id) not in moderated
               for member in panel if (member, e.id, c.id) not in scores)


def weighted_total(agreed: dict[uuid.UUID, Fraction], criteria: Sequence[Criterion], scale_max: int) -> Fraction:
    """Sum of weight x agreed score / top of the scale: 0 to 100."""
    return sum((Fraction(c.weight) * agreed[c.id] / scale_max for c in criteria), Fraction(0))


def rank(entries: Sequence[Entry], criteria: Sequence[Criterion], scale_max: int,
         scores: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], int],
         moderated: dict[tuple[uuid.UUID, uuid.UUID], int]) -> list[Ranked]:
    """Every entry with its agreed scores and weighted total, highest first (ties in submission order)."""
    ranked = []
    for entry in entries:
        agreed = {}
        for criterion in criteria:
            panel_scores = [s for (m, e, c), s in scores.items() if e == entry.id and c == criterion.id]
            value = agreed_score(panel_scores, moderated.get((entry.id, criterion.id)))
            agreed[criterion.id] = value if value is not None else Fraction(0)
        ranked.append(Ranked(entry, agreed, weighted_total(agreed, criteria, scale_max)))
    return sorted(ranked, key=lambda r: (-r.weighted, r.entry.submitted_at))


def award(entries: Sequence[Entry], criteria: Sequence[Criterion], scale_max: int, panel: Sequence[uuid.UUID],
          scores: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], int], moderated: dict[tuple[uuid.UUID, uuid.UUID], int],
          tie_break: str) -> Award:
    """C4: award by weighted score against the agreed criteria only; level top scores go by the recorded rule."""
    if not entries:
        raise RuleViolation("C4: there are no shortlisted expressions of interest to award.", rule="C4")
    missing = missing_scores(entries, criteria, panel, scores, moderated)
    if missing:
        raise RuleViolation(f"C4: {missing} score(s) are still missing; every panel member scores every "
                            "criterion (or moderation agrees a score) before the award.", rule="C4")
    ranking = rank(entries, criteria, scale_max, scores, moderated)
    top = [r for r in ranking if r.weighted == ranking[0].weighted]
    if len(top) == 1:
        winner = top[0]
        return Award(ranking, winner, None, f"{winner.entry.organisation_name} has the highest weighted score "
                                            f"({winner.weighted_percent} out of 100).")
    winner = break_tie(top, criteria, tie_break)
    ordered = [winner] + [r for r in ranking if r is not winner]
    names = ", ".join(r.entry.organisation_name for r in top)
    return Award(ordered, winner, tie_break,
                 f"{names} tied on {top[0].weighted_percent} out of 100; the recorded rule ({TIE_BREAK_NAMES[tie_break]}) "
                 f"gives the work to {winner.entry.organisation_name}.")


def break_tie(tied: Sequence[Ranked], criteria: Sequence[Criterion], tie_break: str) -> Ranked:
    """The recorded tie-break rule: heaviest criterion first (then the next, then the earlier EOI), or the earlier
    expression of interest."""
    if tie_break == HEAVIEST_CRITERION:
        order = sorted(criteria, key=lambda c: -c.weight)  # stable: equal weights keep the agreed order
        return sorted(tied, key=lambda r: (tuple(-r.agreed[c.id] for c in order), r.entry.submitted_at))[0]
    return min(tied, key=lambda r: r.entry.submitted_at)
