"""The opportunities pipeline over HTTP: opportunities, lots, stage moves, deadlines and the board's go/no-go,
by governance's event (applied by the real consumer) and by nothing else (issue 12 item 1)."""
from __future__ import annotations

import uuid

from hubkit.testing import follow_pages
from pipeline_fixtures import days, make_pipeline, opportunity_details, pipeline  # noqa: F401


def test_manager_adds_an_opportunity_that_starts_identified_and_is_announced(pipeline):
    created = pipeline.opportunity()
    opp = created["opportunity"]
    assert opp["stage"] == "identified" and opp["estimated_value_pence"] == 45_000_000
    assert opp["areas"] == ["Leeds"] and opp["notice_reference"] == "FTS-2026-012345"
    assert created["moves_by_hand"] == ["qualifying", "withdrawn"]
    [event] = pipeline.outbox("contracts.opportunity.created")
    assert event["subject"] == f"opportunity/{opp['id']}"
    assert event["data"] | {} == {"opportunity_id": opp["id"], "title": "Community wellbeing hubs",
                                  "commissioner_name": "Leeds City Council", "stage": "identified",
                                  "estimated_value_pence": 45_000_000}
    assert pipeline.call("GET", f"/opportunities/{opp['id']}")["opportunity"]["title"] == "Community wellbeing hubs"


def test_the_pipeline_is_listed_by_stage_with_each_next_deadline(pipeline):
    soon = pipeline.opportunity(title="Soon", clarification_deadline=days(-5), submission_deadline=days(3))
    late = pipeline.opportunity(title="Late", clarification_deadline=None, submission_deadline=days(-2),
                                award_expected_on=days(30), start_expected_on=days(40))
    pipeline.call("POST", f"/opportunities/{soon['opportunity']['id']}/stage", {"stage": "qualifying"})
    listed = {row["opportunity"]["title"]: row for row in pipeline.call("GET", "/opportunities")}
    # A passed clarification deadline simply closes; the submission deadline is next.
    assert listed["Soon"]["next_deadline"] == {"what": "the submission deadline", "on": days(3), "days_left": 3,
                                               "overdue": False}
    assert listed["Late"]["next_deadline"]["overdue"] is True and listed["Late"]["next_deadline"]["days_left"] == -2
    qualifying = pipeline.call("GET", "/opportunities?stage=qualifying")
    assert [row["opportunity"]["title"] for row in qualifying] == ["Soon"]
    assert pipeline.call("GET", "/opportunities?stage=nonsense", status=422)["errors"]["stage"]
    assert late["opportunity"]["stage"] == "identified"


def test_issue_14_item_7_the_pipeline_is_sorted_filtered_and_paged_in_sql(pipeline):
    """`GET /opportunities` takes `sort`: deadline (the default: soonest submission deadline first, none last, then
    the oldest added), title, or value (highest estimated value first, none last); `stage` filters in every order;
    each order pages with its own cursor (X-Next-Cursor), refused in another order; an unknown sort is a 422 naming
    `sort`; the OpenAPI document names the orders."""
    def titles(**query):
        return [row["opportunity"]["title"] for page in follow_pages(
            pipeline.client, "/opportunities", headers=pipeline.headers, limit=2, **query) for row in page]

    pipeline.opportunity(title="Carers", clarification_deadline=None, submission_deadline=days(30),
                         estimated_value_pence=None)
    pipeline.opportunity(title="Advice", clarification_deadline=None, submission_deadline=None,
                         estimated_value_pence=5_000_000)
    pipeline.opportunity(title="Employment", clarification_deadline=None, submission_deadline=days(5),
                         estimated_value_pence=90_000_000)
    bidding = pipeline.opportunity(title="Debt", clarification_deadline=None, submission_deadline=None,
                                   estimated_value_pence=0)
    pipeline.opportunity(title="Befriending", clarification_deadline=None, submission_deadline=days(30),
                         estimated_value_pence=5_000_000)
    pipeline.call("POST", f"/opportunities/{bidding['opportunity']['id']}/stage", {"stage": "qualifying"})

    assert titles() == titles(sort="deadline") == ["Employment", "Carers", "Befriending", "Advice", "Debt"]
    assert titles(sort="title") == ["Advice", "Befriending", "Carers", "Debt", "Employment"]
    assert titles(sort="value") == ["Employment", "Befriending", "Advice", "Debt", "Carers"]
    assert titles(sort="title", stage="identified") == ["Advice", "Befriending", "Carers", "Employment"]
    assert titles(sort="value", stage="qualifying") == ["Debt"]

    first = pipeline.raw("GET", "/opportunities?sort=title&limit=2")
    assert [row["opportunity"]["title"] for row in first.get_json()] == ["Advice", "Befriending"]
    cursor = first.headers["X-Next-Cursor"]
    assert 'rel="next"' in first.headers["Link"] and "sort=title" in first.headers["Link"]
    second = pipeline.call("GET", f"/opportunities?sort=title&limit=2&cursor={cursor}")
    assert [row["opportunity"]["title"] for row in second] == ["Carers", "Debt"]
    assert pipeline.raw("GET", f"/opportunities?sort=value&cursor={cursor}").status_code == 422
    refused = pipeline.call("GET", "/opportunities?sort=nonsense", status=422)
    assert list(refused["errors"]) == ["sort"]

    document = pipeline.client.get("/openapi.json").get_json()
    [sort] = [p for p in document["paths"]["/opportunities"]["get"]["parameters"] if p["name"] == "sort"]
    assert sort["schema"]["enum"] == ["deadline", "title", "value"] and sort["schema"]["default"] == "deadline"


