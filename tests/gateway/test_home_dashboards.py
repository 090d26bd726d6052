"""Each role's home page built from the services' summaries (issue 14 item 1), over a fake upstream: counts and
the first few items, each linking to the page that acts on it, names and dates in words and no internal values;
the gateway asks each service's GET /summary and counts no list itself; a service that is down leaves its panel
saying so and the rest of the page shows. Dates are relative to the hub's today."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import uuid

from hubkit import clock
from gateway.pages.common import dates

TODAY = clock.today()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def section(*items, **extra) -> dict:
    return {"count": extra.pop("count", len(items)), "items": list(items)} | extra


def entry(title, due_on=None, about=None, parent_id=None, amount_pence=None, id_=None) -> dict:
    return {"id": id_ or str(uuid.uuid4()), "title": title, "due_on": due_on, "about": about,
            "parent_id": parent_id, "amount_pence": amount_pence}


def visible_text(page: str) -> str:
    """What a person reads: the text outside tags, with entities undone."""
    body = page.split("<main", 1)[-1]
    text = html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ([,.:;])", r"\1", text)


def no_internal_values(page: str) -> None:
    text = visible_text(page)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text), text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), text  # dates in words, never ISO
    assert "None" not in text and "_" not in re.sub(r"\S+@\S+", "", text), text


def summary_calls(fake_services) -> list[tuple[str, str]]:
    return [(c["service"], c["path"]) for c in fake_services.calls if c["method"] == "GET"]


def test_the_managers_home_counts_what_needs_them_each_linking_to_its_page(logged_in, fake_services):
    ret, opp, round_, request_ = (entry("Northfield Advice: Q2", day(-3), "Wellbeing hubs"),
                                  entry("Carers' breaks", day(9), "the submission deadline"),
                                  entry("East Leeds drop-ins", day(4), "Close expressions of interest"),
                                  entry("Admit Riverside Food Bank", day(-10)))
    org = str(uuid.uuid4())
    evidence = entry("Public liability insurance", day(6), "Riverside Food Bank", parent_id=org)
    fake_services.summaries |= {
        "contracts": (200, {"today": TODAY.isoformat(), "returns_to_review": section(ret, count=3),
                            "pipeline_deadlines": section(opp), "rounds_waiting": section(round_)}),
        "governance": (200, {"today": TODAY.isoformat(), "decisions_awaiting": section(request_)}),
        "membership": (200, {"today": TODAY.isoformat(), "evidence_expiring": section(
            evidence, count=2, within_30=1, within_7=1, today=0, expired=1)})}
    client = logged_in("manager")
    fake_services.calls.clear()
    page = client.get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "3 returns to review" in text and "1 pipeline deadline in the next 14 days" in text
    assert "1 allocation round waiting on a step" in text and "1 decision awaiting a body" in text
    assert "2 pieces of members' evidence expiring or expired" in text
    assert "1 within 30 days, 1 within 7 days, 0 today; 1 expired" in text
    assert f"was due {dates.day(day(-3))}" in text and f"The submission deadline {dates.day(day(9))}" in text
    assert f"East Leeds drop-ins: Close expressions of interest, by {dates.day(day(4))}" in text
    assert f"Public liability insurance, Riverside Food Bank, expires {dates.day(day(6))}" in text
    for href in ("/contracts/returns", f"/contracts/returns/{ret['id']}", "/pipeline",
                 f"/pipeline/opportunities/{opp['id']}", f"/allocation/rounds/{round_['id']}",
                 f"/decisions#request-{request_['id']}", "/members/expiring", f"/members/{org}/due-diligence"):
        assert f'href="{href}"' in page, href
    no_internal_values(page)
    # the gateway asked each summary once and counted no list itself
    assert sorted(summary_calls(fake_services)) == [("contracts", "/summary"), ("finance", "/summary"),
                                                   ("governance", "/summary"), ("membership", "/summary")]
    assert 'id="panel-manager-time"' not in page  # no reports' weeks waiting: no panel for them


def test_issue_14_item_1_a_manager_who_line_manages_sees_the_timesheets_awaiting_their_approval(
        logged_in, fake_services):
    """Finance's summary gives a consortium manager their reports' submitted weeks (the approval queue's own
    filter); the home shows them as the finance officer's home does, linking to the queue and to each week."""
    sheet = entry("Ann Lee", day(-7))
    fake_services.summaries |= {"finance": (200, {"today": TODAY.isoformat(),
                                                  "timesheets_to_approve": section(sheet, count=2)})}
    client = logged_in("manager")
    fake_services.calls.clear()
    page = client.get("/").get_data(as_text=True)
    panel = page.split('id="panel-manager-time"', 1)[1].split('id="panel-', 1)[0]
    text = visible_text(panel)
    assert "Your team's time" in visible_text(page) and "2 timesheets awaiting your approval" in text
    assert f"Ann Lee, week starting {dates.day(day(-7))}" in text
    assert 'href="/time/approvals"' in panel and f'href="/time/sheets/{sheet["id"]}"' in panel
    assert summary_calls(fake_services).count(("finance", "/summary")) == 1  # one summary; no list counted here
    no_internal_values(page)

    fake_services.summaries["finance"] = (503, {"title": "Service Unavailable"})
    down = client.get("/").get_data(as_text=True)
    assert "The finance service had a problem" in visible_text(
        down.split('id="panel-manager-time"', 1)[1].split('id="panel-', 1)[0])


