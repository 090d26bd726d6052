"""Each role's home page from the services' summaries (issue 14 item 1): the gateway asks each service's
`GET /summary` once, as the signed-in person, and lays out what they answer; it never counts lists itself. Each
service's answer fills its own panels, so a service that cannot answer leaves its panels saying so and the rest of
the page stands. Every count and every item links to the page that acts on it; names and dates are in words."""
from __future__ import annotations

import dataclasses

from flask import url_for

from ...proxy.client import ServiceDown, call_service
from ..common import dates
from ..common.money import money

SERVICES = ("membership", "contracts", "finance", "governance")
NEEDED = {  # the services each role's panels are built from
    "consortium_manager": ("contracts", "finance", "governance", "membership"),  # finance: their reports' weeks
    "member_user": ("contracts", "finance", "membership", "governance"),  # governance: a seat they may hold
    "finance_officer": ("finance",),
    "board_member": ("governance",),
}


@dataclasses.dataclass
class Entry:
    text: str
    href: str
    when: str = ""  # a day in words, e.g. "due 4 December 2026"


@dataclasses.dataclass
class Line:
    count: int | None  # None: a sentence with no count (e.g. "You hold no seat on a body yet.")
    label: str  # the count's words, e.g. "returns to review"
    href: str
    entries: list[Entry] = dataclasses.field(default_factory=list)
    note: str = ""


@dataclasses.dataclass
class Panel:
    key: str
    title: str
    service: str
    lines: list[Line] = dataclasses.field(default_factory=list)
    down: str = ""  # why the service's figures cannot be shown just now


def gather(services) -> dict[str, dict | str]:
    """Each service's summary for the signed-in person, or the sentence saying why it cannot be shown."""
    found: dict[str, dict | str] = {}
    for service in dict.fromkeys(services):
        try:
            answer = call_service(service, "GET", "/summary")
        except ServiceDown as exc:
            found[service] = exc.message
            continue
        if answer.ok and isinstance(answer.body, dict):
            found[service] = answer.body
        else:  # a refusal says why in words (e.g. a login not linked to an organisation yet)
            detail = answer.body.get("detail") if isinstance(answer.body, dict) else None
            found[service] = detail or f"The {service} service cannot show its figures just now."
    return found


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _day(value) -> str:
    return dates.day(value) if value else ""


def _section(summary: dict, name: str) -> dict:
    return summary.get(name) or {"count": 0, "items": []}


def _panel(key: str, title: str, service: str, summaries: dict, build) -> Panel:
    summary = summaries.get(service)
    if not isinstance(summary, dict):
        return Panel(key, title, service, down=summary or f"The {service} service cannot show its figures just now.")
    return Panel(key, title, service, lines=[line for line in build(summary) if line is not None])


# --- the consortium manager -------------------------------------------------------------------------------------

def _returns_to_review(summary: dict) -> Line:
    section = _section(summary, "returns_to_review")
    return Line(section["count"], plural(section["count"], "return to review", "returns to review"),
                url_for("delivery_ui.returns"),
                [Entry(i["title"], url_for("delivery_ui.performance_return", return_id=i["id"]),
                       f"was due {_day(i['due_on'])}" if i.get("due_on") else "")
                 for i in section["items"]])


def _pipeline_deadlines(summary: dict) -> Line:
    section = _section(summary, "pipeline_deadlines")
    return Line(section["count"], plural(section["count"], "pipeline deadline in the next 14 days",
                                         "pipeline deadlines in the next 14 days"),
                url_for("pipeline_ui.index"),
                [Entry(i["title"], url_for("pipeline_ui.opportunity", opportunity_id=i["id"]),
                       f"{(i.get('about') or 'deadline').capitalize()} {_day(i['due_on'])}")
                 for i in section["items"]])


def _rounds_waiting(summary: dict) -> Line:
    section = _section(summary, "rounds_waiting")
    return Line(section["count"], plural(section["count"], "allocation round waiting on a step",
                                         "allocation rounds waiting on a step"),
                url_for("allocation_ui.index"),
                [Entry(f"{i['title']}: {i.get('about') or 'next step'}",
                       url_for("allocation_ui.round_page", round_id=i["id"]),
                       f"by {_day(i['due_on'])}" if i.get("due_on") else "") for i in section["items"]])


def _decisions_awaiting(summary: dict) -> Line:
    section = _section(summary, "decisions_awaiting")
    return Line(section["count"], plural(section["count"], "decision awaiting a body", "decisions awaiting a body"),
                url_for("ui.decisions"),
                [Entry(i["title"], url_for("ui.decisions") + f"#request-{i['id']}",
                       f"asked {_day(i['due_on'])}" if i.get("due_on") else "") for i in section["items"]])


