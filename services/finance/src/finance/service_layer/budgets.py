"""Use cases for budgets, actuals from the ledger, and variations and virements (F1)."""
from __future__ import annotations

import uuid

from sqlalchemy import case, func, or_, select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, asc, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.money_tables import Budget, BudgetLine, BudgetVariation, LedgerPosting
from ..domain import budgets as rules
from . import money_settings


# --- budgets and lines -------------------------------------------------------------------------------

def create_budget(uow: UnitOfWork, year: int, title: str | None) -> Budget:
    if uow.session.execute(select(Budget).where(Budget.year == year)).scalar_one_or_none() is not None:
        raise RuleViolation(f"There is already a budget for {rules.year_label(year)}.")
    row = Budget(year=year, title=title or f"Budget {rules.year_label(year)}", status=rules.DRAFT)
    uow.session.add(row)
    uow.commit()
    return row


# GET /budgets: by financial year, earliest first (ix_budget_by_year), paged in SQL.
BUDGET_ORDER = Order(asc(Budget.year), asc(Budget.id))


def budgets_query():
    """The budgets for the caller to page in BUDGET_ORDER."""
    return select(Budget)


def _lines_query(budget_ids):
    """The lines of these budgets as a budget shows them: income before expenditure, then by code."""
    return (select(BudgetLine).where(BudgetLine.budget_id.in_(list(budget_ids)))
            .order_by(BudgetLine.kind.desc(), BudgetLine.code))


def lines_of(session, budget_id) -> list[BudgetLine]:
    return list(session.execute(_lines_query([budget_id])).scalars())


def _check_line_fields(session, budget: Budget, code: str | None, category: str | None, line_id=None) -> None:
    for line in lines_of(session, budget.id):
        if line.id == line_id:
            continue
        if code is not None and line.code == code:
            raise InvalidField({"code": ["This budget already has a line with this code."]})
        if category is not None and line.category == category:
            raise InvalidField({"category": ["Another line of this budget already takes its actuals from this "
                                             "ledger category."]})


def add_line(uow: UnitOfWork, budget: Budget, code: str, title: str, kind: str, category: str | None,
             amount_pence: int) -> BudgetLine:
    """A line; once the budget is adopted a new line starts at nothing and grows only by variation (F1)."""
    if budget.status == rules.ADOPTED and amount_pence != 0:
        raise RuleViolation("This budget is adopted: add the line at £0 and fund it by a variation or virement "
                            "(F1).", rule="F1")
    _check_line_fields(uow.session, budget, code, category)
    row = BudgetLine(budget_id=budget.id, code=code, title=title, kind=kind, category=category,
                     original_pence=amount_pence, amount_pence=amount_pence)
    uow.session.add(row)
    uow.commit()
    return row


def change_line(uow: UnitOfWork, budget: Budget, line: BudgetLine, **changes) -> BudgetLine:
    """Rename or recategorise a line; its amount changes only while the budget is a draft (F1)."""
    if "amount_pence" in changes and changes["amount_pence"] != line.amount_pence:
        if budget.status == rules.ADOPTED:
            raise RuleViolation("This budget is adopted: its figures change only by a variation or virement, "
                                "approved or ratified as F1 requires.", rule="F1")
        line.original_pence = line.amount_pence = changes["amount_pence"]
    _check_line_fields(uow.session, budget, changes.get("code"), changes.get("category"), line.id)
    for key in ("code", "title", "kind", "category"):
        if key in changes:
            setattr(line, key, changes[key])
    uow.commit()
    return line


def adopt(uow: UnitOfWork, budget: Budget, by: str) -> Budget:
    if budget.status == rules.ADOPTED:
        raise RuleViolation("This budget is already adopted.", rule="F1")
    budget.status, budget.adopted_by, budget.adopted_at = rules.ADOPTED, by, utcnow()
    uow.commit()
    return budget


def pending_for(session, line_ids) -> list[BudgetVariation]:
    ids = list(line_ids)
    if not ids:
        return []
    return list(session.execute(select(BudgetVariation).where(
        BudgetVariation.status.in_(rules.PENDING),
        or_(BudgetVariation.line_id.in_(ids), BudgetVariation.from_line_id.in_(ids))).order_by(
        BudgetVariation.requested_at)).scalars())


def _actuals_by_year(session, years) -> dict[int, dict[str, int]]:
    """The ledger's totals by category in each of these financial years, in one query (issue 16: not one a budget
    of a page): a column of sums a year, grouped by category."""
    years = sorted(set(years))
    if not years:
        return {}
    start, end = rules.year_bounds(years[0])[0], rules.year_bounds(years[-1])[1]
    sums = [func.sum(case((LedgerPosting.posted_on.between(*rules.year_bounds(year)), LedgerPosting.amount_pence),
                          else_=0)) for year in years]
    rows = session.execute(select(LedgerPosting.category, *sums).where(
        LedgerPosting.posted_on >= start, LedgerPosting.posted_on <= end).group_by(LedgerPosting.category)).all()
    return {year: {row[0]: int(row[1 + i] or 0) for row in rows} for i, year in enumerate(years)}


