"""Membership's HTTP resources."""
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from hubkit.auth import STAFF, allow
from hubkit.web import get_or_404, request_uow

from ..adapters.orm import Organisation
from ..service_layer import organisations as use_cases
from .schemas import ApplicationIn, OrganisationIn, OrganisationOut

blp = Blueprint("organisations", __name__, url_prefix="/organisations", description="Member organisations")


@blp.route("")
class Organisations(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, OrganisationOut(many=True))
    def get(self):
        """Organisations of the consortium (a member organisation's staff see only their own)."""
        with request_uow() as uow:
            return uow.session.execute(select(Organisation).order_by(Organisation.name)).scalars().all()

    @allow("consortium_manager")
    @blp.arguments(OrganisationIn)
    @blp.response(201, OrganisationOut)
    def post(self, details):
        """Register an organisation as an applicant."""
        with request_uow() as uow:
            return use_cases.register_organisation(uow, details)


@blp.route("/<organisation_id>")
class OrganisationById(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, OrganisationOut)
    def get(self, organisation_id):
        """One organisation."""
        with request_uow() as uow:
            return get_or_404(uow.session, Organisation, organisation_id, "organisation")


@blp.route("/<organisation_id>/application")
class Application(MethodView):
    @allow("consortium_manager")
    @blp.arguments(ApplicationIn)
    @blp.response(202, OrganisationOut)
    def post(self, _body, organisation_id):
        """Put the organisation's application to the board (M1); the decision comes back by event."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation")
            return use_cases.submit_application(uow, org)
