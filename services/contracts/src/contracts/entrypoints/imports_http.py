"""Bringing a contract's history in from a file, over HTTP: its subcontracts' targets and past returns (issue 12,
item 6; P1). The consortium manager's, as setting targets and reviewing returns are."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hubkit.auth import allow
from hubkit.tables import ColumnsOut, ImportFile, ImportForm, ProblemOut
from hubkit.web import accepts_upload, get_or_404, request_uow, uploaded_table

from ..adapters.contract_tables import Contract
from ..domain import imports as rules
from ..service_layer import imports as imports

MANAGES = ("consortium_manager",)

blp = Blueprint("contract_imports", __name__,
                description="A contract's history brought in from a CSV or XLSX file: its subcontracts' targets and "
                            "past returns. A dry run lists every row's problems and writes nothing; the import "
                            "writes every row in one transaction, or none")


class RowProblemOut(ProblemOut):
    """A row's problem (named apart from allocation's ProblemOut in the OpenAPI document)."""


class FigureRowOut(Schema):
    row = fields.Integer()
    subcontract = fields.String(metadata={"description": "As the file names it"})
    subcontract_id = fields.UUID(allow_none=True)
    indicator = fields.String()
    period = fields.String()
    period_label = fields.String(allow_none=True)
    figure = fields.String(allow_none=True, metadata={"description": "The target or actual, as read"})
    submitted_on = fields.Date(allow_none=True, metadata={"description": "Returns: the day it was submitted"})
    accepted_on = fields.Date(allow_none=True, metadata={"description": "Returns: the day it was accepted, if it was"})


class ContractImportOut(Schema):
    filename = fields.String()
    sha256 = fields.String()
    dry_run = fields.Boolean()
    rows = fields.Integer()
    problems = fields.List(fields.Nested(RowProblemOut), metadata={"description": "Every problem of every row"})
    lines = fields.List(fields.Nested(FigureRowOut), metadata={"description": "What each row says"})
    made = fields.List(fields.UUID(), metadata={
        "description": "Once imported: the subcontracts whose targets changed, or the returns made"})


def _answer(checked: imports.ContractFile, dry_run: bool, made: list | None = None) -> dict:
    return {"filename": checked.filename, "sha256": checked.sha256, "dry_run": dry_run, "rows": len(checked.rows),
            "problems": checked.problems, "made": made or [],
            "lines": [{"row": r.row, "subcontract": r.values.get("subcontract", ""),
                       "subcontract_id": r.subcontract.id if r.subcontract else None,
                       "indicator": r.values.get("indicator", ""), "period": r.values.get("period", ""),
                       "period_label": r.period.label if r.period else None,
                       "figure": str(r.figure) if r.figure is not None else None,
                       "submitted_on": r.days.get("submitted_on"), "accepted_on": r.days.get("accepted_on")}
                      for r in checked.rows]}


def _post(form, files, contract_id, kind: str):
    with request_uow() as uow:
        contract = get_or_404(uow.session, Contract, contract_id, "contract")
        table = uploaded_table(files, f"{kind}.csv")
        check = imports.check_targets if kind == "targets" else imports.check_returns
        checked = check(uow.session, contract, table.filename, table.sha256, table.rows)
        if form["dry_run"]:
            return _answer(checked, True)
        write = imports.import_targets if kind == "targets" else imports.import_returns
        made = write(uow, contract, checked)
        return _answer(checked, False, made), 201


@blp.route("/imports/targets/columns")
class TargetColumns(MethodView):
    @allow(*MANAGES)
    @blp.response(200, ColumnsOut)
    def get(self):
        """The columns of a targets file (a blank template's headings)."""
        return {"columns": rules.TARGET_COLUMNS, "required": rules.TARGET_REQUIRED}


@blp.route("/imports/returns/columns")
class ReturnColumns(MethodView):
    @allow(*MANAGES)
    @blp.response(200, ColumnsOut)
    def get(self):
        """The columns of a past returns file (a blank template's headings)."""
        return {"columns": rules.RETURN_COLUMNS, "required": rules.RETURN_REQUIRED}


@blp.route("/contracts/<contract_id>/imports/targets")
class TargetsImport(MethodView):
    @allow(*MANAGES)
    @accepts_upload
    @blp.arguments(ImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ContractImportOut)
    @blp.alt_response(201, schema=ContractImportOut, description="Imported: every row, in one transaction")
    @blp.alt_response(422, description="The file cannot be read, or (not a dry run) it has problems: nothing "
                                       "was written")
    def post(self, form, files, contract_id):
        """The contract's subcontracts' targets (their shares, P1) from a CSV or XLSX file, one figure a row:
        subcontract (the organisation's name, or the subcontract's id), indicator (its code), period (its number),
        target. A target given replaces the one there; others are kept; each subcontract changed gets a variation
        naming the file. Problems: an unknown subcontract, indicator or period, a period outside the subcontract's
        dates, a figure that is not a number from 0, a figure given twice."""
        return _post(form, files, contract_id, "targets")


@blp.route("/contracts/<contract_id>/imports/returns")
class ReturnsImport(MethodView):
    @allow(*MANAGES)
    @accepts_upload
    @blp.arguments(ImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ContractImportOut)
    @blp.alt_response(201, schema=ContractImportOut, description="Imported: every return, in one transaction")
    @blp.alt_response(422, description="The file cannot be read, or (not a dry run) it has problems: nothing "
                                       "was written")
    def post(self, form, files, contract_id):
        """Past returns (P1) from a CSV or XLSX file, one actual a row: subcontract, period, indicator, actual,
        submitted_on (the day it really was), accepted_on (if the hub accepted it), narrative, review_comment; a
        return's rows agree on the days and words, and give every indicator. Imported returns are history: marked
        as imported, counted in the RAG dashboard, trends and the commissioner's report, and publishing no event
        (no payment by results is released, nobody is notified). A period that has not ended cannot be imported,
        nor one the subcontract already has a return for. Dates as 31/03/2026 or 2026-03-31."""
        return _post(form, files, contract_id, "returns")


# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = [blp]
