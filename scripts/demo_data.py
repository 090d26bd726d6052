"""The demo consortium: users in the gateway, organisations registered through the real API and events."""
from __future__ import annotations

import time
import uuid

import requests

from governance.client import decide_at_a_meeting
from membership.client import complete_due_diligence

DEMO_PASSWORD = "demo-password-2026"
ORGANISATIONS = [
    {"name": "Riverside Council for Voluntary Service", "legal_form": "charitable_company",
     "charity_number": "1098765", "company_number": "04567890", "address_line_1": "1 Riverside Walk", "town": "Leeds",
     "postcode": "LS1 8AB", "areas_served": ["Leeds", "Bradford", "Wakefield"],
     "service_categories": ["volunteering", "advice"], "client_groups": ["general_public"], "income_band": "1m_10m",
     "staff_count": 24, "volunteer_count": 150, "diversity": [],
     "contacts": [{"role": "main", "name": "Priya Shah", "email": "priya@riverside-cvs.example"},
                  {"role": "finance", "name": "Tom Okafor", "email": "finance@riverside-cvs.example"},
                  {"role": "safeguarding", "name": "Jo Ellis", "email": "safeguarding@riverside-cvs.example"}],
     "quality_marks": [{"name": "Investing in Volunteers", "expires_on": "2027-09-30"}]},
    {"name": "Northfield Advice Centre", "legal_form": "cio", "charity_number": "1187654", "town": "Leeds",
     "postcode": "LS6 2QA", "areas_served": ["Leeds"], "service_categories": ["advice", "mental_health"],
     "client_groups": ["disabled_people", "refugees"], "income_band": "100k_1m", "staff_count": 9,
     "volunteer_count": 30, "diversity": ["bme_led", "user_led"],
     "quality_marks": [{"name": "Advice Quality Standard", "expires_on": "2027-03-31"}]},
    {"name": "Wharfedale Carers Together", "legal_form": "charity", "charity_number": "512345", "town": "Ilkley",
     "postcode": "LS29 9DY", "areas_served": ["Bradford", "Craven"], "service_categories": ["carers"],
     "client_groups": ["carers", "older_people"], "income_band": "10k_100k", "staff_count": 3,
     "volunteer_count": 45, "diversity": ["rural", "women_led"]},
    {"name": "Eastgate Youth Project", "legal_form": "cic", "company_number": "12345678", "town": "Leeds",
     "postcode": "LS9 8AG", "areas_served": ["Leeds"], "service_categories": ["youth", "employment"],
     "client_groups": ["young_people"], "income_band": "100k_1m", "staff_count": 7, "volunteer_count": 12,
     "diversity": ["bme_led"]},
    {"name": "Dales Rural Transport", "legal_form": "community_benefit_society", "town": "Skipton",
     "postcode": "BD23 1UD", "areas_served": ["Craven"], "service_categories": ["community_transport"],
     "client_groups": ["older_people", "disabled_people"], "income_band": "10k_100k", "staff_count": 4,
     "volunteer_count": 60, "diversity": ["rural", "disability_led"]},
]


def _api(env, token=None):
    base = f"http://127.0.0.1:{env['GATEWAY_PORT']}/api"
    session = requests.Session()
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    return base, session


def _token(env, username) -> str:
    base, session = _api(env)
    response = session.post(f"{base}/auth/token", json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
    response.raise_for_status()
    return response.json()["access_token"]


def load_demo(env) -> list[tuple[str, str]]:
    """Create the demo users (idempotent) and, on first start, the demo organisations; return the logins."""
    from gateway.adapters.database import Database
    from gateway.config import read_database_url
    from gateway.demo import load_demo_users

    database = Database(read_database_url(env))
    try:
        with database.session() as session:
            logins = load_demo_users(session)
        base, manager = _api(env, _token(env, "manager"))
        if manager.get(f"{base}/membership/organisations", timeout=10).json():
            return logins  # loaded on an earlier start
        _register_organisations(env, database, base, manager)
        _load_areas(env)
    finally:
        database.dispose()
    return logins


def wait_until(check, timeout: float = 30.0):
    """Poll check() until it returns something truthy and return that, or None after timeout seconds: the demo
    loader waiting for an event to reach another service (a script, not a test)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return None


def governance_as(call, username: str):
    """`send(method, path, json)` on governance's API as a demo user (governance.client's steps take one)."""
    return lambda method, path, body: call(username, method, "/governance" + path, body)


def decide_at_the_meeting(call, requests_: list[dict], note: str = "") -> dict:
    """The body that decides these requests meets today, quorate, and its chair or secretary (the demo's board
    member) records its decision: a body's decision comes from the body, never from one person."""
    return decide_at_a_meeting(governance_as(call, "manager"), governance_as(call, "board"), "board", "Bo Board",
                               requests_, partners(call), note=note)


