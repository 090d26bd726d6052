"""The objects each service's authorisation matrix is tried on (authorisation_matrix.py): made once per service
through its own API and consumer, all belonging to the world's own organisation of its consortium where they belong
to an organisation at all, with every path parameter of the service's document named."""
from __future__ import annotations

import datetime as dt
import io
import uuid

from sqlalchemy import insert

from hubkit import clock
from hubkit.events import new_event
from hubkit.testing import make_principal

from authorisation_matrix import PDF, user_id


class Caller:
    """Calls the service as one role of the world's consortium, asserting the answer."""

    def __init__(self, app, world):
        self.app, self.world, self.client = app, world, app.test_client()

    def headers(self, role="consortium_manager", organisation=None, user=None):
        principal = make_principal((role,), consortium_id=self.world.consortium, organisation_id=organisation,
                                   user_id=user or user_id(role))
        return {"Authorization": self.world.sign(principal, self.world.service)}

    def __call__(self, method, path, body=None, status=200, role="consortium_manager", organisation=None, user=None,
                 **kwargs):
        if "data" not in kwargs:
            kwargs["json"] = body
        response = self.client.open(path, method=method, headers=self.headers(role, organisation, user), **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.get_data(as_text=True))
        return response.get_json(silent=True)

    def upload(self, path, role="consortium_manager", organisation=None, status=201, **form):
        return self(path=path, method="POST", status=status, role=role, organisation=organisation,
                    data=form | {"file": (io.BytesIO(PDF), "evidence.pdf")}, content_type="multipart/form-data")

    def deliver(self, type_: str, subject: str, data: dict):
        event = new_event(type_, subject=subject, data=data, consortium_id=self.world.consortium, actor="user:test",
                          correlation_id=uuid.uuid4().hex, producer=type_.split(".", 1)[0])
        assert self.app.extensions["hubkit.applier"].apply(event) is not False, type_

    def dead_letter(self):
        """A dead-lettered message (host admins' concern: not any consortium's)."""
        db = self.app.extensions["hubkit.db"]
        letter = uuid.uuid4()
        with db.session(None) as session:
            session.execute(insert(db.kit.dead_letter).values(
                id=letter, consumer=self.world.service, topic="hub.test", partition=0, offset=0, payload="{}",
                error="test", tries=3))
            session.commit()
        self.world.keep("dead_letter_id", letter)


def days(n: int) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def _numbers() -> dict:
    n = uuid.uuid4().int
    return {"charity_number": f"{n % 9_000_000 + 1_000_000}", "company_number": f"SC{n % 900_000 + 100_000}"}


# --- membership ------------------------------------------------------------------------------------------------

def membership(app, world):
    call = Caller(app, world)
    call.dead_letter()

    def register(name):
        return call("POST", "/organisations", {"name": name, "legal_form": "charity", "postcode": "LS1 8AB"}
                    | _numbers(), 201)["id"]

    world.own = uuid.UUID(register("Own Advice Centre"))
    world.other = uuid.UUID(register("Other Advice Centre"))
    world.keep("organisation_id", world.own, owned=True)
    world.made.add(str(world.other))
    world.keep("kind", "public_liability")
    document = call.upload(f"/organisations/{world.own}/documents", kind="public_liability",
                           expires_on=days(300))
    world.keep("document_id", document["id"], owned=True)
    call("PUT", f"/organisations/{world.own}/due-diligence/public_liability",
         {"provided_on": days(0), "expires_on": days(20), "cover_pence": 500_000_000, "document_id": document["id"]})
    world.bodies["POST /organisations/{organisation_id}/documents"] = {"form": {"kind": "public_liability"}}


# --- contracts -------------------------------------------------------------------------------------------------

def _members(call, world, events=("membership.member.activated", "membership.capability.updated")):
    """The own and the other organisation as membership announces them, active and capable (M2)."""
    for org, name in ((world.own, "Own Advice Centre"), (world.other, "Other Advice Centre")):
        data = {"organisation_id": str(org), "name": name, "legal_form": "cio", "status": "active"}
        for type_ in events:
            extra = ({"service_categories": ["mental_health"], "areas_served": ["Leeds"], "capacity": None,
                      "past_contracts": [], "eligible_for_new_work": True}
                     if type_ == "membership.capability.updated" else {})
            call.deliver(type_, f"organisation/{org}", data | extra)
    world.keep("organisation_id", world.own, owned=True)
    world.made.add(str(world.other))