def test_issue_14_item_1_a_manager_who_is_also_the_finance_officer_sees_the_weeks_to_approve_once(app):
    from gateway.pages.home import summaries

    finance = {"finance": {"today": TODAY.isoformat(), "timesheets_to_approve": section(entry("Ann Lee", day(-7)))}}
    with app.test_request_context("/"):
        keys = [panel.key for panel in summaries.panels_for("consortium_manager", finance, {"consortium_manager"})]
        assert "manager-time" in keys
        both = {"consortium_manager", "finance_officer"}
        assert "manager-time" not in [panel.key for panel in summaries.panels_for("consortium_manager", finance, both)]
        [panel] = summaries.panels_for("finance_officer", finance, both)
        assert panel.lines[0].label == "timesheet awaiting your approval" and panel.lines[0].count == 1


def test_a_service_that_is_down_leaves_its_panel_saying_so_and_the_rest_of_the_home_shows(logged_in, fake_services):
    fake_services.summaries |= {
        "governance": (503, {"title": "Service Unavailable"}),
        "contracts": (200, {"today": TODAY.isoformat(), "returns_to_review": section(entry("West: Q1", day(-1)))})}
    response = logged_in("manager").get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    decisions = page.split('id="panel-manager-decisions"', 1)[1].split('id="panel-', 1)[0]
    assert "The governance service had a problem" in visible_text(decisions)
    assert "decision awaiting" not in decisions
    assert "1 return to review" in visible_text(page) and "West: Q1" in page


def test_a_summary_refused_says_why_in_the_services_words(logged_in, fake_services):
    fake_services.summaries["contracts"] = (403, {"title": "Forbidden", "status": 403, "detail":
                                                  "Your login is not linked to a member organisation yet."})
    page = logged_in("member").get("/").get_data(as_text=True)
    contracts = page.split('id="panel-member-contracts"', 1)[1].split('id="panel-', 1)[0]
    assert "Your login is not linked to a member organisation yet." in visible_text(contracts)
    assert 'id="panel-member-time"' in page and "You are not set up to log time." in visible_text(page)


def test_the_members_home_shows_returns_due_and_overdue_invitations_my_week_and_documents(
        logged_in, fake_services, member_organisation_id):
    sub = str(uuid.uuid4())
    overdue, due = entry("Wellbeing hubs: Q1", day(-5), parent_id=sub), entry("Wellbeing hubs: Q2", day(10),
                                                                                 parent_id=sub)
    queried, invitation = entry("Wellbeing hubs: Q4", day(-40), parent_id=sub), entry("East Leeds drop-ins", day(6))
    monday = clock.today() - dt.timedelta(days=clock.today().weekday())
    week = entry("Sam Carter", monday.isoformat(), id_=monday.isoformat(), parent_id=str(uuid.uuid4()))
    doc = entry("Employers' liability insurance", day(0), "Riverside Food Bank",
                parent_id=str(member_organisation_id))
    fake_services.summaries |= {
        "contracts": (200, {"today": TODAY.isoformat(), "returns_due": section(overdue, due, overdue=1, due=1),
                            "returns_queried": section(queried), "invitations": section(invitation)}),
        "finance": (200, {"today": TODAY.isoformat(), "my_week": section(week)}),
        "membership": (200, {"today": TODAY.isoformat(), "evidence_expiring": section(
            doc, within_30=1, within_7=1, today=1, expired=0)})}
    page = logged_in("member").get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "2 returns due or overdue" in text and "1 overdue, 1 due in the next 14 days" in text
    assert f"Wellbeing hubs: Q1, was due {dates.day(day(-5))}" in text
    assert f"Wellbeing hubs: Q2, due {dates.day(day(10))}" in text
    assert "1 return queried, to send again" in text
    assert f"East Leeds drop-ins, closes {dates.day(day(6))}" in text
    assert "1 week of your time not yet submitted" in text and f"Week starting {dates.day(monday)}" in text
    assert f"Employers' liability insurance, expires {dates.day(day(0))}" in text
    for href in (f"/contracts/mine/{sub}/returns/{overdue['id']}", f"/contracts/returns/{queried['id']}",
                 "/allocation/mine", f"/time?week={monday.isoformat()}",
                 f"/members/{member_organisation_id}/due-diligence"):
        assert f'href="{href}"' in page, href
    no_internal_values(page)


