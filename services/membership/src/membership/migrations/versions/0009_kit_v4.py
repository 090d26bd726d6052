"""The kit's tables, fourth version: indexes for the kit's lists' filters and orders (issue 16 item 3): `GET
/admin/dead-letters` newest first, and `GET /audit` by kind of record, by actor and by record (hubkit.audit_trail),
each read in the trail's order (at, id) off an index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 16:30:00.000000

"""
from typing import Sequence, Union

from hubkit.kit_migrations import downgrade_kit_v4, upgrade_kit_v4

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    upgrade_kit_v4()


def downgrade() -> None:
    downgrade_kit_v4()