def budget_views(session, budgets: list[Budget]) -> list[dict]:
    """A page of budgets as shown (budget_view), in a constant number of queries whatever the page's size
    (issue 16): every budget's lines in one, the ledger's actuals for every year in one, the variations pending on
    any of the lines in one, and those variations' views (variation_views: a query more only if one names a line of
    a budget not on the page)."""
    budgets = list(budgets)
    if not budgets:
        return []
    lines_by_budget: dict = {budget.id: [] for budget in budgets}
    for line in session.execute(_lines_query(lines_by_budget)).scalars():
        lines_by_budget[line.budget_id].append(line)
    totals = _actuals_by_year(session, [budget.year for budget in budgets])
    pending = pending_for(session, [line.id for lines in lines_by_budget.values() for line in lines])
    known = {line.id: (line, budget) for budget in budgets for line in lines_by_budget[budget.id]}
    views = dict(zip([v.id for v in pending], variation_views(session, pending, known)))
    return [_budget_view(budget, lines_by_budget[budget.id], totals[budget.year], pending, views)
            for budget in budgets]


def budget_view(session, budget: Budget) -> dict:
    """The budget with budget vs actual per line; pending variations are shown beside it, never in it (F1)."""
    return budget_views(session, [budget])[0]


def _budget_view(budget: Budget, lines: list[BudgetLine], totals: dict[str, int], every_pending: list,
                 views: dict) -> dict:
    ids = {line.id for line in lines}
    pending = [v for v in every_pending if v.line_id in ids or v.from_line_id in ids]
    out_lines = []
    for line in lines:
        actual = totals.get(line.category, 0) if line.category else 0
        pending_change = sum(v.change_pence for v in pending if v.line_id == line.id) - sum(
            v.amount_pence for v in pending if v.from_line_id == line.id)
        out_lines.append({**{key: getattr(line, key) for key in (
            "id", "budget_id", "code", "title", "kind", "category", "original_pence", "amount_pence")},
            "actual_pence": actual, "remaining_pence": line.amount_pence - actual,
            "pending_change_pence": pending_change})
    return {**{key: getattr(budget, key) for key in ("id", "year", "title", "status", "adopted_by", "adopted_at")},
            "label": rules.year_label(budget.year),
            "lines": out_lines,
            "income_pence": sum(line.amount_pence for line in lines if line.kind == "income"),
            "expenditure_pence": sum(line.amount_pence for line in lines if line.kind == "expenditure"),
            "pending": [views[v.id] for v in pending]}


# --- variations and virements (F1) -------------------------------------------------------------------

def _line_and_budget(session, line_id) -> tuple[BudgetLine, Budget]:
    line = session.get(BudgetLine, line_id) if line_id else None
    if line is None:
        return None, None
    return line, session.get(Budget, line.budget_id)


def _event_data(variation: BudgetVariation) -> dict:
    return {"variation_id": str(variation.id), "kind": variation.kind, "budget_line_id": str(variation.line_id),
            "from_budget_line_id": str(variation.from_line_id) if variation.from_line_id else None,
            "change_pence": variation.change_pence, "amount_pence": variation.amount_pence,
            "needs_board": variation.needs_board}


def request(uow: UnitOfWork, kind: str, line_id, from_line_id, amount_pence: int, direction: str | None,
            reason: str, by: str) -> BudgetVariation:
    """Ask for a variation or virement; over the threshold, ask the Management Board by event (F1)."""
    session = uow.session
    line, budget = _line_and_budget(session, line_id)
    if line is None:
        raise InvalidField({"line_id": ["No such budget line."]})
    from_line, from_budget = (None, None)
    if kind == rules.VIREMENT:
        from_line, from_budget = _line_and_budget(session, from_line_id)
        if from_line is None:
            raise InvalidField({"from_line_id": ["Name the budget line the money moves from."]})
        rules.check_request(kind, from_budget.status, from_line.id)
    rules.check_request(kind, budget.status, from_line.id if from_line else None, line.id)
    moves = rules.changes(kind, amount_pence, direction)
    rules.check_not_below_zero(line.amount_pence, moves["to"])
    if from_line is not None:
        rules.check_not_below_zero(from_line.amount_pence, moves["from"])
    threshold = money_settings.current(session)["variation_threshold_pence"]
    variation = BudgetVariation(
        kind=kind, line_id=line.id, from_line_id=from_line.id if from_line else None, amount_pence=amount_pence,
        change_pence=moves["to"], reason=reason, threshold_pence=threshold,
        needs_board=rules.needs_board(amount_pence, threshold), status=rules.initial_status(amount_pence, threshold),
        requested_by=by, requested_at=utcnow())
    session.add(variation)
    session.flush()
    uow.publish("finance.variation.requested", subject=f"variation/{variation.id}",
                data=_event_data(variation) | {"reason": reason, "threshold_pence": threshold})
    if variation.needs_board:
        variation.decision_request_id = uuid.uuid4()
        uow.publish("finance.decision.requested", subject=f"variation/{variation.id}", data={
            "request_id": str(variation.decision_request_id), "kind": "budget_variation",
            "title": _title(session, variation), "variation_id": str(variation.id), "amount_pence": amount_pence})
    uow.commit()
    return variation


