"""Fair allocation of work among members over HTTP (C1-C7), against PostgreSQL, with membership's and governance's
events applied by the real consumer."""
from __future__ import annotations

import uuid

import pytest

from pipeline_fixtures import Pipeline, days

CRITERIA = {"criteria": [{"name": "Quality of the service", "weight": 60, "description": "How well it meets need"},
                         {"name": "Reach into communities", "weight": 40}], "scale_max": 10,
            "tie_break": "heaviest_criterion"}


class Allocation(Pipeline):
    """One consortium's allocation rounds, as a consortium manager unless told otherwise."""

    def capable(self, name, categories=("mental_health",), areas=("Leeds",), status="active", eligible=True) -> str:
        """A member as membership announces it, with its capability register entry (M2)."""
        org_id = self.member(name, status=status)
        self.capability(org_id, name, categories, areas, status, eligible)
        return org_id

    def capability(self, org_id, name, categories=("mental_health",), areas=("Leeds",), status="active",
                   eligible=True) -> bool:
        return self.deliver("membership.capability.updated", f"organisation/{org_id}", {
            "organisation_id": org_id, "name": name, "legal_form": "cio", "status": status,
            "service_categories": list(categories), "areas_served": list(areas), "capacity": None,
            "past_contracts": [], "eligible_for_new_work": eligible}, "membership")

    def member_headers(self, org_id, user_id=None):
        from hubkit.testing import make_principal
        return {"Authorization": self.sign(make_principal(("member_user",), consortium_id=self.consortium,
                                                          organisation_id=uuid.UUID(org_id), user_id=user_id),
                                           "contracts")}

    def user_headers(self, roles, user_id):
        from hubkit.testing import make_principal
        return {"Authorization": self.sign(make_principal(tuple(roles), consortium_id=self.consortium,
                                                          user_id=user_id), "contracts")}

    def round(self, **overrides) -> dict:
        opp = self.opportunity()
        oid = opp["opportunity"]["id"]
        lot = self.call("POST", f"/opportunities/{oid}/lots", {"number": 1, "title": "East Leeds",
                                                              "estimated_value_pence": 15_000_000,
                                                              "service_categories": ["mental_health"]}, 201)
        body = {"lot_id": lot["id"], "specification": "Weekly drop-in wellbeing sessions.",
                "declarations_close_on": days(7), "eois_close_on": days(21), "decision_by": days(30)} | overrides
        return self.call("POST", "/allocation-rounds", body, 201)

    def panel(self, rid, lead_org=None, extra=()):
        people = [{"name": "Lee Lead", "role": "lead_member", "organisation_id": lead_org, "user_id": "u-lee"},
                  {"name": "Sam Staff", "role": "hub_staff", "user_id": "u-sam"},
                  {"name": "Dr Ray Expert", "role": "outside_expert", "expertise": "Community mental health"},
                  *extra]
        return [self.call("POST", f"/allocation-rounds/{rid}/panel", p, 201) for p in people]

    def ready(self, rid, lead_org=None):
        """Panel proposed, servicing named, panel confirmed, criteria agreed."""
        panel = self.panel(rid, lead_org)
        self.call("PUT", f"/allocation-rounds/{rid}/servicing", {"name": "Jo Board", "capacity": "management_board"})
        self.call("POST", f"/allocation-rounds/{rid}/panel/confirmation")
        detail = self.call("PUT", f"/allocation-rounds/{rid}/criteria", CRITERIA)
        return panel, detail

    def declare(self, rid, org_id, status=201):
        return self.call("POST", f"/allocation-rounds/{rid}/declarations", {"detail": "We intend to bid."}, status,
                         headers=self.member_headers(org_id))

    def eoi(self, rid, org_id, status=201, statement="We run three hubs in east Leeds.", value=14_000_000):
        return self.call("POST", f"/allocation-rounds/{rid}/eois", {"statement": statement,
                                                                    "proposed_value_pence": value}, status,
                         headers=self.member_headers(org_id))

    def score_all(self, rid, member_id, eoi_scores: dict, headers=None):
        detail = self.call("GET", f"/allocation-rounds/{rid}")
        criteria = [c["id"] for c in detail["criteria"]]
        body = {"scores": [{"eoi_id": eoi_id, "criterion_id": cid, "score": score}
                           for eoi_id, pair in eoi_scores.items() for cid, score in zip(criteria, pair)]}
        return self.call("PUT", f"/allocation-rounds/{rid}/panel/{member_id}/scores", body, headers=headers)


@pytest.fixture
def alloc(app, client, sign) -> Allocation:
    return Allocation(app, client, sign)