def _evidence_expiring(summary: dict, own: bool) -> Line:
    section = _section(summary, "evidence_expiring")
    note = (f"{section.get('within_30', 0)} within 30 days, {section.get('within_7', 0)} within 7 days, "
            f"{section.get('today', 0)} today; {section.get('expired', 0)} expired")
    label = (plural(section["count"], "document expiring or expired", "documents expiring or expired") if own
             else plural(section["count"], "piece of members' evidence expiring or expired",
                         "pieces of members' evidence expiring or expired"))
    first = section["items"][0]["parent_id"] if own and section["items"] else None
    href = url_for("ui.due_diligence", organisation_id=first) if first else \
        url_for("ui.my_organisation") if own else url_for("ui.members_expiring")  # the list is the staff's
    return Line(section["count"], label, href,
                [Entry(f"{i['title']}" + ("" if own else f", {i.get('about')}"),
                       url_for("ui.due_diligence", organisation_id=i["parent_id"]),
                       f"{'expired' if i['due_on'] < summary['today'] else 'expires'} {_day(i['due_on'])}")
                 for i in section["items"]], note)


# --- member staff ---------------------------------------------------------------------------------------------

def _returns_due(summary: dict) -> list[Line]:
    due, queried = _section(summary, "returns_due"), _section(summary, "returns_queried")
    overdue = due.get("overdue", 0)
    return [
        Line(due["count"], plural(due["count"], "return due or overdue", "returns due or overdue"),
             url_for("delivery_ui.mine"),
             [Entry(i["title"], url_for("delivery_ui.return_form", subcontract_id=i["parent_id"], period_id=i["id"]),
                    f"{'was due' if i['due_on'] < summary['today'] else 'due'} {_day(i['due_on'])}")
              for i in due["items"]],
             f"{overdue} overdue, {due.get('due', 0)} due in the next 14 days"),
        Line(queried["count"], plural(queried["count"], "return queried, to send again",
                                      "returns queried, to send again"),
             url_for("delivery_ui.mine"),
             [Entry(i["title"], url_for("delivery_ui.performance_return", return_id=i["id"])) for i in queried["items"]]),
    ]


def _invitations(summary: dict) -> Line:
    section = _section(summary, "invitations")
    return Line(section["count"], plural(section["count"], "invitation to express interest",
                                         "invitations to express interest"),
                url_for("allocation_ui.my_invitations"),
                [Entry(i["title"], url_for("allocation_ui.my_invitations"),
                       f"closes {_day(i['due_on'])}" if i.get("due_on") else "") for i in section["items"]])


def _my_week(summary: dict) -> Line | None:
    if "my_week" not in summary:
        return None
    section = summary["my_week"]
    return Line(section["count"], plural(section["count"], "week of your time not yet submitted",
                                         "weeks of your time not yet submitted"),
                url_for("time_ui.index"),
                [Entry(f"Week starting {_day(i['due_on'])}", url_for("time_ui.index", week=i["due_on"]))
                 for i in section["items"]])


# --- the finance officer --------------------------------------------------------------------------------------

def _timesheets_to_approve(summary: dict) -> Line:
    """Submitted weeks the person may approve: everyone's for the finance officer, their reports' for a line
    manager (finance's summary says which, by the caller's roles and staff records)."""
    sheets = _section(summary, "timesheets_to_approve")
    return Line(sheets["count"], plural(sheets["count"], "timesheet awaiting your approval",
                                        "timesheets awaiting your approval"),
                url_for("time_ui.approvals"),
                [Entry(f"{i['title']}, week starting {_day(i['due_on'])}", url_for("time_ui.sheet", sheet_id=i["id"]))
                 for i in sheets["items"]])


def _finance_lines(summary: dict) -> list[Line | None]:
    invoices = summary.get("invoices_to_raise")
    variations, payments = _section(summary, "variations_waiting"), summary.get("payments_due")
    lines: list[Line | None] = [_timesheets_to_approve(summary)]
    if invoices is not None:
        lines.append(Line(invoices["count"], plural(invoices["count"], "recharge invoice to raise for ",
                                                    "recharge invoices to raise for ") + dates.month(invoices["month"]),
                          url_for("time_ui.invoices"),
                          [Entry(i["title"], url_for("time_ui.invoices")) for i in invoices["items"]],
                          f"{invoices.get('drafts', 0)} {plural(invoices.get('drafts', 0), 'draft', 'drafts')} "
                          "waiting to be issued"))
    if "variations_waiting" in summary:
        lines.append(Line(variations["count"], plural(variations["count"], "budget variation waiting for you",
                                                      "budget variations waiting for you"),
                          url_for("money_ui.variations"),
                          [Entry(f"{i['title']}: {money(i.get('amount_pence'))}",
                                 url_for("money_ui.variation", variation_id=i["id"]), i.get("about") or "")
                           for i in variations["items"]]))
    if payments is not None:
        lines.append(Line(payments["count"], plural(payments["count"], "payment due", "payments due"),
                          url_for("money_ui.payments"),
                          [Entry(f"{i['title']}: {money(i.get('amount_pence'))}", url_for("money_ui.payments"),
                                 f"due {_day(i['due_on'])}") for i in payments["items"]],
                          f"{money(payments.get('amount_pence', 0))} in all, released or due in the next 14 days"))
    return lines


