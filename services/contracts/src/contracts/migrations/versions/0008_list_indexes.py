"""Indexes for the lists' filters and orders (paged by hubkit.paging)

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-10 09:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_member_organisation_by_name", "member_organisation", ["consortium_id", "name", "id"]),
    ("ix_opportunity_pipeline", "opportunity", ["consortium_id", "stage", "submission_deadline", "created_at", "id"]),
    ("ix_member_capability_latest", "member_capability", ["consortium_id", "updated_at", "id"]),
    ("ix_allocation_round_newest", "allocation_round", ["consortium_id", "status", "created_at", "id"]),
    ("ix_allocation_invitation_newest", "allocation_invitation", ["organisation_id", "invited_at", "id"]),
    ("ix_contract_latest_start", "contract", ["consortium_id", "starts_on", "title", "id"]),
    ("ix_subcontract_latest_issued", "subcontract", ["consortium_id", "issued_at", "id"]),
    ("ix_performance_return_review", "performance_return", ["consortium_id", "status", "submitted_at", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
