"""The kit's dead letters newest first on an index (issue 16 item 3; hubkit.db's ix_dead_letter_newest, the kit's
fourth version in the services): the gateway's own dead letters, as System health lists them (admin/checks.py).
0008 made the consumer's tables from hubkit's definitions as they were then, so a database made since already has
the index: it is made only where it is missing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_dead_letter_newest"


def upgrade() -> None:
    if INDEX not in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("dead_letter")}:
        op.create_index(INDEX, "dead_letter", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="dead_letter")
