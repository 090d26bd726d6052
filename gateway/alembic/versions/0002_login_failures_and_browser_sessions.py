"""Failed sign-ins (for login throttling) and server-side browser sessions (so they can be revoked).

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failure"),
    )
    op.create_index("ix_login_failure_username_failed_at", "login_failure", ["username", "failed_at"])
    op.create_index("ix_login_failure_failed_at", "login_failure", ["failed_at"])
    op.create_table(
        "browser_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_browser_session_user_id_user_account",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_browser_session"),
        sa.CheckConstraint("(revoked_at IS NULL AND revoked_reason IS NULL) OR (revoked_at IS NOT NULL AND "
                           "revoked_reason IN ('logged_out', 'password_changed', 'deactivated'))",
                           name="revoked_with_reason"),  # the naming convention adds ck_browser_session_
    )
    op.create_index("ix_browser_session_user_id", "browser_session", ["user_id"])
    op.create_index("ix_browser_session_expires_at", "browser_session", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_browser_session_expires_at", table_name="browser_session")
    op.drop_index("ix_browser_session_user_id", table_name="browser_session")
    op.drop_table("browser_session")
    op.drop_index("ix_login_failure_failed_at", table_name="login_failure")
    op.drop_index("ix_login_failure_username_failed_at", table_name="login_failure")
    op.drop_table("login_failure")
