"""Meeting papers, who chaired each meeting, written resolutions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:37:07.306205

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Meeting papers, who chaired each meeting (G8), written resolutions and their answers."""
    op.create_table('meeting_paper',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('agenda_item_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_meeting_paper_agenda_item_id_agenda_item')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_paper_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_paper'))
    )
    op.create_index(op.f('ix_meeting_paper_consortium_id'), 'meeting_paper', ['consortium_id'], unique=False)
    op.create_index(op.f('ix_meeting_paper_meeting_id'), 'meeting_paper', ['meeting_id'], unique=False)
    op.create_table('written_resolution',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('body_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('circulated_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('declarations', sa.JSON(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('circulated_by', sa.String(length=200), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_written_resolution_body_id_body')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_written_resolution_decision_id_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_resolution'))
    )
    op.create_index(op.f('ix_written_resolution_body_id'), 'written_resolution', ['body_id'], unique=False)
    op.create_index(op.f('ix_written_resolution_consortium_id'), 'written_resolution', ['consortium_id'], unique=False)
    op.create_table('written_answer',
    sa.Column('resolution_id', sa.Uuid(), nullable=False),
    sa.Column('seat_id', sa.Uuid(), nullable=False),
    sa.Column('vote', sa.String(length=10), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['resolution_id'], ['written_resolution.id'], name=op.f('fk_written_answer_resolution_id_written_resolution')),
    sa.ForeignKeyConstraint(['seat_id'], ['seat.id'], name=op.f('fk_written_answer_seat_id_seat')),
    sa.PrimaryKeyConstraint('resolution_id', 'seat_id', name=op.f('pk_written_answer'))
    )
    op.create_index(op.f('ix_written_answer_consortium_id'), 'written_answer', ['consortium_id'], unique=False)
    with op.batch_alter_table('meeting') as batch:  # SQLite alters tables only in a batch
        batch.add_column(sa.Column('chaired_by_seat_id', sa.Uuid(), nullable=True))
        batch.create_foreign_key(op.f('fk_meeting_chaired_by_seat_id_seat'), 'seat', ['chaired_by_seat_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('meeting') as batch:
        batch.drop_constraint(op.f('fk_meeting_chaired_by_seat_id_seat'), type_='foreignkey')
        batch.drop_column('chaired_by_seat_id')
    op.drop_index(op.f('ix_written_answer_consortium_id'), table_name='written_answer')
    op.drop_table('written_answer')
    op.drop_index(op.f('ix_written_resolution_consortium_id'), table_name='written_resolution')
    op.drop_index(op.f('ix_written_resolution_body_id'), table_name='written_resolution')
    op.drop_table('written_resolution')
    op.drop_index(op.f('ix_meeting_paper_meeting_id'), table_name='meeting_paper')
    op.drop_index(op.f('ix_meeting_paper_consortium_id'), table_name='meeting_paper')
    op.drop_table('meeting_paper')
