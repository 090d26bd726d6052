"""Head contracts, subcontracts, variations and performance (P1, F2, H5)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 06:00:37.117893

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add contracts, indicators, periods, targets, subcontracts, returns, evidence and improvement plans."""
    op.create_table('hub_model_copy',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_model_copy')),
    sa.UniqueConstraint('consortium_id', name='uq_hub_model_copy_consortium_id')
    )
    op.create_index(op.f('ix_hub_model_copy_consortium_id'), 'hub_model_copy', ['consortium_id'], unique=False)
    op.create_table('contract',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('opportunity_id', sa.Uuid(), nullable=True),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('commissioner_name', sa.String(length=200), nullable=False),
    sa.Column('value_pence', sa.BigInteger(), nullable=False),
    sa.Column('management_fee_basis_points', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('payment_terms', sa.Text(), nullable=False),
    sa.Column('income_schedule', sa.JSON(), nullable=False),
    sa.Column('reporting_frequency', sa.String(length=20), nullable=False),
    sa.Column('return_due_days', sa.Integer(), nullable=False),
    sa.Column('rag_green_percent', sa.Integer(), nullable=False),
    sa.Column('rag_amber_percent', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('awarded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('went_live_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_contract_lot_id_lot')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_contract_opportunity_id_opportunity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract'))
    )
    op.create_index(op.f('ix_contract_consortium_id'), 'contract', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_contract_opportunity_id'), 'contract', ['opportunity_id'], unique=False)
    op.create_table('indicator',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_indicator_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('contract_id', 'code', name='uq_indicator_contract_id_code')
    )
    op.create_index(op.f('ix_indicator_consortium_id'), 'indicator', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_indicator_contract_id'), 'indicator', ['contract_id'], unique=False)
    op.create_table('reporting_period',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('return_due_on', sa.Date(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_reporting_period_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_period')),
    sa.UniqueConstraint('contract_id', 'number', name='uq_reporting_period_contract_id_number')
    )
    op.create_index(op.f('ix_reporting_period_consortium_id'), 'reporting_period', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_reporting_period_contract_id'), 'reporting_period', ['contract_id'], unique=False)
    op.create_table('subcontract',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('value_pence', sa.BigInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('overall_rag', sa.String(length=10), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=200), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_subcontract_contract_id_contract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subcontract'))
    )
    op.create_index(op.f('ix_subcontract_consortium_id'), 'subcontract', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_subcontract_contract_id'), 'subcontract', ['contract_id'], unique=False)
    op.create_index(op.f('ix_subcontract_organisation_id'), 'subcontract', ['organisation_id'], unique=False)
    op.create_table('improvement_plan',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subcontract_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('reviews', sa.JSON(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=200), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=200), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'], name=op.f('fk_improvement_plan_subcontract_id_subcontract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_plan'))
    )
    op.create_index(op.f('ix_improvement_plan_consortium_id'), 'improvement_plan', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_improvement_plan_subcontract_id'), 'improvement_plan', ['subcontract_id'], unique=False)
    op.create_table('indicator_target',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_indicator_target_contract_id_contract')),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_target_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_indicator_target_period_id_reporting_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target')),
    sa.UniqueConstraint('indicator_id', 'period_id', name='uq_indicator_target_indicator_id')
    )
    op.create_index(op.f('ix_indicator_target_consortium_id'), 'indicator_target', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_indicator_target_contract_id'), 'indicator_target', ['contract_id'], unique=False)
    op.create_table('performance_return',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subcontract_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('actuals', sa.JSON(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_performance_return_contract_id_contract')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_performance_return_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'], name=op.f('fk_performance_return_subcontract_id_subcontract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_return')),
    sa.UniqueConstraint('subcontract_id', 'period_id', name='uq_performance_return_subcontract_id')
    )
    op.create_index(op.f('ix_performance_return_consortium_id'), 'performance_return', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_performance_return_contract_id'), 'performance_return', ['contract_id'], unique=False)
    op.create_index(op.f('ix_performance_return_organisation_id'), 'performance_return', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_performance_return_subcontract_id'), 'performance_return', ['subcontract_id'], unique=False)
    op.create_table('subcontract_instalment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subcontract_id', sa.Uuid(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.Column('release', sa.String(length=30), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_subcontract_instalment_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'], name=op.f('fk_subcontract_instalment_subcontract_id_subcontract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subcontract_instalment'))
    )
    op.create_index(op.f('ix_subcontract_instalment_consortium_id'), 'subcontract_instalment', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_subcontract_instalment_subcontract_id'), 'subcontract_instalment', ['subcontract_id'], unique=False)
    op.create_table('subcontract_target',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subcontract_id', sa.Uuid(), nullable=False),
    sa.Column('indicator_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_subcontract_target_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_subcontract_target_period_id_reporting_period')),
    sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'], name=op.f('fk_subcontract_target_subcontract_id_subcontract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subcontract_target')),
    sa.UniqueConstraint('subcontract_id', 'indicator_id', 'period_id', name='uq_subcontract_target_subcontract_id')
    )
    op.create_index(op.f('ix_subcontract_target_consortium_id'), 'subcontract_target', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_subcontract_target_subcontract_id'), 'subcontract_target', ['subcontract_id'], unique=False)
    op.create_table('subcontract_variation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subcontract_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('varied_by', sa.String(length=200), nullable=False),
    sa.Column('varied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['subcontract_id'], ['subcontract.id'], name=op.f('fk_subcontract_variation_subcontract_id_subcontract')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subcontract_variation'))
    )
    op.create_index(op.f('ix_subcontract_variation_consortium_id'), 'subcontract_variation', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_subcontract_variation_subcontract_id'), 'subcontract_variation', ['subcontract_id'], unique=False)
    op.create_table('performance_return_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['performance_return.id'], name=op.f('fk_performance_return_event_return_id_performance_return')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_return_event'))
    )
    op.create_index(op.f('ix_performance_return_event_consortium_id'), 'performance_return_event', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_performance_return_event_return_id'), 'performance_return_event', ['return_id'], unique=False)
    op.create_table('performance_return_evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('return_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['performance_return.id'], name=op.f('fk_performance_return_evidence_return_id_performance_return')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_return_evidence'))
    )
    op.create_index(op.f('ix_performance_return_evidence_consortium_id'), 'performance_return_evidence', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_performance_return_evidence_return_id'), 'performance_return_evidence', ['return_id'], unique=False)


def downgrade() -> None:
    """Drop them again."""
    op.drop_index(op.f('ix_performance_return_evidence_return_id'), table_name='performance_return_evidence')
    op.drop_index(op.f('ix_performance_return_evidence_consortium_id'), table_name='performance_return_evidence')
    op.drop_table('performance_return_evidence')
    op.drop_index(op.f('ix_performance_return_event_return_id'), table_name='performance_return_event')
    op.drop_index(op.f('ix_performance_return_event_consortium_id'), table_name='performance_return_event')
    op.drop_table('performance_return_event')
    op.drop_index(op.f('ix_subcontract_variation_subcontract_id'), table_name='subcontract_variation')
    op.drop_index(op.f('ix_subcontract_variation_consortium_id'), table_name='subcontract_variation')
    op.drop_table('subcontract_variation')
    op.drop_index(op.f('ix_subcontract_target_subcontract_id'), table_name='subcontract_target')
    op.drop_index(op.f('ix_subcontract_target_consortium_id'), table_name='subcontract_target')
    op.drop_table('subcontract_target')
    op.drop_index(op.f('ix_subcontract_instalment_subcontract_id'), table_name='subcontract_instalment')
    op.drop_index(op.f('ix_subcontract_instalment_consortium_id'), table_name='subcontract_instalment')
    op.drop_table('subcontract_instalment')
    op.drop_index(op.f('ix_performance_return_subcontract_id'), table_name='performance_return')
    op.drop_index(op.f('ix_performance_return_organisation_id'), table_name='performance_return')
    op.drop_index(op.f('ix_performance_return_contract_id'), table_name='performance_return')
    op.drop_index(op.f('ix_performance_return_consortium_id'), table_name='performance_return')
    op.drop_table('performance_return')
    op.drop_index(op.f('ix_indicator_target_contract_id'), table_name='indicator_target')
    op.drop_index(op.f('ix_indicator_target_consortium_id'), table_name='indicator_target')
    op.drop_table('indicator_target')
    op.drop_index(op.f('ix_improvement_plan_subcontract_id'), table_name='improvement_plan')
    op.drop_index(op.f('ix_improvement_plan_consortium_id'), table_name='improvement_plan')
    op.drop_table('improvement_plan')
    op.drop_index(op.f('ix_subcontract_organisation_id'), table_name='subcontract')
    op.drop_index(op.f('ix_subcontract_contract_id'), table_name='subcontract')
    op.drop_index(op.f('ix_subcontract_consortium_id'), table_name='subcontract')
    op.drop_table('subcontract')
    op.drop_index(op.f('ix_reporting_period_contract_id'), table_name='reporting_period')
    op.drop_index(op.f('ix_reporting_period_consortium_id'), table_name='reporting_period')
    op.drop_table('reporting_period')
    op.drop_index(op.f('ix_indicator_contract_id'), table_name='indicator')
    op.drop_index(op.f('ix_indicator_consortium_id'), table_name='indicator')
    op.drop_table('indicator')
    op.drop_index(op.f('ix_contract_opportunity_id'), table_name='contract')
    op.drop_index(op.f('ix_contract_consortium_id'), table_name='contract')
    op.drop_table('contract')
    op.drop_index(op.f('ix_hub_model_copy_consortium_id'), table_name='hub_model_copy')
    op.drop_table('hub_model_copy')
