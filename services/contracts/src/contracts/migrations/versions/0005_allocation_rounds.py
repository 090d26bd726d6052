"""Allocation rounds: members' capability copy, rounds, invitations, declarations, panels, criteria,
expressions of interest, scores and moderation (C1-C7)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 08:20:53.164933

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Add the capability copy and the allocation tables."""
    op.create_table('member_capability',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_categories', sa.JSON(), nullable=False),
    sa.Column('areas_served', sa.JSON(), nullable=False),
    sa.Column('capacity', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_capability'))
    )
    op.create_index(op.f('ix_member_capability_consortium_id'), 'member_capability', ['consortium_id'], unique=False)
    op.create_table('allocation_round',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('specification', sa.Text(), nullable=False),
    sa.Column('contract_id', sa.Uuid(), nullable=True),
    sa.Column('opportunity_id', sa.Uuid(), nullable=True),
    sa.Column('lot_id', sa.Uuid(), nullable=True),
    sa.Column('value_pence', sa.BigInteger(), nullable=True),
    sa.Column('service_categories', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('declarations_close_on', sa.Date(), nullable=True),
    sa.Column('eois_close_on', sa.Date(), nullable=True),
    sa.Column('decision_by', sa.Date(), nullable=True),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('chosen_provider_id', sa.Uuid(), nullable=True),
    sa.Column('chosen_provider_name', sa.String(length=200), nullable=True),
    sa.Column('chosen_provider_reason', sa.Text(), nullable=True),
    sa.Column('chosen_provider_request_id', sa.Uuid(), nullable=True),
    sa.Column('chosen_provider_outcome', sa.String(length=20), nullable=True),
    sa.Column('chosen_provider_note', sa.Text(), nullable=True),
    sa.Column('chosen_provider_decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('specification_met', sa.Boolean(), nullable=True),
    sa.Column('specification_note', sa.Text(), nullable=True),
    sa.Column('servicing_name', sa.String(length=200), nullable=True),
    sa.Column('servicing_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('servicing_capacity', sa.String(length=30), nullable=True),
    sa.Column('servicing_note', sa.Text(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('tie_break', sa.String(length=30), nullable=False),
    sa.Column('panel_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eois_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eois_closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('awarded_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('awarded_organisation_name', sa.String(length=200), nullable=True),
    sa.Column('awarded_score', sa.String(length=10), nullable=True),
    sa.Column('tie_broken_by', sa.String(length=30), nullable=True),
    sa.Column('decision_explanation', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], name=op.f('fk_allocation_round_lot_id_lot')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_allocation_round_opportunity_id_opportunity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_round')),
    sa.UniqueConstraint('chosen_provider_request_id', name=op.f('uq_allocation_round_chosen_provider_request_id'))
    )
    op.create_index(op.f('ix_allocation_round_consortium_id'), 'allocation_round', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_round_contract_id'), 'allocation_round', ['contract_id'], unique=False)
    op.create_index(op.f('ix_allocation_round_lot_id'), 'allocation_round', ['lot_id'], unique=False)
    op.create_index(op.f('ix_allocation_round_opportunity_id'), 'allocation_round', ['opportunity_id'], unique=False)
    op.create_table('allocation_criterion',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_criterion_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_criterion')),
    sa.UniqueConstraint('round_id', 'position', name='uq_allocation_criterion_round_id')
    )
    op.create_index(op.f('ix_allocation_criterion_consortium_id'), 'allocation_criterion', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_criterion_round_id'), 'allocation_criterion', ['round_id'], unique=False)
    op.create_table('allocation_declaration',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('declared_by', sa.String(length=200), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_declaration_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_declaration')),
    sa.UniqueConstraint('round_id', 'organisation_id', name='uq_allocation_declaration_round_id')
    )
    op.create_index(op.f('ix_allocation_declaration_consortium_id'), 'allocation_declaration', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_declaration_organisation_id'), 'allocation_declaration', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_allocation_declaration_round_id'), 'allocation_declaration', ['round_id'], unique=False)
    op.create_table('allocation_eoi',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('proposed_value_pence', sa.BigInteger(), nullable=True),
    sa.Column('shortlisted', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('shortlist_note', sa.Text(), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_eoi_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_eoi')),
    sa.UniqueConstraint('round_id', 'organisation_id', name='uq_allocation_eoi_round_id')
    )
    op.create_index(op.f('ix_allocation_eoi_consortium_id'), 'allocation_eoi', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_eoi_organisation_id'), 'allocation_eoi', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_allocation_eoi_round_id'), 'allocation_eoi', ['round_id'], unique=False)
    op.create_table('allocation_invitation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_invitation_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_invitation')),
    sa.UniqueConstraint('round_id', 'organisation_id', name='uq_allocation_invitation_round_id')
    )
    op.create_index(op.f('ix_allocation_invitation_consortium_id'), 'allocation_invitation', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_invitation_organisation_id'), 'allocation_invitation', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_allocation_invitation_round_id'), 'allocation_invitation', ['round_id'], unique=False)
    op.create_table('allocation_panel_member',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=True),
    sa.Column('user_id', sa.String(length=100), nullable=True),
    sa.Column('expertise', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_panel_member_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_panel_member'))
    )
    op.create_index(op.f('ix_allocation_panel_member_consortium_id'), 'allocation_panel_member', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_panel_member_round_id'), 'allocation_panel_member', ['round_id'], unique=False)
    op.create_index(op.f('ix_allocation_panel_member_user_id'), 'allocation_panel_member', ['user_id'], unique=False)
    op.create_table('allocation_round_step',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_round_step_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_round_step'))
    )
    op.create_index(op.f('ix_allocation_round_step_consortium_id'), 'allocation_round_step', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_round_step_round_id'), 'allocation_round_step', ['round_id'], unique=False)
    op.create_table('allocation_moderated_score',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('eoi_id', sa.Uuid(), nullable=False),
    sa.Column('criterion_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('moderated_by', sa.String(length=200), nullable=False),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['allocation_criterion.id'], name=op.f('fk_allocation_moderated_score_criterion_id_allocation_criterion')),
    sa.ForeignKeyConstraint(['eoi_id'], ['allocation_eoi.id'], name=op.f('fk_allocation_moderated_score_eoi_id_allocation_eoi')),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_moderated_score_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_moderated_score')),
    sa.UniqueConstraint('eoi_id', 'criterion_id', name='uq_allocation_moderated_score_eoi_id')
    )
    op.create_index(op.f('ix_allocation_moderated_score_consortium_id'), 'allocation_moderated_score', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_moderated_score_round_id'), 'allocation_moderated_score', ['round_id'], unique=False)
    op.create_table('allocation_score',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('panel_member_id', sa.Uuid(), nullable=False),
    sa.Column('eoi_id', sa.Uuid(), nullable=False),
    sa.Column('criterion_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scored_by', sa.String(length=200), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['allocation_criterion.id'], name=op.f('fk_allocation_score_criterion_id_allocation_criterion')),
    sa.ForeignKeyConstraint(['eoi_id'], ['allocation_eoi.id'], name=op.f('fk_allocation_score_eoi_id_allocation_eoi')),
    sa.ForeignKeyConstraint(['panel_member_id'], ['allocation_panel_member.id'], name=op.f('fk_allocation_score_panel_member_id_allocation_panel_member')),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_round.id'], name=op.f('fk_allocation_score_round_id_allocation_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_score')),
    sa.UniqueConstraint('panel_member_id', 'eoi_id', 'criterion_id', name='uq_allocation_score_panel_member_id')
    )
    op.create_index(op.f('ix_allocation_score_consortium_id'), 'allocation_score', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_allocation_score_panel_member_id'), 'allocation_score', ['panel_member_id'], unique=False)
    op.create_index(op.f('ix_allocation_score_round_id'), 'allocation_score', ['round_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_allocation_score_round_id'), table_name='allocation_score')
    op.drop_index(op.f('ix_allocation_score_panel_member_id'), table_name='allocation_score')
    op.drop_index(op.f('ix_allocation_score_consortium_id'), table_name='allocation_score')
    op.drop_table('allocation_score')
    op.drop_index(op.f('ix_allocation_moderated_score_round_id'), table_name='allocation_moderated_score')
    op.drop_index(op.f('ix_allocation_moderated_score_consortium_id'), table_name='allocation_moderated_score')
    op.drop_table('allocation_moderated_score')
    op.drop_index(op.f('ix_allocation_round_step_round_id'), table_name='allocation_round_step')
    op.drop_index(op.f('ix_allocation_round_step_consortium_id'), table_name='allocation_round_step')
    op.drop_table('allocation_round_step')
    op.drop_index(op.f('ix_allocation_panel_member_user_id'), table_name='allocation_panel_member')
    op.drop_index(op.f('ix_allocation_panel_member_round_id'), table_name='allocation_panel_member')
    op.drop_index(op.f('ix_allocation_panel_member_consortium_id'), table_name='allocation_panel_member')
    op.drop_table('allocation_panel_member')
    op.drop_index(op.f('ix_allocation_invitation_round_id'), table_name='allocation_invitation')
    op.drop_index(op.f('ix_allocation_invitation_organisation_id'), table_name='allocation_invitation')
    op.drop_index(op.f('ix_allocation_invitation_consortium_id'), table_name='allocation_invitation')
    op.drop_table('allocation_invitation')
    op.drop_index(op.f('ix_allocation_eoi_round_id'), table_name='allocation_eoi')
    op.drop_index(op.f('ix_allocation_eoi_organisation_id'), table_name='allocation_eoi')
    op.drop_index(op.f('ix_allocation_eoi_consortium_id'), table_name='allocation_eoi')
    op.drop_table('allocation_eoi')
    op.drop_index(op.f('ix_allocation_declaration_round_id'), table_name='allocation_declaration')
    op.drop_index(op.f('ix_allocation_declaration_organisation_id'), table_name='allocation_declaration')
    op.drop_index(op.f('ix_allocation_declaration_consortium_id'), table_name='allocation_declaration')
    op.drop_table('allocation_declaration')
    op.drop_index(op.f('ix_allocation_criterion_round_id'), table_name='allocation_criterion')
    op.drop_index(op.f('ix_allocation_criterion_consortium_id'), table_name='allocation_criterion')
    op.drop_table('allocation_criterion')
    op.drop_index(op.f('ix_allocation_round_opportunity_id'), table_name='allocation_round')
    op.drop_index(op.f('ix_allocation_round_lot_id'), table_name='allocation_round')
    op.drop_index(op.f('ix_allocation_round_contract_id'), table_name='allocation_round')
    op.drop_index(op.f('ix_allocation_round_consortium_id'), table_name='allocation_round')
    op.drop_table('allocation_round')
    op.drop_index(op.f('ix_member_capability_consortium_id'), table_name='member_capability')
    op.drop_table('member_capability')
