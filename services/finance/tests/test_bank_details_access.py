"""Bank details (issue 11, item 6): the finance officer, who pays (F2), reads them; an organisation's own staff read
their own; the consortium manager and board members see payment runs with the account masked and no payee list."""
from __future__ import annotations

from money_fixtures import PAST, mh  # noqa: F401


def test_f2_bank_details_are_read_by_the_finance_officer_and_the_organisations_own_staff(mh):
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(10_000, PAST)]))
    mh.call("PUT", f"/payments/payees/{mh.org_a}",
            {"name": "Northfield Advice", "sort_code": "20-00-00", "account_number": "55779911"})
    ids = [i["id"] for i in mh.schedule(data)["instalments"]]
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": PAST.isoformat()}, 201)

    [payee] = mh.call("GET", "/payments/payees")
    assert (payee["sort_code"], payee["account_number"]) == ("20-00-00", "55779911")
    [own] = mh.call("GET", "/payments/payees", headers=mh.member_a)
    assert own["account_number"] == "55779911"
    assert mh.call("GET", "/payments/payees", headers=mh.member_b) == []
    [item] = mh.call("GET", f"/payment-runs/{run['id']}")["items"]
    assert (item["sort_code"], item["account_number"]) == ("20-00-00", "55779911")

    for headers in (mh.manager, mh.board):
        mh.call("GET", "/payments/payees", headers=headers, status=403)
        [masked] = mh.call("GET", f"/payment-runs/{run['id']}", headers=headers)["items"]
        assert (masked["sort_code"], masked["account_number"]) == ("**-**-**", "****9911")
        assert masked["payee_name"] == "Northfield Advice" and masked["amount_pence"] == 10_000
        mh.call("GET", f"/payment-runs/{run['id']}/export?format=bank", headers=headers, status=403)
