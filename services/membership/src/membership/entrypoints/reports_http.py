"""The catalogue, capability search (M2) and membership reports (M2, M3)."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from hubkit.auth import STAFF, allow
from hubkit.paging import paged
from hubkit.events.membership import LEGAL_FORMS
from hubkit.web import request_uow

from ..domain import catalogue
from ..domain.documents import DOCUMENT_KIND_LABELS
from ..service_layer import reports
from .http import BY_NAME
from .schemas import OrganisationOut

blp = Blueprint("reports", __name__, description="Catalogue, capability search and membership reports")
LEGAL_FORM_LABELS = {
    "charity": "Charity", "cio": "Charitable incorporated organisation", "charitable_company": "Charitable company",
    "cic": "Community interest company", "community_benefit_society": "Community benefit society",
    "unincorporated_association": "Unincorporated association", "other": "Other",
}
assert set(LEGAL_FORM_LABELS) == set(LEGAL_FORMS)


class Choice(Schema):
    key = fields.String()
    label = fields.String()


def _choices(description: str) -> fields.List:
    return fields.List(fields.Nested(Choice), metadata={"description": description})


class CatalogueOut(Schema):
    """Each list in the order to show it, as [{key, label}] (JSON objects would lose the order)."""

    legal_forms = _choices("As the issue lists them, 'other' last")
    service_categories = _choices("By label")
    client_groups = _choices("By label")
    diversity_characteristics = _choices("By label (M3)")
    income_bands = _choices("Smallest first")
    contact_roles = _choices("Main, finance, safeguarding")
    document_kinds = _choices("The due-diligence checklist's order, then quality marks and other documents")


def ordered(labels: dict[str, str], by_label: bool = False) -> list[dict]:
    """[{key, label}] in the dict's own order, or by label; 'other' always last."""
    items = sorted(labels.items(), key=lambda kv: kv[1].casefold()) if by_label else list(labels.items())
    return [{"key": k, "label": v} for k, v in items if k != "other"] + \
        [{"key": k, "label": v} for k, v in items if k == "other"]


class CapabilityQuery(Schema):
    service_category = fields.String(required=True, validate=validate.OneOf(sorted(catalogue.SERVICE_CATEGORIES)))
    area = fields.String(required=True, validate=validate.Length(min=1, max=100))


class GapsQuery(Schema):
    threshold = fields.Integer(load_default=2, validate=validate.Range(min=1, max=100))


class GapRow(Schema):
    key = fields.String()
    label = fields.String()
    members = fields.Integer()


class AreaRow(Schema):
    area = fields.String()
    members = fields.Integer()


class GapsOut(Schema):
    threshold = fields.Integer()
    categories = fields.List(fields.Nested(GapRow))
    areas = fields.List(fields.Nested(AreaRow))
    gap_categories = fields.List(fields.String())
    gap_areas = fields.List(fields.String())


class CharacteristicRow(Schema):
    key = fields.String()
    label = fields.String()
    count = fields.Integer()
    share_percent = fields.Float()


class DiversityAreaRow(Schema):
    area = fields.String()
    total = fields.Integer()
    characteristics = fields.Dict(keys=fields.String(), values=fields.Integer())


class DiversityYearRow(Schema):
    year = fields.Integer()
    active_members = fields.Integer()
    characteristics = fields.Dict(keys=fields.String(), values=fields.Integer())


class DiversityOut(Schema):
    active_members = fields.Integer()
    characteristics = fields.List(fields.Nested(CharacteristicRow))
    by_area = fields.List(fields.Nested(DiversityAreaRow))
    over_time = fields.List(fields.Nested(DiversityYearRow))


@blp.route("/catalogue")
class Catalogue(MethodView):
    @allow(*STAFF, "member_user")
    @blp.response(200, CatalogueOut)
    def get(self):
        """The maintained lists a profile and its documents draw on, each in the order to show it."""
        return {"legal_forms": ordered({key: LEGAL_FORM_LABELS[key] for key in LEGAL_FORMS}),
                "service_categories": ordered(catalogue.SERVICE_CATEGORIES, by_label=True),
                "client_groups": ordered(catalogue.CLIENT_GROUPS, by_label=True),
                "diversity_characteristics": ordered(catalogue.DIVERSITY_CHARACTERISTICS, by_label=True),
                "income_bands": ordered(catalogue.INCOME_BANDS), "contact_roles": ordered(catalogue.CONTACT_ROLES),
                "document_kinds": ordered(DOCUMENT_KIND_LABELS)}


@blp.route("/capability/search")
class CapabilitySearch(MethodView):
    @allow(*STAFF)
    @blp.arguments(CapabilityQuery, location="query")
    @paged(blp, OrganisationOut)
    def get(self, query, page):
        """M2: which active, eligible members can deliver this service category in this area, by name."""
        with request_uow() as uow:
            return page.select(uow.session, reports.capable_members(uow.session, query["service_category"],
                                                                    query["area"]), BY_NAME)


@blp.route("/reports/gaps")
class Gaps(MethodView):
    @allow(*STAFF)
    @blp.arguments(GapsQuery, location="query")
    @blp.response(200, GapsOut)
    def get(self, query):
        """M2: service categories and areas with fewer active members than the threshold."""
        with request_uow() as uow:
            return reports.gap_report(uow.session, query["threshold"])


@blp.route("/reports/diversity")
class Diversity(MethodView):
    @allow(*STAFF)
    @blp.response(200, DiversityOut)
    def get(self):
        """M3: the active membership by declared characteristic, by area, and over the last five years."""
        with request_uow() as uow:
            return reports.diversity_report(uow.session)
