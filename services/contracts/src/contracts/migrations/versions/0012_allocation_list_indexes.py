"""Indexes for the allocation lists paged in SQL (issue 16 item 3): every allocation round newest first (a status's
rounds have ix_allocation_round_newest, 0008's), on the never-NULL sort keys the lists page by
(adapters/allocation_tables.py)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 14:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_allocation_round_newest_of_all", "allocation_round", ["consortium_id", "created_at", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
