"""More of finance's lists paged in SQL (issue 16): indexes for the lists' orders that had none (payees', cost
codes', a person's rates', write-offs' and income contracts' were 0007's)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 14:30:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_payment_run_newest", "payment_run", ["consortium_id", "number", "id"]),
    ("ix_budget_by_year", "budget", ["consortium_id", "year", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
