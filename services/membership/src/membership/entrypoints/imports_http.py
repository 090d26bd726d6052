"""Bringing existing records in from a file, over HTTP: members (issue 12, item 6)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from hubkit.auth import allow
from hubkit.tables import ColumnsOut, ImportFile, ImportForm, ProblemOut, schema_check
from hubkit.web import accepts_upload, request_uow, uploaded_table

from ..domain import imports as rules
from ..service_layer import imports
from ..service_layer.due_diligence import checklist
from .schemas import OrganisationIn

blp = Blueprint("imports", __name__, url_prefix="/imports",
                description="Existing records brought in from a CSV or XLSX file: a dry run lists every row's "
                            "problems and writes nothing; the import writes every row in one transaction, or none")


class EvidenceSeen(Schema):
    kind = fields.String()
    provided_on = fields.Date()
    expires_on = fields.Date(allow_none=True)
    cover_pence = fields.Integer(allow_none=True)
    verified_by = fields.String(allow_none=True)
    verified_on = fields.Date(allow_none=True)


class MemberRowOut(Schema):
    row = fields.Integer()
    name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    member_since = fields.Date(allow_none=True)
    evidence = fields.List(fields.Nested(EvidenceSeen))
    organisation_id = fields.UUID(allow_none=True, metadata={"description": "Once imported"})


class MembersImportOut(Schema):
    filename = fields.String()
    sha256 = fields.String()
    dry_run = fields.Boolean()
    rows = fields.Integer()
    problems = fields.List(fields.Nested(ProblemOut), metadata={"description": "Every problem of every row"})
    members = fields.List(fields.Nested(MemberRowOut))


def _answer(checked: imports.MembersFile, dry_run: bool, created: dict | None = None) -> dict:
    created = created or {}
    return {"filename": checked.filename, "sha256": checked.sha256, "dry_run": dry_run,
            "rows": len(checked.members), "problems": checked.problems,
            "members": [{"row": m.row, "name": m.profile.get("name"), "status": m.status,
                         "member_since": m.member_since, "organisation_id": created.get(m.row),
                         "evidence": [{"kind": kind} | e for kind, e in m.evidence.items()]}
                        for m in checked.members]}


@blp.route("/members/columns")
class MembersColumns(MethodView):
    @allow("consortium_manager")
    @blp.response(200, ColumnsOut)
    def get(self):
        """The columns of a members file for this consortium's checklist (a blank template's headings)."""
        with request_uow() as uow:
            return {"columns": rules.columns(checklist(uow.session)), "required": rules.REQUIRED_COLUMNS}


@blp.route("/members")
class MembersImport(MethodView):
    @allow("consortium_manager")
    @accepts_upload
    @blp.arguments(ImportForm, location="form")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, MembersImportOut)
    @blp.alt_response(201, schema=MembersImportOut, description="Imported: every row, in one transaction")
    @blp.alt_response(422, description="The file cannot be read, or (not a dry run) it has problems: nothing "
                                       "was written")
    def post(self, form, files):
        """Members (and their due-diligence evidence and its dates, M1) from a CSV or XLSX file, one organisation a
        row: name, legal_form, status (active or applicant), member_since for an active member, the profile's
        other columns (lists separated by ;), and for each checklist item <kind>_provided_on, <kind>_expires_on,
        <kind>_cover, <kind>_verified_by, <kind>_verified_on. Dates as 31/03/2026 or 2026-03-31."""
        table = uploaded_table(files, "members.csv")
        with request_uow() as uow:
            checked = imports.check_members(uow.session, table.filename, table.sha256, table.rows,
                                            schema_check(OrganisationIn()))
            if form["dry_run"]:
                return _answer(checked, True)
            created = imports.import_members(uow, checked)
            return _answer(checked, False, {member.row: org.id for member, org in created}), 201