# --- invitations from the capability copy -------------------------------------------------------------

def test_m2_capability_events_keep_the_copy_and_a_round_invites_only_active_eligible_capable_members(alloc):
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust", categories=("mental_health", "youth"), areas=("Leeds", "York"))
    alloc.capable("Wrong Skills Ltd", categories=("housing",))
    alloc.capable("Far Away CIO", areas=("Bristol",))
    alloc.capable("Lapsed Group", status="lapsed")
    alloc.capable("Uninsured Trust", eligible=False)
    alloc.member("No Register Entry")  # a member with nothing in the register is not invited

    created = alloc.round()
    rnd = created["round"]
    assert rnd["status"] == "declarations" and rnd["route"] == "open"
    assert rnd["service_categories"] == ["mental_health"] and rnd["areas"] == ["Leeds"]
    assert rnd["value_pence"] == 15_000_000 and rnd["title"] == "Community wellbeing hubs: lot 1, East Leeds"
    assert [i["organisation_name"] for i in created["invitations"]] == ["Eastside Youth Trust",
                                                                        "Northfield Advice Centre"]
    [opened] = alloc.outbox("contracts.allocation_round.opened")
    assert opened["subject"] == f"allocation_round/{rnd['id']}"
    assert {i["organisation_id"] for i in opened["data"]["invited"]} == {north, east}
    assert opened["data"]["lot_id"] == rnd["lot_id"] and opened["data"]["value_pence"] == 15_000_000


def test_m2_capability_replays_and_older_events_change_nothing(alloc):
    org = alloc.capable("Northfield Advice Centre")
    assert alloc.redeliver(alloc.last_event) is False  # the inbox recognises the replay
    older = alloc.last_event
    alloc.capability(org, "Northfield Advice Centre", categories=("housing",))
    # The older event, delivered again under a new id, does not overwrite the newer register entry.
    from dataclasses import replace
    assert alloc.redeliver(replace(older, id=uuid.uuid4())) is True
    assert alloc.round()["invitations"] == []  # housing only now: not invited to mental health work


def test_a_round_for_a_head_contract_takes_its_value_and_an_unknown_contract_or_lot_is_404(alloc):
    alloc.capable("Northfield Advice Centre", categories=("advice",))
    contract = alloc.call("POST", "/contracts", {
        "title": "Advice line", "commissioner_name": "Leeds City Council", "value_pence": 9_000_000,
        "management_fee_basis_points": 800, "starts_on": "2027-04-01", "ends_on": "2028-03-31",
        "indicators": [{"code": "O1", "name": "Calls", "kind": "output", "unit": "calls"}]}, 201)
    cid = contract["contract"]["id"]
    created = alloc.call("POST", "/allocation-rounds", {"contract_id": cid, "service_categories": ["advice"]}, 201)
    assert created["round"]["contract_id"] == cid and created["round"]["value_pence"] == 9_000_000
    assert created["round"]["title"] == "Advice line" and len(created["invitations"]) == 1
    alloc.call("POST", "/allocation-rounds", {"contract_id": str(uuid.uuid4())}, 404)
    alloc.call("POST", "/allocation-rounds", {"lot_id": str(uuid.uuid4())}, 404)
    refused = alloc.call("POST", "/allocation-rounds", {"service_categories": ["advice"]}, 422)
    assert list(refused["errors"]) == ["title"]


# --- the whole open competition -------------------------------------------------------------------