def test_key_dates_out_of_order_are_refused_naming_the_field(pipeline):
    refused = pipeline.call("POST", "/opportunities", opportunity_details(clarification_deadline=days(30),
                                                                          submission_deadline=days(20)), status=422)
    assert list(refused["errors"]) == ["clarification_deadline"]
    refused = pipeline.call("POST", "/opportunities", opportunity_details(award_expected_on=days(100),
                                                                          start_expected_on=days(90)), status=422)
    assert list(refused["errors"]) == ["start_expected_on"]
    opp = pipeline.opportunity()["opportunity"]
    # A change is checked against the dates already held.
    refused = pipeline.call("PATCH", f"/opportunities/{opp['id']}", {"submission_deadline": days(5)}, status=422)
    assert list(refused["errors"]) == ["clarification_deadline"]
    changed = pipeline.call("PATCH", f"/opportunities/{opp['id']}", {"submission_deadline": days(25),
                                                                     "title": "Wellbeing hubs (revised)"})
    assert changed["opportunity"]["submission_deadline"] == days(25)
    assert changed["opportunity"]["title"] == "Wellbeing hubs (revised)"
    assert changed["opportunity"]["clarification_deadline"] == days(10)  # fields not sent stay as they were
    assert pipeline.call("GET", "/opportunities")[0]["opportunity"]["title"] == "Wellbeing hubs (revised)"


def test_illegal_stage_moves_are_refused_with_409_and_change_nothing(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    for stage in ("bidding", "won", "submitted", "go_no_go_requested"):
        refused = pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": stage}, status=409)
        assert refused["type"] == "urn:consortium-hub:rule:pipeline_stage"
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    # Asking the board is its own action, not a bare stage change.
    refused = pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "go_no_go_requested"}, status=409)
    assert "asking the board" in refused["detail"]
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "withdrawn", "note": "No capacity."})
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"}, status=409)
    pipeline.call("PATCH", f"/opportunities/{oid}", {"title": "Anything"}, status=409)
    detail = pipeline.call("GET", f"/opportunities/{oid}")
    assert detail["opportunity"]["stage"] == "withdrawn" and detail["moves_by_hand"] == []
    assert [(h["from_stage"], h["to_stage"]) for h in detail["history"]] == [("identified", "qualifying"),
                                                                          ("qualifying", "withdrawn")]
    assert detail["history"][1]["note"] == "No capacity."
    events = pipeline.outbox("contracts.opportunity.stage_changed")
    assert [(e["data"]["previous_stage"], e["data"]["stage"]) for e in events] == [
        ("identified", "qualifying"), ("qualifying", "withdrawn")]


def test_go_no_go_is_asked_of_governance_and_its_decision_event_moves_the_opportunity_to_bidding(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {}, status=409)  # only from qualifying
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    asked = pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {"detail": "Fits our mental health offer."})
    assert asked["opportunity"]["stage"] == "go_no_go_requested"
    [request] = pipeline.outbox("contracts.decision.requested")
    assert request["subject"] == f"opportunity/{oid}"
    assert request["data"]["kind"] == "bid_go_no_go" and request["data"]["opportunity_id"] == oid
    assert request["data"]["request_id"] == asked["opportunity"]["go_no_go_request_id"]
    assert request["data"]["detail"] == "Fits our mental health offer."

    assert pipeline.board_decides(request["data"]["request_id"], "approved", "Strong fit.") is True
    decided = pipeline.call("GET", f"/opportunities/{oid}")["opportunity"]
    assert decided["stage"] == "bidding"
    assert (decided["go_no_go_outcome"], decided["go_no_go_decided_by"], decided["go_no_go_note"]) == (
        "approved", "governance", "Strong fit.")
    moves = pipeline.outbox("contracts.opportunity.stage_changed")
    assert moves[-1]["data"]["stage"] == "bidding" and moves[-1]["data"]["previous_stage"] == "go_no_go_requested"

    # The same event again is recognised by the inbox; another event with the same answer changes nothing.
    assert pipeline.redeliver(pipeline.last_event) is False
    assert pipeline.board_decides(request["data"]["request_id"], "rejected", "Changed our minds.") is True
    after = pipeline.call("GET", f"/opportunities/{oid}")["opportunity"]
    assert after["stage"] == "bidding" and after["go_no_go_outcome"] == "approved"
    assert len(pipeline.outbox("contracts.opportunity.stage_changed")) == len(moves)


