"""The hub model (H1), who delivers each hub function (H2) and an outsourced hub's standards (H3)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from hubkit.auth import STAFF, allow
from hubkit.web import request_uow

from ..domain.hub import FUNCTIONS
from ..service_layer import hub as use_cases
from . import schemas as s

blp = Blueprint("hub", __name__, url_prefix="/hub", description="The hub model and who delivers each function")
RUNNERS = ("board_member", "consortium_manager")


@blp.route("")
class Hub(MethodView):
    @allow(*STAFF)
    @blp.response(200, s.HubOut)
    def get(self):
        """The hub's model with its history, the ten functions and who delivers each, service standards."""
        with request_uow() as uow:
            return use_cases.hub_view(uow.session)


@blp.route("/model")
class HubModel(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.HubModelIn)
    @blp.response(201, s.HubModelChangeOut)
    def post(self, change):
        """Record a change of hub model, tied to the board decision that made it (H1)."""
        with request_uow() as uow:
            return use_cases.change_model(uow, **change)


@blp.route("/functions/<function>")
class HubFunction(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.AssignmentIn)
    @blp.response(200, s.AssignmentOut)
    def put(self, assignment, function):
        """Say who delivers a hub function from a date (H2)."""
        if function not in FUNCTIONS:
            abort(404, message=f"No such hub function; one of {', '.join(FUNCTIONS)}.")
        with request_uow() as uow:
            return use_cases.assign_function(uow, function, **assignment)


@blp.route("/service-standards")
class Standards(MethodView):
    @allow(*RUNNERS)
    @blp.arguments(s.StandardIn)
    @blp.response(201, s.StandardOut)
    def post(self, standard):
        """Agree a service standard for an outsourced hub (H3)."""
        with request_uow() as uow:
            return use_cases.agree_standard(uow, **standard)
