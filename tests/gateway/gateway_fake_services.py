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
from hubkit.tokens import InvalidToken, verify
from werkzeug.serving import make_server

SERVICES = ("membership", "contracts", "finance", "governance")
PUBLIC = ("healthz", "readyz", "openapi.json")
LEGAL_FORMS = {"charity", "cio", "charitable_company", "cic", "community_benefit_society",
               "unincorporated_association", "other"}


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
        self.calls: list[dict] = []

    def add_organisation(self, name: str, status: str = "applicant", legal_form: str = "charity") -> dict:
        organisation = {"id": str(uuid.uuid4()), "name": name, "legal_form": legal_form, "status": status,
                        "charity_number": None, "company_number": None, "postcode": None}
        self.organisations[organisation["id"]] = organisation
        return organisation

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
                               "headers": dict(request.headers)})
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
            return None

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
                return jsonify(sorted(fake.organisations.values(), key=lambda o: o["name"]))
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
            organisation = fake.add_organisation(body["name"], legal_form=body["legal_form"])
            organisation.update({k: body.get(k) for k in ("charity_number", "company_number", "postcode")})
            return jsonify(organisation), 201

        @app.route("/membership/organisations/<organisation_id>")
        def organisation(organisation_id):
            if g.principal.is_member_user_only and str(g.principal.organisation_id) != organisation_id:
                return jsonify(title="Forbidden"), 403
            found = fake.organisations.get(organisation_id)
            return (jsonify(found), 200) if found else (jsonify(title="Not Found"), 404)

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
            item.update(status="decided", outcome=body["outcome"], decided_at=now())
            return jsonify(item)

        @app.route("/<service>/admin/status")
        def admin_status(service):
            if "host_admin" not in g.principal.roles:
                return jsonify(title="Forbidden"), 403
            dead = [d for d in fake.dead_letters[service] if d["status"] == "dead"]
            return jsonify(service=service, outbox_backlog=2, outbox_oldest_unsent_at=now(),
                           dead_letters=len(dead), consumer={"running": True, "lag": 0})

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