def test_c2_c3_c4_an_open_round_from_declarations_to_award_and_its_report(alloc):
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    lead = alloc.capable("Leeds Mind Partnership")
    rnd = alloc.round()["round"]
    rid = rnd["id"]

    # C2: declarations first; a declaring organisation's people cannot sit on the panel.
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    assert alloc.declare(rid, east, status=200)["organisation_id"] == east  # declaring again: the same one
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Nia North", "role": "member",
                                                                     "organisation_id": north}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:C2" and "Nia North" in refused["detail"]

    panel, detail = alloc.ready(rid, lead_org=lead)
    assert detail["panel_feedback"] == [] and detail["round"]["panel_confirmed_at"]
    # C2: declarations closed with the panel's confirmation.
    refused = alloc.declare(rid, lead, status=409)
    assert refused["type"] == "urn:consortium-hub:rule:C2"

    opened = alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    assert opened["round"]["status"] == "eois_open" and opened["criteria_locked"] is True
    # C4: criteria cannot change once expressions of interest are open.
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", CRITERIA, 409)
    assert refused["type"] == "urn:consortium-hub:rule:C4" and "C4" in refused["detail"]
    alloc.call("PATCH", f"/allocation-rounds/{rid}", {"specification": "Changed"}, 409)

    e_north = alloc.eoi(rid, north)
    e_east = alloc.eoi(rid, east, statement="Youth-led wellbeing in Harehills.", value=13_500_000)
    assert e_north["organisation_id"] == north and e_east["proposed_value_pence"] == 13_500_000
    alloc.call("POST", f"/allocation-rounds/{rid}/award", status=409)  # not closed yet
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/closing")

    lee, sam, ray = (p["id"] for p in panel)
    alloc.score_all(rid, lee, {e_north["id"]: (8, 6), e_east["id"]: (7, 9)})
    alloc.score_all(rid, sam, {e_north["id"]: (8, 7), e_east["id"]: (6, 8)})
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/award", status=409)
    assert refused["type"] == "urn:consortium-hub:rule:C4" and "missing" in refused["detail"]
    alloc.score_all(rid, ray, {e_north["id"]: (9, 6), e_east["id"]: (6, 8)})
    # North: 60 x 25/30 + 40 x 19/30 = 75.33; East: 60 x 19/30 + 40 x 25/30 = 71.33
    # Moderation: the panel agrees East's quality at 7 -> 60 x 0.7 + 40 x 25/30 = 75.33: a tie.
    crit = alloc.call("GET", f"/allocation-rounds/{rid}")["criteria"]
    moderated = alloc.call("PUT", f"/allocation-rounds/{rid}/moderation", {
        "eoi_id": e_east["id"], "criterion_id": crit[0]["id"], "score": 7, "reason": "Agreed at moderation."})
    assert [s["weighted_score"] for s in moderated["standings"]] == ["75.33", "75.33"]

    decided = alloc.call("POST", f"/allocation-rounds/{rid}/award")["round"]
    # Tie broken by the recorded rule: heaviest criterion (quality: North 25/3 vs East 7).
    assert decided["status"] == "decided" and decided["awarded_organisation_id"] == north
    assert decided["tie_broken_by"] == "heaviest_criterion" and decided["awarded_score"] == "75.33"
    [event] = alloc.outbox("contracts.allocation_round.decided")
    assert event["data"]["awarded_organisation_id"] == north and event["data"]["route"] == "open"
    assert [r["weighted_score"] for r in event["data"]["ranking"]] == ["75.33", "75.33"]
    alloc.call("POST", f"/allocation-rounds/{rid}/award", status=409)  # decided once

    report = alloc.call("GET", f"/allocation-rounds/{rid}/report")
    assert {e["organisation_name"]: e["bid"] for e in report["exclusions"]} == {
        "Northfield Advice Centre": True, "Eastside Youth Trust": True}
    assert len(report["scores"]) == 12 and len(report["panel"]) == 3
    assert [t["what"] for t in report["timetable"]][0] == "Round opened"
    assert any(s["what"].startswith("Work awarded to Northfield") for s in report["steps"])
    assert "most heavily weighted criterion" in report["tie_break_rule"]
    board = alloc.as_(("board_member",))
    assert alloc.call("GET", f"/allocation-rounds/{rid}/report", headers=board)["round"]["id"] == rid


def test_c2_a_declarer_is_excluded_whether_or_not_it_finally_bids_and_a_later_declaration_takes_it_off(alloc):
    north = alloc.capable("Northfield Advice Centre")
    rid = alloc.round()["round"]["id"]
    [nia] = [alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Nia North", "role": "member",
                                                                     "organisation_id": north}, 201)]
    alloc.declare(rid, north)  # declares after being proposed: its person comes off the panel
    detail = alloc.call("GET", f"/allocation-rounds/{rid}")
    assert nia["id"] not in [p["member"]["id"] for p in detail["panel"]]
    report = alloc.call("GET", f"/allocation-rounds/{rid}/report")
    assert report["exclusions"][0]["organisation_id"] == north and report["exclusions"][0]["bid"] is False


def test_c3_a_panel_of_two_or_without_the_lead_member_cannot_be_confirmed(alloc):
    lead = alloc.capable("Leeds Mind Partnership")
    rid = alloc.round()["round"]["id"]
    alloc.call("PUT", f"/allocation-rounds/{rid}/servicing", {"name": "Jo Board", "capacity": "management_board"})
    alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Sam Staff", "role": "hub_staff"}, 201)
    alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Dr Ray", "role": "outside_expert"}, 201)
    detail = alloc.call("GET", f"/allocation-rounds/{rid}")
    assert {p["rule"] for p in detail["panel_feedback"]} == {"C3"}
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/panel/confirmation", status=409)
    assert refused["type"] == "urn:consortium-hub:rule:C3" and "at least 3" in refused["detail"]
    alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Ali", "role": "member"}, 201)
    # The same person proposed again is refused, not counted twice towards C3's three.
    assert alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "ali", "role": "member"},
                      409)["type"].endswith("allocation_duplicate")
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/panel/confirmation", status=409)
    assert "lead member" in refused["detail"]
    alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Lee", "role": "lead_member",
                                                           "organisation_id": lead}, 201)
    confirmed = alloc.call("POST", f"/allocation-rounds/{rid}/panel/confirmation")
    assert confirmed["round"]["panel_confirmed_at"]
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "Late", "role": "member"}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:C3"


