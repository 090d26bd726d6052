"""P1 reminders: each subcontract's return for a period announced once as due soon and once as overdue
(return_reminder), and the index the returns due between two dates are found by

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from hubkit.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'return_reminder',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('subcontract_id', sa.Uuid(), nullable=False),
        sa.Column('period_id', sa.Uuid(), nullable=False),
        sa.Column('reminder', sa.String(length=20), nullable=False),
        sa.Column('announced_at', UtcDateTime(), nullable=False),
        sa.Column('consortium_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'],
                                name=op.f('fk_return_reminder_period_id_reporting_period')),
        sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'],
                                name=op.f('fk_return_reminder_subcontract_id_subcontract')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_reminder')),
        sa.UniqueConstraint('subcontract_id', 'period_id', 'reminder', name='uq_return_reminder_subcontract_id'))
    op.create_index(op.f('ix_return_reminder_consortium_id'), 'return_reminder', ['consortium_id'], unique=False)
    op.create_index('ix_reporting_period_return_due', 'reporting_period', ['consortium_id', 'return_due_on', 'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_reporting_period_return_due', table_name='reporting_period')
    op.drop_index(op.f('ix_return_reminder_consortium_id'), table_name='return_reminder')
    op.drop_table('return_reminder')
