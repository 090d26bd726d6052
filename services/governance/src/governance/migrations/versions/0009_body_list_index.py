"""An index for the bodies list (issue 16 item 3, found by bench/list_indexes.py's EXPLAINs): `GET /bodies`, the
consortium's bodies in the order they were made (created_at, id), was a sort of them all (adapters/orm.py)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 16:35:00.000000

"""
from typing import Sequence, Union

from hubkit.migrations import create_indexes, drop_indexes

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = (
    ("ix_body_by_creation", "body", ["consortium_id", "created_at", "id"]),
)


def upgrade() -> None:
    create_indexes(INDEXES)


def downgrade() -> None:
    drop_indexes(INDEXES)
