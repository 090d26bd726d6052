"""Indexes for the lists' filters and orders (paged by hubkit.paging)

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10 09:00:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_member_organisation_by_name", "member_organisation", ["consortium_id", "name", "id"]),
    ("ix_staff_member_by_name", "staff_member", ["consortium_id", "name", "id"]),
    ("ix_staff_rate_history", "staff_rate", ["staff_id", "effective_from", "created_at", "id"]),
    ("ix_cost_code_by_kind", "cost_code", ["consortium_id", "kind", "code", "id"]),
    ("ix_recharge_invoice_newest", "recharge_invoice", ["consortium_id", "month", "created_at", "id"]),
    ("ix_subsidy_write_off_newest", "subsidy_write_off", ["consortium_id", "written_off_at", "id"]),
    ("ix_ledger_posting_by_day", "ledger_posting", ["consortium_id", "posted_on", "category", "id"]),
    ("ix_contract_income_by_start", "contract_income", ["consortium_id", "starts_on", "title", "id"]),
    ("ix_subcontract_copy_by_organisation", "subcontract_copy",
     ["consortium_id", "organisation_name", "starts_on", "id"]),
    ("ix_payment_instalment_due", "payment_instalment", ["consortium_id", "status", "due_on", "id"]),
    ("ix_payee_by_name", "payee", ["consortium_id", "name", "id"]),
    ("ix_budget_variation_newest", "budget_variation", ["consortium_id", "status", "requested_at", "id"]),
    ("ix_attendance_claim_newest", "attendance_claim", ["consortium_id", "status", "meeting_on", "person_name", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
