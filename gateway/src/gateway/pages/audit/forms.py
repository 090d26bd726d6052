"""The audit trail's filters and order: person, part of the hub, kind of record, record and days, newest or oldest
first, read from the query string and written back into the links that keep them (the pages before and after, the
exports).
"""
from __future__ import annotations

from flask import request
from hubkit.audit_trail import entity_label

from ...adapters.audit_reads import ENTITY_LABELS
from ..common.dates import read_date

PARTS = {"gateway": "Accounts and sign-ins", "membership": "Members", "contracts": "Contracts and work",
         "finance": "Money and time", "governance": "Governance"}
ORDERS = {"newest": "Newest first", "oldest": "Oldest first"}  # the first is the default

# The kinds of record a manager looks for, by the part of the hub that keeps them (each service's record names, as
# its trail's `entity` gives them; copies of other services' records and running totals are left out).
KINDS_KEPT = {
    "gateway": tuple(ENTITY_LABELS),
    "membership": ("Organisation", "Contact", "QualityMark", "ComplianceDocument", "DueDiligenceEvidence",
                   "DueDiligenceSetting", "MembershipChange"),
    "contracts": ("Opportunity", "Lot", "Bid", "BidDocument", "BidPartner", "BidTask", "Declaration",
                  "ExpressionOfInterest", "Invitation", "AllocationRound", "RoundStep", "AllocationCriterion",
                  "PanelMember", "PanelScore", "ModeratedScore", "Contract", "Subcontract", "SubcontractTarget",
                  "Variation", "Indicator", "Target", "ReportingPeriod", "PerformanceReturn", "ReturnEvidence",
                  "ImprovementPlan", "Instalment", "MemberCapability", "StageChange"),
    "finance": ("Timesheet", "TimeEntry", "StaffMember", "StaffRate", "CostCode", "RechargeInvoice", "InvoiceIssuer",
                "Budget", "BudgetLine", "BudgetVariation", "ContractIncome", "IncomeInstalment", "PaymentRun",
                "PaymentInstalment", "Payee", "AttendanceClaim", "ClaimExpense", "SubsidyWriteOff", "ClosedPeriod",
                "PeriodReturn", "MoneySettings", "XeroExport"),
    "governance": ("Body", "Seat", "FunctionAssignment", "Meeting", "AgendaItem", "MeetingPaper", "Attendance",
                   "Motion", "Vote", "Decision", "DecisionRequest", "WrittenResolution", "WrittenAnswer",
                   "Declaration", "RegisteredInterest", "Policy", "ActionItem", "ServiceStandard"),
}


def kind_label(part: str, entity: str) -> str:
    return ENTITY_LABELS.get(entity) if part == "gateway" else entity_label(entity)


# "<part>.<entity>" -> "Meeting (Governance)", by name: the page's choice of kind of record
KINDS = dict(sorted(((f"{part}.{entity}", f"{kind_label(part, entity)} ({PARTS[part]})")
                     for part, entities in KINDS_KEPT.items() for entity in entities), key=lambda item: item[1]))


def read_filters(people: list[tuple[str, str]]) -> tuple[dict, dict, dict]:
    """(filters for the trails, the form's values, errors) from the query string. A kind of record is kept by
    one part of the hub: choosing it reads that part only."""
    args = request.args
    errors: dict[str, list[str]] = {}
    person = (args.get("person") or "").strip()
    if person and person not in {ident for ident, _ in people}:
        errors["person"] = ["Choose a person from the list"]
    part = args.get("part") or ""
    if part and part not in PARTS:
        errors["part"] = ["Choose a part of the hub from the list"]
    kind = args.get("kind") or ""
    entity = None
    if kind and kind not in KINDS:
        errors["kind"] = ["Choose a kind of record from the list"]
    elif kind:
        kind_part, entity = kind.split(".", 1)
        if part and part != kind_part and "part" not in errors:
            errors["kind"] = [f"{kind_label(kind_part, entity)} records are kept in {PARTS[kind_part].lower()}, "
                              f"not {PARTS[part].lower()}: choose another kind of record or part of the hub"]
        part = part or kind_part
    order = args.get("order") or next(iter(ORDERS))
    if order not in ORDERS:
        errors["order"] = ["Choose newest or oldest first"]
    subject = (args.get("subject") or "").strip()[:100]
    from_parts, first, problem = read_date(args, "from", "the first day", required=False)
    if problem:
        errors["from"] = [problem]
    to_parts, last, problem = read_date(args, "to", "the last day", required=False)
    if problem:
        errors["to"] = [problem]
    if first and last and first > last:
        errors["to"] = ["The last day must be the same as or after the first day"]
    filters = {"actor": person or None, "subject": subject or None, "entity": entity, "from": first, "to": last}
    form = {"person": person, "part": args.get("part") or "", "kind": kind, "order": order, "subject": subject,
            "from": from_parts, "to": to_parts, "reads": part}
    return filters, form, errors


def filter_query(form: dict) -> dict:
    """The filters and order as a query string's fields (for links that keep them; the default order unsaid)."""
    query = {key: form[key] for key in ("person", "part", "kind", "subject") if form[key]}
    if form["order"] != next(iter(ORDERS)):
        query["order"] = form["order"]
    for prefix in ("from", "to"):
        query |= {f"{prefix}-{part}": value for part, value in form[prefix].items() if value}
    return query
