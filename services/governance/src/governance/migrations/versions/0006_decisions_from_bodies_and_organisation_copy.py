"""Decisions come from bodies: a seat's account (its holder's hub username), who recorded a decision taken
elsewhere and from which written resolution; governance's read copy of membership's organisations (issue 12)

Revision ID: 0006
Revises: 0005 (beside 0007, another change's: `upgrade heads` applies both)
Create Date: 2026-12-06 06:30:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('member_organisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('legal_form', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('eligible_for_new_work', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_organisation'))
    )
    op.create_index(op.f('ix_member_organisation_consortium_id'), 'member_organisation', ['consortium_id'],
                    unique=False)
    with op.batch_alter_table('seat') as batch:  # SQLite alters by copying the table
        batch.add_column(sa.Column('account', sa.String(length=64), nullable=True))
    with op.batch_alter_table('decision') as batch:
        batch.add_column(sa.Column('recorded_by', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('written_resolution_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('decision') as batch:
        batch.drop_column('written_resolution_id')
        batch.drop_column('recorded_by')
    with op.batch_alter_table('seat') as batch:
        batch.drop_column('account')
    op.drop_index(op.f('ix_member_organisation_consortium_id'), table_name='member_organisation')
    op.drop_table('member_organisation')