def contracts(app, world):
    call = Caller(app, world)
    call.dead_letter()
    _members(call, world)
    own = str(world.own)
    member = {"role": "member_user", "organisation": world.own}

    # the pipeline and a bid
    opportunity = {"title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
                   "commissioner_type": "local_authority", "description": "Six hubs.",
                   "estimated_value_pence": 45_000_000, "contract_length_months": 36,
                   "service_categories": ["mental_health"], "areas": ["Leeds"], "submission_deadline": days(20),
                   "award_expected_on": days(60), "start_expected_on": days(90)}

    def bidding():
        oid = call("POST", "/opportunities", opportunity, 201)["opportunity"]["id"]
        call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
        asked = call("POST", f"/opportunities/{oid}/go-no-go", {})["opportunity"]["go_no_go_request_id"]
        decision = str(uuid.uuid4())  # the board's decision, from governance by event (issue 12 item 1)
        call.deliver("governance.decision.made", f"decision/{decision}", {
            "decision_id": decision, "request_id": asked, "kind": "bid_go_no_go", "subject": f"opportunity/{oid}",
            "outcome": "approved", "note": ""})
        return oid

    oid = world.keep("opportunity_id", bidding())
    lot = call("POST", f"/opportunities/{oid}/lots", {"number": 1, "title": "East Leeds",
                                                       "estimated_value_pence": 15_000_000,
                                                       "service_categories": ["mental_health"]}, 201)
    world.keep("lot_id", lot["id"])
    bid = call("POST", f"/opportunities/{oid}/bids", {"lead_name": "Priya Shah"}, 201)
    bid_id = world.keep("bid_id", bid.get("id") or bid["bid"]["id"])
    call("PUT", f"/bids/{bid_id}/pricing", {"price_pence": 40_000_000, "management_fee_basis_points": 800})
    task = call("POST", f"/bids/{bid_id}/tasks", {"title": "Method statement", "owner": "Priya Shah",
                                                   "due_on": days(7)}, 201)
    world.keep("task_id", task["id"])
    partner = call("POST", f"/bids/{bid_id}/partners", {"organisation_id": own, "share_pence": 1_000_000}, 201)
    world.keep("partner_id", partner["id"])
    document = call.upload(f"/bids/{bid_id}/documents", kind="method_statement")
    world.keep("document_id", document["id"])
    world.bodies["POST /bids/{bid_id}/documents"] = {"form": {"kind": "method_statement"}}
    spare_bid = call("POST", f"/opportunities/{bidding()}/bids", {"lead_name": "Tom Okafor"}, 201)
    spare_bid = spare_bid.get("id") or spare_bid["bid"]["id"]
    call("PUT", f"/bids/{spare_bid}/pricing", {"price_pence": 40_000_000, "management_fee_basis_points": 800})

    def fresh_partner():
        org = str(uuid.uuid4())
        call.deliver("membership.member.activated", f"organisation/{org}",
                     {"organisation_id": org, "name": f"Partner {org[:8]}", "legal_form": "cio", "status": "active"})
        made = call("POST", f"/bids/{spare_bid}/partners", {"organisation_id": org, "share_pence": 1_000}, 201)
        return {"bid_id": spare_bid, "partner_id": made["id"]}

    world.fresh["DELETE /bids/{bid_id}/partners/{partner_id}"] = fresh_partner

    # an allocation round with its panel, criteria and the own organisation's expression of interest
    def new_round():
        body = {"lot_id": lot["id"], "specification": "Weekly drop-in sessions.", "declarations_close_on": days(7),
                "eois_close_on": days(21), "decision_by": days(30)}
        return call("POST", "/allocation-rounds", body, 201)["round"]["id"]

    rid = world.keep("round_id", new_round())
    call("POST", f"/allocation-rounds/{rid}/declarations", {"detail": "We intend to bid."}, 201, **member)
    panel = [call("POST", f"/allocation-rounds/{rid}/panel", person, 201) for person in (
        {"name": "Lee Lead", "role": "lead_member", "organisation_id": str(world.other),
         "user_id": uuid.uuid5(uuid.NAMESPACE_URL, "lead").hex},
        {"name": "Sam Staff", "role": "hub_staff", "user_id": user_id("consortium_manager")},
        {"name": "Dr Ray Expert", "role": "outside_expert", "expertise": "Community mental health"})]
    world.keep("member_id", panel[1]["id"])
    call("PUT", f"/allocation-rounds/{rid}/servicing", {"name": "Jo Board", "capacity": "management_board"})
    call("POST", f"/allocation-rounds/{rid}/panel/confirmation")
    call("PUT", f"/allocation-rounds/{rid}/criteria", {
        "criteria": [{"name": "Quality", "weight": 60}, {"name": "Reach", "weight": 40}], "scale_max": 10,
        "tie_break": "heaviest_criterion"})
    call("POST", f"/allocation-rounds/{rid}/eois/opening")
    eoi = call("POST", f"/allocation-rounds/{rid}/eois", {"statement": "We run three hubs.",
                                                          "proposed_value_pence": 14_000_000}, 201, **member)
    world.keep("eoi_id", eoi["id"], owned=True)
    spare_round = new_round()

    def fresh_panel_member():
        made = call("POST", f"/allocation-rounds/{spare_round}/panel", {"name": f"Pat {uuid.uuid4().hex[:8]}",
                                                                    "role": "hub_staff"},
                    201)
        return {"round_id": spare_round, "member_id": made["id"]}

    world.fresh["DELETE /allocation-rounds/{round_id}/panel/{member_id}"] = fresh_panel_member

    # a live contract, the own organisation's subcontract, a red return with evidence and an improvement plan
    detail = call("POST", "/contracts", {
        "title": "Wellbeing hubs", "commissioner_name": "Leeds City Council", "value_pence": 45_000_000,
        "management_fee_basis_points": 800, "starts_on": "2025-04-01", "ends_on": "2026-03-31",
        "payment_terms": "Quarterly", "income_schedule": [{"due_on": "2025-07-30", "amount_pence": 11_250_000}],
        "indicators": [{"code": "O1", "name": "People helped", "kind": "output", "unit": "people"}]}, 201)
    cid = world.keep("contract_id", detail["contract"]["id"])
    call("PUT", f"/contracts/{cid}/targets",
         {"targets": [{"indicator": "O1", "period": str(n), "target": 100} for n in range(1, 5)]})
    sub = call("POST", f"/contracts/{cid}/subcontracts", {
        "organisation_id": own, "value_pence": 20_000_000,
        "targets": [{"indicator": "O1", "period": str(n), "target": 50} for n in range(1, 5)]}, 201)
    sid = world.keep("subcontract_id", sub["subcontract"]["id"], owned=True)
    period = next(p for p in sub["periods"] if p["number"] == 1)
    submitted = call("POST", f"/subcontracts/{sid}/returns", {"period_id": period["id"], "actuals": {"O1": 5},
                                                              "narrative": "Behind."}, 201, **member)
    return_id = world.keep("return_id", submitted["performance_return"]["id"], owned=True)
    evidence = call.upload(f"/returns/{return_id}/evidence", **member)
    world.keep("evidence_id", evidence["id"], owned=True)
    call("POST", f"/returns/{return_id}/review", {"decision": "accept"})
    plan = call("POST", f"/subcontracts/{sid}/improvement-plans", {
        "reason": "Red in Q1", "review_on": days(30),
        "actions": [{"action": "Weekly outreach", "owner": "Sam Patel", "due_on": days(20)}]}, 201)
    world.keep("plan_id", plan["id"], owned=True)


