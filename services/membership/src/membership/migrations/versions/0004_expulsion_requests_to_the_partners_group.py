"""Expulsion requests to the Partners Group

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 05:51:08.399019

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The pending request for the Partners Group's decision on expelling a member (G5)."""
    with op.batch_alter_table('organisation') as batch:  # SQLite alters tables only in a batch
        batch.add_column(sa.Column('expulsion_request_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('expulsion_request_id')
