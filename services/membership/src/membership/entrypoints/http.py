"""Membership's HTTP resources."""
import dataclasses
import uuid

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from hubkit.auth import STAFF, allow
from hubkit.paging import Order, asc, desc, paged
from hubkit.web import accepts_upload, get_or_404, request_uow, stored_file
from hubkit import clock

from ..adapters.orm import Organisation
from ..domain import due_diligence as checklist_rules
from ..domain.documents import UnacceptableFile
from ..service_layer import documents, due_diligence, eligibility, organisations as use_cases
from ..service_layer.directory import search_directory
from .schemas import (ChecklistSettingIn, ChecklistSettingOut, DirectoryQuery, DocumentFile, DocumentOut,
                      DocumentUploadForm, DueDiligenceOut, EmptyIn, EvidenceIn, ExpulsionRequestIn,
                      ExpiringOut, ExpiringQuery,
                      MembershipChangeIn, MembershipChangeOut, OrganisationIn, OrganisationOut, ProfileIn,
                      VerificationIn)

blp = Blueprint("organisations", __name__, url_prefix="/organisations", description="Member organisations")
checklist_blp = Blueprint("due-diligence", __name__, url_prefix="/due-diligence",
                          description="The consortium's due-diligence checklist (M1)")
ANYONE = (*STAFF, "member_user")
# Due-diligence documents (insurance certificates, accounts, policies) are read by those who check them, the
# consortium manager (M1), and by the organisation's own staff; the board sees the checklist's state, not the files.
READS_DOCUMENTS = ("consortium_manager", "member_user")
BY_NAME = Order(asc(Organisation.name), asc(Organisation.id))
# the directory's orders (hubkit.paging `sort`, issue 14 item 7): A to Z (the default) or Z to A, on
# ix_organisation_directory (consortium, status, name, id) read either way
DIRECTORY_ORDERS = {"name": BY_NAME, "name_desc": Order(desc(Organisation.name), desc(Organisation.id))}


def _kind_or_404(kind: str) -> str:
    if kind not in checklist_rules.KINDS:
        abort(404, message="No such due-diligence item.")
    return kind


@blp.route("")
class Organisations(MethodView):
    @allow(*ANYONE)
    @blp.arguments(DirectoryQuery, location="query")
    @paged(blp, OrganisationOut, sorts=DIRECTORY_ORDERS)
    def get(self, query, page):
        """The members directory, filtered, by name A to Z (`sort=name_desc`: Z to A); a member organisation's staff
        see only their own."""
        with request_uow() as uow:
            return page.select(uow.session, search_directory(uow.session, **query), page.order(DIRECTORY_ORDERS))

    @allow("consortium_manager")
    @blp.arguments(OrganisationIn)
    @blp.response(201, OrganisationOut)
    def post(self, details):
        """Register an organisation; its application starts as a draft."""
        with request_uow() as uow:
            return use_cases.register_organisation(uow, details)


@blp.route("/<organisation_id>")
class OrganisationById(MethodView):
    @allow(*ANYONE)
    @blp.response(200, OrganisationOut)
    def get(self, organisation_id):
        """One organisation's profile."""
        with request_uow() as uow:
            return get_or_404(uow.session, Organisation, organisation_id, "organisation")

    @allow("consortium_manager", "member_user")
    @blp.arguments(ProfileIn)
    @blp.response(200, OrganisationOut)
    def patch(self, changes, organisation_id):
        """Change the profile: managers for any organisation, member staff for their own."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            return use_cases.update_profile(uow, org, changes)


@blp.route("/<organisation_id>/history")
class History(MethodView):
    @allow(*ANYONE)
    @paged(blp, MembershipChangeOut)
    def get(self, organisation_id, page):
        """Every change of membership status, oldest first."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation")
            return page.select(uow.session, use_cases.history_query(org), use_cases.HISTORY_ORDER)


@blp.route("/<organisation_id>/application/submission")
class ApplicationSubmission(MethodView):
    @allow("consortium_manager", "member_user")
    @blp.arguments(EmptyIn)
    @blp.response(200, OrganisationOut)
    def post(self, _body, organisation_id):
        """Submit the draft application (M1); due diligence starts."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            return use_cases.submit_application(uow, org)


@blp.route("/<organisation_id>/application")
class Application(MethodView):
    @allow("consortium_manager")
    @blp.arguments(EmptyIn)
    @blp.response(202, OrganisationOut)
    def post(self, _body, organisation_id):
        """Put the application to the board (M1) once due diligence is complete; the decision comes by event."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            return use_cases.put_to_board(uow, org)


@blp.route("/<organisation_id>/membership-changes")
class MembershipChanges(MethodView):
    @allow("consortium_manager")
    @blp.arguments(MembershipChangeIn)
    @blp.response(200, OrganisationOut)
    def post(self, change, organisation_id):
        """Suspend, lapse, withdraw, expel (with the Partners Group's decision) or reinstate a member."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            return use_cases.change_membership(uow, org, change["to_status"], change["reason"],
                                               change["effective_on"], change["decision_id"])


@blp.route("/<organisation_id>/expulsion-request")
class ExpulsionRequest(MethodView):
    @allow("consortium_manager")
    @blp.arguments(ExpulsionRequestIn)
    @blp.response(202, OrganisationOut)
    def post(self, request_in, organisation_id):
        """G5: ask for the Partners Group's decision on expelling a member; the decision comes by event."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            return use_cases.request_expulsion(uow, org, request_in["reason"])


