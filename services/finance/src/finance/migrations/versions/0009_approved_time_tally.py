"""The subsidy report's tally of approved time (issue 16), counted from the entries already there

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:45:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('approved_time_tally',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=True),
    sa.Column('written_off_id', sa.Uuid(), nullable=True),
    sa.Column('minutes', sa.BigInteger(), nullable=False),
    sa.Column('worth', sa.BigInteger(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approved_time_tally'))
    )
    op.create_index(op.f('ix_approved_time_tally_consortium_id'), 'approved_time_tally', ['consortium_id'],
                    unique=False)
    op.create_index('ix_approved_time_tally_month', 'approved_time_tally', ['consortium_id', 'month', 'staff_id'],
                    unique=False)
    if op.get_bind().dialect.name == "postgresql":
        new_id, month = "gen_random_uuid()", "CAST(date_trunc('month', e.day) AS date)"
    else:
        new_id, month = "lower(hex(randomblob(16)))", "date(e.day, 'start of month')"
    op.execute(sa.text(f"""
        INSERT INTO approved_time_tally (id, consortium_id, staff_id, organisation_id, month, invoice_id,
                                         written_off_id, minutes, worth)
        SELECT {new_id}, g.* FROM (
            SELECT e.consortium_id, e.staff_id, e.organisation_id, {month} AS month, l.invoice_id, e.written_off_id,
                   sum(e.minutes) AS minutes, sum(e.minutes * coalesce(e.rate_pence, 0)) AS worth
              FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id
              LEFT JOIN recharge_invoice_line l ON l.id = e.invoice_line_id
             WHERE t.status = 'approved' AND e.chargeable
             GROUP BY e.consortium_id, e.staff_id, e.organisation_id, {month}, l.invoice_id, e.written_off_id) g
         WHERE g.minutes <> 0 OR g.worth <> 0"""))


def downgrade() -> None:
    op.drop_index('ix_approved_time_tally_month', table_name='approved_time_tally')
    op.drop_index(op.f('ix_approved_time_tally_consortium_id'), table_name='approved_time_tally')
    op.drop_table('approved_time_tally')
