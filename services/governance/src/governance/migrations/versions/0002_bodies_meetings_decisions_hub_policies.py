"""Bodies, seats, meetings, votes, decisions, the hub model and the policies register

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:42:21.093453

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
    """Bodies, seats, meetings, agenda, attendance, declarations, motions, votes, decisions, actions, the hub, policies."""
    op.create_table('body',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body'))
    )
    op.create_index(op.f('ix_body_consortium_id'), 'body', ['consortium_id'], unique=False)
    op.create_table('registered_interest',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('interest', sa.Text(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registered_interest'))
    )
    op.create_index(op.f('ix_registered_interest_consortium_id'), 'registered_interest', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_registered_interest_person_name'), 'registered_interest', ['person_name'], unique=False)
    op.create_table('service_standard',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('measure', sa.String(length=300), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_standard'))
    )
    op.create_index(op.f('ix_service_standard_consortium_id'), 'service_standard', ['consortium_id'], unique=False)
    op.create_table('meeting',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notice_given_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_meeting_body_id_body')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    op.create_index(op.f('ix_meeting_body_id'), 'meeting', ['body_id'], unique=False)
    op.create_index(op.f('ix_meeting_consortium_id'), 'meeting', ['consortium_id'], unique=False)
    op.create_table('seat',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('deputy_for', sa.Uuid(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('lapsed_on', sa.Date(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_seat_body_id_body')),
    sa.ForeignKeyConstraint(['deputy_for'], ['seat.id'], name=op.f('fk_seat_deputy_for_seat')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat'))
    )
    op.create_index(op.f('ix_seat_body_id'), 'seat', ['body_id'], unique=False)
    op.create_index(op.f('ix_seat_consortium_id'), 'seat', ['consortium_id'], unique=False)
    op.create_table('action_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_action_item_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_item'))
    )
    op.create_index(op.f('ix_action_item_consortium_id'), 'action_item', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_action_item_meeting_id'), 'action_item', ['meeting_id'], unique=False)
    op.create_table('agenda_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('decision_request_id', sa.Uuid(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['decision_request_id'], ['decision_request.id'], name=op.f('fk_agenda_item_decision_request_id_decision_request')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item')),
    sa.UniqueConstraint('decision_request_id', name=op.f('uq_agenda_item_decision_request_id'))
    )
    op.create_index(op.f('ix_agenda_item_consortium_id'), 'agenda_item', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_agenda_item_meeting_id'), 'agenda_item', ['meeting_id'], unique=False)
    op.create_table('attendance',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('seat_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deputy_name', sa.String(length=200), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendance_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['seat_id'], ['seat.id'], name=op.f('fk_attendance_seat_id_seat')),
    sa.PrimaryKeyConstraint('meeting_id', 'seat_id', name=op.f('pk_attendance'))
    )
    op.create_index(op.f('ix_attendance_consortium_id'), 'attendance', ['consortium_id'], unique=False)
    op.create_table('declaration',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agenda_item_id', sa.Uuid(), nullable=False),
    sa.Column('seat_id', sa.Uuid(), nullable=False),
    sa.Column('interest', sa.Text(), nullable=False),
    sa.Column('excluded_from_discussion', sa.Boolean(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_declaration_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['seat_id'], ['seat.id'], name=op.f('fk_declaration_seat_id_seat')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration'))
    )
    op.create_index(op.f('ix_declaration_agenda_item_id'), 'declaration', ['agenda_item_id'], unique=False)
    op.create_index(op.f('ix_declaration_consortium_id'), 'declaration', ['consortium_id'], unique=False)
    op.create_table('motion',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agenda_item_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_motion_agenda_item_id_agenda_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motion'))
    )
    op.create_index(op.f('ix_motion_agenda_item_id'), 'motion', ['agenda_item_id'], unique=False)
    op.create_index(op.f('ix_motion_consortium_id'), 'motion', ['consortium_id'], unique=False)
    op.create_table('decision',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('body_id', sa.Uuid(), nullable=True),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('agenda_item_id', sa.Uuid(), nullable=True),
    sa.Column('motion_id', sa.Uuid(), nullable=True),
    sa.Column('decision_request_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('votes', sa.JSON(), nullable=False),
    sa.Column('declarations', sa.JSON(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_decision_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_decision_body_id_body')),
    sa.ForeignKeyConstraint(['decision_request_id'], ['decision_request.id'], name=op.f('fk_decision_decision_request_id_decision_request')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_decision_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['motion_id'], ['motion.id'], name=op.f('fk_decision_motion_id_motion')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    op.create_index(op.f('ix_decision_consortium_id'), 'decision', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_decision_decided_at'), 'decision', ['decided_at'], unique=False)
    op.create_table('vote',
    sa.Column('motion_id', sa.Uuid(), nullable=False),
    sa.Column('seat_id', sa.Uuid(), nullable=False),
    sa.Column('vote', sa.String(length=10), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motion.id'], name=op.f('fk_vote_motion_id_motion')),
    sa.ForeignKeyConstraint(['seat_id'], ['seat.id'], name=op.f('fk_vote_seat_id_seat')),
    sa.PrimaryKeyConstraint('motion_id', 'seat_id', name=op.f('pk_vote'))
    )
    op.create_index(op.f('ix_vote_consortium_id'), 'vote', ['consortium_id'], unique=False)
    op.create_table('function_assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('function', sa.String(length=40), nullable=False),
    sa.Column('delivered_by', sa.String(length=30), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('people', sa.JSON(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_function_assignment_decision_id_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_function_assignment'))
    )
    op.create_index(op.f('ix_function_assignment_consortium_id'), 'function_assignment', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_function_assignment_function'), 'function_assignment', ['function'], unique=False)
    op.create_table('hub_model_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('host_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_hub_model_change_decision_id_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_model_change'))
    )
    op.create_index(op.f('ix_hub_model_change_consortium_id'), 'hub_model_change', ['consortium_id'], unique=False)
    op.create_table('policy',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('approved_by_decision_id', sa.Uuid(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('review_due_on', sa.Date(), nullable=False),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_decision_id'], ['decision.id'], name=op.f('fk_policy_approved_by_decision_id_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy'))
    )
    op.create_index(op.f('ix_policy_consortium_id'), 'policy', ['consortium_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_policy_consortium_id'), table_name='policy')
    op.drop_table('policy')
    op.drop_index(op.f('ix_hub_model_change_consortium_id'), table_name='hub_model_change')
    op.drop_table('hub_model_change')
    op.drop_index(op.f('ix_function_assignment_function'), table_name='function_assignment')
    op.drop_index(op.f('ix_function_assignment_consortium_id'), table_name='function_assignment')
    op.drop_table('function_assignment')
    op.drop_index(op.f('ix_vote_consortium_id'), table_name='vote')
    op.drop_table('vote')
    op.drop_index(op.f('ix_decision_decided_at'), table_name='decision')
    op.drop_index(op.f('ix_decision_consortium_id'), table_name='decision')
    op.drop_table('decision')
    op.drop_index(op.f('ix_motion_consortium_id'), table_name='motion')
    op.drop_index(op.f('ix_motion_agenda_item_id'), table_name='motion')
    op.drop_table('motion')
    op.drop_index(op.f('ix_declaration_consortium_id'), table_name='declaration')
    op.drop_index(op.f('ix_declaration_agenda_item_id'), table_name='declaration')
    op.drop_table('declaration')
    op.drop_index(op.f('ix_attendance_consortium_id'), table_name='attendance')
    op.drop_table('attendance')
    op.drop_index(op.f('ix_agenda_item_meeting_id'), table_name='agenda_item')
    op.drop_index(op.f('ix_agenda_item_consortium_id'), table_name='agenda_item')
    op.drop_table('agenda_item')
    op.drop_index(op.f('ix_action_item_meeting_id'), table_name='action_item')
    op.drop_index(op.f('ix_action_item_consortium_id'), table_name='action_item')
    op.drop_table('action_item')
    op.drop_index(op.f('ix_seat_consortium_id'), table_name='seat')
    op.drop_index(op.f('ix_seat_body_id'), table_name='seat')
    op.drop_table('seat')
    op.drop_index(op.f('ix_meeting_consortium_id'), table_name='meeting')
    op.drop_index(op.f('ix_meeting_body_id'), table_name='meeting')
    op.drop_table('meeting')
    op.drop_index(op.f('ix_service_standard_consortium_id'), table_name='service_standard')
    op.drop_table('service_standard')
    op.drop_index(op.f('ix_registered_interest_person_name'), table_name='registered_interest')
    op.drop_index(op.f('ix_registered_interest_consortium_id'), table_name='registered_interest')
    op.drop_table('registered_interest')
    op.drop_index(op.f('ix_body_consortium_id'), table_name='body')
    op.drop_table('body')
