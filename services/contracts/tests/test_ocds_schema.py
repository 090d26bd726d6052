"""P1's OCDS export checked by the standard's own validator: the release package validates against the published
OCDS 1.1 release-package schema (1.1.5, vendored in fixtures/ocds with its sources) with the subcontracting extension
it declares merged in, by `jsonschema` (Draft 4, formats checked); and the codes of open codelists it uses are
the standard's or the extension's."""
from __future__ import annotations

import copy
import csv
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from delivery_fixtures import delivery  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures" / "ocds"
SUBCONTRACTING = ("https://raw.githubusercontent.com/open-contracting-extensions/ocds_subcontracting_extension/"
                  "master/extension.json")


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: how an OCDS extension's release-schema.json changes the core schema."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _codes(*paths: Path) -> set[str]:
    codes = set()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            codes |= {row["Code"] for row in csv.DictReader(f)}
    return codes


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    package_schema = _json(FIXTURES / "release-package-schema.json")
    release_schema = merge_patch(_json(FIXTURES / "release-schema.json"),
                                 _json(FIXTURES / "subcontracting_extension" / "release-schema.json"))
    registry = Registry().with_resource(release_schema["id"], Resource(release_schema, DRAFT4))
    return jsonschema.Draft4Validator(package_schema, registry=registry,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _problems(validator, package) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(package)]


def _contract_with_subcontracts(delivery) -> tuple[str, list[str]]:
    opportunity = delivery.call("POST", "/opportunities", {
        "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
        "commissioner_type": "local_authority", "estimated_value_pence": 46_000_000,
        "submission_deadline": "2025-02-01", "clarification_deadline": "2025-01-15",
        "notice_reference": "FTS-2025-000123"}, 201)["opportunity"]
    contract = delivery.contract(opportunity_id=opportunity["id"])
    cid = contract["contract"]["id"]
    north, wharf = delivery.member("Northfield Advice Centre"), delivery.member("Wharfedale Carers")
    subs = [delivery.subcontract(contract, north, value_pence=20_000_000),
            delivery.subcontract(contract, wharf, value_pence=15_000_050)]
    ret = delivery.submit(subs[0], 1, o1=50, w1=10)["performance_return"]
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"})
    return cid, [north, wharf]


def test_p1_the_ocds_release_package_validates_against_the_ocds_1_1_schema_with_subcontracting(delivery,
                                                                                                validator):
    cid, members = _contract_with_subcontracts(delivery)
    package = delivery.call("GET", f"/contracts/{cid}/ocds?publisher=Riverside%20Community%20Consortium")
    assert _problems(validator, package) == []
    assert package["extensions"] == [SUBCONTRACTING]

    release = package["releases"][0]
    award = release["awards"][0]
    assert award["hasSubcontracting"] is True
    subcontracting = award["subcontracting"]
    assert subcontracting["value"] == {"amount": 350000.5, "currency": "GBP"}  # exact pence, in pounds
    assert subcontracting["minimumPercentage"] == subcontracting["maximumPercentage"] == 0.777779  # of £450,000
    subcontractors = {s["subcontractor"]["id"]: s for s in subcontracting["subcontracts"]}
    assert set(subcontractors) == {f"member-{m}" for m in members}
    assert all(s["mainContractors"] == [{"id": "supplier-consortium",
                                         "name": "Riverside Community Consortium"}]
               for s in subcontracting["subcontracts"])
    parties = {p["id"]: p for p in release["parties"]}
    assert {parties[f"member-{m}"]["name"] for m in members} == {"Northfield Advice Centre", "Wharfedale Carers"}
    assert all(parties[f"member-{m}"]["roles"] == ["subcontractor"] for m in members)
    # every organisation referenced is a party (OCDS: references name an entry in parties)
    references = [release["buyer"], *award["suppliers"],
                  *(s["subcontractor"] for s in subcontracting["subcontracts"]),
                  *(t[side] for t in release["contracts"][0]["implementation"]["transactions"]
                    for side in ("payer", "payee"))]
    assert all(parties[r["id"]]["name"] == r["name"] for r in references)

    # open codelists: codes from the standard's lists (and the extension's additions) only
    roles = _codes(FIXTURES / "codelists" / "partyRole.csv", FIXTURES / "subcontracting_extension" / "+partyRole.csv")
    assert {role for p in release["parties"] for role in p["roles"]} <= roles
    milestone_types = _codes(FIXTURES / "codelists" / "milestoneType.csv")
    contract = release["contracts"][0]
    assert {m["type"] for m in contract["milestones"] + contract["implementation"]["milestones"]} <= milestone_types
    assert {d["documentType"] for d in release["tender"]["documents"]} <= _codes(
        FIXTURES / "codelists" / "documentType.csv")


def test_p1_the_ocds_package_of_a_contract_without_subcontracts_validates_too(delivery, validator):
    contract = delivery.contract()
    package = delivery.call("GET", f"/contracts/{contract['contract']['id']}/ocds")
    assert _problems(validator, package) == []
    assert package["releases"][0]["awards"][0]["hasSubcontracting"] is False


def test_the_validator_refuses_what_the_schema_forbids(validator):
    """The check can fail: a package missing its publisher, with an amount as text and an unknown tag."""
    bad = {"uri": "https://example.org/p", "version": "1.1", "publishedDate": "2026-01-01T00:00:00Z",
           "releases": [{"ocid": "ocds-hub001-x", "id": "1", "date": "not a date", "tag": ["finished"],
                         "initiationType": "tender",
                         "awards": [{"id": "a", "value": {"amount": "12.50", "currency": "GBP"},
                                     "subcontracting": {"maximumPercentage": 1.5}}]}]}
    problems = " ".join(_problems(validator, bad))
    assert "'publisher' is a required property" in problems
    assert "'12.50' is not of type" in problems and "'finished' is not one of" in problems
    assert "not a date" in problems and "1.5 is greater than the maximum of 1" in problems