# --- finance ---------------------------------------------------------------------------------------------------

def finance(app, world):
    call = Caller(app, world)
    call.dead_letter()
    fo = {"role": "finance_officer"}
    member = {"role": "member_user", "organisation": world.own}
    for org, name in ((world.own, "Own Advice Centre"), (world.other, "Other Advice Centre")):
        call.deliver("membership.organisation.registered", f"organisation/{org}", {
            "organisation_id": str(org), "name": name, "legal_form": "cio", "status": "active",
            "charity_number": None, "company_number": None, "postcode": "LS1 1AA"})
    world.keep("organisation_id", world.own, owned=True)
    world.made.add(str(world.other))
    call.deliver("governance.hub_model.changed", f"hub/{world.consortium}", {
        "model": "virtual_hub", "previous_model": None, "effective_from": "2020-01-01",
        "decision_id": str(uuid.uuid4()), "host_organisation_id": None})

    # shared staff's time: the own organisation's person (the member user), their rate, an approved week
    codes = {c["code"]: c["id"] for c in call("POST", "/cost-codes/seed", None, **fo) or []} or \
        {c["code"]: c["id"] for c in call("GET", "/cost-codes", **fo)}
    world.keep("code_id", codes["hub-bidding"])
    monday = clock.today() - dt.timedelta(days=clock.today().weekday() + 21)
    world.keep("week", monday.isoformat())
    world.keep("month", f"{monday:%Y-%m}")
    # closing a month and changing a code are tried on others than the ones the world's time is logged in
    world.fresh["POST /periods/{month}/close"] = lambda: {"month": f"{monday - dt.timedelta(days=400):%Y-%m}"}
    world.fresh["PATCH /cost-codes/{code_id}"] = lambda: {"code_id": codes["hub-governance"]}
    world.bodies["PUT /timesheets/staff/{staff_id}/weeks/{week}"] = {"json": {"entries": [
        {"day": monday.isoformat(), "cost_code_id": world.ids["code_id"], "minutes": 60}]}}

    def person(org, user):
        staff = call("POST", "/staff", {"name": f"Person {uuid.uuid4().hex[:6]}", "employer_kind": "member",
                                        "organisation_id": str(org), "user_id": user, "line_manager_id": None},
                     201, **fo)
        call("POST", f"/staff/{staff['id']}/rates", {"effective_from": "2020-01-01", "salary_pence": 3_000_000,
                                                     "on_costs_percent": "20", "overhead_percent": "25",
                                                     "productive_hours": "1500"}, 201, **fo)
        return staff

    def approved_week(staff, org, user):
        sheet = call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{monday.isoformat()}", {"entries": [
            {"day": (monday + dt.timedelta(days=d)).isoformat(), "cost_code_id": world.ids["code_id"],
             "minutes": 450} for d in range(5)]}, role="member_user", organisation=org, user=user)
        call("POST", f"/timesheets/{sheet['id']}/submit", role="member_user", organisation=org, user=user)
        return call("POST", f"/timesheets/{sheet['id']}/approve", **fo)

    staff = person(world.own, user_id("member_user"))
    world.keep("staff_id", staff["id"], owned=True)
    sheet = approved_week(staff, world.own, user_id("member_user"))
    world.keep("sheet_id", sheet["id"], owned=True)
    world.keep("entry_id", sheet["entries"][0]["id"], owned=True)
    world.bodies["PUT /timesheets/{sheet_id}/entries/{entry_id}"] = {"json": {
        "day": monday.isoformat(), "cost_code_id": world.ids["code_id"], "minutes": 30}}
    world.bodies["POST /staff/{staff_id}/rates"] = {"json": {
        "effective_from": days(1), "salary_pence": 3_100_000, "on_costs_percent": "20", "overhead_percent": "25",
        "productive_hours": "1500"}}
    world.bodies["PUT /payments/payees/{organisation_id}"] = {"json": {
        "name": "Own Advice Centre", "sort_code": "12-34-56", "account_number": "12345678"}}

    def draft_invoice():
        """A recharge invoice of an employer of its own (one draft per employer and month)."""
        org = uuid.uuid4()
        call.deliver("membership.organisation.registered", f"organisation/{org}", {
            "organisation_id": str(org), "name": f"Employer {org.hex[:8]}", "legal_form": "cio", "status": "active",
            "charity_number": None, "company_number": None, "postcode": "LS1 1AA"})
        user = uuid.uuid4().hex
        approved_week(person(org, user), org, user)
        return call("POST", "/invoices", {"organisation_id": str(org), "month": f"{monday:%Y-%m}"}, 201, **fo)

    invoice = call("POST", "/invoices", {"organisation_id": str(world.own), "month": f"{monday:%Y-%m}"}, 201, **fo)
    world.keep("invoice_id", invoice["id"], owned=True)
    invoice_line = invoice["lines"][0]["id"]
    world.owned.add(invoice_line)
    world.fresh["GET /invoices/{invoice_id}/lines/{line_id}/entries"] = lambda: {"line_id": invoice_line}
    world.fresh["DELETE /invoices/{invoice_id}"] = lambda: {"invoice_id": draft_invoice()["id"]}
    # a Xero export (F4) of another employer's issued invoice, by the finance officer: every issuer's (no
    # organisation), so member staff do not see it; exporting again later finds nothing new (409: the door is open)
    call("POST", f"/invoices/{draft_invoice()['id']}/issue", None, 200, **fo)
    world.keep("export_id", call("POST", "/invoices/xero-exports", {}, 201, **fo)["id"])
    world.bodies["POST /invoices/xero-exports"] = {"json": {}}

    # money: a contract's income, the own organisation's subcontract, payee and a payment run
    contract_id = uuid.uuid4()
    call.deliver("contracts.contract.awarded", f"contract/{contract_id}", {
        "contract_id": str(contract_id), "opportunity_id": None, "title": "Wellbeing hubs",
        "commissioner_name": "Leeds City Council", "value_pence": 45_000_000, "management_fee_basis_points": 800,
        "starts_on": "2025-04-01", "ends_on": "2030-03-31", "payment_terms": "Quarterly",
        "income_schedule": [{"due_on": days(-10), "amount_pence": 3_750_000}]})
    world.keep("contract_id", contract_id)
    instalment = call("GET", f"/income/contracts/{contract_id}", **fo)["instalments"][0]
    world.keep("instalment_id", instalment["id"])

    def subcontract():
        sub = str(uuid.uuid4())
        call.deliver("contracts.subcontract.issued", f"subcontract/{sub}", {
            "subcontract_id": sub, "contract_id": str(contract_id), "organisation_id": str(world.own),
            "organisation_name": "Own Advice Centre", "purpose": "delivery", "value_pence": 12_000_000,
            "starts_on": "2025-04-01", "ends_on": "2029-03-31", "payment_schedule": [
                {"instalment_id": str(uuid.uuid4()), "due_on": days(-5), "amount_pence": 100_000,
                 "release": "on_date", "period_id": None}]})
        return sub

    world.keep("subcontract_id", subcontract(), owned=True)
    call("PUT", f"/payments/payees/{world.own}", {"name": "Own Advice Centre", "sort_code": "12-34-56",
                                                   "account_number": "12345678"}, **fo)

    def payment_run():
        ids = [i["id"] for i in call("GET", f"/payments/subcontracts/{subcontract()}", **fo)["instalments"]]
        return call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": days(1)}, 201, **fo)["id"]

    world.keep("run_id", payment_run())
    world.fresh["DELETE /payment-runs/{run_id}"] = lambda: {"run_id": payment_run()}

    # a budget with a line, and a variation of it
    budget = call("POST", "/budgets", {"year": clock.today().year}, 201, **fo)
    world.keep("budget_id", budget["id"])
    budget = call("POST", f"/budgets/{budget['id']}/lines", {"code": "E1", "title": "Outreach", "kind": "expenditure",
                                                            "category": None, "amount_pence": 2_000_000}, 201, **fo)
    budget_line = budget["lines"][0]["id"]
    world.fresh["PATCH /budgets/{budget_id}/lines/{line_id}"] = lambda: {"line_id": budget_line}
    call("POST", f"/budgets/{budget['id']}/adopt", **fo)
    variation = call("POST", "/variations", {"kind": "variation", "line_id": budget_line, "amount_pence": 100,
                                             "reason": "More outreach"}, 201, **fo)
    world.keep("variation_id", variation["id"])

    # a board meeting attended for the own organisation: a claim with an expense and its receipt
    meeting = uuid.uuid4()
    call.deliver("governance.attendance.recorded", f"meeting/{meeting}", {
        "meeting_id": str(meeting), "body_id": str(uuid.uuid4()), "seat_id": str(uuid.uuid4()),
        "organisation_id": str(world.own), "person_name": "Asha Patel", "deputy_name": None,
        "meeting_on": days(-3), "status": "present", "claimable": True})
    claim = call("GET", "/claims", **fo)[0]
    world.keep("claim_id", claim["id"], owned=True)
    expense = call("POST", f"/claims/{claim['id']}/expenses", status=201, **member,
                   data={"kind": "rail", "description": "Train", "amount_pence": "1250",
                         "file": (io.BytesIO(PDF), "ticket.pdf")}, content_type="multipart/form-data")
    world.keep("expense_id", expense["expenses"][-1]["id"], owned=True)
    world.bodies["POST /claims/{claim_id}/expenses"] = {"form": {"kind": "rail", "description": "Train",
                                                                 "amount_pence": "1250"}}


