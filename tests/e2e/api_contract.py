"""Schemathesis (v4) over each service's OpenAPI document, through the gateway's /api/<service>/ with the real
services under gunicorn (issue 11, items 4 and 5): no request, valid or not, gets a 5xx (`not_a_server_error`), and
every answer is what the document says (`response_schema_conformance`, errors included: problem+json).

The calls are made as a user of a consortium of its own holding every staff role (host admin, consortium manager,
finance officer, board member), so nearly every operation gets past authorisation to its validation and rules, and
nothing lands in the demo consortium the browser journeys share. Each operation is tried with its examples and
MAX_EXAMPLES fuzzed cases, valid and invalid (NUL characters, huge numbers, wrong types, missing fields); the run is
deterministic (the same cases each time) and bounded, so all four services add two to three minutes to `make test`
on two cores. The coverage phase (every boundary value of every field) is off: it made four to five times as many
requests, past that budget, and found nothing more when it was tried.
"""
from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from .conftest import ROOT

MAX_EXAMPLES = 10  # fuzzed cases per operation, beside its examples
STAFF_ROLES = ("host_admin", "consortium_manager", "finance_officer", "board_member")
CHECKS = [not_a_server_error, response_schema_conformance]
_tokens: dict[int, str] = {}


def contract_token(hub) -> str:
    """A bearer token from the gateway for a user with every staff role, in a consortium of its own (made once)."""
    if id(hub) not in _tokens:
        slug, username = f"contract-{uuid.uuid4().hex[:8]}", f"contract-{uuid.uuid4().hex[:8]}"
        password = uuid.uuid4().hex

        def manage(*args, stdin=None):
            subprocess.run([sys.executable, "-m", "gateway.manage", *args], env=hub.env, cwd=ROOT, check=True,
                           input=stdin, text=True, capture_output=True)

        manage("create-consortium", "--name", "API contract consortium", "--slug", slug)
        manage("create-user", username, "--consortium", slug, *(f"--role={role}" for role in STAFF_ROLES),
               "--password-stdin", stdin=password + "\n")
        answer = requests.post(hub.url("gateway") + "/api/auth/token",
                               json={"username": username, "password": password}, timeout=10)
        assert answer.status_code == 200, answer.text
        _tokens[id(hub)] = answer.json()["access_token"]
    return _tokens[id(hub)]


def service_schema(hub, service: str):
    """The service's own document, fetched through the gateway, its operations called through the gateway."""
    base = f"{hub.url('gateway')}/api/{service}"
    document = requests.get(f"{base}/openapi.json", timeout=10)
    assert document.status_code == 200, document.text
    config = SchemathesisConfig.from_dict({
        "base-url": base,
        "headers": {"Authorization": f"Bearer {contract_token(hub)}"},
        "request-timeout": 30,
        "analysis": {"constants": {"enabled": False}},  # reading the Python source for literals: seconds a run
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True,
                       "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": False},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    })
    return schemathesis.openapi.from_dict(document.json(), config=config)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32's lazy schema reads and renames `node._nodeid`, which pytest 9 no longer has."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def last_traceback(hub, service: str) -> str:
    """The service's last logged traceback (its web process's log), to show beside a failure."""
    log = (hub.log_dir / f"{service}-web.log").read_text(errors="replace")
    return log[log.rfind("Traceback"):][-4000:] if "Traceback" in log else "(no traceback in its log)"


def contract_test(fixture_name: str, service: str):
    """The test for one service: every operation of the document the named fixture loads, with CHECKS."""
    schema = schemathesis.pytest.from_fixture(fixture_name)

    @pytest.mark.e2e
    @pytest.mark.timeout(900)  # one test sweeps a whole service (and may start the hub): not pytest.ini's 300 s
    @pytest.mark.usefixtures("_node_id_for_schemathesis")
    @schema.parametrize()
    def test_api_contract(case, hub):
        try:
            case.call_and_validate(checks=CHECKS)
        except Exception:
            print(f"{service}'s last traceback:\n{last_traceback(hub, service)}")
            raise

    return test_api_contract
