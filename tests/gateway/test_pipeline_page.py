"""The opportunity page while the board is asked for its go/no-go (issue 12 item 1: a body's decision comes from the
body): the manager is told the page waits for the board and is linked to the decision request; nothing on the page
records a decision, and a form posted to the old action records nothing either."""
import uuid

from gateway_helpers import csrf_token_from

OPPORTUNITY_ID = str(uuid.uuid4())
REQUEST_ID = str(uuid.uuid4())


def _waiting() -> dict:
    return {"opportunity": {
        "id": OPPORTUNITY_ID, "title": "Community wellbeing hubs", "stage": "go_no_go_requested",
        "commissioner_name": "Leeds City Council", "commissioner_type": "local_authority", "description": "",
        "estimated_value_pence": 45_000_000, "contract_length_months": 36, "service_categories": [], "areas": [],
        "notice_reference": None, "clarification_deadline": None, "submission_deadline": None,
        "award_expected_on": None, "start_expected_on": None, "go_no_go_request_id": REQUEST_ID,
        "go_no_go_outcome": None, "go_no_go_note": None, "go_no_go_decided_by": None, "go_no_go_decided_at": None},
        "next_deadline": None, "lots": [], "bids": [], "history": [], "moves_by_hand": ["withdrawn"]}


def test_issue_12_item_1_the_manager_waits_for_the_boards_go_no_go_and_is_linked_to_its_decision_request(
        logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/opportunities/{OPPORTUNITY_ID}")] = (200, _waiting())
    fake_services.contracts_answers[("GET", "/bids/partner-candidates")] = (200, [])
    manager = logged_in("manager")
    html = manager.get(f"/pipeline/opportunities/{OPPORTUNITY_ID}").get_data(as_text=True)
    assert "Waiting for the board." in html
    assert f'href="/decisions#request-{REQUEST_ID}"' in html
    assert "Record the decision" not in html and 'name="outcome"' not in html
    assert f"/pipeline/opportunities/{OPPORTUNITY_ID}/decision" not in html

    # The old form's action is no longer one the page knows: nothing is sent to contracts.
    answer = manager.post(f"/pipeline/opportunities/{OPPORTUNITY_ID}/decision",
                          data={"csrf_token": csrf_token_from(html), "outcome": "approved"})
    assert answer.status_code == 302
    assert not [c for c in fake_services.calls if c["service"] == "contracts" and c["method"] == "POST"]
    assert "Unknown action." in manager.get(answer.headers["Location"]).get_data(as_text=True)


def test_the_finance_officer_reads_the_same_wait_without_a_link_to_a_page_that_is_not_theirs(
        logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/opportunities/{OPPORTUNITY_ID}")] = (200, _waiting())
    html = logged_in("finance").get(f"/pipeline/opportunities/{OPPORTUNITY_ID}").get_data(as_text=True)
    assert "Waiting for the board." in html and "/decisions#" not in html


def test_the_decisions_page_has_an_anchor_for_each_request(logged_in, fake_services):
    item = fake_services.add_decision_request("Go/no-go: Community wellbeing hubs", f"opportunity/{OPPORTUNITY_ID}")
    html = logged_in("manager").get("/decisions").get_data(as_text=True)
    assert f'id="request-{item["id"]}"' in html


def test_issue_14_item_7_the_pipeline_is_shown_in_the_order_and_stage_chosen_a_page_at_a_time(
        logged_in, fake_services):
    """The pipeline page asks contracts for the page, order and stage chosen, shows each opportunity's stage, and
    keeps the order and stage on its pagination links; an order or stage it does not offer is not sent."""
    listed = _waiting()["opportunity"] | {"stage": "bidding", "submission_deadline": None}
    fake_services.contracts_answers[("GET", "/opportunities")] = (200, [{"opportunity": listed, "next_deadline": None}],
                                                                  {"X-Next-Cursor": "N", "X-Prev-Cursor": "P"})
    manager = logged_in("manager")
    page = manager.get("/pipeline?sort=value&stage=bidding&cursor=HERE").get_data(as_text=True)
    assert fake_services.last_call("contracts", "GET", "/opportunities")["query"] == {
        "stage": "bidding", "sort": "value", "cursor": "HERE"}
    assert 'id="list-sort"' in page and '<option value="value" selected>' in page
    assert 'id="list-stage"' in page and '<option value="bidding" selected>' in page
    assert 'href="/pipeline?sort=value&amp;stage=bidding&amp;cursor=N"' in page
    assert 'href="/pipeline?sort=value&amp;stage=bidding&amp;cursor=P"' in page
    assert "Community wellbeing hubs" in page and ">Bidding</strong>" in page and "£450,000" in page
    manager.get("/pipeline?sort=sideways&stage=nowhere")  # neither is the list's: its default order, every stage
    assert fake_services.last_call("contracts", "GET", "/opportunities")["query"] == {}
