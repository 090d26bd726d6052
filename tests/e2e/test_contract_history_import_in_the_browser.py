"""A contract's history brought in from files in Chromium over every real service (issue 12, item 6; P1): from the
contract's page the manager checks a targets file (the page says the file is being checked while it posts), imports
it, then finds a past returns file's problem listed by row, imports the corrected file, and the returns are
history (imported, accepted on their real days, no payment by results released); zero axe violations on each page."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from .journeys import Api, active_member, no_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def test_p1_targets_and_past_returns_imported_from_files_in_the_browser(hub, browser, browser_context_args):
    api = Api(hub, "manager")
    organisation = f"Northfield Advice {uuid.uuid4().hex[:6]}"
    organisation_id = active_member(api, Api(hub, "board"), organisation)["id"]
    contract = api("POST", "/contracts/contracts", {
        "title": f"Community wellbeing hubs {uuid.uuid4().hex[:6]}", "commissioner_name": "Leeds City Council",
        "value_pence": 45_000_000, "management_fee_basis_points": 800, "starts_on": "2025-04-01",
        "ends_on": "2026-03-31", "indicators": [{"code": "O1", "name": "People helped", "kind": "output"}]})
    cid = contract["contract"]["id"]
    api("POST", f"/contracts/contracts/{cid}/subcontracts", {"organisation_id": organisation_id,
                                                              "value_pence": 20_000_000})

    manager = browser.new_context(**browser_context_args).new_page()
    sign_in(manager, hub, "manager")
    manager.goto(hub.url("gateway") + f"/contracts/{cid}")
    manager.get_by_role("link", name="Import history: targets and past returns from a file").click()
    expect(manager.get_by_role("heading", name="Import targets from a file")).to_be_visible()
    no_violations(manager)

    targets = "subcontract,indicator,period,target\n" + "".join(f"{organisation},O1,{n},50\n" for n in range(1, 5))
    manager.get_by_label("File (CSV or XLSX)").set_input_files(files=[_file("targets.csv", targets)])
    # the page's status line while the file posts (the post held back here, so the line can be read)
    manager.evaluate("document.querySelector('form[data-import-progress]')"
                     ".addEventListener('submit', (event) => event.preventDefault())")
    manager.get_by_role("button", name="Check the file").click()
    expect(manager.get_by_role("status")).to_contain_text("Checking targets.csv")
    no_violations(manager)
    manager.reload()
    manager.get_by_label("File (CSV or XLSX)").set_input_files(files=[_file("targets.csv", targets)])
    manager.get_by_role("button", name="Check and import the file").click()
    expect(manager.get_by_text("4 targets imported from targets.csv.")).to_be_visible()

    manager.get_by_role("link", name="Import history: targets and past returns from a file").click()
    manager.get_by_role("link", name="Past returns").click()
    expect(manager.get_by_role("heading", name="Import past returns from a file")).to_be_visible()
    no_violations(manager)
    returns = ("subcontract,period,indicator,actual,submitted_on,accepted_on,narrative\n"
               f"{organisation},1,O1,48,10/07/2025,25/07/2025,Opened the Harehills hub.\n"
               f"{organisation},2,X9,30,02/11/2025,,\n")
    manager.get_by_label("File (CSV or XLSX)").set_input_files(files=[_file("returns.csv", returns)])
    manager.get_by_role("button", name="Check and import the file").click()
    expect(manager.get_by_text("nothing was imported")).to_be_visible()
    expect(manager.locator("#problems")).to_contain_text("X9 is not an indicator of this contract")
    expect(manager.get_by_role("heading", name="returns.csv: 2 rows")).to_be_visible()
    no_violations(manager)
    manager.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[_file("returns.csv", returns.replace(",X9,", ",O1,"))])
    manager.get_by_role("button", name="Check and import the file").click()
    expect(manager.get_by_text("2 return lines imported from returns.csv.")).to_be_visible()

    made = [r for r in api("GET", "/contracts/returns") if r["contract_id"] == cid]
    assert sorted((r["period"]["number"], r["performance_return"]["status"], r["imported"]) for r in made) == [
        (1, "accepted", True), (2, "submitted", True)]
    manager.goto(hub.url("gateway") + f"/contracts/returns/{made[0]['performance_return']['id']}")
    expect(manager.locator("#return-status")).to_contain_text("Imported history")
    no_violations(manager)
