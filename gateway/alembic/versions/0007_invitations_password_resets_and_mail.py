"""Web administration and mail (issue 13): one-time links (invitations, password resets; only their secret's
SHA-256), "forgot your password" requests for its throttle, and the mail outbox kept when no SMTP server is set.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "one_time_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_one_time_link_user_id_user_account",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_one_time_link"),
        sa.UniqueConstraint("secret_hash", name="uq_one_time_link_secret_hash"),
    )
    op.create_index("ix_one_time_link_user_id", "one_time_link", ["user_id"])
    op.create_table(
        "password_reset_request",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_key", sa.String(64), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_password_reset_request"),
    )
    op.create_index("ix_password_reset_request_requested_at", "password_reset_request", ["requested_at"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", SEQ, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consortium_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
    )


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_index("ix_password_reset_request_requested_at", table_name="password_reset_request")
    op.drop_table("password_reset_request")
    op.drop_index("ix_one_time_link_user_id", table_name="one_time_link")
    op.drop_table("one_time_link")