def test_c7_the_servicing_member_must_not_be_bidding(alloc):
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/servicing", {
        "name": "Nia North", "capacity": "management_board", "organisation_id": north}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:C7"
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/servicing", {
        "name": "Pat", "capacity": "partners_group_nominee"}, 409)
    assert "every board member" in refused["detail"]
    alloc.call("PUT", f"/allocation-rounds/{rid}/servicing", {"name": "Eve East", "capacity": "management_board",
                                                              "organisation_id": east})
    refused = alloc.declare(rid, east, status=409)  # the servicing member's organisation cannot then bid
    assert refused["type"] == "urn:consortium-hub:rule:C7"
    # Without servicing, a panel cannot be confirmed either.
    rid2 = alloc.round()["round"]["id"]
    alloc.panel(rid2)
    refused = alloc.call("POST", f"/allocation-rounds/{rid2}/panel/confirmation", status=409)
    assert refused["type"] == "urn:consortium-hub:rule:C7"


def test_c4_eois_need_agreed_criteria_and_bad_weights_are_422(alloc):
    rid = alloc.round()["round"]["id"]
    alloc.panel(rid)
    alloc.call("PUT", f"/allocation-rounds/{rid}/servicing", {"name": "Jo Board", "capacity": "management_board"})
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening", status=409)  # panel not confirmed
    alloc.call("POST", f"/allocation-rounds/{rid}/panel/confirmation")
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening", status=409)
    assert refused["type"] == "urn:consortium-hub:rule:C4"
    bad = {"criteria": [{"name": "Quality", "weight": 60}, {"name": "Reach", "weight": 30}]}
    assert "add up to 100" in alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", bad, 422)["errors"][
        "criteria"][0]
    alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", {"criteria": [{"name": "Q", "weight": 60.5}]}, 422)
    alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", CRITERIA | {"tie_break": "coin_toss"}, 422)
    # Criteria may be changed freely before EOIs open.
    alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", {"criteria": [{"name": "Quality", "weight": 100}]})
    detail = alloc.call("PUT", f"/allocation-rounds/{rid}/criteria", CRITERIA)
    assert [c["weight"] for c in detail["criteria"]] == [60, 40]


# --- EOIs: who may send them --------------------------------------------------------------------------

def test_an_eoi_from_an_ineligible_uninvited_undeclared_or_non_member_organisation_is_refused(alloc):
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    housing = alloc.capable("Wrong Skills Ltd", categories=("housing",))
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    alloc.ready(rid)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")

    stranger = str(uuid.uuid4())  # not a member at all
    refused = alloc.eoi(rid, stranger, status=409)
    assert refused["type"] == "urn:consortium-hub:rule:allocation_eligibility" and "active member" in refused["detail"]
    refused = alloc.eoi(rid, housing, status=409)
    assert "not invited" in refused["detail"]
    # Eastside's insurance lapses after it was invited: no longer eligible for new work.
    alloc.capability(east, "Eastside Youth Trust", eligible=False)
    refused = alloc.eoi(rid, east, status=409)
    assert "not eligible" in refused["detail"]
    # North is fine; the same EOI again is recognised; a different second one is refused.
    first = alloc.eoi(rid, north)
    assert alloc.eoi(rid, north, status=200)["id"] == first["id"]
    assert alloc.eoi(rid, north, status=409, statement="Another go")["type"].endswith("allocation_duplicate")
    # A member that did not declare its interest first cannot bid (C2).
    late = alloc.capable("Late Arrivals CIO")
    rid2 = alloc.round()["round"]["id"]
    alloc.ready(rid2)
    alloc.call("POST", f"/allocation-rounds/{rid2}/eois/opening")
    assert alloc.eoi(rid2, late, status=409)["type"] == "urn:consortium-hub:rule:C2"


