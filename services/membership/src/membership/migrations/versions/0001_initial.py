"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 03:09:40.156711

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
    op.create_table('organisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.String(length=40), nullable=False),
    sa.Column('charity_number', sa.String(length=7), nullable=True),
    sa.Column('company_number', sa.String(length=8), nullable=True),
    sa.Column('postcode', sa.String(length=8), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('decision_request_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('consortium_id', 'name', name='uq_organisation_consortium_name')
    )
    op.create_index(op.f('ix_organisation_consortium_id'), 'organisation', ['consortium_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_organisation_consortium_id'), table_name='organisation')
    op.drop_table('organisation')
    drop_kit_tables_v1()
