"""Ids that exist (issue 12 item 3): an organisation id finance stores settings for is one it knows, from its copy
of membership's register or from a subcontract contracts issued to it; a made-up id or another consortium's is
refused, naming organisation_id (404 problem+json: the id is in the path, so as if it did not exist), and nothing
is written."""
from __future__ import annotations

import uuid

from hubkit.events import new_event

from money_fixtures import mh  # noqa: F401
from time_fixtures import th  # noqa: F401

BANK = {"name": "Northfield Advice", "sort_code": "20-00-00", "account_number": "55779911"}


def _register(hub, org_id, name, consortium=None) -> None:
    """membership.organisation.registered for `org_id`, in the hub's consortium or another one."""
    event = new_event("membership.organisation.registered", subject=f"organisation/{org_id}", data={
        "organisation_id": str(org_id), "name": name, "legal_form": "cio", "status": "active",
        "charity_number": None, "company_number": None, "postcode": "LS1 1AA"},
        consortium_id=consortium or hub.consortium, actor="user:test", correlation_id="test", producer="membership")
    assert hub.app.extensions["hubkit.applier"].apply(event)


def _refused(hub, path, body) -> None:
    response = hub.client.put(path, json=body, headers=hub.finance)
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    assert "organisation_id" in response.get_json()["detail"]


def test_issue_12_item_3_a_payee_is_an_organisation_finance_knows(mh):
    other_consortiums = uuid.uuid4()
    _register(mh, other_consortiums, "Elsewhere Advice", consortium=uuid.uuid4())
    for unknown in (uuid.uuid4(), other_consortiums):
        _refused(mh, f"/payments/payees/{unknown}", BANK)
    assert mh.call("GET", "/payments/payees") == []  # nothing written
    member = uuid.uuid4()
    _register(mh, member, "Seacroft Together")
    assert mh.call("PUT", f"/payments/payees/{member}", BANK)["details_confirmed"] is True
    subcontractor = uuid.uuid4()  # not a member: known from the subcontract contracts issued to it
    mh.issue(mh.subcontract_data(organisation_id=subcontractor))
    assert mh.call("PUT", f"/payments/payees/{subcontractor}", BANK)["details_confirmed"] is True


def test_issue_12_item_3_an_invoice_issuer_is_an_organisation_finance_knows(th):
    other_consortiums = uuid.uuid4()
    _register(th, other_consortiums, "Elsewhere CVS", consortium=uuid.uuid4())
    for unknown in (uuid.uuid4(), other_consortiums):
        _refused(th, f"/invoices/issuers/{unknown}", {"vat_treatment": "exempt"})
        th.call("GET", f"/invoices/issuers/{unknown}", status=404)  # nothing written
    _register(th, th.host, "Leeds CVS")
    assert th.call("PUT", f"/invoices/issuers/{th.host}", {"vat_treatment": "exempt"})["vat_treatment"] == "exempt"


def test_issue_12_item_3_a_staff_members_employer_is_an_organisation_finance_knows(th):
    other_consortiums = uuid.uuid4()
    _register(th, other_consortiums, "Elsewhere CVS", consortium=uuid.uuid4())
    for unknown in (uuid.uuid4(), other_consortiums):
        response = th.client.post("/staff", headers=th.finance, json={
            "name": "Ann Other", "employer_kind": "member", "organisation_id": str(unknown), "user_id": None,
            "line_manager_id": None})
        assert response.status_code == 422, response.get_data(as_text=True)
        assert response.content_type == "application/problem+json"
        assert list(response.get_json()["errors"]) == ["organisation_id"]
    assert th.call("GET", "/staff") == []  # nothing written
    subcontractor = uuid.uuid4()  # not a member: known from the subcontract contracts issued to it
    th.apply("contracts.subcontract.issued", {
        "subcontract_id": str(uuid.uuid4()), "contract_id": str(uuid.uuid4()), "organisation_id": str(subcontractor),
        "organisation_name": "Northfield Advice Centre", "purpose": "delivery", "value_pence": 12_000_000,
        "starts_on": "2026-04-01", "ends_on": "2029-03-31", "payment_schedule": []})
    th.call("POST", "/staff", {"name": "Ann Other", "employer_kind": "member", "organisation_id": str(subcontractor),
                               "user_id": None, "line_manager_id": None}, 201)