def _due_diligence_view(session, org) -> dict:
    evidence = due_diligence.evidence_of(session, org)
    newest = due_diligence.newest_documents(session, org)
    items = []
    for requirement in due_diligence.checklist(session):
        row = evidence.get(requirement.kind)
        item = dataclasses.asdict(requirement)
        if row is not None:
            item |= {key: getattr(row, key) for key in ("provided_on", "expires_on", "cover_pence", "document_id",
                                                        "note", "verified_by", "verified_on")}
        document = newest.get(requirement.kind)
        item["newer_document"] = document if document and (row is None or row.document_id != document.id) \
            else None
        items.append(item)
    outstanding = due_diligence.outstanding_for(session, org)
    return {"organisation_id": org.id, "status": org.status, "complete": not outstanding,
            "outstanding": outstanding, "items": items}


@blp.route("/<organisation_id>/due-diligence")
class DueDiligence(MethodView):
    @allow(*ANYONE)
    @blp.response(200, DueDiligenceOut)
    def get(self, organisation_id):
        """The checklist with what has been provided and verified, and what is still outstanding."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation")
            return _due_diligence_view(uow.session, org)


@blp.route("/<organisation_id>/due-diligence/<kind>")
class DueDiligenceItem(MethodView):
    @allow("consortium_manager", "member_user")
    @blp.arguments(EvidenceIn)
    @blp.response(200, DueDiligenceOut)
    def put(self, evidence, organisation_id, kind):
        """Provide (or replace) the evidence for one item; it then needs verifying again."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            due_diligence.provide(uow, org, _kind_or_404(kind), evidence)
            return _due_diligence_view(uow.session, org)


@blp.route("/<organisation_id>/due-diligence/<kind>/verification")
class Verification(MethodView):
    @allow("consortium_manager")
    @blp.arguments(VerificationIn)
    @blp.response(200, DueDiligenceOut)
    def post(self, verification, organisation_id, kind):
        """A named person verifies the evidence on a date (M1)."""
        if verification["verified_on"] > clock.today():
            abort(422, errors={"json": {"verified_on": ["Cannot be in the future."]}})
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            due_diligence.verify(uow, org, _kind_or_404(kind), verification["verified_by"] or g.principal.username,
                                 verification["verified_on"])
            return _due_diligence_view(uow.session, org)


@checklist_blp.route("/checklist")
class Checklist(MethodView):
    @allow(*ANYONE)
    @paged(checklist_blp, ChecklistSettingOut)
    def get(self, page):
        """The consortium's checklist, in its fixed order (a few items: the first page holds them all)."""
        with request_uow() as uow:
            return page.in_given_order([dataclasses.asdict(r) for r in due_diligence.checklist(uow.session)])


@checklist_blp.route("/checklist/<kind>")
class ChecklistItem(MethodView):
    @allow("consortium_manager")
    @checklist_blp.arguments(ChecklistSettingIn)
    @checklist_blp.response(200, ChecklistSettingOut(many=True))
    def put(self, setting, kind):
        """Make an item required or optional for this consortium."""
        with request_uow() as uow:
            return [dataclasses.asdict(r) for r in due_diligence.set_required(uow, _kind_or_404(kind),
                                                                               setting["required"])]


@checklist_blp.route("/expiring")
class Expiring(MethodView):
    @allow(*STAFF)
    @checklist_blp.arguments(ExpiringQuery, location="query")
    @paged(checklist_blp, ExpiringOut)
    def get(self, query, page):
        """Evidence (insurance, registrations) expiring within the next days (30 unless asked), soonest first."""
        with request_uow() as uow:
            return [row._asdict() | {"label": checklist_rules.KINDS[row.kind].label}
                    for row in page.select(uow.session, eligibility.expiring_query(clock.today(), query["within_days"]),
                                           eligibility.EXPIRING_ORDER)]


@blp.route("/<organisation_id>/documents")
class Documents(MethodView):
    @allow(*READS_DOCUMENTS)
    @paged(blp, DocumentOut)
    def get(self, organisation_id, page):
        """The organisation's compliance documents, newest first (without their content)."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation")
            return page.select(uow.session, documents.documents_query(org), documents.DOCUMENT_ORDER)

    @allow("consortium_manager", "member_user")
    @accepts_upload
    @blp.arguments(DocumentUploadForm, location="form")
    @blp.arguments(DocumentFile, location="files")
    @blp.response(201, DocumentOut)
    @blp.alt_response(413, description="Larger than HUB_MAX_UPLOAD_BYTES")
    @blp.alt_response(415, description="Not a PDF, office document, PNG or JPEG")
    def post(self, form, files, organisation_id):
        """Upload a document (multipart/form-data: file, kind, expires_on; as_evidence and cover_pence to make it
        the checklist item's evidence at once); nothing is kept if it is refused."""
        upload = files["file"]
        content = upload.read()
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation", for_update=True)
            try:
                return documents.upload(uow, org, form["kind"], upload.filename or "document", content,
                                        form["expires_on"], form["as_evidence"], form["cover_pence"])
            except UnacceptableFile as exc:
                abort(415, message=str(exc))


@blp.route("/<organisation_id>/documents/<document_id>/content")
class DocumentContent(MethodView):
    @allow(*READS_DOCUMENTS)
    @blp.response(200, description="The file, as uploaded")
    def get(self, organisation_id, document_id):
        """Download a document."""
        with request_uow() as uow:
            org = get_or_404(uow.session, Organisation, organisation_id, "organisation")
            try:
                document = documents.with_content(uow.session, org, uuid.UUID(document_id))
            except ValueError:
                document = None
            if document is None:
                abort(404, message="No such document.")
            return stored_file(document.content, document.content_type, document.filename, document.sha256)
