"""H4 reminders: a person reminded once that a week's timesheet was not submitted by the Monday after
(week_reminder)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from hubkit.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'week_reminder',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('staff_id', sa.Uuid(), nullable=False),
        sa.Column('week_starting', sa.Date(), nullable=False),
        sa.Column('announced_at', UtcDateTime(), nullable=False),
        sa.Column('consortium_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_member.id'], name=op.f('fk_week_reminder_staff_id_staff_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_week_reminder')),
        sa.UniqueConstraint('staff_id', 'week_starting', name='uq_week_reminder_staff_id'))
    op.create_index(op.f('ix_week_reminder_consortium_id'), 'week_reminder', ['consortium_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_week_reminder_consortium_id'), table_name='week_reminder')
    op.drop_table('week_reminder')
