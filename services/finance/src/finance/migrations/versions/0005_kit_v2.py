"""The kit's tables, second version: dead letters of any bytes, consumer worker state, idempotent requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 03:20:00.000000

"""
from typing import Sequence, Union

from hubkit.kit_migrations import downgrade_kit_v2, upgrade_kit_v2

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    upgrade_kit_v2()


def downgrade() -> None:
    downgrade_kit_v2()
