"""Finance's tables: the read copy of member organisations here; each area's tables in its own module,
imported at the bottom so that `Base.metadata` always holds every table."""
from sqlalchemy import Index

from hubkit.db import declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy

Base = declarative_base_for("finance")


class MemberOrganisation(MemberOrganisationCopy, Base):
    """Read copy of membership's organisations, kept by events."""

    __tablename__ = "member_organisation"
    __table_args__ = (Index("ix_member_organisation_by_name", "consortium_id", "name", "id"),)


from . import time_tables, money_tables  # noqa: E402,F401
