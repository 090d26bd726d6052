"""The personal calendar of what is due (issue 13, item 4): each user's secret calendar address, only the SHA-256 of
its token, one a user.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_calendar_feed_user_id_user_account",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name="pk_calendar_feed"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