def _title(session, variation: BudgetVariation) -> str:
    line, budget = _line_and_budget(session, variation.line_id)
    from_line, from_budget = _line_and_budget(session, variation.from_line_id)
    return _title_of(variation, line, budget, from_line, from_budget)


def _title_of(variation: BudgetVariation, line, budget, from_line, from_budget) -> str:
    pounds = f"£{variation.amount_pence // 100:,}.{variation.amount_pence % 100:02d}"
    if variation.kind == rules.VIREMENT:
        text = (f"Virement of {pounds} from {from_line.code} {from_line.title} ({rules.year_label(from_budget.year)}) "
                f"to {line.code} {line.title} ({rules.year_label(budget.year)})")
    else:
        verb = "increase" if variation.change_pence > 0 else "decrease"
        text = f"Budget variation: {verb} {line.code} {line.title} ({rules.year_label(budget.year)}) by {pounds}"
    return text[:300]


def _locked(session, variation: BudgetVariation) -> BudgetVariation:
    return session.execute(select(BudgetVariation).where(BudgetVariation.id == variation.id)
                           .with_for_update()).scalar_one()


def _apply(session, variation: BudgetVariation) -> None:
    """The budget changes now, and only here (F1)."""
    line = session.execute(select(BudgetLine).where(BudgetLine.id == variation.line_id).with_for_update()
                           ).scalar_one()
    rules.check_not_below_zero(line.amount_pence, variation.change_pence)
    if variation.from_line_id:
        from_line = session.execute(select(BudgetLine).where(BudgetLine.id == variation.from_line_id)
                                    .with_for_update()).scalar_one()
        rules.check_not_below_zero(from_line.amount_pence, -variation.amount_pence)
        from_line.amount_pence -= variation.amount_pence
    line.amount_pence += variation.change_pence
    variation.applied_at = utcnow()


def approve(uow: UnitOfWork, variation: BudgetVariation, by: str) -> BudgetVariation:
    """At or under the threshold the finance officer approves, and it takes effect at once."""
    variation = _locked(uow.session, variation)
    rules.check_approve_directly(variation.status)
    _apply(uow.session, variation)
    variation.status, variation.decided_by, variation.decided_at = rules.APPROVED, by, utcnow()
    uow.publish("finance.variation.approved", subject=f"variation/{variation.id}",
                data=_event_data(variation) | {"approved_by": "finance_officer", "takes_effect": True})
    uow.commit()
    return variation


def ratify(uow: UnitOfWork, variation: BudgetVariation, by: str) -> BudgetVariation:
    """F1: the accountable body ratifies what the Management Board agreed; only now does the budget change."""
    variation = _locked(uow.session, variation)
    rules.check_ratify(variation.status)
    _apply(uow.session, variation)
    variation.status, variation.decided_by, variation.decided_at = rules.RATIFIED, by, utcnow()
    uow.publish("finance.variation.ratified", subject=f"variation/{variation.id}",
                data=_event_data(variation) | {"ratified_by": by})
    uow.commit()
    return variation


def reject(uow: UnitOfWork, variation: BudgetVariation, by: str, reason: str) -> BudgetVariation:
    """The finance officer refuses a request, or declines to ratify on behalf of the accountable body."""
    variation = _locked(uow.session, variation)
    rules.check_reject(variation.status)
    rejected_by = "accountable_body" if variation.status == rules.AWAITING_RATIFICATION else "finance_officer"
    variation.status, variation.decided_by, variation.decided_at = rules.REJECTED, by, utcnow()
    variation.rejection_reason = reason
    uow.publish("finance.variation.rejected", subject=f"variation/{variation.id}",
                data=_event_data(variation) | {"rejected_by": rejected_by, "reason": reason})
    uow.commit()
    return variation