def test_c4_the_round_is_offered_to_a_member_only_while_its_eoi_would_be_accepted(alloc):
    """Eligibility everywhere at once: what a member's view offers is what the EOI endpoint accepts, judged by one
    rule (contracts.domain.allocation.eoi_refusal), including an organisation that became ineligible after the
    round opened."""
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    quiet = alloc.capable("Quiet Trust")  # invited, never declares
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    alloc.ready(rid)

    def offered(org_id) -> dict:
        view = alloc.call("GET", f"/allocation/invitations/{rid}", headers=alloc.member_headers(org_id))
        [listed] = [i for i in alloc.call("GET", "/allocation/invitations", headers=alloc.member_headers(org_id))
                    if i["round"]["id"] == rid]
        assert listed["may_express_interest"] == view["may_express_interest"]
        assert listed["why_no_eoi"] == view["why_no_eoi"]
        return view

    before = offered(north)  # not open yet: not offered, and would be refused
    assert before["may_express_interest"] is False and "not open" in before["why_no_eoi"]
    alloc.eoi(rid, north, status=409)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    # East's insurance lapses after the round opened: membership says it is no longer eligible for new work.
    alloc.capability(east, "Eastside Youth Trust", eligible=False)
    view = offered(east)
    assert view["may_express_interest"] is False and "not eligible" in view["why_no_eoi"]
    assert view["may_declare"] is False  # declarations closed with the panel (C2)
    refused = alloc.eoi(rid, east, status=409)
    assert refused["detail"] == view["why_no_eoi"]
    view = offered(quiet)
    assert view["may_express_interest"] is False and view["why_no_eoi"].startswith("C2:")
    assert alloc.eoi(rid, quiet, status=409)["detail"] == view["why_no_eoi"]
    view = offered(north)
    assert view["may_express_interest"] is True and view["why_no_eoi"] is None
    alloc.eoi(rid, north)
    view = offered(north)  # sent: not offered again
    assert view["may_express_interest"] is False and view["eoi"] is not None
    # East's evidence is renewed: offered again, and accepted.
    alloc.capability(east, "Eastside Youth Trust", eligible=True)
    assert offered(east)["may_express_interest"] is True
    alloc.eoi(rid, east)


