"""The RAG dashboard as a matrix, a page of subcontracts at a time (P1, issue 16): its query and its body.

The body lists the contract's indicators and periods once; each subcontract then carries matrices of RAG codes
(`green`, `amber`, `red`, null: not rated), shares of the target, actuals and percentages of profile, one row per
indicator and one column per period in those lists' order, where `GET /contracts/{id}/dashboard` repeats the
indicator's id and code in each of its cells (a big contract: 633 KB of JSON for 2,880 cells). Its figures are
the same scorecards'."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from hubkit.paging import NEXT_HEADER, PREV_HEADER, CursorField

from ..service_layer.dashboard import NOT_RATED, OVERALL_FILTERS
from .delivery_schemas import ContractOut, IndicatorOut, PeriodOut

DEFAULT_SUBCONTRACTS = 20
MAX_SUBCONTRACTS = 100


class DashboardQuery(Schema):
    limit = fields.Integer(load_default=DEFAULT_SUBCONTRACTS, validate=validate.Range(
        min=1, max=MAX_SUBCONTRACTS,
        error=f"Between 1 and {MAX_SUBCONTRACTS} subcontracts a page; follow the next cursor for more."),
        metadata={"description": f"Subcontracts a page (default {DEFAULT_SUBCONTRACTS}, at most "
                                 f"{MAX_SUBCONTRACTS})."})
    cursor = CursorField(load_default=None, metadata={
        "description": f"Where the page starts: the `{NEXT_HEADER}` (or `{PREV_HEADER}`) of the page before, as "
                       "given. Omit it for the first page."})
    overall = fields.String(load_default=None, validate=validate.OneOf(OVERALL_FILTERS), metadata={
        "description": f"Only the subcontracts of this overall RAG (`{NOT_RATED}`: none yet)."})


class MatrixPeriodOut(Schema):
    status = fields.String(metadata={"description": "The return's state (`submitted`, `queried`, `accepted`), "
                                                    "or `overdue` or `not_due` without one"})
    late = fields.Boolean()
    return_id = fields.UUID(allow_none=True)
    overall = fields.String(allow_none=True, metadata={"description": "The period's overall RAG: its worst "
                                                                      "indicator's"})


def _matrix(field, what: str):
    return fields.List(fields.List(field), metadata={
        "description": f"{what}: one row per indicator, one column per period (the body's `indicators` and "
                       "`periods`, in order)"})


class MatrixRowOut(Schema):
    id = fields.UUID(metadata={"description": "The subcontract's id"})
    organisation_id = fields.UUID()
    organisation_name = fields.String()
    overall = fields.String(allow_none=True, metadata={"description": "The subcontract's overall RAG: that of "
                                                                      "its latest accepted period"})
    by_period = fields.List(fields.Nested(MatrixPeriodOut), metadata={
        "description": "One per period, in the order of the body's `periods`"})
    rag = _matrix(fields.String(allow_none=True), "Each cell's RAG (null: not rated)")
    target = _matrix(fields.Float(allow_none=True), "The subcontract's share of the target")
    actual = _matrix(fields.Float(allow_none=True), "The accepted or submitted actual (null: no return)")
    percent = _matrix(fields.Float(allow_none=True), "The actual as a percentage of profile, to one place")
    trends = fields.List(fields.String(), metadata={"description": "Each indicator's trend, in the order of the "
                                                                   "body's `indicators`"})


def _number(value) -> float | None:
    return None if value is None else float(value)


class MatrixRows(fields.List):
    """The subcontracts' rows: the JSON of `fields.List(fields.Nested(MatrixRowOut))` (and documented as that),
    made by hand as ScorePeriods is, for speed. tests/test_dashboard_matrix.py checks it gives the plain dump."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(MatrixRowOut), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return [{"id": str(row["id"]), "organisation_id": str(row["organisation_id"]),
                 "organisation_name": row["organisation_name"], "overall": row["overall"],
                 "by_period": [{"status": b["status"], "late": bool(b["late"]),
                                "return_id": None if b["return_id"] is None else str(b["return_id"]),
                                "overall": b["overall"]} for b in row["by_period"]],
                 "rag": [list(line) for line in row["rag"]],
                 "target": [[_number(v) for v in line] for line in row["target"]],
                 "actual": [[_number(v) for v in line] for line in row["actual"]],
                 "percent": [[_number(v) for v in line] for line in row["percent"]],
                 "trends": list(row["trends"])} for row in value]


class CountsOut(Schema):
    all = fields.Integer()
    green = fields.Integer()
    amber = fields.Integer()
    red = fields.Integer()
    not_rated = fields.Integer()


class DashboardMatrixOut(Schema):
    contract = fields.Nested(ContractOut)
    thresholds = fields.Dict(metadata={"description": "green_percent and amber_percent of profile"})
    indicators = fields.List(fields.Nested(IndicatorOut), metadata={"description": "The matrices' rows"})
    periods = fields.List(fields.Nested(PeriodOut), metadata={"description": "The matrices' columns"})
    counts = fields.Nested(CountsOut, metadata={
        "description": "The contract's delivery subcontracts by overall RAG, whatever the filter and page"})
    overall_filter = fields.String(allow_none=True, metadata={"description": "The `overall` asked for, if any"})
    subcontracts = MatrixRows(metadata={"description": "This page's delivery subcontracts, by name"})
