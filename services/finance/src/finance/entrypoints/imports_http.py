"""Bringing existing records in from a file, over HTTP: staff and their rates (issue 12, item 6)."""
from __future__ import annotations

import json

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from hubkit.auth import allow
from hubkit.tables import ColumnsOut, ImportFile, ImportForm, ProblemOut, schema_check
from hubkit.web import accepts_upload, request_uow, uploaded_table

from ..domain import staff_imports as rules
from ..service_layer import staff_imports as imports
from .time_schemas import RateIn, StaffIn

blp = Blueprint("imports", __name__, url_prefix="/imports",
                description="Existing records brought in from a CSV or XLSX file: a dry run lists every row's "
                            "problems and writes nothing; the import writes every row in one transaction, or none")


class Logins(fields.Dict):
    """A JSON object in a form field (multipart forms carry text): {username or email: login id}."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(), values=fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = json.loads(value or "{}")
            except ValueError:
                raise ValidationError("Give the logins as a JSON object.") from None
        return super()._deserialize(value, attr, data, **kwargs)


class StaffImportForm(ImportForm):
    logins = Logins(load_default=dict, metadata={
        "description": "The consortium's logins, {username or email: login id} (the gateway sends them), so a "
                       "row's login column can name a person's login as people know it"})


class StaffRowOut(Schema):
    row = fields.Integer()
    name = fields.String()
    employer_kind = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    login = fields.String(allow_none=True)
    effective_from = fields.String(allow_none=True)
    staff_id = fields.UUID(allow_none=True, metadata={"description": "Once imported"})


class StaffImportOut(Schema):
    filename = fields.String()
    sha256 = fields.String()
    dry_run = fields.Boolean()
    rows = fields.Integer()
    problems = fields.List(fields.Nested(ProblemOut), metadata={"description": "Every problem of every row"})
    staff = fields.List(fields.Nested(StaffRowOut))


def _answer(checked: imports.StaffFile, dry_run: bool, made: dict | None = None) -> dict:
    made = made or {}
    return {"filename": checked.filename, "sha256": checked.sha256, "dry_run": dry_run, "rows": len(checked.rows),
            "problems": checked.problems,
            "staff": [{"row": r.row, "name": r.name, "employer_kind": r.person["employer_kind"] or None,
                       "employer": r.person["employer"] or None, "login": r.person["login"] or None,
                       "effective_from": r.rate.get("effective_from"),
                       "staff_id": made[r.name.casefold()].id if r.name.casefold() in made else None}
                      for r in checked.rows]}


@blp.route("/staff/columns")
class StaffColumns(MethodView):
    @allow("finance_officer")
    @blp.response(200, ColumnsOut)
    def get(self):
        """The columns of a staff file (a blank template's headings; a file made by a script may give the login's
        id in a user_id column instead of login)."""
        return {"columns": rules.COLUMNS, "required": rules.REQUIRED}


@blp.route("/staff")
class StaffImport(MethodView):
    @allow("finance_officer")
    @accepts_upload
    @blp.arguments(StaffImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, StaffImportOut)
    @blp.alt_response(201, schema=StaffImportOut, description="Imported: every row, in one transaction")
    @blp.alt_response(422, description="The file cannot be read, or (not a dry run) it has problems: nothing "
                                       "was written")
    def post(self, form, files):
        """Staff who log time and their full-cost rates (F3) from a CSV or XLSX file, one rate a row: name,
        employer_kind (consortium, host or member), employer (the organisation's name), line_manager (a name),
        login (their hub username or email, found among `logins`; or, from scripts, user_id: the login's id),
        effective_from, salary, on_costs_percent or on_costs, overhead_percent, productive_hours. A person's
        several rows are their rate history. Dates as 31/03/2026 or 2026-03-31; amounts in pounds."""
        table = uploaded_table(files, "staff.csv")
        with request_uow() as uow:
            checked = imports.check_staff(uow.session, table.filename, table.sha256, table.rows,
                                          schema_check(StaffIn()), schema_check(RateIn()), form["logins"])
            if form["dry_run"]:
                return _answer(checked, True)
            made = imports.import_staff(uow, checked)
            return _answer(checked, False, made), 201