def test_bad_input_is_422_naming_the_field_and_malformed_json_is_400(alloc):
    rid = alloc.round()["round"]["id"]
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "", "role": "chair"}, 422)
    assert set(refused["errors"]) == {"name", "role"}
    response = alloc.raw("POST", f"/allocation-rounds/{rid}/panel", data="{not json",
                         content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    alloc.call("POST", "/allocation-rounds", {"value_pence": 12.5, "title": "x"}, 422)
    refused = alloc.call("POST", "/allocation-rounds", {"title": "x", "declarations_close_on": days(10),
                                                        "eois_close_on": days(5)}, 422)
    assert list(refused["errors"]) == ["eois_close_on"]
    refused = alloc.call("PATCH", f"/allocation-rounds/{rid}", {"decision_by": days(1)}, 422)  # before days(21)
    assert list(refused["errors"]) == ["decision_by"]
    alloc.call("GET", "/allocation-rounds/not-a-uuid", status=404)
    alloc.call("GET", f"/allocation-rounds/{uuid.uuid4()}", status=404)


# --- scoring sheets ------------------------------------------------------------------------------------

def _scoring_round(alloc):
    north = alloc.capable("Northfield Advice Centre")
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    panel, _ = alloc.ready(rid)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    eoi = alloc.eoi(rid, north)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/closing")
    return rid, panel, eoi, north


def test_a_score_outside_the_scale_is_422_and_nothing_is_kept(alloc):
    rid, panel, eoi, _ = _scoring_round(alloc)
    criteria = alloc.call("GET", f"/allocation-rounds/{rid}")["criteria"]
    body = {"scores": [{"eoi_id": eoi["id"], "criterion_id": criteria[0]["id"], "score": 7},
                       {"eoi_id": eoi["id"], "criterion_id": criteria[1]["id"], "score": 11}]}
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores", body, 422)
    assert list(refused["errors"]) == ["scores.1.score"] and "outside the scale" in refused["errors"][
        "scores.1.score"][0]
    sheet = alloc.call("GET", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores")
    assert sheet["eois"][0]["scores"] == []  # nothing half-applied
    body["scores"][1]["score"] = -1
    alloc.call("PUT", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores", body, 422)
    body["scores"][1]["criterion_id"] = str(uuid.uuid4())
    body["scores"][1]["score"] = 5
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores", body, 422)
    assert "C4" in refused["errors"]["scores.1.criterion_id"][0]
    moderation = {"eoi_id": eoi["id"], "criterion_id": criteria[0]["id"], "score": 99, "reason": "x"}
    alloc.call("PUT", f"/allocation-rounds/{rid}/moderation", moderation, 422)


def test_panel_members_score_only_their_own_sheet_and_a_score_again_replaces_it(alloc):
    rid, panel, eoi, north = _scoring_round(alloc)
    lee, sam = panel[0], panel[1]
    as_lee = alloc.user_headers(("board_member",), "u-lee")
    as_sam_member = alloc.member_headers(alloc.capable("Sam's Charity"), user_id="u-sam")
    sheet = alloc.score_all(rid, lee["id"], {eoi["id"]: (7, 5)}, headers=as_lee)
    assert [s["score"] for s in sheet["eois"][0]["scores"]] == [7, 5]
    sheet = alloc.score_all(rid, lee["id"], {eoi["id"]: (8, 5)}, headers=as_lee)
    assert [s["score"] for s in sheet["eois"][0]["scores"]] == [8, 5]
    # Another panel member's sheet is not theirs: 404 (not even visible).
    alloc.call("GET", f"/allocation-rounds/{rid}/panel/{sam['id']}/scores", headers=as_lee, status=404)
    alloc.score_all(rid, sam["id"], {eoi["id"]: (6, 6)}, headers=as_sam_member)
    alloc.call("GET", f"/allocation-rounds/{rid}/panel/{lee['id']}/scores", headers=as_sam_member, status=404)
    # A member user on the panel sees every EOI on the sheet, but the round's staff view stays closed to them.
    mine = alloc.call("GET", "/allocation/panels", headers=as_sam_member)
    assert [m["panel_member"]["id"] for m in mine] == [sam["id"]]
    # The finance officer reads rounds but does not score.
    alloc.call("GET", f"/allocation-rounds/{rid}/panel/{lee['id']}/scores",
               headers=alloc.as_(("finance_officer",)), status=403)


# --- roles and other organisations' data -------------------------------------------------------------

def test_roles_member_staff_see_only_their_own_organisations_invitations_declarations_and_eois(alloc):
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    outsider = alloc.capable("Wrong Skills Ltd", categories=("housing",))
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    alloc.ready(rid)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    alloc.eoi(rid, north)

    as_north, as_east = alloc.member_headers(north), alloc.member_headers(east)
    mine = alloc.call("GET", "/allocation/invitations", headers=as_north)
    assert len(mine) == 1 and mine[0]["invitation"]["organisation_id"] == north
    assert mine[0]["eoi"]["organisation_id"] == north and mine[0]["declaration"]["organisation_id"] == north
    theirs = alloc.call("GET", "/allocation/invitations", headers=as_east)[0]
    assert theirs["eoi"] is None and theirs["may_express_interest"] is True  # North's EOI is not visible
    view = alloc.call("GET", f"/allocation/invitations/{rid}", headers=as_east)
    assert "panel" not in view and view["declaration"]["organisation_id"] == east
    assert view["eoi"] is None and view["round"]["id"] == rid
    alloc.call("GET", f"/allocation-rounds/{rid}", headers=as_east, status=403)  # the staff view is not theirs
    # A round the organisation is not invited to is not there for it.
    alloc.call("GET", f"/allocation/invitations/{rid}", headers=alloc.member_headers(outsider), status=404)
    alloc.call("POST", f"/allocation-rounds/{rid}/declarations", {}, 404, headers=alloc.member_headers(outsider))
    assert alloc.call("GET", "/allocation/invitations", headers=alloc.member_headers(outsider)) == []
    # Member staff cannot run rounds or read the report; the finance officer and board read but do not manage.
    alloc.call("POST", "/allocation-rounds", {"title": "x"}, 403, headers=as_north)
    alloc.call("GET", f"/allocation-rounds/{rid}/report", headers=as_north, status=403)
    alloc.call("GET", "/allocation-rounds", headers=as_north, status=403)
    alloc.call("POST", f"/allocation-rounds/{rid}/award", status=403, headers=alloc.as_(("board_member",)))
    alloc.call("POST", "/allocation-rounds", {"title": "x"}, 403, headers=alloc.as_(("finance_officer",)))
    assert alloc.call("GET", "/allocation-rounds", headers=alloc.as_(("finance_officer",)))[0]["id"] == rid
    # Staff do not submit EOIs for members.
    alloc.call("POST", f"/allocation-rounds/{rid}/eois", {"statement": "x"}, 403)


def test_another_consortiums_round_is_404(alloc, app, client, sign):
    rid = alloc.round()["round"]["id"]
    other = Allocation(app, client, sign)
    other.call("GET", f"/allocation-rounds/{rid}", status=404)
    other.call("GET", f"/allocation-rounds/{rid}/report", status=404)
    other.call("POST", f"/allocation-rounds/{rid}/panel", {"name": "X", "role": "member"}, 404)
    assert other.call("GET", "/allocation-rounds") == []


# --- C1 and C6: the chosen-provider route ----------------------------------------------------------

def _board_decides(alloc, request_id, outcome, note=""):
    decision_id = str(uuid.uuid4())
    return alloc.deliver("governance.decision.made", f"decision/{decision_id}", {
        "decision_id": decision_id, "request_id": str(request_id), "kind": "chosen_provider",
        "subject": "allocation_round/x", "outcome": outcome, "note": note}, "governance")


def test_c1_the_chosen_provider_route_needs_the_partners_groups_decision_applied_once(alloc):
    north = alloc.capable("Northfield Advice Centre")
    rid = alloc.round()["round"]["id"]
    asked = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {
        "organisation_id": north, "reason": "The only provider with a specialist eating-disorder service."})
    assert asked["chosen_provider_pending"] is True and asked["round"]["route"] == "open"
    [request] = alloc.outbox("contracts.decision.requested")
    assert request["data"]["kind"] == "chosen_provider" and request["data"]["allocation_round_id"] == rid
    assert request["data"]["request_id"] == asked["round"]["chosen_provider_request_id"]
    assert request["subject"] == f"allocation_round/{rid}"
    # C1: no open competition and no second request while the Partners Group has not answered.
    alloc.ready(rid)
    assert alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening", status=409)["type"].endswith(":C1")
    alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {"organisation_id": north, "reason": "x"}, 409)
    # Assessing before approval is refused (C1).
    alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider/assessment", {"meets_specification": True}, 409)

    # An unknown request id is ignored; the real decision is applied once; a replay changes nothing.
    assert _board_decides(alloc, uuid.uuid4(), "approved") is True
    assert alloc.call("GET", f"/allocation-rounds/{rid}")["round"]["route"] == "open"
    assert _board_decides(alloc, request["data"]["request_id"], "approved", "One credible provider.") is True
    assert alloc.redeliver(alloc.last_event) is False
    assert _board_decides(alloc, request["data"]["request_id"], "rejected") is True  # a contrary later answer
    rnd = alloc.call("GET", f"/allocation-rounds/{rid}")["round"]
    assert rnd["route"] == "chosen_provider" and rnd["chosen_provider_outcome"] == "approved"
    assert rnd["chosen_provider_note"] == "One credible provider."

    decided = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider/assessment",
                         {"meets_specification": True, "note": "Meets every part of the specification."})["round"]
    assert decided["status"] == "decided" and decided["awarded_organisation_id"] == north
    [event] = alloc.outbox("contracts.allocation_round.decided")
    assert event["data"]["route"] == "chosen_provider" and event["data"]["weighted_score"] is None


