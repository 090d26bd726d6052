"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 03:10:34.269412

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from hubkit.kit_migrations import create_kit_tables_v1, drop_kit_tables_v1


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """The kit's tables, then this service's own."""
    create_kit_tables_v1()
    op.create_table('member_organisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_organisation'))
    )
    op.create_index(op.f('ix_member_organisation_consortium_id'), 'member_organisation', ['consortium_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_member_organisation_consortium_id'), table_name='member_organisation')
    op.drop_table('member_organisation')
    drop_kit_tables_v1()
