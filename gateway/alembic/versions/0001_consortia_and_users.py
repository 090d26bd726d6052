"""Consortia, users and their roles.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consortium",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_consortium"),
        sa.UniqueConstraint("slug", name="uq_consortium_slug"),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("consortium_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["consortium_id"], ["consortium.id"], name="fk_user_account_consortium_id_consortium"),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
    )
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_user_role_user_id_user_account",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_role"),
        sa.CheckConstraint("role IN ('host_admin', 'consortium_manager', 'finance_officer', 'board_member', "
                           "'member_user')", name="ck_user_role_known_role"),
    )


def downgrade() -> None:
    op.drop_table("user_role")
    op.drop_table("user_account")
    op.drop_table("consortium")
