"""The events the services publish, turned into notifications: each event's id is its notifications' source key, so
an event applied twice (or by two workers) tells nobody twice."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit.clock import local_date
from hubkit.consumer import EventHandlers
from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..pages.common.dates import day
from ..pages.common.money import money
from . import domain, store

handlers = EventHandlers()


_day = day  # "4 December 2026", as every page says a date (pages/common/dates.py)
_pounds = money  # "£180,000.00", as every page says money, never through a float (F4)


def _tell(uow: UnitOfWork, event: Envelope, notice: domain.Notice, choose) -> None:
    people = store.people_of(uow.session, event.consortium_id)
    store.record(uow.session, event.consortium_id, notice, choose(people))


@handlers.on("finance.timesheet.submitted")
def timesheet_submitted(uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    notice = domain.Notice(domain.TIMESHEET_TO_APPROVE,
                           f"A timesheet for the week starting {_day(data['week_starting'])} waits for your approval",
                           "/time/approvals", f"event:{event.id}")
    _tell(uow, event, notice, lambda people: domain.timesheet_approvers(
        people, event.consortium_id, data.get("staff_user_id"), data.get("line_manager_user_id")))


@handlers.on("finance.invoice.issued")
def invoice_issued(uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    what = "Credit note" if data["kind"] == "credit_note" else "Invoice"
    notice = domain.Notice(domain.INVOICE_ISSUED,
                           f"{what} {data['number']} for {_pounds(data['total_pence'])} was issued for your "
                           f"organisation's shared staff, due on {_day(data['due_on'])}",
                           "/time/invoices", f"event:{event.id}")
    _tell(uow, event, notice, lambda people: domain.organisation_staff(
        people, event.consortium_id, uuid.UUID(str(data["organisation_id"]))))


@handlers.on("governance.request.routed")
def decision_requested(uow: UnitOfWork, event: Envelope) -> None:
    """Governance files a request for the body that decides its kind: those seated on it (the accounts its seats
    name) are told, not every board member."""
    data = event.data
    notice = domain.Notice(domain.DECISION_REQUESTED, f"A decision is asked of the {data['body_name']}: {data['title']}",
                           f"/decisions#request-{data['request_id']}", f"event:{event.id}")
    _tell(uow, event, notice, lambda people: domain.deciders_seated(people, event.consortium_id,
                                                                     data.get("seat_accounts") or []))


@handlers.on("contracts.allocation_round.opened")
def allocation_round_opened(uow: UnitOfWork, event: Envelope) -> None:
    """The members the register says can deliver the work are invited: each one's staff are told, with the
    closing date for expressions of interest when there is one."""
    data = event.data
    closes = f", by {_day(data['eois_close_on'])}" if data.get("eois_close_on") else ""
    notice = domain.Notice(domain.EOI_INVITATION,
                           f"Your organisation is invited to express interest in {data['title']}{closes}",
                           "/allocation/mine", f"event:{event.id}")
    invited = {uuid.UUID(str(member["organisation_id"])) for member in data.get("invited") or []}
    _tell(uow, event, notice, lambda people: [
        p for organisation in sorted(invited) for p in domain.organisation_staff(people, event.consortium_id,
                                                                                   organisation)])


@handlers.on("finance.variation.approved")
def variation_approved(uow: UnitOfWork, event: Envelope) -> None:
    """F1: approved by the Management Board, a change over the threshold still waits for the accountable body's
    ratification (the finance officer's); one the finance officer approved has taken effect: nobody is told."""
    data = event.data
    if data["approved_by"] != "management_board" or data["takes_effect"]:
        return
    what = "virement" if data["kind"] == "virement" else "variation"
    notice = domain.Notice(domain.VARIATION_TO_RATIFY,
                           f"A budget {what} of {_pounds(data['amount_pence'])} approved by the Management Board "
                           "waits for your ratification", f"/money/variations/{data['variation_id']}",
                           f"event:{event.id}")
    _tell(uow, event, notice, lambda people: domain.finance_officers(people, event.consortium_id))


@handlers.on("governance.paper.published")
def paper_published(uow: UnitOfWork, event: Envelope) -> None:
    """Those who sit on the meeting's body (the accounts its seats name) are told of each paper."""
    data = event.data
    starts = dt.datetime.fromisoformat(str(data["meeting_starts_at"]))
    notice = domain.Notice(domain.PAPERS_PUBLISHED,
                           f"{data['title']} is published for {data['meeting_title']} on {_day(local_date(starts))}",
                           f"/governance/meetings/{data['meeting_id']}", f"event:{event.id}")
    _tell(uow, event, notice, lambda people: domain.seat_holders(people, event.consortium_id,
                                                                  data.get("seat_accounts") or []))


def _evidence(event: Envelope, wording: str) -> domain.Notice:
    data = event.data
    kind = str(data["kind"]).replace("_", " ")
    return domain.Notice(domain.EVIDENCE_EXPIRING, f"Due-diligence evidence ({kind}) {wording} {_day(data['expires_on'])}",
                         f"/members/{data['organisation_id']}", f"event:{event.id}")


@handlers.on("membership.document.expiring")
def document_expiring(uow: UnitOfWork, event: Envelope) -> None:
    """Membership's daily review warns once per expiry date and threshold: 30, 7 and 0 days ahead (M1)."""
    within = event.data.get("within_days", 30)
    wording = {0: "expires today,", 7: "expires within a week, on"}.get(within, "expires on")
    _tell(uow, event, _evidence(event, wording), lambda people: domain.evidence_keepers(
        people, event.consortium_id, uuid.UUID(str(event.data["organisation_id"]))))


@handlers.on("membership.document.expired")
def document_expired(uow: UnitOfWork, event: Envelope) -> None:
    _tell(uow, event, _evidence(event, "expired on"), lambda people: domain.evidence_keepers(
        people, event.consortium_id, uuid.UUID(str(event.data["organisation_id"]))))


def _return_owed(uow: UnitOfWork, event: Envelope, key: str, wording: str) -> None:
    """P1: contracts' daily review, once per return (subcontract and period) and reminder: the subcontractor's member
    staff are sent to their return form, the consortium managers to the subcontract; nobody else."""
    data = event.data
    title = (f"The {data['period_label']} return for {data['contract_title']} ({data['organisation_name']}) "
             f"{wording} {_day(data['return_due_on'])}")
    source = f"{key}:{data['subcontract_id']}:{data['period_id']}"  # once per return period, kind and person
    organisation = uuid.UUID(str(data["organisation_id"]))
    _tell(uow, event, domain.Notice(domain.RETURN_DUE, title,
                                    f"/contracts/mine/{data['subcontract_id']}/returns/{data['period_id']}", source),
          lambda people: domain.organisation_staff(people, event.consortium_id, organisation))
    _tell(uow, event, domain.Notice(domain.RETURN_DUE, title, f"/contracts/subcontracts/{data['subcontract_id']}",
                                    source),
          lambda people: domain.consortium_managers(people, event.consortium_id))


@handlers.on("contracts.return.due")
def return_due(uow: UnitOfWork, event: Envelope) -> None:
    _return_owed(uow, event, "return-due", "is due on")


@handlers.on("contracts.return.overdue")
def return_overdue(uow: UnitOfWork, event: Envelope) -> None:
    _return_owed(uow, event, "return-overdue", "is overdue: it was due on")


@handlers.on("finance.timesheet.not_submitted")
def week_not_submitted(uow: UnitOfWork, event: Envelope) -> None:
    """H4: finance's weekly review: the person alone is told, once a week, linking to that week's timesheet."""
    data = event.data
    week = dt.date.fromisoformat(str(data["week_starting"]))
    notice = domain.Notice(domain.WEEK_NOT_SUBMITTED,
                           f"Your timesheet for the week starting {_day(week)} was due on Monday "
                           f"{_day(data['due_on'])} and is not submitted", f"/time?week={week.isoformat()}",
                           f"week-not-submitted:{data['staff_id']}:{week.isoformat()}")
    _tell(uow, event, notice, lambda people: domain.the_person(people, event.consortium_id, data.get("staff_user_id")))
