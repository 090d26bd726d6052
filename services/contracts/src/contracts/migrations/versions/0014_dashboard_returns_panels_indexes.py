"""Indexes for three contracts lists (issue 16 item 3, found by bench/list_indexes.py's EXPLAINs): a contract's
dashboard and its matrix (`GET /contracts/{id}/dashboard`, `/dashboard/matrix`: its delivery subcontracts by
organisation name, the order from the index after the contract and purpose, was a sort of them all), every return
by when submitted (`GET /returns` without a status, either way: was a scan and a sort of the consortium's returns;
a status's returns have 0008's ix_performance_return_review) and the caller's own panels (`GET
/allocation/panels`: the consortium's and the user's seats) (adapters/contract_tables.py, allocation_tables.py)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 16:35:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_subcontract_by_name", "subcontract", ["consortium_id", "contract_id", "purpose", "organisation_name", "id"]),
    ("ix_performance_return_submitted", "performance_return", ["consortium_id", "submitted_at", "id"]),
    ("ix_allocation_panel_member_by_user", "allocation_panel_member", ["consortium_id", "user_id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
