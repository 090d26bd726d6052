"""Indexes for shared-staff time at scale (issue 16): the approval queue by status in its order, an employer's month

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:10:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_timesheet_queue", "timesheet", ["consortium_id", "status", "week_starting", "submitted_at"]),
    ("ix_time_entry_employer_day", "time_entry", ["organisation_id", "day"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
