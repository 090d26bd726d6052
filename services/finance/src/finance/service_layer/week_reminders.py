"""H4: the weekly review reminding each person who logs time of last week's timesheet not submitted by the Monday
after (finance.timesheet.not_submitted; the gateway's notifications tell that person), once a week and person."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select

from hubkit import clock
from hubkit.db import utcnow
from hubkit.unit_of_work import UnitOfWork, in_every_consortium

from ..adapters.time_tables import StaffMember, Timesheet, WeekReminder
from ..domain import week_reminders as rules


def not_submitted(week: dt.date):
    """Those who log time in the hub (a staff record linked to a hub user, made before the week ended) with no
    timesheet for the week, or one still draft or rejected, and not yet reminded of it."""
    return (select(StaffMember.id, StaffMember.user_id, StaffMember.organisation_id, Timesheet.status)
            .outerjoin(Timesheet, and_(Timesheet.staff_id == StaffMember.id, Timesheet.week_starting == week))
            .outerjoin(WeekReminder, and_(WeekReminder.staff_id == StaffMember.id, WeekReminder.week_starting == week))
            .where(StaffMember.user_id.is_not(None), StaffMember.created_at < clock.start_of_day(rules.due_on(week)),
                   or_(Timesheet.id.is_(None), Timesheet.status.in_(rules.NOT_SUBMITTED)), WeekReminder.id.is_(None))
            .order_by(StaffMember.id))


def review_weeks(uow: UnitOfWork, today: dt.date) -> int:
    """One consortium's review: each person not reminded yet of last week (once its due Monday is over) is; how
    many were. Safe to repeat."""
    week = rules.week_to_remind(today)
    if week is None:
        return 0
    count = 0
    for staff_id, user_id, organisation_id, status in uow.session.execute(not_submitted(week)).all():
        uow.session.add(WeekReminder(staff_id=staff_id, week_starting=week, announced_at=utcnow()))
        uow.publish("finance.timesheet.not_submitted", subject=f"staff/{staff_id}", data={
            "staff_id": staff_id, "staff_user_id": user_id, "organisation_id": organisation_id,
            "week_starting": week, "due_on": rules.due_on(week), "status": status})
        count += 1
    uow.commit()
    return count


def review_weeks_everywhere(db, settings) -> int:
    """The worker's periodic task: the review for each consortium with staff, on the hub's today."""
    return in_every_consortium(db, StaffMember, lambda uow: review_weeks(uow, clock.today()),
                               actor="system:timesheet-review", service=settings.service,
                               first_claim_wins=True)  # each reminder's unique row
