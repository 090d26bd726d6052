"""The kit's tables, third version: the audit trail read by people (hubkit.audit_trail): refusals counted per
actor, kind of record and hour, and indexes for the trail's filters

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 06:30:00.000000

"""
from typing import Sequence, Union

from hubkit.kit_migrations import downgrade_kit_v3, upgrade_kit_v3

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    upgrade_kit_v3()


def downgrade() -> None:
    downgrade_kit_v3()
