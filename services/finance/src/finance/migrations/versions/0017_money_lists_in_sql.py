"""Money lists paged in SQL (issue 16): payment instalments, variations and claims of every state in their lists'
orders (a state's own were 0007's, as is the ledger's by day)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_payment_instalment_by_due", "payment_instalment", ["consortium_id", "due_on", "id"]),
    ("ix_budget_variation_by_request", "budget_variation", ["consortium_id", "requested_at", "id"]),
    ("ix_attendance_claim_by_meeting", "attendance_claim", ["consortium_id", "meeting_on", "person_name", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
