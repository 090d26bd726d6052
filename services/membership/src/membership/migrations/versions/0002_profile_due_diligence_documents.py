"""profile due diligence documents

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:57:25.849654

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Profiles, contacts, quality marks, membership history, due diligence and compliance documents."""
    op.create_table('due_diligence_setting',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_diligence_setting')),
    sa.UniqueConstraint('consortium_id', 'kind', name='uq_due_diligence_setting_kind')
    )
    op.create_index(op.f('ix_due_diligence_setting_consortium_id'), 'due_diligence_setting', ['consortium_id'], unique=False)
    op.create_table('compliance_document',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_by', sa.String(length=200), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_compliance_document_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_document'))
    )
    op.create_index(op.f('ix_compliance_document_consortium_id'), 'compliance_document', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_compliance_document_organisation_id'), 'compliance_document', ['organisation_id'], unique=False)
    op.create_table('due_diligence_evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('provided_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('cover_pence', sa.BigInteger(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('verified_by', sa.String(length=200), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('expiry_warned_for', sa.Date(), nullable=True),
    sa.Column('expired_noted', sa.Boolean(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_due_diligence_evidence_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_diligence_evidence')),
    sa.UniqueConstraint('organisation_id', 'kind', name='uq_due_diligence_evidence_kind')
    )
    op.create_index(op.f('ix_due_diligence_evidence_consortium_id'), 'due_diligence_evidence', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_due_diligence_evidence_organisation_id'), 'due_diligence_evidence', ['organisation_id'], unique=False)
    op.create_table('membership_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sa.String(length=30), nullable=True),
    sa.Column('to_status', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_membership_change_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_change'))
    )
    op.create_index(op.f('ix_membership_change_consortium_id'), 'membership_change', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_membership_change_organisation_id'), 'membership_change', ['organisation_id'], unique=False)
    op.create_table('organisation_contact',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_contact_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_contact')),
    sa.UniqueConstraint('organisation_id', 'role', name='uq_organisation_contact_role')
    )
    op.create_index(op.f('ix_organisation_contact_consortium_id'), 'organisation_contact', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_organisation_contact_organisation_id'), 'organisation_contact', ['organisation_id'], unique=False)
    op.create_table('quality_mark',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_quality_mark_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_mark'))
    )
    op.create_index(op.f('ix_quality_mark_consortium_id'), 'quality_mark', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_quality_mark_organisation_id'), 'quality_mark', ['organisation_id'], unique=False)
    with op.batch_alter_table('organisation') as batch:  # SQLite alters by copying the table
        batch.add_column(sa.Column('address_line_1', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('address_line_2', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('town', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('areas_served', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('client_groups', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('service_categories', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('income_band', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('staff_count', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('volunteer_count', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('diversity', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('eligible_for_new_work', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.create_unique_constraint('uq_organisation_consortium_charity_number', ['consortium_id', 'charity_number'])
        batch.create_unique_constraint('uq_organisation_consortium_company_number', ['consortium_id', 'company_number'])


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch:  # SQLite alters by copying the table
        batch.drop_constraint('uq_organisation_consortium_company_number', type_='unique')
        batch.drop_constraint('uq_organisation_consortium_charity_number', type_='unique')
        batch.drop_column('eligible_for_new_work')
        batch.drop_column('diversity')
        batch.drop_column('volunteer_count')
        batch.drop_column('staff_count')
        batch.drop_column('income_band')
        batch.drop_column('service_categories')
        batch.drop_column('client_groups')
        batch.drop_column('areas_served')
        batch.drop_column('town')
        batch.drop_column('address_line_2')
        batch.drop_column('address_line_1')
    op.drop_index(op.f('ix_quality_mark_organisation_id'), table_name='quality_mark')
    op.drop_index(op.f('ix_quality_mark_consortium_id'), table_name='quality_mark')
    op.drop_table('quality_mark')
    op.drop_index(op.f('ix_organisation_contact_organisation_id'), table_name='organisation_contact')
    op.drop_index(op.f('ix_organisation_contact_consortium_id'), table_name='organisation_contact')
    op.drop_table('organisation_contact')
    op.drop_index(op.f('ix_membership_change_organisation_id'), table_name='membership_change')
    op.drop_index(op.f('ix_membership_change_consortium_id'), table_name='membership_change')
    op.drop_table('membership_change')
    op.drop_index(op.f('ix_due_diligence_evidence_organisation_id'), table_name='due_diligence_evidence')
    op.drop_index(op.f('ix_due_diligence_evidence_consortium_id'), table_name='due_diligence_evidence')
    op.drop_table('due_diligence_evidence')
    op.drop_index(op.f('ix_compliance_document_organisation_id'), table_name='compliance_document')
    op.drop_index(op.f('ix_compliance_document_consortium_id'), table_name='compliance_document')
    op.drop_table('compliance_document')
    op.drop_index(op.f('ix_due_diligence_setting_consortium_id'), table_name='due_diligence_setting')
    op.drop_table('due_diligence_setting')
