"""An Open Contracting Data Standard 1.1 release package for one contract: tender, award, contract and
implementation (the planned income as transactions, the reporting periods as milestones).

Pure: it takes plain dicts and returns the package. OCDS amounts are numbers in pounds: we keep pence and convert
only here, exactly, through Decimal (F4).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

OCDS_VERSION = "1.1"
OCID_PREFIX = "ocds-hub001"
CURRENCY = "GBP"
# The subcontracting extension (award.hasSubcontracting, award.subcontracting, the subcontractor party role),
# declared in the package by the URL of its extension.json, as OCDS asks.
SUBCONTRACTING_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/"
                            "ocds_subcontracting_extension/master/extension.json")


def amount(pence: int | None) -> dict | None:
    if pence is None:
        return None
    return {"amount": Decimal(pence) / 100, "currency": CURRENCY}


def ocid(contract_id) -> str:
    return f"{OCID_PREFIX}-{contract_id}"


def _clean(value):
    """Drop empty values: OCDS prefers a field absent to a field null."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def proportion(part_pence: int, whole_pence: int | None) -> Decimal | None:
    """A part of a value as a decimal proportion between 0 and 1 (six places), as OCDS's percentages are; None
    when it is not one (nothing, or more than the whole)."""
    if not whole_pence or part_pence <= 0 or part_pence > whole_pence:
        return None
    return (Decimal(part_pence) / Decimal(whole_pence)).quantize(Decimal("0.000001"))


def subcontracting(subcontracts: list[dict], contract_value_pence: int | None, supplier: dict) -> dict | None:
    """The award's subcontracting (OCDS subcontracting extension): the value subcontracted to members, its share
    of the contract's value, and each subcontract with its subcontractor; None without subcontracts."""
    if not subcontracts:
        return None
    total = sum(s["value_pence"] for s in subcontracts)
    share = proportion(total, contract_value_pence)
    return {"value": amount(total), "minimumPercentage": share, "maximumPercentage": share,
            "subcontracts": [{"id": str(s["id"]), "subcontractor": _member(s),
                              "mainContractors": [{"id": supplier["id"], "name": supplier["name"]}]}
                             for s in subcontracts]}


def _member(subcontract: dict) -> dict:
    return {"id": f"member-{subcontract['organisation_id']}", "name": subcontract["organisation_name"]}


def release_package(*, contract: dict, opportunity: dict | None, consortium_name: str, periods: list[dict],
                    indicators: list[dict], published_at: dt.datetime, uri: str,
                    subcontracts: list[dict] | None = None) -> dict:
    """The release package (one release, tags tender/award/contract/implementation) for a contract, with its
    subcontracts to members (`id`, `organisation_id`, `organisation_name`, `value_pence`) as the award's
    subcontracting (the extension it declares)."""
    cid = str(contract["id"])
    subcontracts = subcontracts or []
    buyer = {"id": "buyer-" + _slug(contract["commissioner_name"]), "name": contract["commissioner_name"]}
    supplier = {"id": "supplier-consortium", "name": consortium_name}
    subcontractors = list({_member(s)["id"]: _member(s) for s in subcontracts}.values())
    tender = {"id": f"{cid}-tender", "title": contract["title"], "status": "complete"}
    if opportunity:
        tender.update({
            "id": str(opportunity["id"]), "title": opportunity["title"], "description": opportunity.get("description"),
            "value": amount(opportunity.get("estimated_value_pence")),
            "tenderPeriod": {"endDate": _date(opportunity.get("submission_deadline"))},
            "enquiryPeriod": {"endDate": _date(opportunity.get("clarification_deadline"))},
            "documents": [{"id": "notice", "documentType": "tenderNotice",
                           "title": opportunity["notice_reference"]}] if opportunity.get("notice_reference") else [],
        })
    period = {"startDate": _date(contract["starts_on"]), "endDate": _date(contract["ends_on"])}
    award_id = f"{cid}-award"
    transactions = [{"id": f"{cid}-income-{n}", "date": _date(row["due_on"]), "value": amount(row["amount_pence"]),
                     "payer": {"id": buyer["id"], "name": buyer["name"]},
                     "payee": {"id": supplier["id"], "name": supplier["name"]}}
                    for n, row in enumerate(contract.get("income_schedule") or [], start=1)]
    milestones = [{"id": f"{cid}-period-{row['number']}", "title": f"Performance return: {row['label']}",
                   "type": "reporting", "dueDate": _date(row["return_due_on"]),
                   "status": "met" if row.get("met") else "scheduled"} for row in periods]
    release = {
        "ocid": ocid(cid), "id": f"{ocid(cid)}-{published_at:%Y%m%dT%H%M%SZ}", "date": _datetime(published_at),
        "tag": ["tender", "award", "contract", "implementation"], "initiationType": "tender", "language": "en",
        "parties": [{**buyer, "roles": ["buyer", "payer"]}, {**supplier, "roles": ["supplier", "payee"]},
                    *({**member, "roles": ["subcontractor"]} for member in subcontractors)],
        "buyer": buyer, "tender": tender,
        "awards": [{"id": award_id, "title": contract["title"], "status": "active",
                    "date": _datetime(contract["awarded_at"]), "value": amount(contract["value_pence"]),
                    "suppliers": [supplier], "contractPeriod": period, "hasSubcontracting": bool(subcontracts),
                    "subcontracting": subcontracting(subcontracts, contract["value_pence"], supplier)}],
        "contracts": [{
            "id": cid, "awardID": award_id, "title": contract["title"], "description": contract.get("description"),
            "status": "active" if contract["status"] == "live" else "pending", "period": period,
            "value": amount(contract["value_pence"]), "dateSigned": _datetime(contract["awarded_at"]),
            "milestones": [{"id": f"{cid}-indicator-{i['code']}", "title": f"{i['code']}: {i['name']}",
                            "type": "delivery", "description": f"{i['kind']} measured in {i['unit']}"}
                           for i in indicators],
            "implementation": {"transactions": transactions, "milestones": milestones},
        }],
    }
    return _clean({"uri": uri, "version": OCDS_VERSION, "extensions": [SUBCONTRACTING_EXTENSION],
                   "publishedDate": _datetime(published_at), "publisher": {"name": consortium_name},
                   "releases": [release]})


def _slug(text: str) -> str:
    return "".join(ch.lower() if ch.isalnum() else "-" for ch in text).strip("-")[:60] or "buyer"


def _date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.isoformat()}T00:00:00Z"


def _datetime(value) -> str:
    if isinstance(value, str):
        return value
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