def test_c1_a_rejected_chosen_provider_leaves_the_round_in_open_competition(alloc):
    north = alloc.capable("Northfield Advice Centre")
    rid = alloc.round()["round"]["id"]
    request_id = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {
        "organisation_id": north, "reason": "Only one provider."})["round"]["chosen_provider_request_id"]
    _board_decides(alloc, request_id, "rejected", "Open it up.")
    alloc.ready(rid)
    opened = alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    assert opened["round"]["route"] == "open" and opened["round"]["status"] == "eois_open"
    refused = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {"organisation_id": north,
                                                                               "reason": "Again"}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:C1"


def test_c6_a_chosen_provider_failing_the_specification_reverts_the_round_to_open_competition(alloc):
    north = alloc.capable("Northfield Advice Centre")
    rid = alloc.round()["round"]["id"]
    request_id = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {
        "organisation_id": north, "reason": "Only one provider."})["round"]["chosen_provider_request_id"]
    _board_decides(alloc, request_id, "approved")
    failed = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider/assessment",
                        {"meets_specification": False, "note": "No safeguarding lead in post."})
    assert failed["round"]["route"] == "open" and failed["round"]["status"] == "declarations"
    assert failed["round"]["specification_met"] is False
    assert any("C6" in step["what"] for step in failed["steps"])
    alloc.ready(rid)
    assert alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")["round"]["status"] == "eois_open"
    assert alloc.outbox("contracts.allocation_round.decided") == []


def test_c1_a_chosen_provider_must_be_an_active_eligible_member(alloc):
    uninsured = alloc.capable("Uninsured Trust", eligible=False)
    rid = alloc.round()["round"]["id"]
    for org in (uninsured, str(uuid.uuid4())):
        refused = alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {
            "organisation_id": org, "reason": "Only one provider."}, 409)
        assert refused["type"] == "urn:consortium-hub:rule:C1"
    assert alloc.outbox("contracts.decision.requested") == []


