"""The gateway's audit trail read a consortium at a time, newest first (the audit trail page, /audit): an index on
consortium, time and id, so a page of 50,000 rows' trail (the bench's) is a short index scan

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_entry_consortium_at", "audit_entry", ["consortium_id", "at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_consortium_at", table_name="audit_entry")
