"""capability register

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:08:13.711667

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """M2: what more each organisation could take on, and the contracts it has delivered."""
    with op.batch_alter_table('organisation') as batch:  # SQLite alters by copying the table
        batch.add_column(sa.Column('capacity', sa.Text(), nullable=True))
        batch.add_column(sa.Column('past_contracts', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('past_contracts')
        batch.drop_column('capacity')