def test_a_rejected_go_no_go_withdraws_the_opportunity_with_the_boards_note(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    request_id = pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {})["opportunity"]["go_no_go_request_id"]
    pipeline.board_decides(request_id, "rejected", "Too little margin.")
    detail = pipeline.call("GET", f"/opportunities/{oid}")
    assert detail["opportunity"]["stage"] == "withdrawn"
    assert detail["opportunity"]["go_no_go_note"] == "Too little margin."
    assert "Too little margin." in detail["history"][-1]["note"]


def test_issue_12_item_1_a_manager_cannot_decide_a_go_no_go_alone_only_the_boards_decision_event_moves_it(pipeline):
    """A bid's go/no-go is the board's decision (issue 12 item 1: a body's decision comes from the body): the
    manager's old stand-in answers 410 Gone, naming governance's decision request, and changes nothing; the board's
    decision, arriving from governance by event, still moves the opportunity."""
    oid = pipeline.opportunity()["opportunity"]["id"]
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    gone = pipeline.raw("POST", f"/opportunities/{oid}/go-no-go/decision", json={"outcome": "approved"})
    assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
    assert "the board's decision" in gone.get_json()["detail"]
    request_id = pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {})["opportunity"]["go_no_go_request_id"]
    moves = len(pipeline.outbox("contracts.opportunity.stage_changed"))
    for outcome in ("approved", "rejected"):
        gone = pipeline.raw("POST", f"/opportunities/{oid}/go-no-go/decision",
                            json={"outcome": outcome, "note": "Agreed by the chair by email."})
        assert gone.status_code == 410 and gone.mimetype == "application/problem+json"
        assert f"/governance/decision-requests/{request_id}/decision" in gone.get_json()["detail"]
    waiting = pipeline.call("GET", f"/opportunities/{oid}")["opportunity"]
    assert (waiting["stage"], waiting["go_no_go_outcome"], waiting["go_no_go_decided_by"]) == (
        "go_no_go_requested", None, None)
    assert len(pipeline.outbox("contracts.opportunity.stage_changed")) == moves

    assert pipeline.board_decides(request_id, "approved", "Decided at the board's meeting.") is True
    decided = pipeline.call("GET", f"/opportunities/{oid}")
    assert (decided["opportunity"]["stage"], decided["opportunity"]["go_no_go_decided_by"]) == ("bidding", "governance")
    assert decided["history"][-1]["note"] == "The board decided to bid. Decided at the board's meeting."
    # A board member alone records nothing here either: the board's officers record in governance.
    pipeline.call("POST", f"/opportunities/{oid}/go-no-go/decision", {"outcome": "rejected"}, status=403,
                  headers=pipeline.as_(("board_member",)))


def test_decisions_on_other_requests_are_ignored(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    pipeline.call("POST", f"/opportunities/{oid}/go-no-go", {})
    assert pipeline.board_decides(uuid.uuid4(), "approved") is True  # someone else's request
    decision_id = str(uuid.uuid4())
    pipeline.deliver("governance.decision.made", f"decision/{decision_id}", {
        "decision_id": decision_id, "request_id": str(uuid.uuid4()), "kind": "membership_application",
        "subject": "organisation/x", "outcome": "approved", "note": ""}, "governance")
    pipeline.deliver("governance.decision.made", f"decision/{decision_id}", {
        "decision_id": decision_id, "request_id": str(uuid.uuid4()), "kind": "chosen_provider",
        "subject": "allocation_round/x", "outcome": "approved", "note": ""}, "governance")
    assert pipeline.call("GET", f"/opportunities/{oid}")["opportunity"]["stage"] == "go_no_go_requested"


def test_another_consortiums_decision_does_not_reach_our_opportunity(make_pipeline):
    ours, theirs = make_pipeline(), make_pipeline()
    oid = ours.opportunity()["opportunity"]["id"]
    ours.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
    request_id = ours.call("POST", f"/opportunities/{oid}/go-no-go", {})["opportunity"]["go_no_go_request_id"]
    theirs.board_decides(request_id, "approved")
    assert ours.call("GET", f"/opportunities/{oid}")["opportunity"]["stage"] == "go_no_go_requested"


def test_lots_are_numbered_once_per_opportunity(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    lot = pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 1, "title": "North Leeds",
                                                              "estimated_value_pence": 20_000_000}, 201)
    pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 2, "title": "South Leeds"}, 201)
    pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 1, "title": "Again"}, 409)
    pipeline.call("PATCH", f"/opportunities/{oid}/lots/{lot['id']}", {"number": 2}, 409)
    pipeline.call("PATCH", f"/opportunities/{oid}/lots/{lot['id']}", {"title": "North and west Leeds"})
    other = pipeline.opportunity()["opportunity"]["id"]
    pipeline.call("PATCH", f"/opportunities/{other}/lots/{lot['id']}", {"title": "Elsewhere"}, 404)
    lots = pipeline.call("GET", f"/opportunities/{oid}")["lots"]
    assert [(l["number"], l["title"]) for l in lots] == [(1, "North and west Leeds"), (2, "South Leeds")]
    pipeline.call("POST", f"/opportunities/{oid}/lots", {"number": 0, "title": "Zero"}, 422)


