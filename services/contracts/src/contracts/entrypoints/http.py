"""Contracts's HTTP resources."""
from hubkit.read_copies import organisation_copy_blueprint

from ..adapters.orm import MemberOrganisation

members_blp = organisation_copy_blueprint(MemberOrganisation, url_prefix="/members", who="contracts")
