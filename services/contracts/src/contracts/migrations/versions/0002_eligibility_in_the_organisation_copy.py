"""eligibility in the organisation copy

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:55:28.107519

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Membership says whether each organisation may be given new work."""
    with op.batch_alter_table('member_organisation') as batch:  # SQLite alters by copying the table
        batch.add_column(sa.Column('eligible_for_new_work', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('member_organisation') as batch:
        batch.drop_column('eligible_for_new_work')