def test_c1_the_chosen_providers_offered_are_exactly_those_the_request_accepts(alloc):
    """Eligibility everywhere at once: the round's page offers as chosen provider only the members the request is
    accepted for (allocation.may_be_invited), including after one became ineligible."""
    north = alloc.capable("Northfield Advice Centre")
    east = alloc.capable("Eastside Youth Trust")
    alloc.capable("Uninsured Trust", eligible=False)
    alloc.member("Applicant Group", status="applicant")
    rid = alloc.round()["round"]["id"]

    def offered() -> list[str]:
        return [c["id"] for c in alloc.call("GET", f"/allocation-rounds/{rid}")["chosen_provider_candidates"]]

    assert offered() == [east, north]  # by name
    alloc.capability(east, "Eastside Youth Trust", eligible=False)  # its evidence lapses after the round opened
    assert offered() == [north]
    alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {"organisation_id": east, "reason": "x"}, 409)
    alloc.call("POST", f"/allocation-rounds/{rid}/chosen-provider", {"organisation_id": north, "reason": "x"})


def test_m2_staff_see_the_capability_copy_and_member_staff_do_not(alloc):
    org = alloc.capable("Northfield Advice Centre", categories=("advice", "mental_health"))
    [copy] = alloc.call("GET", "/allocation/capabilities")
    assert copy["id"] == org and copy["service_categories"] == ["advice", "mental_health"]
    alloc.call("GET", "/allocation/capabilities", headers=alloc.member_headers(org), status=403)


def test_the_allocation_api_is_in_the_openapi_document(alloc):
    spec = alloc.client.get("/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/allocation-rounds", "/allocation-rounds/{round_id}", "/allocation-rounds/{round_id}/declarations",
                 "/allocation-rounds/{round_id}/panel/confirmation", "/allocation-rounds/{round_id}/criteria",
                 "/allocation-rounds/{round_id}/panel/{member_id}/scores", "/allocation-rounds/{round_id}/award",
                 "/allocation-rounds/{round_id}/report", "/allocation/invitations", "/allocation/invitations/{round_id}",
                 "/allocation/panels", "/allocation/capabilities"):
        assert path in paths, path
    assert "409" in paths["/allocation-rounds/{round_id}/criteria"]["put"]["responses"]
    assert paths["/allocation-rounds/{round_id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"]["$ref"].endswith("/RoundDetailOut")


def test_c4_only_the_shortlist_is_scored_and_awarded(alloc):
    north, east = alloc.capable("Northfield Advice Centre"), alloc.capable("Eastside Youth Trust")
    rid = alloc.round()["round"]["id"]
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    panel, _ = alloc.ready(rid)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    e_north, e_east = alloc.eoi(rid, north), alloc.eoi(rid, east)
    path = f"/allocation-rounds/{rid}/eois/{e_east['id']}/shortlist"
    assert alloc.call("PUT", path, {"shortlisted": False, "reason": "Early"}, 409)["type"].endswith(":C4")
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/closing")
    assert list(alloc.call("PUT", path, {"shortlisted": False}, 422)["errors"]) == ["reason"]
    alloc.call("PUT", f"/allocation-rounds/{rid}/eois/{uuid.uuid4()}/shortlist", {"shortlisted": True}, 404)
    detail = alloc.call("PUT", path, {"shortlisted": False, "reason": "Does not cover the whole of east Leeds."})
    assert [(e["organisation_name"], e["shortlisted"]) for e in detail["eois"]] == [
        ("Northfield Advice Centre", True), ("Eastside Youth Trust", False)]
    sheet = alloc.call("GET", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores")
    assert [row["eoi"]["id"] for row in sheet["eois"]] == [e_north["id"]]
    criteria = detail["criteria"]
    refused = alloc.call("PUT", f"/allocation-rounds/{rid}/panel/{panel[0]['id']}/scores", {"scores": [
        {"eoi_id": e_east["id"], "criterion_id": criteria[0]["id"], "score": 5}]}, 422)
    assert "shortlisted" in refused["errors"]["scores.0.eoi_id"][0]
    for person in panel:  # only the shortlisted EOI needs scores before the award
        alloc.score_all(rid, person["id"], {e_north["id"]: (6, 6)})
    decided = alloc.call("POST", f"/allocation-rounds/{rid}/award")
    assert decided["round"]["awarded_organisation_id"] == north
    report = alloc.call("GET", f"/allocation-rounds/{rid}/report")
    assert [s["organisation_name"] for s in report["standings"]] == ["Northfield Advice Centre"]
    assert report["eois"][1]["shortlist_note"] == "Does not cover the whole of east Leeds."
