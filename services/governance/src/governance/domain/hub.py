"""The hub: its delivery model (H1), who delivers each of its ten functions (H2), and, when outsourced, the
service specification it is managed against (H3)."""
from __future__ import annotations

from hubkit.domain import RuleViolation

CENTRAL_TEAM, VIRTUAL, OUTSOURCED_TO_MEMBER, OUTSOURCED_EXTERNALLY = (
    "central_staff_team", "virtual_hub", "outsourced_to_member", "outsourced_externally")
MODELS = (CENTRAL_TEAM, VIRTUAL, OUTSOURCED_TO_MEMBER, OUTSOURCED_EXTERNALLY)
OUTSOURCED = (OUTSOURCED_TO_MEMBER, OUTSOURCED_EXTERNALLY)

FUNCTIONS = {
    "strategic_planning": "Lead strategic and business planning",
    "influencing_commissioners": "Influence commissioners and develop strategic relationships",
    "policies_and_procedures": "Develop policies and procedures",
    "membership_and_supply_chain": "Recruit and manage the membership and develop the supply chain",
    "bidding": "Scope for and bid for contracts",
    "contract_management": "Manage contracts and the performance of subcontractors",
    "fundraising": "Explore and raise funding",
    "governance": "Ensure good governance",
    "finance": "Finance management",
    "performance": "Manage performance",
}
DELIVERERS = ("central_team", "member_organisation", "host", "individuals")


HUB_MODEL_DECISION = "hub_model"  # the kind of decision that chooses the model (a motion or resolution of that kind)


def check_model_change(current: str | None, to: str, decision_outcome: str | None,
                       decision_kind: str | None = None) -> None:
    """H1: the model is chosen by a recorded board decision on the hub model that approved it."""
    if decision_outcome is None:
        raise RuleViolation("A change of hub model needs the board's recorded decision: give its decision_id (H1).",
                            rule="H1")
    if decision_kind != HUB_MODEL_DECISION:
        raise RuleViolation(f"That decision is not a decision on the hub model (it is a {decision_kind or 'other'} "
                            f"decision): cite the board's hub-model decision (H1).", rule="H1")
    if decision_outcome != "approved":
        raise RuleViolation("That decision did not approve the change (H1).", rule="H1")
    if current == to:
        raise RuleViolation(f"The hub is already a {to.replace('_', ' ')}.")


def check_assignment(delivered_by: str, organisation_id, people: list[str]) -> None:
    """H2: a function is delivered by the central team, a named member organisation, the host or named people."""
    if delivered_by == "member_organisation" and organisation_id is None:
        raise RuleViolation("Name the member organisation that delivers this function (H2).", rule="H2")
    if delivered_by == "individuals" and not people:
        raise RuleViolation("Name the people who deliver this function (H2).", rule="H2")


def check_service_standard(model: str | None) -> None:
    """H3: a service specification with standards belongs to an outsourced hub."""
    if model not in OUTSOURCED:
        raise RuleViolation("Service standards are agreed when the hub is outsourced (H3).", rule="H3")
