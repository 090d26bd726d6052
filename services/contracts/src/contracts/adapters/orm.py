"""Contracts's tables."""
from hubkit.db import declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy

Base = declarative_base_for("contracts")


class MemberOrganisation(MemberOrganisationCopy, Base):
    """Read copy of membership's organisations, kept by events."""

    __tablename__ = "member_organisation"
