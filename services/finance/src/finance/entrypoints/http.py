"""Finance's HTTP resources."""
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from hubkit.auth import STAFF, allow
from hubkit.read_copies import MemberOrganisationCopySchema
from hubkit.web import get_or_404, request_uow

from ..adapters.orm import MemberOrganisation

blp = Blueprint("organisations", __name__, url_prefix="/organisations", description="Member organisations known to finance")


@blp.route("")
class MemberOrganisations(MethodView):
    @allow(*STAFF)
    @blp.response(200, MemberOrganisationCopySchema(many=True))
    def get(self):
        """Member organisations known to finance, from membership's events."""
        with request_uow() as uow:
            return uow.session.execute(select(MemberOrganisation).order_by(MemberOrganisation.name)).scalars().all()


@blp.route("/<organisation_id>")
class MemberOrganisationById(MethodView):
    @allow(*STAFF)
    @blp.response(200, MemberOrganisationCopySchema)
    def get(self, organisation_id):
        """One member organisation as finance knows it."""
        with request_uow() as uow:
            return get_or_404(uow.session, MemberOrganisation, organisation_id, "organisation")
