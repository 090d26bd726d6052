"""Events produced by the contracts service (topic hub.contracts).

The ones other services consume (finance: awards, subcontracts, accepted returns; governance: decision requests)
are defined here first; the rest are added beside the code that publishes them. Money is integer pence (F4).
"""
from marshmallow import fields, validate

from .envelope import EventData, event_data

DECISION_KINDS = ("bid_go_no_go", "chosen_provider")
SUBCONTRACT_PURPOSES = ("delivery", "contract_management")  # contract_management: H5, a virtual hub's manager
RELEASES = ("on_date", "on_accepted_return")  # payment by results waits for the period's accepted return

Pence = fields.Integer  # a field of integer pence: never a float (F4)


@event_data("contracts.decision.requested", 1)
class DecisionRequestedV1(EventData):
    """Contracts asks governance for a board decision: go/no-go on a bid, or the chosen-provider route (C1)."""

    request_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DECISION_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    opportunity_id = fields.UUID(allow_none=True, load_default=None)
    allocation_round_id = fields.UUID(allow_none=True, load_default=None)
    detail = fields.String(load_default="")


class OpportunityFields(EventData):
    opportunity_id = fields.UUID(required=True)
    title = fields.String(required=True)
    commissioner_name = fields.String(required=True)
    stage = fields.String(required=True)
    estimated_value_pence = Pence(allow_none=True, load_default=None, validate=validate.Range(min=0))


@event_data("contracts.opportunity.created", 1)
class OpportunityCreatedV1(OpportunityFields):
    """A new opportunity in the pipeline (finance opens a bid cost code for it)."""


@event_data("contracts.opportunity.stage_changed", 1)
class OpportunityStageChangedV1(OpportunityFields):
    """The opportunity moved along the pipeline; `stage` is the new one."""

    previous_stage = fields.String(required=True)


class IncomeInstalment(EventData):
    due_on = fields.Date(required=True)
    amount_pence = Pence(required=True, validate=validate.Range(min=0))


@event_data("contracts.contract.awarded", 1)
class ContractAwardedV1(EventData):
    """A head contract with the commissioner: finance keeps its income schedule and management fee."""

    contract_id = fields.UUID(required=True)
    opportunity_id = fields.UUID(allow_none=True, load_default=None)
    title = fields.String(required=True)
    commissioner_name = fields.String(required=True)
    value_pence = Pence(required=True, validate=validate.Range(min=0))
    management_fee_basis_points = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    payment_terms = fields.String(load_default="")
    income_schedule = fields.List(fields.Nested(IncomeInstalment), load_default=list)


class PaymentInstalment(EventData):
    """One payment due to a subcontractor; by results (`on_accepted_return`) it waits for that period's return."""

    instalment_id = fields.UUID(required=True)
    due_on = fields.Date(required=True)
    amount_pence = Pence(required=True, validate=validate.Range(min=0))
    release = fields.String(required=True, validate=validate.OneOf(RELEASES))
    period_id = fields.UUID(allow_none=True, load_default=None)


class SubcontractFields(EventData):
    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(SUBCONTRACT_PURPOSES))
    value_pence = Pence(required=True, validate=validate.Range(min=0))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    payment_schedule = fields.List(fields.Nested(PaymentInstalment), load_default=list)


@event_data("contracts.subcontract.issued", 1)
class SubcontractIssuedV1(SubcontractFields):
    """F2: work passed to a member under a subcontract, with its payment schedule."""


@event_data("contracts.subcontract.varied", 1)
class SubcontractVariedV1(SubcontractFields):
    """A variation: the subcontract as it now stands, replacing the earlier schedule."""

    variation_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    previous_value_pence = Pence(required=True)


class ReturnFields(EventData):
    return_id = fields.UUID(required=True)
    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    period_id = fields.UUID(required=True)
    period_label = fields.String(required=True)


@event_data("contracts.return.submitted", 1)
class ReturnSubmittedV1(ReturnFields):
    """P1: a subcontractor's performance return for a period is in."""

    late = fields.Boolean(required=True)


@event_data("contracts.return.accepted", 1)
class ReturnAcceptedV1(ReturnFields):
    """P1: the hub accepted the return; payment by results for the period may be released."""

    accepted_on = fields.Date(required=True)


@event_data("contracts.return.queried", 1)
class ReturnQueriedV1(ReturnFields):
    """The hub queried the return; payment for the period stays held."""

    comment = fields.String(required=True)


class ReturnOwedFields(EventData):
    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    contract_title = fields.String(required=True)
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String(required=True)
    purpose = fields.String(required=True)
    period_id = fields.UUID(required=True)
    period_label = fields.String(required=True)
    return_due_on = fields.Date(required=True)


