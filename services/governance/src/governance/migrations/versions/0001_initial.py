"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 03:10:35.229666

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
    op.create_table('decision_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('requested_by', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_request'))
    )
    op.create_index(op.f('ix_decision_request_consortium_id'), 'decision_request', ['consortium_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_decision_request_consortium_id'), table_name='decision_request')
    op.drop_table('decision_request')
    drop_kit_tables_v1()