# --- governance ------------------------------------------------------------------------------------------------

def governance(app, world):
    call = Caller(app, world)
    call.dead_letter()
    seat_holders = [world.own, world.other, uuid.uuid4(), uuid.uuid4()]
    for org in seat_holders:
        call.deliver("membership.member.activated", f"organisation/{org}", {
            "organisation_id": str(org), "name": f"Member {org.hex[:8]}", "legal_form": "cio", "status": "active"})
    world.made.add(str(world.own))
    body = call("POST", "/bodies", {"kind": "management_board", "name": "Management Board",
                                    "rules": {"max_co_opted": 1}}, 201)
    body_id = world.keep("body_id", body["id"])
    seats = [call("POST", f"/bodies/{body_id}/seats", {
        "role": "member", "person_name": f"Member {n}", "starts_on": "2025-01-01",
        "organisation_id": str(org)}, 201) for n, org in enumerate(seat_holders)]
    world.keep("seat_id", seats[0]["id"])
    starts = clock.utcnow() + dt.timedelta(days=30)
    meeting = call("POST", f"/bodies/{body_id}/meetings", {
        "starts_at": starts.isoformat(), "notice_given_on": (starts.date() - dt.timedelta(days=21)).isoformat()}, 201)
    meeting_id = world.keep("meeting_id", meeting["id"])
    item = call("POST", f"/meetings/{meeting_id}/agenda-items", {"title": "Outreach", "kind": "business",
                                                                 "notified_on": None}, 201)["agenda"][-1]
    motion = call("POST", f"/meetings/{meeting_id}/motions", {"agenda_item_id": item["id"],
                                                              "text": "Fund the outreach"}, 201)
    world.keep("motion_id", motion["id"])
    action = call("POST", f"/meetings/{meeting_id}/actions", {"description": "Book the hall", "owner": "Sam",
                                                              "due_on": days(10)}, 201)
    world.keep("action_id", action.get("id") or action["actions"][-1]["id"])
    paper = call.upload(f"/meetings/{meeting_id}/papers", title="Outreach plan")
    world.keep("paper_id", paper["id"])
    request_id = uuid.uuid4()
    call.deliver("membership.decision.requested", f"organisation/{world.own}", {
        "request_id": str(request_id), "kind": "membership_application",
        "title": "Membership application: Own Advice Centre", "organisation_id": str(world.own)})
    world.keep("request_id", request_id)
    resolution = call("POST", f"/bodies/{body_id}/written-resolutions", {
        "text": "Adopt the plan", "deadline": (clock.utcnow() + dt.timedelta(days=7)).isoformat()}, 201)
    world.keep("resolution_id", resolution["id"])
    policy = call("POST", "/policies", {"title": "Safeguarding", "owner": "Sam", "approved_on": days(-30),
                                        "review_due_on": days(300)}, 201)
    world.keep("policy_id", policy["id"])
    world.keep("function", "strategic_planning")
    world.bodies["POST /meetings/{meeting_id}/motions/{motion_id}/votes"] = {"json": {
        "votes": [{"seat_id": seats[0]["id"], "vote": "for"}]}}
    world.bodies["POST /meetings/{meeting_id}/declarations"] = {"json": {
        "agenda_item_id": item["id"], "seat_id": seats[0]["id"], "interest": "Trustee of a bidder"}}
    world.bodies["POST /meetings/{meeting_id}/motions"] = {"json": {"agenda_item_id": item["id"], "text": "More"}}
    world.bodies["POST /decision-requests/{request_id}/decision"] = {"json": {
        "outcome": "approved", "meeting_id": meeting_id}}