@event_data("contracts.return.due", 1)
class ReturnDueV1(ReturnOwedFields):
    """P1: contracts' daily review: a subcontract's return for a period, not sent, falls due within 7 days (once)."""


@event_data("contracts.return.overdue", 1)
class ReturnOverdueV1(ReturnOwedFields):
    """P1: contracts' daily review: a subcontract's return for a period was due and is not sent (once)."""


# --- pipeline and bids -------------------------------------------------------------------------------

class BidPartnerShare(EventData):
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String(required=True)
    share_pence = Pence(required=True, validate=validate.Range(min=0))


@event_data("contracts.bid.submitted", 1)
class BidSubmittedV1(EventData):
    """A bid went in to the commissioner: its price, the hub's fee and the partners' proposed shares."""

    bid_id = fields.UUID(required=True)
    opportunity_id = fields.UUID(required=True)
    lot_id = fields.UUID(allow_none=True, load_default=None)
    title = fields.String(required=True)
    commissioner_name = fields.String(required=True)
    price_pence = Pence(required=True, validate=validate.Range(min=0))
    management_fee_basis_points = fields.Integer(required=True, validate=validate.Range(min=0, max=10000))
    partners = fields.List(fields.Nested(BidPartnerShare), load_default=list)
    submitted_at = fields.AwareDateTime(required=True)


# --- contracts and performance (P1) -----------------------------------------------------------------

RAGS = ("green", "amber", "red")


@event_data("contracts.rag.changed", 1)
class RagChangedV1(EventData):
    """P1: a subcontract's overall RAG changed with an accepted return (previous_rag None: its first rating)."""

    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    period_id = fields.UUID(required=True)
    period_label = fields.String(required=True)
    rag = fields.String(required=True, validate=validate.OneOf(RAGS))
    previous_rag = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(RAGS))


class ImprovementPlanFields(EventData):
    improvement_plan_id = fields.UUID(required=True)
    subcontract_id = fields.UUID(required=True)
    contract_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)


@event_data("contracts.improvement_plan.opened", 1)
class ImprovementPlanOpenedV1(ImprovementPlanFields):
    """P1: a subcontractor rated red has an improvement plan, reviewed on `review_on`."""

    reason = fields.String(required=True)
    review_on = fields.Date(required=True)


@event_data("contracts.improvement_plan.closed", 1)
class ImprovementPlanClosedV1(ImprovementPlanFields):
    """The improvement plan is closed (its actions done or overtaken)."""

    note = fields.String(load_default="")


@event_data("contracts.contract.went_live", 1)
class ContractWentLiveV1(EventData):
    """The head contract is live: delivery started (in a virtual hub, with its management subcontracted, H5)."""

    contract_id = fields.UUID(required=True)
    title = fields.String(required=True)
    went_live_on = fields.Date(required=True)


# --- fair allocation of work among members (C1-C7) -------------------------------------------------

ALLOCATION_ROUTES = ("open", "chosen_provider")


class AllocationRoundFields(EventData):
    allocation_round_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    contract_id = fields.UUID(allow_none=True, load_default=None)
    opportunity_id = fields.UUID(allow_none=True, load_default=None)
    lot_id = fields.UUID(allow_none=True, load_default=None)
    value_pence = Pence(allow_none=True, load_default=None, validate=validate.Range(min=0))


class InvitedMember(EventData):
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String(required=True)


@event_data("contracts.allocation_round.opened", 1)
class AllocationRoundOpenedV1(AllocationRoundFields):
    """A contract or lot is to be shared out: the members the register says can deliver it are invited."""

    service_categories = fields.List(fields.String(), load_default=list)
    areas = fields.List(fields.String(), load_default=list)
    invited = fields.List(fields.Nested(InvitedMember), load_default=list)
    declarations_close_on = fields.Date(allow_none=True, load_default=None)
    eois_close_on = fields.Date(allow_none=True, load_default=None)


class RankedMember(EventData):
    organisation_id = fields.UUID(required=True)
    organisation_name = fields.String(required=True)
    weighted_score = fields.Decimal(required=True, as_string=True, places=2)  # out of 100; exact, never a float


@event_data("contracts.allocation_round.decided", 1)
class AllocationRoundDecidedV1(AllocationRoundFields):
    """The work is awarded: by weighted score in open competition (C4), or to the chosen provider (C1)."""

    route = fields.String(required=True, validate=validate.OneOf(ALLOCATION_ROUTES))
    awarded_organisation_id = fields.UUID(required=True)
    awarded_organisation_name = fields.String(required=True)
    weighted_score = fields.Decimal(allow_none=True, load_default=None, as_string=True, places=2)
    tie_broken_by = fields.String(allow_none=True, load_default=None)
    ranking = fields.List(fields.Nested(RankedMember), load_default=list)
    decided_at = fields.AwareDateTime(required=True)
