"""The subsidy report's tally holds time not yet approved too, per day (issue 16): approved_time_tally becomes
chargeable_time_tally, counted afresh from the entries (it is derived data)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 06:40:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from finance.adapters.tally import rebuild_statement

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _create(name: str, with_unapproved: bool) -> None:
    op.create_table(name,
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    *([sa.Column('day', sa.Date(), nullable=True), sa.Column('approved', sa.Boolean(), nullable=False)]
      if with_unapproved else []),
    sa.Column('invoice_id', sa.Uuid(), nullable=True),
    sa.Column('written_off_id', sa.Uuid(), nullable=True),
    *([sa.Column('entries', sa.Integer(), nullable=False)] if with_unapproved else []),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('worth', sa.BigInteger(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    op.create_index(op.f(f'ix_{name}_consortium_id'), name, ['consortium_id'], unique=False)
    op.create_index(f'ix_{name}_month', name, ['consortium_id', 'month', 'staff_id'], unique=False)


def _drop(name: str) -> None:
    op.drop_index(f'ix_{name}_month', table_name=name)
    op.drop_index(op.f(f'ix_{name}_consortium_id'), table_name=name)
    op.drop_table(name)


def upgrade() -> None:
    _drop('approved_time_tally')
    _create('chargeable_time_tally', with_unapproved=True)
    op.execute(sa.text(rebuild_statement(op.get_bind().dialect.name)))


def downgrade() -> None:
    _create('approved_time_tally', with_unapproved=False)
    op.execute(sa.text("""
        INSERT INTO approved_time_tally (id, consortium_id, staff_id, organisation_id, month, invoice_id,
                                         written_off_id, minutes, worth)
        SELECT id, consortium_id, staff_id, organisation_id, month, invoice_id, written_off_id, minutes, worth
          FROM chargeable_time_tally WHERE approved"""))
    _drop('chargeable_time_tally')
