"""A small real HTTP upstream standing in for the four services, answering the shapes the gateway uses.

Every service lives under /<service>/ on one server; each request's token is checked with
hubkit.tokens.verify for that service's audience, exactly as a real service would.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from pathlib import Path

from flask import Flask, g, jsonify, request
from hubkit import clock
from hubkit.paging import DEFAULT_LIMIT, Cursor, Order, Page, asc
from hubkit.tokens import InvalidToken, verify
from werkzeug.serving import make_server

SERVICES = ("membership", "contracts", "finance", "governance")
PUBLIC = ("healthz", "readyz", "openapi.json")
LEGAL_FORMS = {"charity", "cio", "charitable_company", "cic", "community_benefit_society",
               "unincorporated_association", "other"}

MEMBER_STATUSES = ("applicant", "in_due_diligence", "awaiting_decision", "active", "rejected", "suspended", "lapsed",
                   "withdrawn", "expelled")
PROFILE_DEFAULTS = {"address_line_1": None, "address_line_2": None, "town": None, "areas_served": [],
                    "client_groups": [], "service_categories": [], "income_band": None, "staff_count": None,
                    "volunteer_count": None, "diversity": [], "quality_marks": [], "contacts": [],
                    "eligible_for_new_work": False}
CATALOGUE = {
    "legal_forms": {"charity": "Charity", "cio": "Charitable incorporated organisation",
                    "charitable_company": "Charitable company", "cic": "Community interest company",
                    "community_benefit_society": "Community benefit society",
                    "unincorporated_association": "Unincorporated association", "other": "Other"},
    "service_categories": {"advice": "Advice and advocacy", "food": "Food support", "mental_health": "Mental health",
                           "youth": "Youth work"},
    "client_groups": {"children": "Children", "older_people": "Older people", "carers": "Carers"},
    "diversity_characteristics": {"bme_led": "BME-led", "disability_led": "Disability-led", "rural": "Rural"},
    "income_bands": {"under_10k": "Under £10,000", "10k_100k": "£10,000 to £100,000"},
    "contact_roles": {"main": "Main contact", "finance": "Finance contact", "safeguarding": "Safeguarding lead"},
    "document_kinds": {"governing_document": "Governing document", "public_liability": "Public liability insurance",
                       "equality_policy": "Equality policy", "quality_mark": "Quality mark certificate",
                       "other": "Other document"},
}
CHECKLIST = (
    {"kind": "governing_document", "label": "Governing document", "required": True, "needs_expiry": False,
     "needs_cover": False},
    {"kind": "public_liability", "label": "Public liability insurance", "required": True, "needs_expiry": True,
     "needs_cover": True},
    {"kind": "equality_policy", "label": "Equality policy", "required": False, "needs_expiry": False,
     "needs_cover": False},
)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


class FakeServices:
    """State the tests can arrange and inspect: organisations, decision requests, dead letters, calls seen."""

    def __init__(self, public_key: Path, issuer: str = "consortium-hub-gateway"):
        self.public_key = public_key.read_bytes()
        self.issuer = issuer
        self.reset()
        self.app = self._build_app()

    def reset(self) -> None:
        self.organisations: dict[str, dict] = {}
        self.contracts_members: dict[str, dict] = {}
        self.finance_organisations: dict[str, dict] = {}
        self.decision_requests: dict[str, dict] = {}
        self.dead_letters: dict[str, list[dict]] = {service: [] for service in SERVICES}
        self.not_ready: set[str] = set()
        # What each service's consumer workers report (hubkit.consumer.consumer_workers); one running each.
        self.consumers: dict[str, list[dict]] = {service: [{
            "worker": f"{service}-worker:1", "mode": "group", "state": "running", "partitions": ["hub.x/0"],
            "lag": 0, "last_applied_at": now(), "last_error": None, "error_at": None, "seen_at": now(),
            "silent": False}] for service in SERVICES}
        self.calls: list[dict] = []
        # answers kept by (user, Idempotency-Key), replayed as the real services do (hubkit.idempotency)
        self.kept_answers: dict[tuple[str, str], tuple[int, bytes, str]] = {}
        # membership pages: history, due-diligence evidence, what blocks the board, report answers
        self.history: dict[str, list[dict]] = {}
        self.evidence: dict[str, dict[str, dict]] = {}
        self.documents: dict[str, list[dict]] = {}
        self.outstanding: dict[str, list[str]] = {}
        self.checklist: list[dict] = [dict(item) for item in CHECKLIST]
        self.expiring: list[dict] = []
        self.gaps: dict = {"threshold": 2, "categories": [], "areas": []}
        self.diversity: dict = {"active_members": 0, "characteristics": [], "by_area": [], "over_time": []}
        # governance pages: canned answers by (method, path under /governance), e.g. ("GET", "/bodies")
        self.governance_answers: dict[tuple[str, str], tuple[int, object]] = {}
        self.governance_uploads: list[dict] = []
        # finance's time pages: canned answers by (method, path under /finance), with optional headers
        self.finance_answers: dict[tuple[str, str], tuple] = {}
        # finance's F1 threshold and its owner, by consortium (the host admin's consortium settings); a refusal's
        # words to answer the next PUTs with 403, when a test sets one
        self.variation_thresholds: dict[str, dict] = {}
        self.refuse_variation_threshold: str | None = None
        # membership's imports: the files sent, and canned answers by dry_run ("true" or "false")
        self.imports: list[dict] = []
        self.import_answers: dict[str, tuple[int, dict]] = {}
        # contracts' allocation and delivery pages: canned answers by (method, path under /contracts)
        self.contracts_answers: dict[tuple[str, str], tuple] = {}
        # each service's GET /summary for the home pages (issue 14 item 1): (status, body) by service; without
        # one, a summary of today with no sections
        self.summaries: dict[str, tuple[int, object]] = {}

    def add_organisation(self, name: str, status: str = "applicant", legal_form: str = "charity",
                         **profile) -> dict:
        organisation = {"id": str(uuid.uuid4()), "name": name, "legal_form": legal_form, "status": status,
                        "charity_number": None, "company_number": None, "postcode": None}
        organisation |= {key: [] if isinstance(default, list) else default
                         for key, default in PROFILE_DEFAULTS.items()} | profile
        organisation.setdefault("created_at", now())
        organisation.setdefault("updated_at", now())
        self.organisations[organisation["id"]] = organisation
        return organisation

    def last_call(self, service: str, method: str, path_start: str) -> dict:
        return [c for c in self.calls if c["service"] == service and c["method"] == method
                and c["path"].startswith(path_start)][-1]

    def add_decision_request(self, title: str, subject: str) -> dict:
        item = {"id": str(uuid.uuid4()), "kind": "membership_application", "subject": subject, "title": title,
                "status": "pending", "outcome": None, "requested_at": now(), "decided_at": None}
        self.decision_requests[item["id"]] = item
        return item

    def add_dead_letter(self, service: str) -> dict:
        letter = {"id": str(uuid.uuid4()), "topic": "hub.membership", "partition": 0, "offset": 7,
                  "event_id": str(uuid.uuid4()), "event_type": "membership.member.activated",
                  "error": "KeyError: 'name'", "tries": 3, "created_at": now(), "status": "dead"}
        self.dead_letters[service].append(letter)
        return letter

    def _build_app(self) -> Flask:
        app = Flask("fake_services")
        fake = self

        @app.before_request
        def check_token():
            service, _, rest = request.path.lstrip("/").partition("/")
            g.service = service
            fake.calls.append({"service": service, "path": "/" + rest, "method": request.method,
                               "headers": dict(request.headers), "query": request.args.to_dict(),
                               "json": request.get_json(silent=True)})
            if rest in PUBLIC:
                g.principal = None
                return None
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                return jsonify(title="Unauthorized"), 401
            try:
                g.principal = verify(header[7:], fake.public_key, issuer=fake.issuer, audience=service)
            except InvalidToken as exc:
                return jsonify(title="Unauthorized", detail=str(exc)), 401
            kept = fake.kept_answers.get((g.principal.user_id, request.headers.get("Idempotency-Key")))
            if kept is not None:
                g.replayed = True
                status, body, content_type = kept
                return body, status, {"Content-Type": content_type, "Idempotent-Replayed": "true"}
            return None

        @app.after_request
        def keep_answer(response):
            key = request.headers.get("Idempotency-Key")
            if key and g.get("principal") and not g.get("replayed") and response.status_code < 500:
                fake.kept_answers[(g.principal.user_id, key)] = (response.status_code, response.get_data(),
                                                                 response.content_type)
            return response

        @app.route("/<service>/healthz")
        def healthz(service):
            return jsonify(status="ok", service=service)

        @app.route("/<service>/readyz")
        def readyz(service):
            if service in fake.not_ready:
                return jsonify(status="not ready", checks={"database": "ok", "broker": "unreachable: NoBrokersAvailable"}), 503
            return jsonify(status="ready", checks={"database": "ok", "broker": "ok"})

        @app.route("/<service>/openapi.json")
        def openapi(service):
            return jsonify(openapi="3.1.0", info={"title": service})

        @app.route("/<service>/echo/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        def echo(service, rest):
            principal = g.principal
            response = jsonify(
                service=service, path=rest, method=request.method, query=request.query_string.decode(),
                body=request.get_data(as_text=True), content_type=request.headers.get("Content-Type"),
                accept=request.headers.get("Accept"), request_id=request.headers.get("X-Request-ID"),
                correlation_id=request.headers.get("X-Correlation-ID"),
                principal={"user_id": principal.user_id, "username": principal.username,
                           "consortium_id": str(principal.consortium_id), "roles": sorted(principal.roles),
                           "organisation_id": str(principal.organisation_id) if principal.organisation_id else None})
            if request.method == "POST":
                response.status_code = 201
                response.headers["Location"] = f"/echo/{rest}/1"
            return response

        @app.route("/<service>/slow")
        def slow(service):
            time.sleep(3)
            return jsonify(ok=True)

        @app.route("/membership/organisations", methods=["GET", "POST"])
        def organisations():
            if request.method == "GET":
                if request.args.get("status") and request.args["status"] not in MEMBER_STATUSES:
                    return _problem(422, "Unprocessable Content", "Some fields are missing or invalid: status",
                                    {"status": ["Must be one of: " + ", ".join(MEMBER_STATUSES) + "."]})
                found = list(fake.organisations.values())
                if g.principal.is_member_user_only:
                    found = [o for o in found if o["id"] == str(g.principal.organisation_id)]
                # paged as membership pages it (hubkit.paging), by name
                page = Page(int(request.args.get("limit", DEFAULT_LIMIT)),
                            Cursor.decode(request.args["cursor"]) if request.args.get("cursor") else None)
                rows = page.rows([o for o in found if _matches(o, request.args)], Order(asc("name"), asc("id")))
                return jsonify(rows), 200, page.headers()
            body = request.get_json()
            errors = {}
            if not (body.get("name") or "").strip():
                errors["name"] = ["Enter the organisation's name."]
            if body.get("legal_form") not in LEGAL_FORMS:
                errors["legal_form"] = ["Choose a legal form from the list."]
            if body.get("postcode") and len(body["postcode"]) > 8:
                errors["postcode"] = ["Enter a real postcode, like RG1 1AA."]
            if errors:
                return jsonify(type="about:blank", title="Unprocessable Content", status=422,
                               detail="Some fields are missing or invalid", errors=errors), 422, \
                    {"Content-Type": "application/problem+json"}
            if any(o.get("charity_number") and o["charity_number"] == body.get("charity_number")
                   for o in fake.organisations.values()):
                return _problem(409, "Conflict", "An organisation with that charity number is already registered.")
            organisation = fake.add_organisation(body["name"], legal_form=body["legal_form"])
            organisation.update({k: body.get(k) for k in ("charity_number", "company_number", "postcode")})
            organisation.update({k: v for k, v in body.items() if k in PROFILE_DEFAULTS})
            return jsonify(organisation), 201

        @app.route("/membership/organisations/<organisation_id>", methods=["GET", "PATCH"])
        def organisation(organisation_id):
            if g.principal.is_member_user_only and str(g.principal.organisation_id) != organisation_id:
                return jsonify(title="Forbidden"), 403
            found = fake.organisations.get(organisation_id)
            if not found:
                return jsonify(title="Not Found"), 404
            if request.method == "PATCH":
                body = request.get_json()
                errors = {}
                if "name" in body and not (body["name"] or "").strip():
                    errors["name"] = ["Enter the organisation's name."]
                if body.get("postcode") and len(body["postcode"]) > 8:
                    errors["postcode"] = ["Enter a real UK postcode, e.g. LS1 8AB."]
                for index, contact in enumerate(body.get("contacts") or []):
                    if contact.get("email") and "@" not in contact["email"]:
                        errors.setdefault("contacts", {})[str(index)] = {"email": ["Not a valid email address."]}
                if errors:
                    return _problem(422, "Unprocessable Content", "Some fields are missing or invalid", errors)
                found.update(body)
                found["updated_at"] = now()
            return jsonify(found), 200

        @app.route("/membership/organisations/<organisation_id>/documents", methods=["GET", "POST"])
        def documents(organisation_id):
            if request.method == "GET":
                if not g.principal.roles & {"consortium_manager", "member_user"}:  # as membership (issue 11)
                    return _problem(403, "Forbidden", "Your role does not allow this.")
                return jsonify(fake.documents.get(organisation_id, []))
            upload = request.files["file"]
            content = upload.read()
            if not upload.filename.lower().endswith((".pdf", ".png", ".docx")):
                return _problem(415, "Unsupported Media Type", "Upload a PDF, office document, PNG or JPEG.")
            if len(content) > 64 * 1024:
                return _problem(413, "Content Too Large", "The file is too large: at most 64 KiB here.")
            as_evidence = request.form.get("as_evidence") == "true"
            requirement = next((r for r in fake.checklist if r["kind"] == request.form["kind"]), None)
            if as_evidence:  # the file becomes its checklist item's evidence, or nothing is kept (as membership)
                errors = {} if requirement else {"as_evidence": ["Only a document for a checklist item can be used "
                                                                 "as its evidence."]}
                if requirement and requirement["needs_expiry"] and not request.form.get("expires_on"):
                    errors["expires_on"] = [f"{requirement['label']} needs its expiry date."]
                if requirement and requirement["needs_cover"] and not request.form.get("cover_pence"):
                    errors["cover_pence"] = [f"{requirement['label']} needs the amount of cover."]
                if errors:
                    return _problem(422, "Unprocessable Content", "Some fields are missing or invalid", errors)
            document = {"id": str(uuid.uuid4()), "kind": request.form["kind"], "filename": upload.filename,
                        "content_type": upload.mimetype, "size_bytes": len(content), "sha256": "x",
                        "expires_on": request.form.get("expires_on"), "uploaded_by": g.principal.username,
                        "uploaded_at": now()}
            fake.documents.setdefault(organisation_id, []).insert(0, document)
            if as_evidence:
                cover = request.form.get("cover_pence")
                fake.evidence.setdefault(organisation_id, {})[document["kind"]] = {
                    "provided_on": clock.today().isoformat(), "expires_on": document["expires_on"],
                    "cover_pence": int(cover) if cover else None, "note": None, "document_id": document["id"],
                    "verified_by": None, "verified_on": None}
            return jsonify(document), 201

        @app.route("/membership/organisations/<organisation_id>/history")
        def history(organisation_id):
            return jsonify(fake.history.get(organisation_id, []))

        @app.route("/membership/organisations/<organisation_id>/expulsion-request", methods=["POST"])
        def expulsion_request(organisation_id):
            found = fake.organisations.get(organisation_id)
            if not found:
                return jsonify(title="Not Found"), 404
            if len((request.get_json().get("reason") or "").strip()) < 3:
                return _problem(422, "Unprocessable Content", "Some fields are missing or invalid",
                                {"reason": ["Length must be between 3 and 250."]})
            if found.get("expulsion_request_id"):
                return _problem(409, "Conflict", "This member's expulsion is already with the Partners Group.")
            found["expulsion_request_id"] = str(uuid.uuid4())
            return jsonify(found), 202

        @app.route("/membership/organisations/<organisation_id>/membership-changes", methods=["POST"])
        def membership_change(organisation_id):
            found = fake.organisations.get(organisation_id)
            if not found:
                return jsonify(title="Not Found"), 404
            body = request.get_json()
            errors = {}
            if len((body.get("reason") or "").strip()) < 3:
                errors["reason"] = ["Length must be between 3 and 2000."]
            if not body.get("effective_on"):
                errors["effective_on"] = ["Missing data for required field."]
            if errors:
                return _problem(422, "Unprocessable Content", "Some fields are missing or invalid", errors)
            if body["to_status"] == "expelled" and not body.get("decision_id"):
                return _problem(409, "Conflict", "An expulsion needs the Partners Group's decision (G5): "
                                                 "give the decision id.")
            fake.history.setdefault(organisation_id, []).append({
                "from_status": found["status"], "to_status": body["to_status"], "reason": body["reason"],
                "effective_on": body["effective_on"], "actor": g.principal.username,
                "decision_id": body.get("decision_id"), "recorded_at": now()})
            found["status"] = body["to_status"]
            return jsonify(found), 200

        @app.route("/membership/organisations/<organisation_id>/due-diligence")
        def due_diligence(organisation_id):
            if organisation_id not in fake.organisations:
                return jsonify(title="Not Found"), 404
            return jsonify(fake.due_diligence_view(organisation_id))

        @app.route("/membership/organisations/<organisation_id>/due-diligence/<kind>", methods=["PUT"])
        def provide(organisation_id, kind):
            requirement = next((r for r in fake.checklist if r["kind"] == kind), None)
            if organisation_id not in fake.organisations or requirement is None:
                return jsonify(title="Not Found"), 404
            body = request.get_json()
            if not body.get("provided_on"):
                return _problem(422, "Unprocessable Content", "Some fields are missing or invalid",
                                {"provided_on": ["Missing data for required field."]})
            if requirement["needs_cover"] and not body.get("cover_pence"):
                return _problem(409, "Conflict", f"{requirement['label']} needs its amount of cover.")
            if requirement["needs_expiry"] and not body.get("expires_on"):
                return _problem(409, "Conflict", f"{requirement['label']} needs an expiry date.")
            if body.get("document_id") and body["document_id"] not in {
                    d["id"] for d in fake.documents.get(organisation_id, [])}:
                return _problem(409, "Conflict", "That document is not one of this organisation's.")
            fake.evidence.setdefault(organisation_id, {})[kind] = {
                "provided_on": body["provided_on"], "expires_on": body.get("expires_on"),
                "cover_pence": body.get("cover_pence"), "note": body.get("note"),
                "document_id": body.get("document_id"),
                "verified_by": None, "verified_on": None}
            return jsonify(fake.due_diligence_view(organisation_id))

        @app.route("/membership/organisations/<organisation_id>/due-diligence/<kind>/verification",
                   methods=["POST"])
        def verify_evidence(organisation_id, kind):
            item = fake.evidence.get(organisation_id, {}).get(kind)
            if item is None:
                return _problem(409, "Conflict", "Nothing has been provided to verify.")
            body = request.get_json()
            item.update(verified_on=body["verified_on"], verified_by=body.get("verified_by") or g.principal.username)
            return jsonify(fake.due_diligence_view(organisation_id))

        @app.route("/membership/due-diligence/checklist")
        def checklist():
            return jsonify(fake.checklist)

        @app.route("/membership/due-diligence/checklist/<kind>", methods=["PUT"])
        def checklist_item(kind):
            if "consortium_manager" not in g.principal.roles:
                return jsonify(title="Forbidden"), 403
            requirement = next((r for r in fake.checklist if r["kind"] == kind), None)
            if requirement is None:
                return jsonify(title="Not Found"), 404
            requirement["required"] = request.get_json()["required"]
            return jsonify(fake.checklist)

        @app.route("/membership/due-diligence/expiring")
        def expiring():
            return jsonify(fake.expiring)

        @app.route("/membership/catalogue")
        def catalogue():
            # Membership sends each list as [{key, label}] in the order to show it.
            return jsonify({name: [{"key": k, "label": v} for k, v in labels.items()]
                            for name, labels in CATALOGUE.items()})

        @app.route("/membership/capability/search")
        def capability_search():
            if g.principal.is_member_user_only:
                return jsonify(title="Forbidden"), 403
            category, area = request.args.get("service_category", ""), request.args.get("area", "")
            if category not in CATALOGUE["service_categories"]:
                return _problem(422, "Unprocessable Content", "Some fields are missing or invalid",
                                {"service_category": ["Must be one of the catalogue's categories."]})
            return jsonify([o for o in sorted(fake.organisations.values(), key=lambda o: o["name"])
                            if o["status"] == "active" and o.get("eligible_for_new_work")
                            and category in o.get("service_categories", [])
                            and any(area.lower() in a.lower() for a in o.get("areas_served", []))])

        @app.route("/membership/reports/gaps")
        def gaps():
            return jsonify(fake.gaps | {"threshold": int(request.args.get("threshold", fake.gaps["threshold"]))})

        @app.route("/membership/reports/diversity")
        def diversity():
            return jsonify(fake.diversity)

        @app.route("/membership/organisations/<organisation_id>/application/submission", methods=["POST"])
        def submission(organisation_id):
            found = fake.organisations.get(organisation_id)
            if not found:
                return jsonify(title="Not Found"), 404
            found["status"] = "in_due_diligence"
            return jsonify(found), 200

        @app.route("/membership/organisations/<organisation_id>/application", methods=["POST"])
        def application(organisation_id):
            found = fake.organisations.get(organisation_id)
            if not found:
                return jsonify(title="Not Found"), 404
            if fake.outstanding.get(organisation_id):
                return _problem(409, "Conflict", "Due diligence is not complete: "
                                + "; ".join(fake.outstanding[organisation_id]) + ".")
            found["status"] = "awaiting_decision"
            fake.add_decision_request(f"Membership application: {found['name']}", f"organisation/{organisation_id}")
            return jsonify(found), 202

        @app.route("/contracts/members/<organisation_id>")
        def contracts_member(organisation_id):
            found = fake.contracts_members.get(organisation_id)
            return (jsonify(found), 200) if found else (jsonify(title="Not Found"), 404)

        @app.route("/finance/organisations/<organisation_id>")
        def finance_organisation(organisation_id):
            found = fake.finance_organisations.get(organisation_id)
            return (jsonify(found), 200) if found else (jsonify(title="Not Found"), 404)

        @app.route("/governance/decision-requests")
        def decision_requests():
            return jsonify(list(fake.decision_requests.values()))

        @app.route("/governance/decision-requests/<request_id>/decision", methods=["POST"])
        def decide(request_id):
            item = fake.decision_requests.get(request_id)
            if not item:
                return jsonify(title="Not Found"), 404
            body = request.get_json()
            if not body.get("meeting_id") and not body.get("written_resolution_id"):  # as governance: named source
                return _problem(422, "Unprocessable Entity", "Name the meeting or the written resolution.")
            item.update(status="decided", outcome=body["outcome"], decided_at=now(),
                        decided_at_meeting=body.get("meeting_id"))
            return jsonify(item)

        @app.route("/governance/bodies", methods=["GET", "POST"])
        @app.route("/governance/bodies/<path:rest>", methods=["GET", "POST"])
        @app.route("/governance/meetings", methods=["GET"])
        @app.route("/governance/meetings/<path:rest>", methods=["GET", "POST", "PUT"])
        @app.route("/governance/written-resolutions/<path:rest>", methods=["GET", "POST"])
        @app.route("/governance/decisions")
        @app.route("/governance/hub")
        @app.route("/governance/policies")
        def governance_pages(rest=None):
            key = (request.method, request.path.removeprefix("/governance"))
            if request.files:  # a paper: keep what arrived, as governance would
                fake.governance_uploads.append({"path": key[1], "form": request.form.to_dict(), "files": {
                    name: (f.filename, f.read()) for name, f in request.files.items()}})
            status, body, *headers = fake.governance_answers.get(
                key, (201, {}) if request.method != "GET" else (404, {"title": "Not Found"}))
            return jsonify(body), status, (headers[0] if headers else {})

        @app.route("/finance/imports/staff/columns")
        def staff_import_columns():
            return jsonify({"columns": ["name", "employer_kind", "employer", "effective_from", "salary"],
                            "required": ["name", "employer_kind", "effective_from", "salary"]})

        @app.route("/finance/imports/staff", methods=["POST"])
        def import_staff():
            upload = request.files["file"]
            dry_run = request.form.get("dry_run", "true")
            fake.imports.append({"dry_run": dry_run, "filename": upload.filename, "content": upload.read()})
            status, body = fake.import_answers.get(dry_run, (422, {"title": "Unprocessable", "errors": {}}))
            return jsonify(body), status

        @app.route("/membership/imports/members/columns")
        def import_columns():
            return jsonify({"columns": ["name", "legal_form", "status", "member_since",
                                        "public_liability_provided_on", "public_liability_expires_on",
                                        "public_liability_cover"], "required": ["name", "legal_form", "status"]})

        @app.route("/membership/imports/members", methods=["POST"])
        def import_members():
            upload = request.files["file"]
            dry_run = request.form.get("dry_run", "true")
            fake.imports.append({"dry_run": dry_run, "filename": upload.filename, "content": upload.read()})
            status, body = fake.import_answers.get(dry_run, (422, {"title": "Unprocessable", "errors": {}}))
            return jsonify(body), status

        @app.route("/contracts/imports/<kind>/columns")
        def contract_import_columns(kind):
            columns = {"targets": ["subcontract", "indicator", "period", "target"],
                       "returns": ["subcontract", "period", "indicator", "actual", "submitted_on", "accepted_on"]}
            return jsonify({"columns": columns[kind], "required": columns[kind][:5]})

        @app.route("/contracts/contracts/<contract_id>/imports/<kind>", methods=["POST"])
        def import_contract_history(contract_id, kind):
            upload = request.files["file"]
            dry_run = request.form.get("dry_run", "true")
            fake.imports.append({"dry_run": dry_run, "filename": upload.filename, "content": upload.read(),
                                 "path": request.path})
            status, body = fake.import_answers.get(dry_run, (422, {"title": "Unprocessable", "errors": {}}))
            return jsonify(body), status

        @app.route("/contracts/allocation/invitations")
        @app.route("/contracts/allocation-rounds", methods=["GET", "POST"])
        @app.route("/contracts/allocation-rounds/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
        @app.route("/contracts/allocation/<path:rest>")
        @app.route("/contracts/improvement-plans/<path:rest>", methods=["POST"])
        @app.route("/contracts/contracts", methods=["GET", "POST"])
        @app.route("/contracts/contracts/<path:rest>", methods=["GET", "POST", "PUT"])
        @app.route("/contracts/members")
        @app.route("/contracts/opportunities")
        @app.route("/contracts/bids/<path:rest>")
        @app.route("/contracts/returns/<path:rest>", methods=["GET", "POST"])
        @app.route("/contracts/returns")
        @app.route("/contracts/subcontracts")
        @app.route("/contracts/subcontracts/<path:rest>", methods=["GET", "POST"])
        @app.route("/contracts/opportunities/<path:rest>", methods=["GET", "POST", "PATCH"])
        def contracts_pages(rest=None):
            status, body, *headers = fake.contracts_answers.get(
                (request.method, request.path.removeprefix("/contracts")), (404, {"title": "Not Found"}))
            return jsonify(body), status, (headers[0] if headers else {})

        @app.route("/finance/timesheets")
        @app.route("/finance/timesheets/mine")
        @app.route("/finance/timesheets/<path:rest>", methods=["GET", "POST", "PUT"])
        @app.route("/finance/staff", methods=["GET", "POST"])
        @app.route("/finance/staff/<path:rest>", methods=["GET", "POST"])
        @app.route("/finance/organisations")
        @app.route("/finance/payments/<path:rest>", methods=["GET", "POST", "PUT"])
        @app.route("/finance/money/<path:rest>", methods=["GET", "PUT"])
        @app.route("/finance/income/<path:rest>", methods=["GET", "POST"])
        @app.route("/finance/budgets", methods=["GET", "POST"])
        @app.route("/finance/budgets/<path:rest>", methods=["GET", "POST"])
        @app.route("/finance/variations", methods=["GET", "POST"])
        @app.route("/finance/variations/<path:rest>", methods=["GET", "POST"])
        @app.route("/finance/claims", methods=["GET", "POST"])
        @app.route("/finance/claims/<path:rest>", methods=["GET", "POST"])
        @app.route("/finance/cost-codes", methods=["GET", "POST"])
        @app.route("/finance/subsidy")
        @app.route("/finance/subsidy/<path:rest>", methods=["GET", "POST"])
        def finance_pages(rest=None):  # the money and time pages: canned answers (404 for any not given)
            status, body, *headers = fake.finance_answers.get(
                (request.method, request.path.removeprefix("/finance")), (404, {"title": "Not Found"}))
            return jsonify(body), status, (headers[0] if headers else {})

        @app.route("/finance/money/settings/variation-threshold", methods=["GET", "PUT"])
        def variation_threshold():
            kept = fake.variation_thresholds.setdefault(str(g.principal.consortium_id), {
                "variation_threshold_owner": "finance_officer", "variation_threshold_pence": 500_000,
                "updated_by": None, "updated_at": None})
            if request.method == "PUT":
                body = request.get_json()
                owner = body.get("variation_threshold_owner", kept["variation_threshold_owner"])
                if "host_admin" not in g.principal.roles or fake.refuse_variation_threshold or (
                        "variation_threshold_pence" in body and owner != "host_admin"):
                    return jsonify(title="Forbidden", status=403, detail=fake.refuse_variation_threshold or
                                   "The variation threshold (F1) is set by the finance officer of this consortium."), \
                        403, {"Content-Type": "application/problem+json"}
                kept.update(variation_threshold_owner=owner, updated_by=f"user:{g.principal.user_id}",
                            variation_threshold_pence=body.get("variation_threshold_pence",
                                                               kept["variation_threshold_pence"]))
            return jsonify(kept)

        @app.route("/<service>/summary")
        def summary(service):
            status, body = fake.summaries.get(service, (200, {"today": clock.today().isoformat()}))
            return jsonify(body), status

        @app.route("/<service>/admin/status")
        def admin_status(service):
            if "host_admin" not in g.principal.roles:
                return jsonify(title="Forbidden"), 403
            dead = [d for d in fake.dead_letters[service] if d["status"] == "dead"]
            return jsonify(service=service, outbox_backlog=2, outbox_oldest_unsent_at=now(),
                           dead_letters=len(dead), consumers=fake.consumers[service])

        @app.route("/<service>/admin/dead-letters")
        def dead_letters(service):
            return jsonify(fake.dead_letters[service])

        @app.route("/<service>/admin/dead-letters/<letter_id>/retry", methods=["POST"])
        def retry(service, letter_id):
            for letter in fake.dead_letters[service]:
                if letter["id"] == letter_id:
                    letter["status"] = "retried"
                    return jsonify(id=letter_id, ok=True, message="applied")
            return jsonify(title="Not Found", detail="No such dead letter."), 404

        return app


    def due_diligence_view(self, organisation_id: str) -> dict:
        evidence = self.evidence.get(organisation_id, {})
        empty = {"provided_on": None, "expires_on": None, "cover_pence": None, "document_id": None, "note": None,
                 "verified_by": None, "verified_on": None}
        items = [requirement | empty | evidence.get(requirement["kind"], {}) for requirement in self.checklist]
        for item in items:  # the newest document of the item's kind, offered when the evidence does not name it
            newest = next((d for d in self.documents.get(organisation_id, []) if d["kind"] == item["kind"]), None)
            item["newer_document"] = None if newest is None or newest["id"] == item["document_id"] else {
                key: newest[key] for key in ("id", "filename", "expires_on", "uploaded_at")}
        outstanding = self.outstanding.get(organisation_id, [])
        return {"organisation_id": organisation_id, "status": self.organisations[organisation_id]["status"],
                "complete": not outstanding, "outstanding": outstanding, "items": items}


def _problem(status: int, title: str, detail: str, errors: dict | None = None):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return jsonify(body), status, {"Content-Type": "application/problem+json"}


def _matches(organisation: dict, args) -> bool:
    """The directory's filters, as membership applies them."""
    if args.get("q") and args["q"].lower() not in organisation["name"].lower():
        return False
    if args.get("status") and organisation["status"] != args["status"]:
        return False
    for key, field in (("service_category", "service_categories"), ("diversity", "diversity")):
        if args.get(key) and args[key] not in organisation.get(field, []):
            return False
    if args.get("area") and not any(args["area"].lower() in a.lower() for a in organisation.get("areas_served", [])):
        return False
    if args.get("eligible") in ("true", "false") and \
            bool(organisation.get("eligible_for_new_work")) != (args["eligible"] == "true"):
        return False
    return True


class ServedApp:
    """Serves a WSGI app on a free local port in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "ServedApp":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
