"""H4 employers to recharge (the month-end run and the finance summary): a partial index on the tally's open
approved time, read index-only (ix_chargeable_time_tally_open)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 11:05:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OPEN_TALLY = "approved AND invoice_id IS NULL AND written_off_id IS NULL"  # as adapters.time_tables.OPEN_TALLY


def upgrade() -> None:
    op.create_index('ix_chargeable_time_tally_open', 'chargeable_time_tally',
                    ['consortium_id', 'month', 'organisation_id', 'staff_id'], unique=False,
                    postgresql_where=sa.text(OPEN_TALLY))


def downgrade() -> None:
    op.drop_index('ix_chargeable_time_tally_open', table_name='chargeable_time_tally')
