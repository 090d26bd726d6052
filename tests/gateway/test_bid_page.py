"""The bid page offers as partners exactly the organisations contracts' rule accepts (issue 12, item 4)."""
import uuid

BID_ID = str(uuid.uuid4())


def _bid() -> dict:
    return {"bid": {"id": BID_ID, "lead_name": "Sam Staff", "lead_organisation_id": None, "submitted_at": None,
                    "outcome": None, "outcome_recorded_at": None, "feedback": None, "scores": []},
            "opportunity": {"id": str(uuid.uuid4()), "title": "Community wellbeing hubs", "stage": "bidding"},
            "lot": None, "tasks": [], "partners": [], "documents": [], "lead_organisation_name": None,
            "pricing": {"price_pence": None, "management_fee_basis_points": None, "management_fee_pence": None,
                        "available_to_partners_pence": None, "partners_share_pence": 0, "unallocated_pence": None},
            "editable": True, "can_submit": False}


def test_the_bid_page_offers_the_partners_contracts_would_accept_and_no_others(logged_in, fake_services):
    accepted = {"id": str(uuid.uuid4()), "name": "Active Trust", "legal_form": "cio", "status": "active",
                "eligible_for_new_work": True, "updated_at": "2026-11-02T10:00:00+00:00"}
    fake_services.contracts_answers[("GET", f"/bids/{BID_ID}")] = (200, _bid())
    fake_services.contracts_answers[("GET", "/bids/partner-candidates")] = (200, [accepted])
    html = logged_in("manager").get(f"/pipeline/bids/{BID_ID}").get_data(as_text=True)
    assert f'<option value="{accepted["id"]}">Active Trust</option>' in html
    assert fake_services.last_call("contracts", "GET", "/bids/partner-candidates")
    assert not [c for c in fake_services.calls if c["service"] == "contracts" and c["path"] == "/members"]