def test_the_finance_officers_home_shows_approvals_last_months_invoices_variations_and_payments(
        logged_in, fake_services):
    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    sheet, variation = entry("Priya Shah", day(-7)), entry("Outreach", None, "Waiting for your approval",
                                                           amount_pence=250_000)
    payment = entry("Northfield Advice Centre", day(3), "Due", amount_pence=1_800_000)
    fake_services.summaries |= {"finance": (200, {
        "today": TODAY.isoformat(), "timesheets_to_approve": section(sheet, count=4),
        "invoices_to_raise": section(entry("Leeds CVS"), month=last_month.isoformat(), drafts=1),
        "variations_waiting": section(variation), "payments_due": section(payment, amount_pence=1_800_000)})}
    page = logged_in("finance").get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "4 timesheets awaiting your approval" in text and f"Priya Shah, week starting {dates.day(day(-7))}" in text
    assert f"1 recharge invoice to raise for {dates.month(last_month)}" in text and "1 draft waiting" in text
    assert "1 budget variation waiting for you" in text and "Outreach: £2,500.00, Waiting for your approval" in text
    assert "1 payment due" in text and f"Northfield Advice Centre: £18,000.00, due {dates.day(day(3))}" in text
    for href in ("/time/approvals", f"/time/sheets/{sheet['id']}", "/time/invoices", "/money/variations",
                 f"/money/variations/{variation['id']}", "/money/payments"):
        assert f'href="{href}"' in page, href
    no_internal_values(page)


def test_the_board_members_home_shows_my_next_meeting_with_papers_declarations_owed_and_votes(
        logged_in, fake_services):
    meeting = entry("Partners Group", day(12), "Partners Group")
    paper = entry("Agenda pack", day(-1), parent_id=meeting["id"])
    owed = entry("Admit Riverside Food Bank", day(12), "Partners Group", parent_id=meeting["id"])
    motion, resolution = entry("Approve the annual report", day(0), parent_id=str(uuid.uuid4())), \
        entry("Adopt the communications plan", day(5), "Management Board")
    fake_services.summaries |= {"governance": (200, {
        "today": TODAY.isoformat(), "decisions_awaiting": section(), "meetings": section(meeting),
        "next_meeting_papers": section(paper), "declarations_owed": section(owed),
        "votes_open": section(motion, resolution)})}
    page = logged_in("board").get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "1 meeting to come" in text and f"Partners Group, {dates.day(day(12))}" in text
    assert "1 paper for your next meeting" in text and "Agenda pack" in text
    assert "1 declaration of interest you owe" in text and "2 votes open to you" in text
    assert f"Adopt the communications plan, by {dates.day(day(5))}" in text
    for href in (f"/governance/meetings/{meeting['id']}", f"/governance/meetings/{meeting['id']}#papers",
                 f"/governance/meetings/{motion['parent_id']}",
                 f"/governance/written-resolutions/{resolution['id']}", "/governance/my-meetings"):
        assert f'href="{href}"' in page, href
    no_internal_values(page)


def test_issue_14_item_2_member_staff_who_hold_a_seat_see_their_meetings_and_votes_on_their_home(
        logged_in, fake_services):
    """Member staff sit on the Partners Group for their organisation: their home shows that seat's next meeting,
    papers, declarations owed and votes open (governance's summary for their username), linking to the pages
    where they act; member staff without a seat get no such panel."""
    meeting = entry("Partners Group", day(9), "Partners Group")
    motion = entry("Admit Riverside Food Bank", day(0), parent_id=meeting["id"])
    fake_services.summaries |= {"governance": (200, {
        "today": TODAY.isoformat(), "meetings": section(meeting), "next_meeting_papers": section(),
        "declarations_owed": section(), "votes_open": section(motion)})}
    member = logged_in("member")
    page = member.get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "Your meetings and votes" in text and "1 meeting to come" in text and "1 vote open to you" in text
    assert f'href="/governance/meetings/{meeting["id"]}"' in page and 'href="/governance/my-meetings"' in page
    no_internal_values(page)

    fake_services.summaries["governance"] = (200, {"today": TODAY.isoformat()})  # no seat: nothing to show
    page = member.get("/").get_data(as_text=True)
    assert "Your meetings and votes" not in page and "You hold no seat" not in page
