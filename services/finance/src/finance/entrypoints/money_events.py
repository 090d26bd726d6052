"""Income, management fee, subcontractor payments, budgets and variations (F1), claims (G11): the events this
area consumes. Each handler is safe when two different events carry the same business fact."""
from __future__ import annotations

import uuid

from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..service_layer import budgets, claims, cost_codes, income, payments
from .events import handlers


@handlers.on("contracts.contract.awarded")
def contract_awarded(uow: UnitOfWork, event: Envelope) -> None:
    """Keep the contract's income schedule and management fee; open its cost code for time (H4)."""
    income.learn_award(uow, event.data)
    cost_codes.open_contract_code(uow, uuid.UUID(str(event.data["contract_id"])), event.data["title"])


@handlers.on("contracts.subcontract.issued")
def subcontract_issued(uow: UnitOfWork, event: Envelope) -> None:
    """F2: a payment schedule per subcontractor."""
    payments.learn_subcontract(uow, event.data)


@handlers.on("contracts.subcontract.varied")
def subcontract_varied(uow: UnitOfWork, event: Envelope) -> None:
    """The varied schedule replaces the old one; what is paid or in a run is kept and never paid twice."""
    payments.learn_subcontract(uow, event.data, varied=True)


@handlers.on("contracts.return.accepted")
def return_accepted(uow: UnitOfWork, event: Envelope) -> None:
    """Payment by results for the period is released, once."""
    payments.learn_return(uow, event.data, accepted=True)


@handlers.on("contracts.return.queried")
def return_queried(uow: UnitOfWork, event: Envelope) -> None:
    """Payment by results for the period stays held."""
    payments.learn_return(uow, event.data, accepted=False)


@handlers.on("governance.decision.made")
def decision_made(uow: UnitOfWork, event: Envelope) -> None:
    """The Management Board's decision on a budget variation (F1); other services' decisions are ignored."""
    budgets.board_decided(uow, event.data)


@handlers.on("governance.attendance.recorded")
def attendance_recorded(uow: UnitOfWork, event: Envelope) -> None:
    """G11: a claim at the daily rate for a meeting attended; none (or withdrawn) for one missed."""
    claims.learn_attendance(uow, event.data)


@handlers.on("finance.invoice.issued")
def invoice_issued(uow: UnitOfWork, event: Envelope) -> None:
    """A recharge invoice or credit note goes into the ledger's staff recharges (budget actuals)."""
    income.learn_recharge_invoice(uow, event.data)
