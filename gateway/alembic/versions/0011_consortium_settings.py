"""The host admin's consortium settings (issue 13, item 1): what the page header shows a consortium's people, its
display name and logo text (None: its name, and the hub's own logo text). F1's threshold's owner is finance's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consortium") as batch:
        batch.add_column(sa.Column("display_name", sa.String(80), nullable=True))
        batch.add_column(sa.Column("logo_text", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consortium") as batch:
        batch.drop_column("logo_text")
        batch.drop_column("display_name")
