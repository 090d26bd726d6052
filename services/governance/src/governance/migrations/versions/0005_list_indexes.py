"""Indexes for the lists' filters and orders (paged by hubkit.paging)

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-10 09:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_decision_request_newest", "decision_request", ["consortium_id", "requested_at", "id"]),
    ("ix_meeting_by_start", "meeting", ["body_id", "starts_at", "id"]),
    ("ix_registered_interest_by_person", "registered_interest",
     ["consortium_id", "person_name", "registered_on", "id"]),
    ("ix_decision_log", "decision", ["consortium_id", "decided_at", "id"]),
    ("ix_decision_log_by_body", "decision", ["body_id", "decided_at", "id"]),
    ("ix_meeting_paper_in_order", "meeting_paper", ["meeting_id", "uploaded_at", "id"]),
    ("ix_written_resolution_by_deadline", "written_resolution", ["body_id", "deadline", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
