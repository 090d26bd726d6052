"""Indexes for the subsidy report at scale (issue 16): a consortium's entries of a month, its invoices by status

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:50:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    # the subsidy report's months: this consortium's entries of those days, not every consortium's
    ("ix_time_entry_consortium_day", "time_entry", ["consortium_id", "day"]),
    # recharged sums: issued, paid and credited invoices of the months
    ("ix_recharge_invoice_by_status", "recharge_invoice", ["consortium_id", "status", "month"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
