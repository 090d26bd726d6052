"""The RAG dashboard a page of subcontracts at a time (P1, issue 16): a big contract's whole dashboard is thousands
of cells (the bench's biggest: 60 subcontracts, 2,880 cells), more than a person reads at once and more than a
request should compute. A page is a keyset page of the contract's delivery subcontracts by name (hubkit.paging),
optionally only those of one overall RAG, each with its scorecard computed exactly as the whole dashboard's
(`ContractRows.card`), and how many delivery subcontracts there are of each overall RAG (the filter's choices)."""
from __future__ import annotations

from sqlalchemy import func, select

from hubkit.paging import Order, Page, asc

from ..adapters.contract_tables import Contract, Subcontract
from ..domain import performance as p
from .performance import ContractRows

NOT_RATED = "not_rated"
OVERALL_FILTERS = (p.GREEN, p.AMBER, p.RED, NOT_RATED)
BY_NAME = Order(asc(Subcontract.organisation_name), asc(Subcontract.id))


def _delivery(contract: Contract):
    return select(Subcontract).where(Subcontract.contract_id == contract.id, Subcontract.purpose == "delivery")


def overall_counts(session, contract: Contract) -> dict[str, int]:
    """How many delivery subcontracts the contract has of each overall RAG (`not_rated` for none yet), and `all`."""
    counts = {rag: 0 for rag in OVERALL_FILTERS}
    for rag, count in session.execute(select(Subcontract.overall_rag, func.count())
                                      .where(Subcontract.contract_id == contract.id,
                                             Subcontract.purpose == "delivery")
                                      .group_by(Subcontract.overall_rag)):
        key = rag if rag in counts else NOT_RATED
        counts[key] += count
    return counts | {"all": sum(counts.values())}


def delivery_page(session, contract: Contract, page: Page, overall: str | None = None) -> list[Subcontract]:
    """The contract's delivery subcontracts by name after the page's cursor, only those whose overall RAG is
    `overall` if given (`not_rated`: none yet)."""
    query = _delivery(contract)
    if overall == NOT_RATED:
        query = query.where(Subcontract.overall_rag.is_(None))
    elif overall:
        query = query.where(Subcontract.overall_rag == overall)
    return page.select(session, query, BY_NAME)


def dashboard_page(session, contract: Contract, page: Page, overall: str | None = None) -> dict:
    """One page of the dashboard: the contract's delivery subcontracts by name after the page's cursor (only
    those whose overall RAG is `overall`, if given), each with its scorecard (P1: per period, each indicator's
    share, actual, % of profile and RAG, the period's overall RAG and its return's state; each indicator's trend),
    read in a fixed handful of statements whatever the page's size or the contract's."""
    subcontracts = delivery_page(session, contract, page, overall)
    loaded = ContractRows.load(session, contract, subcontracts)
    rows = [_as_matrix(subcontract, loaded.card(subcontract)) for subcontract in subcontracts]
    return {"contract": contract, "indicators": loaded.indicators, "periods": loaded.periods, "subcontracts": rows,
            "thresholds": {"green_percent": contract.rag_green_percent, "amber_percent": contract.rag_amber_percent},
            "counts": overall_counts(session, contract), "overall_filter": overall}


def _as_matrix(subcontract: Subcontract, card: dict) -> dict:
    """A scorecard (by period, then indicator) as matrices by indicator, then period, with each period's state."""
    periods = card["periods"]
    columns = [row["cells"] for row in periods]

    def matrix(name: str) -> list[list]:
        return [[cells[i][name] for cells in columns] for i in range(len(card["trends"]))]

    return {"id": subcontract.id, "organisation_id": subcontract.organisation_id,
            "organisation_name": subcontract.organisation_name, "overall": subcontract.overall_rag,
            "by_period": [{"status": row["status"], "late": row["late"],
                           "return_id": row["return"].id if row["return"] else None, "overall": row["overall"]}
                          for row in periods],
            "rag": matrix("rag"), "target": matrix("target"), "actual": matrix("actual"),
            "percent": matrix("percent"), "trends": [t["trend"] for t in card["trends"]]}
