"""The pipeline list's orders (issue 14 item 7): an index for each (by submission deadline, none last; by title;
by estimated value, none last), on the never-NULL sort keys the list pages by (adapters/orm.py)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 13:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_opportunity_by_deadline", "opportunity",
     ["consortium_id", sa.text("coalesce(submission_deadline, '9999-12-31')"), "created_at", "id"]),
    ("ix_opportunity_by_title", "opportunity", ["consortium_id", "title", "id"]),
    ("ix_opportunity_by_value", "opportunity",
     ["consortium_id", sa.text("coalesce(estimated_value_pence, -1)"), "created_at", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
