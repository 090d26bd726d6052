"""Evidence expiry warnings at 30, 7 and 0 days: how near the last warning for an expiry date was

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:05:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('due_diligence_evidence') as batch:  # SQLite alters by copying the table
        batch.add_column(sa.Column('expiry_warned_within', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('due_diligence_evidence') as batch:
        batch.drop_column('expiry_warned_within')