def board_decided(uow: UnitOfWork, data: dict) -> bool:
    """governance.decision.made: act on our own budget-variation requests only; a repeat changes nothing."""
    request_id = uuid.UUID(str(data["request_id"]))
    variation = uow.session.execute(select(BudgetVariation).where(
        BudgetVariation.decision_request_id == request_id)).scalar_one_or_none()
    if variation is None:
        return False
    new_status = rules.board_outcome(variation.status, data["outcome"])
    if new_status is None:
        return True
    variation.status = new_status
    variation.board_outcome, variation.board_note = data["outcome"], data.get("note") or ""
    variation.board_decision_id = uuid.UUID(str(data["decision_id"]))
    variation.board_decided_at = utcnow()
    if new_status == rules.REJECTED:
        variation.decided_by, variation.decided_at = "management_board", utcnow()
        variation.rejection_reason = data.get("note") or "The Management Board did not agree."
        uow.publish("finance.variation.rejected", subject=f"variation/{variation.id}",
                    data=_event_data(variation) | {"rejected_by": "management_board",
                                                   "reason": variation.rejection_reason})
    else:
        uow.publish("finance.variation.approved", subject=f"variation/{variation.id}",
                    data=_event_data(variation) | {"approved_by": "management_board", "takes_effect": False})
    uow.session.flush()
    return True


# GET /variations: newest first (ix_budget_variation_newest for a state, ix_budget_variation_by_request for all of
# them), paged in SQL.
VARIATION_ORDER = Order(desc(BudgetVariation.requested_at), desc(BudgetVariation.id))


def variations_query(status: str | None = None, budget_id=None):
    """The variations (of a state, 'pending' those not yet in effect; touching a budget's lines, to or from) to
    page in VARIATION_ORDER."""
    query = select(BudgetVariation)
    if status == "pending":
        query = query.where(BudgetVariation.status.in_(rules.PENDING))
    elif status:
        query = query.where(BudgetVariation.status == status)
    if budget_id is not None:
        lines = select(BudgetLine.id).where(BudgetLine.budget_id == budget_id)
        query = query.where(or_(BudgetVariation.line_id.in_(lines), BudgetVariation.from_line_id.in_(lines)))
    return query


def variations(session, status: str | None = None, budget_id=None) -> list[BudgetVariation]:
    return list(session.execute(variations_query(status, budget_id).order_by(
        BudgetVariation.requested_at.desc())).scalars())


def variation_views(session, variations: list[BudgetVariation], known: dict | None = None) -> list[dict]:
    """A page of variations as shown (variation_view): the lines they name, to and from, read with their budgets
    in one query for the page (issue 16), not four lookups a variation. `known`: lines the caller holds already
    (line id -> (line, budget)), not read again."""
    variations = list(variations)
    found = dict(known or {})
    ids = {ident for v in variations for ident in (v.line_id, v.from_line_id) if ident and ident not in found}
    if ids:
        found.update({line.id: (line, budget) for line, budget in session.execute(
            select(BudgetLine, Budget).join(Budget, Budget.id == BudgetLine.budget_id).where(
                BudgetLine.id.in_(list(ids))))})
    return [_variation_view(v, *found.get(v.line_id, (None, None)), *found.get(v.from_line_id, (None, None)))
            for v in variations]


def variation_view(session, variation: BudgetVariation) -> dict:
    return variation_views(session, [variation])[0]


def _variation_view(variation: BudgetVariation, line, budget, from_line, from_budget) -> dict:
    journey = [{"step": "requested", "by": variation.requested_by, "at": variation.requested_at, "note": variation.reason}]
    if variation.board_outcome:
        journey.append({"step": f"Management Board {variation.board_outcome}", "by": "management_board",
                        "at": variation.board_decided_at, "note": variation.board_note or ""})
    if variation.status in (rules.APPROVED, rules.RATIFIED):
        step = ("approved by the finance officer" if variation.status == rules.APPROVED
                else "ratified on behalf of the accountable body")
        journey.append({"step": step, "by": variation.decided_by, "at": variation.decided_at, "note": ""})
    if variation.status == rules.REJECTED and variation.decided_by != "management_board":
        journey.append({"step": "rejected", "by": variation.decided_by, "at": variation.decided_at,
                        "note": variation.rejection_reason or ""})
    return {**{key: getattr(variation, key) for key in (
        "id", "kind", "line_id", "from_line_id", "amount_pence", "change_pence", "reason", "threshold_pence",
        "needs_board", "status", "requested_by", "requested_at", "decision_request_id", "board_outcome", "board_note",
        "board_decided_at", "decided_by", "decided_at", "rejection_reason", "applied_at")},
        "title": _title_of(variation, line, budget, from_line, from_budget),
        "line": f"{line.code} {line.title} ({rules.year_label(budget.year)})" if line else None,
        "from_line": (f"{from_line.code} {from_line.title} ({rules.year_label(from_budget.year)})"
                      if from_line else None),
        "budget_id": budget.id if budget else None,
        "from_budget_id": from_budget.id if from_budget else None,
        "pending": variation.status in rules.PENDING,
        "journey": journey}
