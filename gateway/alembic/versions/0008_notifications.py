"""Notifications (issue 13, item 3): each person's notifications (once per source and recipient), their email
choices per kind, and the hubkit event consumer's tables for the gateway's notifications worker.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

from hubkit.db import kit_tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}
CONSUMER_TABLES = ("outbox_message", "inbox_event", "consumer_position", "dead_letter", "relay_state", "consumer_worker")


def _consumer_tables():
    metadata = sa.MetaData(naming_convention=NAMING)
    kit_tables(metadata)
    return [metadata.tables[name] for name in CONSUMER_TABLES]


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("consortium_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_due", sa.String(10), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["user_account.id"],
                                name="fk_notification_recipient_id_user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_notification"),
        sa.UniqueConstraint("source_key", "recipient_id", name="uq_notification_source_key_recipient"),
    )
    op.create_index("ix_notification_recipient_created", "notification", ["recipient_id", "created_at"])
    op.create_index("ix_notification_email_due", "notification", ["email_due"])
    op.create_table(
        "notification_choice",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("choice", sa.String(10), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name="fk_notification_choice_user_id_user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind", name="pk_notification_choice"),
    )
    bind = op.get_bind()
    for table in _consumer_tables():
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_consumer_tables()):
        table.drop(bind)
    op.drop_table("notification_choice")
    op.drop_index("ix_notification_email_due", table_name="notification")
    op.drop_index("ix_notification_recipient_created", table_name="notification")
    op.drop_table("notification")
