"""Payment schedules in the orders the payments page offers (issue 14 item 7): newest start first, largest value
first (by payee A to Z is ix_subcontract_copy_by_organisation, 0007)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 13:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_subcontract_copy_by_start", "subcontract_copy", ["consortium_id", "starts_on", "id"]),
    ("ix_subcontract_copy_by_value", "subcontract_copy", ["consortium_id", "value_pence", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
