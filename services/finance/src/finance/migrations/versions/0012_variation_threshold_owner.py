"""F1's threshold's owner (issue 13, the host admin's consortium settings): money_settings.variation_threshold_owner,
finance_officer (as before) or host_admin

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('money_settings') as batch:
        batch.add_column(sa.Column('variation_threshold_owner', sa.String(length=32), nullable=False,
                                   server_default='finance_officer'))


def downgrade() -> None:
    with op.batch_alter_table('money_settings') as batch:
        batch.drop_column('variation_threshold_owner')