# --- board members --------------------------------------------------------------------------------------------

def _meeting_lines(summary: dict) -> list[Line | None]:
    if "meetings" not in summary:
        return [Line(None, "You hold no seat on a body yet: your meetings will show here once you do.",
                     url_for("governance_ui.my_meetings"))]
    meetings, papers = _section(summary, "meetings"), _section(summary, "next_meeting_papers")
    owed, votes = _section(summary, "declarations_owed"), _section(summary, "votes_open")
    lines = [Line(meetings["count"], plural(meetings["count"], "meeting to come", "meetings to come"),
                  url_for("governance_ui.my_meetings"),
                  [Entry(f"{i['title']}, {i.get('about') or ''}".rstrip(", "),
                         url_for("governance_ui.meeting", meeting_id=i["id"]), _day(i["due_on"]))
                   for i in meetings["items"][:1]])]
    if meetings["items"]:
        first = meetings["items"][0]["id"]
        lines.append(Line(papers["count"], plural(papers["count"], "paper for your next meeting",
                                                  "papers for your next meeting"),
                          url_for("governance_ui.meeting", meeting_id=first),
                          [Entry(i["title"], url_for("governance_ui.meeting", meeting_id=first) + "#papers")
                           for i in papers["items"]]))
    lines.append(Line(owed["count"], plural(owed["count"], "declaration of interest you owe",
                                            "declarations of interest you owe"),
                      url_for("governance_ui.my_meetings"),
                      [Entry(i["title"], url_for("governance_ui.meeting", meeting_id=i["parent_id"]),
                             f"at the meeting on {_day(i['due_on'])}") for i in owed["items"]]))
    lines.append(Line(votes["count"], plural(votes["count"], "vote open to you", "votes open to you"),
                      url_for("governance_ui.my_meetings"),
                      [Entry(i["title"], url_for("governance_ui.meeting", meeting_id=i["parent_id"]) if i.get(
                          "parent_id") else url_for("governance_ui.resolution", resolution_id=i["id"]),
                          f"by {_day(i['due_on'])}" if not i.get("parent_id") else "") for i in votes["items"]]))
    return lines


def _team_time(summaries: dict) -> list[Panel]:
    """A line manager's reports' weeks waiting for their approval: shown while there are some (a consortium
    manager who line-manages nobody has none), or finance's reason when it cannot say."""
    summary = summaries.get("finance")
    if isinstance(summary, dict) and not _section(summary, "timesheets_to_approve")["count"]:
        return []
    return [_panel("manager-time", "Your team's time", "finance", summaries, lambda s: [_timesheets_to_approve(s)])]


def _seat_holders_meetings(summaries: dict) -> list[Panel]:
    """Member staff who sit on a body for their organisation (the Partners Group): their meetings, papers,
    declarations owed and votes open, as a board member's; nothing for the many who hold no seat."""
    summary = summaries.get("governance")
    if not isinstance(summary, dict) or "meetings" not in summary:
        return []
    return [_panel("member-meetings", "Your meetings and votes", "governance", summaries, _meeting_lines)]


def panels_for(role: str, summaries: dict, roles=frozenset()) -> list[Panel]:
    """The panels of one role's part of the home page, each from one service's summary (`roles`: all the
    person's, so what two of their roles share is shown once)."""
    if role == "consortium_manager":
        return [_panel("manager-contracts", "Contracts, bids and allocation", "contracts", summaries,
                       lambda s: [_returns_to_review(s), _pipeline_deadlines(s), _rounds_waiting(s)]),
                *([] if "finance_officer" in roles else _team_time(summaries)),  # theirs: on the finance panel
                _panel("manager-decisions", "Decisions", "governance", summaries,
                       lambda s: [_decisions_awaiting(s)]),
                _panel("manager-members", "Members' evidence", "membership", summaries,
                       lambda s: [_evidence_expiring(s, own=False)])]
    if role == "member_user":
        return [_panel("member-contracts", "Your returns and invitations", "contracts", summaries,
                       lambda s: [*_returns_due(s), _invitations(s)]),
                _panel("member-time", "Your time", "finance", summaries,
                       lambda s: [_my_week(s) or Line(None, "You are not set up to log time.",
                                                      url_for("time_ui.index"))]),
                _panel("member-documents", "Your organisation's documents", "membership", summaries,
                       lambda s: [_evidence_expiring(s, own=True)]),
                *_seat_holders_meetings(summaries)]
    if role == "finance_officer":
        return [_panel("finance-money", "Time and money", "finance", summaries,
                       lambda s: [*_finance_lines(s), _my_week(s)])]
    if role == "board_member":
        return [_panel("board-meetings", "Your meetings and votes", "governance", summaries,
                       lambda s: [*_meeting_lines(s), _decisions_awaiting(s)])]
    return []