def partners(call) -> list[tuple[str, str]]:
    """Organisations to seat on a body, as (person, id): not the demo member's own, whose representative attends
    the one meeting the demo's attendance claim (G11) is for."""
    own = {o["id"] for o in call("member", "GET", "/membership/organisations")}
    return [(f"Representative of {o['name']}", o["id"]) for o in call("manager", "GET", "/membership/organisations")
            if o["id"] not in own]


AREAS = ("pipeline", "allocation", "delivery", "time", "money", "governance")  # each scripts/demo_<area>.py: load(call)


class DemoCaller:
    """`call(username, method, path, json=None, files=None, data=None)`: a request through the gateway's API as a
    demo user -> JSON (`files` and `data` send a multipart form, e.g. a meeting's paper)."""

    def __init__(self, env):
        self.env = env
        self.sessions: dict[str, requests.Session] = {}

    def __call__(self, username: str, method: str, path: str, json=None, files=None, data=None):
        session = self.sessions.get(username)
        if session is None:
            base, session = _api(self.env, _token(self.env, username))
            self.sessions[username] = session
        base, _ = _api(self.env)
        response = session.request(method, f"{base}{path}", json=json, files=files, data=data, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} as {username}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None


def _load_areas(env) -> None:
    """Each area's demo data, in the order the work flows: pipeline, allocation, delivery, time, money, then the
    governance business the board member acts on themselves."""
    import importlib

    call = DemoCaller(env)
    for area in AREAS:
        try:
            module = importlib.import_module(f"demo_{area}")
        except ModuleNotFoundError:
            continue
        module.load(call)


def _register_organisations(env, database, base, manager) -> None:
    from gateway.accounts import set_organisation
    from gateway.domain.audit import DEMO_ACTOR

    created = []
    for details in ORGANISATIONS:
        response = manager.post(f"{base}/membership/organisations", json=details, timeout=10)
        if response.status_code == 409:
            continue
        response.raise_for_status()
        created.append(response.json())
    with database.session() as session:
        set_organisation(session, "member", uuid.UUID(created[0]["id"]), actor=DEMO_ACTOR)
    # Four applications pass due diligence and go to the board; three are approved, so the demo has active
    # members to invite, subcontract and pay, and one waits for the board; a fifth waits in due diligence.
    def send(method, path, body):
        manager.request(method, f"{base}/membership{path}", json=body, timeout=10).raise_for_status()

    to_board, approved = [created[0], created[1], created[3], created[4]], {created[0]["id"], created[3]["id"],
                                                                         created[4]["id"]}
    for org in to_board:
        complete_due_diligence(send, org["id"])
        manager.post(f"{base}/membership/organisations/{org['id']}/application", json={}, timeout=10)
    send("POST", f"/organisations/{created[2]['id']}/application/submission", {})
    # The Partners Group decides them at its meeting today, quorate, and its chair (the demo's board member)
    # records the decision from the minutes: a body's decision comes from the body, not from one person.
    _, board = _api(env, _token(env, "board"))

    def governance_as(session):
        def send(method, path, body):
            response = session.request(method, f"{base}/governance{path}", json=body, timeout=10)
            if response.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
            return response.json() if response.content else None
        return send

    def all_asked():
        found = [r for r in board.get(f"{base}/governance/decision-requests", timeout=10).json()
                 if r["status"] == "pending" and any(o in r["subject"] for o in approved)]
        return found if len(found) == len(approved) else None

    waiting = wait_until(all_asked)
    if waiting:
        contacts = {d["name"]: (d.get("contacts") or [{}])[0].get("name") for d in ORGANISATIONS}
        partners = [(contacts.get(org["name"]) or f"Representative of {org['name']}", org["id"])
                    for org in created[1:]]  # the demo member's own organisation makes its one claim elsewhere
        decide_at_a_meeting(governance_as(manager), governance_as(board), "board", "Bo Board", waiting, partners,
                            note="Due diligence complete.")
    deadline = time.monotonic() + 30
    # The other services learn of the approvals by events; the areas' demo data needs them active there.
    wait_until(lambda: sum(1 for m in manager.get(f"{base}/contracts/members", timeout=10).json()
                           if m["status"] == "active") >= 3, timeout=max(deadline - time.monotonic(), 1))
