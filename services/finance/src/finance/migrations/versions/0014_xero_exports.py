"""F4: Xero exports of recharge invoices, each invoice naming the export that took it (xero_export)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:30:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from hubkit.db import UtcDateTime

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'xero_export',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organisation_id', sa.Uuid(), nullable=True),
        sa.Column('issued_in', sa.Date(), nullable=True),
        sa.Column('invoice_count', sa.Integer(), nullable=False),
        sa.Column('line_count', sa.Integer(), nullable=False),
        sa.Column('exported_by', sa.String(length=200), nullable=False),
        sa.Column('exported_at', UtcDateTime(), nullable=False),
        sa.Column('times_exported_again', sa.Integer(), nullable=False),
        sa.Column('last_exported_again_by', sa.String(length=200), nullable=True),
        sa.Column('last_exported_again_at', UtcDateTime(), nullable=True),
        sa.Column('consortium_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_xero_export')))
    op.create_index(op.f('ix_xero_export_consortium_id'), 'xero_export', ['consortium_id'], unique=False)
    op.create_index('ix_xero_export_newest', 'xero_export', ['consortium_id', 'exported_at', 'id'], unique=False)
    with op.batch_alter_table('recharge_invoice') as batch:
        batch.add_column(sa.Column('xero_export_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key(op.f('fk_recharge_invoice_xero_export_id_xero_export'), 'xero_export',
                                 ['xero_export_id'], ['id'])
        batch.create_index(op.f('ix_recharge_invoice_xero_export_id'), ['xero_export_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('recharge_invoice') as batch:
        batch.drop_index(op.f('ix_recharge_invoice_xero_export_id'))
        batch.drop_constraint(op.f('fk_recharge_invoice_xero_export_id_xero_export'), type_='foreignkey')
        batch.drop_column('xero_export_id')
    op.drop_index('ix_xero_export_newest', table_name='xero_export')
    op.drop_index(op.f('ix_xero_export_consortium_id'), table_name='xero_export')
    op.drop_table('xero_export')
