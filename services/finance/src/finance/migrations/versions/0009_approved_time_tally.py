"""The subsidy report's tally of approved time (issue 16), counted from the entries already there

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:45:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from finance.adapters.tally import rebuild_statement

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('approved_time_tally',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=True),
    sa.Column('written_off_id', sa.Uuid(), nullable=True),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('worth', sa.BigInteger(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approved_time_tally'))
    )
    op.create_index(op.f('ix_approved_time_tally_consortium_id'), 'approved_time_tally', ['consortium_id'],
                    unique=False)
    op.create_index('ix_approved_time_tally_month', 'approved_time_tally', ['consortium_id', 'month', 'staff_id'],
                    unique=False)
    op.execute(sa.text(rebuild_statement(op.get_bind().dialect.name)))


def downgrade() -> None:
    op.drop_index('ix_approved_time_tally_month', table_name='approved_time_tally')
    op.drop_index(op.f('ix_approved_time_tally_consortium_id'), table_name='approved_time_tally')
    op.drop_table('approved_time_tally')