def test_roles_member_users_cannot_see_or_create_and_the_board_and_finance_only_read(pipeline):
    oid = pipeline.opportunity()["opportunity"]["id"]
    member = pipeline.as_(("member_user",), organisation_id=uuid.uuid4())
    refused = pipeline.call("POST", "/opportunities", opportunity_details(), status=403, headers=member)
    assert refused["status"] == 403
    pipeline.call("GET", "/opportunities", status=403, headers=member)
    for role in ("board_member", "finance_officer"):
        reader = pipeline.as_((role,))
        assert pipeline.call("GET", f"/opportunities/{oid}", headers=reader)["opportunity"]["id"] == oid
        pipeline.call("POST", "/opportunities", opportunity_details(), status=403, headers=reader)
        pipeline.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"}, status=403, headers=reader)
    assert len(pipeline.outbox("contracts.opportunity.created")) == 1


def test_another_consortiums_opportunity_is_not_found(make_pipeline):
    ours, theirs = make_pipeline(), make_pipeline()
    oid = theirs.opportunity()["opportunity"]["id"]
    ours.call("GET", f"/opportunities/{oid}", status=404)
    ours.call("PATCH", f"/opportunities/{oid}", {"title": "Ours now"}, status=404)
    ours.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"}, status=404)
    ours.call("POST", f"/opportunities/{oid}/go-no-go", {}, status=404)
    ours.call("GET", "/opportunities/not-a-uuid", status=404)
    assert ours.call("GET", "/opportunities") == []


def test_malformed_and_wrong_input_is_refused_and_nothing_is_written(pipeline):
    bad_json = pipeline.raw("POST", "/opportunities", data="{not json", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.mimetype == "application/problem+json"
    form = pipeline.raw("POST", "/opportunities", data="title=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    refused = pipeline.call("POST", "/opportunities", opportunity_details(estimated_value_pence=12.5, colour="red",
                                                                          commissioner_type="mystery"), status=422)
    assert {"estimated_value_pence", "colour", "commissioner_type"} <= set(refused["errors"])
    refused = pipeline.call("POST", "/opportunities", {"title": ""}, status=422)
    assert {"title", "commissioner_name", "commissioner_type"} <= set(refused["errors"])
    assert pipeline.call("GET", "/opportunities") == []
    assert pipeline.outbox("contracts.opportunity.created") == []


def test_the_pipeline_and_bids_are_in_the_openapi_document(pipeline):
    paths = pipeline.client.get("/openapi.json").get_json()["paths"]
    for path in ("/opportunities", "/opportunities/{opportunity_id}/go-no-go/decision", "/bids/{bid_id}/submission",
                 "/bids/{bid_id}/documents", "/bids/{bid_id}/outcome"):
        assert path in paths


def test_the_pipeline_comes_in_pages_soonest_deadline_first_none_last(pipeline):
    deadlines = [25, 21, None, 23, 22, None, 24]
    made = [pipeline.opportunity(title=f"Paged {i}", submission_deadline=days(d) if d else None,
                                 clarification_deadline=None, award_expected_on=None, start_expected_on=None)
            for i, d in enumerate(deadlines)]
    pages = follow_pages(pipeline.client, "/opportunities", headers=pipeline.headers, limit=3, stage="identified")
    assert [len(page) for page in pages] == [3, 3, 1]
    titles = [row["opportunity"]["title"] for page in pages for row in page]
    assert titles == ["Paged 1", "Paged 4", "Paged 3", "Paged 6", "Paged 0", "Paged 2", "Paged 5"]
    assert len(made) == len(titles)
