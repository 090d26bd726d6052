"""Indexes for the lists' filters and orders (paged by hubkit.paging)

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-10 09:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_organisation_directory", "organisation", ["consortium_id", "status", "name", "id"]),
    ("ix_membership_change_history", "membership_change", ["organisation_id", "recorded_at", "id"]),
    ("ix_due_diligence_evidence_expiring", "due_diligence_evidence", ["consortium_id", "expires_on"]),
    ("ix_compliance_document_newest", "compliance_document", ["organisation_id", "uploaded_at", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
