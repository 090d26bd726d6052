"""The kit's own tables (outbox, inbox, offsets, dead letters, relay state, audit trail) as migration steps.

Each service's first migration calls `create_kit_tables_v1()`. The steps are a frozen snapshot: when
the kit's tables change, add `upgrade_kit_v2()` here and a migration in each service that calls it.
"""
import sqlalchemy as sa
from alembic import op


def create_kit_tables_v1() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('entity', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.String(length=100), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=100), nullable=True),
    sa.Column('correlation_id', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    op.create_index(op.f('ix_audit_entry_consortium_id'), 'audit_entry', ['consortium_id'], unique=False)
    op.create_table('consumer_position',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.String(length=64), nullable=False),
    sa.Column('next_offset', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'topic', 'partition', name=op.f('pk_consumer_position'))
    )
    op.create_table('dead_letter',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=True),
    sa.Column('event_type', sa.String(length=200), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retried_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dead_letter'))
    )
    op.create_table('inbox_event',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_inbox_event'))
    )
    op.create_table('outbox_message',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('event_type', sa.String(length=200), nullable=False),
    sa.Column('consortium_id', sa.Uuid(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publish_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_message_event_id'))
    )
    op.create_index('ix_outbox_message_unsent', 'outbox_message', ['sent_at', 'seq'], unique=False)
    op.create_table('relay_state',
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('topic_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('topic', name=op.f('pk_relay_state'))
    )


def drop_kit_tables_v1() -> None:
    op.drop_table("relay_state")
    op.drop_index("ix_outbox_message_unsent", table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_table("inbox_event")
    op.drop_table("dead_letter")
    op.drop_table("consumer_position")
    op.drop_index(op.f("ix_audit_entry_consortium_id"), table_name="audit_entry")
    op.drop_table("audit_entry")


def upgrade_kit_v2() -> None:
    """Dead letters keep any bytes (base64 when not text), consumer workers report their state, and
    state-changing requests keep their first answer for an Idempotency-Key."""
    with op.batch_alter_table('dead_letter') as batch:
        batch.add_column(sa.Column('payload_encoding', sa.String(length=10), server_default='utf-8', nullable=False))
    op.create_table('consumer_worker',
    sa.Column('consumer', sa.String(length=100), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('partitions', sa.JSON(), nullable=True),
    sa.Column('lag', sa.BigInteger(), nullable=True),
    sa.Column('last_applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('error_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'worker', name=op.f('pk_consumer_worker'))
    )
    op.create_table('idempotent_request',
    sa.Column('principal', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('attempt', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.LargeBinary(), nullable=True),
    sa.Column('response_headers', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('principal', 'key', name=op.f('pk_idempotent_request'))
    )
    op.create_index('ix_idempotent_request_created_at', 'idempotent_request', ['created_at'], unique=False)


def downgrade_kit_v2() -> None:
    op.drop_index('ix_idempotent_request_created_at', table_name='idempotent_request')
    op.drop_table('idempotent_request')
    op.drop_table('consumer_worker')
    with op.batch_alter_table('dead_letter') as batch:
        batch.drop_column('payload_encoding')


def upgrade_kit_v3() -> None:
    """The audit trail read by people (hubkit.audit_trail): refusals counted per hour (`occurrences`, one row per
    consortium, actor, kind and hour), and indexes for its filters; the consortium's index becomes the first
    column of the one by consortium and time."""
    refused = sa.text("action = 'refused'")
    with op.batch_alter_table('audit_entry') as batch:
        batch.add_column(sa.Column('occurrences', sa.Integer(), nullable=True))
    op.drop_index('ix_audit_entry_consortium_id', table_name='audit_entry')
    op.create_index('ix_audit_entry_consortium_at', 'audit_entry', ['consortium_id', 'at', 'id'], unique=False)
    op.create_index('ix_audit_entry_actor_at', 'audit_entry', ['actor', 'at', 'id'], unique=False)
    op.create_index('ix_audit_entry_entity_id', 'audit_entry', ['entity_id'], unique=False)
    op.create_index('ux_audit_entry_refused_per_hour', 'audit_entry', ['consortium_id', 'actor', 'entity', 'at'],
                    unique=True, postgresql_where=refused, sqlite_where=refused)


def downgrade_kit_v3() -> None:
    op.drop_index('ux_audit_entry_refused_per_hour', table_name='audit_entry')
    op.drop_index('ix_audit_entry_entity_id', table_name='audit_entry')
    op.drop_index('ix_audit_entry_actor_at', table_name='audit_entry')
    op.drop_index('ix_audit_entry_consortium_at', table_name='audit_entry')
    op.create_index('ix_audit_entry_consortium_id', 'audit_entry', ['consortium_id'], unique=False)
    with op.batch_alter_table('audit_entry') as batch:
        batch.drop_column('occurrences')


def upgrade_kit_v4() -> None:
    """Indexes for the kit's lists' filters and orders (issue 16 item 3): `GET /admin/dead-letters` newest first,
    and `GET /audit` by kind of record (`entity`), by actor and by record (`subject`), each the filter's columns
    then (at, id), the order the trail is read in: the actor's index gains the consortium (it was the actor's rows
    of every consortium), the record's gains the order (it was a sort of the record's rows)."""
    op.create_index('ix_dead_letter_newest', 'dead_letter', ['created_at', 'id'], unique=False)
    op.create_index('ix_audit_entry_consortium_entity_at', 'audit_entry', ['consortium_id', 'entity', 'at', 'id'],
                    unique=False)
    op.create_index('ix_audit_entry_consortium_actor_at', 'audit_entry', ['consortium_id', 'actor', 'at', 'id'],
                    unique=False)
    op.drop_index('ix_audit_entry_actor_at', table_name='audit_entry')
    op.create_index('ix_audit_entry_subject_at', 'audit_entry', ['entity_id', 'at', 'id'], unique=False)
    op.drop_index('ix_audit_entry_entity_id', table_name='audit_entry')


def downgrade_kit_v4() -> None:
    op.create_index('ix_audit_entry_entity_id', 'audit_entry', ['entity_id'], unique=False)
    op.drop_index('ix_audit_entry_subject_at', table_name='audit_entry')
    op.create_index('ix_audit_entry_actor_at', 'audit_entry', ['actor', 'at', 'id'], unique=False)
    op.drop_index('ix_audit_entry_consortium_actor_at', table_name='audit_entry')
    op.drop_index('ix_audit_entry_consortium_entity_at', table_name='audit_entry')
    op.drop_index('ix_dead_letter_newest', table_name='dead_letter')
