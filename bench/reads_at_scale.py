"""Reads at scale (issue 16): pages and API over the big consortium (bench/_big_consortium.py), p50/p95 over
--requests requests each, direct to each service under gunicorn and through the gateway under gunicorn (its /api
router with a bearer token, and its pages with a browser session), beside the raw SQL computing the same answer in
the same run; then the month-end run (every employer's recharge invoice for one month, finance's month-end run in
one request) beside the same writes in raw SQL (the subsidy's tally moved too); then the SQL statements each read
makes (counted, and EXPLAINed: a Seq Scan on a big table is named).

    python bench/reads_at_scale.py [--scale 1] [--requests 50] [--reload] [--service finance] [--only words]
                                   [--no-month-end]

`--service finance` measures only that service's reads (and the month-end run, which is finance's); `--only
month-end` only the month-end run; `--only approval,staff` only the reads whose name has one of the words.

Targets: every read p95 <= 150 ms; the month-end run <= 1.5 x its raw SQL; no read whose time grows with the rows
it does not answer with (see the statements: one per request, or a few, not one per row).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg
import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _big_consortium import STATE, InProcess, ensure, libpq_url, print_counts, sqlalchemy_url  # noqa: E402
from _harness import machine, percentile, print_header_once, print_markdown  # noqa: E402

from hubkit.broker import free_port  # noqa: E402
from hubkit.config import SERVICES  # noqa: E402
from hubkit.testing import stop_process_groups  # noqa: E402
from hubkit.tokens import Principal, mint  # noqa: E402

ROOT = HERE.parent
READ_TARGET_MS = 150.0
RUN_TARGET_RATIO = 1.5
BIG_TABLES = {"time_entry", "timesheet", "recharge_invoice_line_entry", "recharge_invoice_line", "recharge_invoice",
              "audit_entry", "performance_return", "subcontract_target", "staff_rate", "decision", "agenda_item",
              "attendance"}


# --- the processes -------------------------------------------------------------------------------------------------

# as `make run`, the Procfile and the image start every web process
GUNICORN_CONFIG = ("--config", "python:hubkit.gunicorn_config")


class Hub:
    """The four services and the gateway under gunicorn (one worker each, with the hub's gunicorn config) on the
    big databases."""

    def __init__(self, manifest: dict, log_dir: Path):
        self.manifest = manifest
        self.ports = {name: free_port() for name in (*SERVICES, "gateway")}
        keys = STATE / "keys"
        self.private_key = (keys / "token_private.pem").read_bytes()
        self.env = dict(os.environ, HUB_TOKEN_PRIVATE_KEY_FILE=str(keys / "token_private.pem"),
                        HUB_TOKEN_PUBLIC_KEY_FILE=str(keys / "token_public.pem"), KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:9",
                        GATEWAY_SECRET_KEY="bench-secret-key-not-for-production", HUB_BIND_HOST="127.0.0.1",
                        WEB_CONCURRENCY="1", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
                        GATEWAY_PORT=str(self.ports["gateway"]), HUB_UPSTREAM_TIMEOUT_S="120",
                        GATEWAY_DATABASE_URL=sqlalchemy_url(manifest["databases"]["gateway"]),
                        HUB_TOKEN_MAX_LIFETIME_S="7200")  # the bench's own tokens (Hub.token) live two hours
        for name in SERVICES:
            self.env[f"{name.upper()}_DATABASE_URL"] = sqlalchemy_url(manifest["databases"][name])
            self.env[f"{name.upper()}_PORT"] = str(self.ports[name])
            self.env[f"{name.upper()}_URL"] = self.url(name)
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self) -> "Hub":
        for name in SERVICES:
            self._spawn(name, "-m", "gunicorn", *GUNICORN_CONFIG, "--bind", f"127.0.0.1:{self.ports[name]}", "--workers", "1",
                        "--timeout", "600", f"{name}.app:create_app()")
        self._spawn("gateway", "-m", "gunicorn", *GUNICORN_CONFIG, "--bind", f"127.0.0.1:{self.ports['gateway']}", "--workers", "1",
                    "--timeout", "600", "gateway.app:create_app()")
        deadline = time.monotonic() + 90
        for name in (*SERVICES, "gateway"):
            while True:
                if any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"a process exited early; logs in {self.log_dir}")
                with contextlib.suppress(requests.RequestException):
                    if requests.get(self.url(name) + "/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} not up; logs in {self.log_dir}")
                time.sleep(0.2)
        return self

    def _spawn(self, label: str, *args: str) -> None:
        with open(self.log_dir / f"{label}.log", "ab") as log:
            self.processes.append(subprocess.Popen([sys.executable, *args], env=self.env, stdout=log,
                                                   stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True))

    def stop(self) -> None:
        stop_process_groups(self.processes)

    def cpu_ms(self, name: str) -> float:
        """The CPU time (user + system, ms) the processes of `name` (its gunicorn master and worker, one process
        group) have used so far, from /proc: the work a request costs, which the machine's load moves less than
        wall time."""
        group = self.processes[[*SERVICES, "gateway"].index(name)].pid
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == group:  # pgrp
                    total += int(fields[11]) + int(fields[12])  # utime, stime
        return total * 1000 / tick

    # who calls
    def token(self, service: str, user_id: str, roles: set[str]) -> str:
        principal = Principal(user_id=user_id, username=user_id, consortium_id=uuid.UUID(self.manifest["consortium_id"]),
                              organisation_id=None, roles=frozenset(roles))
        return mint(principal, self.private_key, issuer="consortium-hub-gateway", audience=service,
                    ttl=dt.timedelta(seconds=60))  # what services accept (minted afresh for each read)

    def api_token(self, username: str) -> str:
        answer = requests.post(self.url("gateway") + "/api/auth/token",
                               json={"username": username, "password": self.manifest["password"]}, timeout=30)
        answer.raise_for_status()
        return answer.json()["access_token"] if "access_token" in answer.json() else answer.json()["token"]

    def browser(self, username: str) -> requests.Session:
        session = requests.Session()
        page = session.get(self.url("gateway") + "/login", timeout=30)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        answer = session.post(self.url("gateway") + "/login", timeout=30, allow_redirects=False, data={
            "username": username, "password": self.manifest["password"], "csrf_token": csrf[1] if csrf else ""})
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"could not sign {username} in: {answer.status_code}")
        return session


# --- timing ------------------------------------------------------------------------------------------------------

def timed(call, n: int, cpu: dict | None = None, hub: "Hub | None" = None, label: str = "",
          processes: tuple[str, ...] = ()) -> tuple[float, float]:
    """p50 and p95 in ms of n calls, after one unmeasured warm-up call; with `cpu`, the CPU ms per call each of
    `processes` spent over the n calls is kept in it under (label, process)."""
    call()
    before = {name: hub.cpu_ms(name) for name in processes} if cpu is not None else {}
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    for name, used in before.items():
        cpu[(label, name)] = (hub.cpu_ms(name) - used) / n
    times.sort()
    return percentile(times, 0.5), percentile(times, 0.95)


def http_get(session: requests.Session | None, url: str, headers: dict | None = None, params: dict | None = None):
    def call():
        answer = (session or requests).get(url, headers=headers, params=params, timeout=600)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {url} {params or ''}: {answer.status_code} {answer.text[:300]}")
        return answer
    return call


def sql_call(conn: psycopg.Connection, statement: str, params: tuple | dict = ()):
    def call():
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()
    return call


# A page of the dashboard in raw SQL: the page's subcontracts by name, each share with its return's actual.
DASHBOARD_SQL = """
    WITH page AS (SELECT id, organisation_name, overall_rag FROM subcontract
                   WHERE consortium_id = %(cid)s AND contract_id = %(contract)s AND purpose = 'delivery'
                   ORDER BY organisation_name, id {limit})
    SELECT s.id, s.organisation_name, s.overall_rag, st.indicator_id, st.period_id, st.target,
           r.actuals ->> st.indicator_id::text, r.status
      FROM page s JOIN subcontract_target st ON st.subcontract_id = s.id
      LEFT JOIN performance_return r ON r.subcontract_id = s.id AND r.period_id = st.period_id"""


# --- what is read ----------------------------------------------------------------------------------------------------

def reads(manifest: dict) -> list[dict]:
    """Each read: its service, API path and params, who calls, the gateway page (if any), and its raw SQL."""
    f, cid = manifest["facts"], manifest["consortium_id"]
    month = dt.date.fromisoformat(f["month"])
    contract = f["biggest_contract_id"]
    finance_officer = (f["users"]["bench.finance"], {"finance_officer"}, "bench.finance")
    manager = (f["users"]["bench.manager"], {"consortium_manager"}, "bench.manager")
    queue_sql = """
        SELECT t.id, t.staff_id, s.name, t.week_starting, t.status, t.submitted_at,
               coalesce(sum(e.minutes), 0), coalesce(sum(e.minutes) FILTER (WHERE e.chargeable), 0)
          FROM timesheet t JOIN staff_member s ON s.id = t.staff_id
          LEFT JOIN time_entry e ON e.timesheet_id = t.id
         WHERE t.consortium_id = %(cid)s AND t.status = 'submitted' {extra}
         GROUP BY t.id, s.name ORDER BY t.week_starting, t.submitted_at, t.id LIMIT 50"""  # the API's first page
    return [
        dict(name="timesheets awaiting approval", service="finance", path="/timesheets",
             params={"status": "submitted"}, who=finance_officer, page="/time/approvals",
             sql=queue_sql.format(extra=""), sql_params={"cid": cid}),
        dict(name="a team's week (manager's queue)", service="finance", path="/timesheets",
             params={"status": "submitted"}, who=manager, page="/time/approvals",
             sql=queue_sql.format(extra="AND s.line_manager_id = (SELECT id FROM staff_member WHERE "
                                  "consortium_id = %(cid)s AND user_id = %(user)s)"),
             sql_params={"cid": cid, "user": f["users"]["bench.manager"]}),
        dict(name="one person's week", service="finance", path=f"/timesheets/staff/{f['person_staff_id']}/weeks/"
             f"{f['person_week']}", params=None, who=finance_officer, page=None,
             sql="""SELECT e.*, c.code, c.title FROM timesheet t JOIN time_entry e ON e.timesheet_id = t.id
                    JOIN cost_code c ON c.id = e.cost_code_id
                    WHERE t.consortium_id = %(cid)s AND t.staff_id = %(staff)s AND t.week_starting = %(week)s
                    ORDER BY e.day, e.created_at""",
             sql_params={"cid": cid, "staff": f["person_staff_id"], "week": f["person_week"]}),
        dict(name="staff listing with current rates", service="finance", path="/staff", params=None,
             who=finance_officer, page="/time/staff",
             sql="""SELECT s.*, o.name, (SELECT r.hourly_rate_pence FROM staff_rate r WHERE r.staff_id = s.id
                      AND r.effective_from <= current_date ORDER BY r.effective_from DESC, r.created_at DESC LIMIT 1)
                    FROM staff_member s LEFT JOIN member_organisation o ON o.id = s.organisation_id
                    WHERE s.consortium_id = %(cid)s ORDER BY s.name, s.id LIMIT 50""",  # the API's first page
             sql_params={"cid": cid}),
        dict(name="subsidy report, one month", service="finance", path="/subsidy", params={"month": f["month"][:7]},
             who=finance_officer, page=None,
             sql=SUBSIDY_SQL, sql_params={"cid": cid, "month": month},
             same_answer=subsidy_same_answer),
        dict(name="members directory", service="membership", path="/organisations", params=None,
             who=manager, page="/members",
             sql="SELECT * FROM organisation WHERE consortium_id = %(cid)s ORDER BY name", sql_params={"cid": cid}),
        dict(name="capability search", service="membership", path="/capability/search",
             params=f["capability_search"], who=manager, page="/members/capability",
             page_params=f["capability_search"],
             sql="""SELECT * FROM organisation WHERE consortium_id = %(cid)s AND status = 'active'
                    AND eligible_for_new_work AND service_categories::jsonb ? %(cat)s
                    AND areas_served::jsonb ? %(area)s ORDER BY name""",
             sql_params={"cid": cid, "cat": f["capability_search"]["service_category"],
                         "area": f["capability_search"]["area"]}),
        # the dashboard as people read it: a page of subcontracts by name (the API's default page, 20; the gateway's
        # page shows 10), as matrices; then /dashboard, each cell spelt out, paged the same way (issue 16, item 3):
        # its default page, and its largest (100 a page, more than the biggest contract's 60: the whole contract)
        dict(name="RAG dashboard, biggest contract, a page", service="contracts",
             path=f"/contracts/{contract}/dashboard/matrix", params=None, who=manager,
             page=f"/contracts/{contract}/dashboard",
             sql=DASHBOARD_SQL.format(limit="LIMIT 21"), sql_params={"cid": cid, "contract": contract}),
        dict(name="RAG dashboard, biggest contract, /dashboard (default page, cells spelt out)", service="contracts",
             path=f"/contracts/{contract}/dashboard", params=None, who=manager, page=None,
             sql=DASHBOARD_SQL.format(limit="LIMIT 21"), sql_params={"cid": cid, "contract": contract}),
        dict(name="RAG dashboard, biggest contract, /dashboard?limit=100 (largest page: whole)", service="contracts",
             path=f"/contracts/{contract}/dashboard", params={"limit": 100}, who=manager, page=None,
             sql=DASHBOARD_SQL.format(limit=""), sql_params={"cid": cid, "contract": contract}),
        # the report: each line's sum against the target and the worst subcontractor's share of it (P1), highlights
        dict(name="commissioner report, biggest contract", service="contracts", path=f"/contracts/{contract}/report",
             params=None, who=manager, page=f"/contracts/{contract}/report",
             sql="""SELECT t.indicator_id, t.period_id, t.target,
                           sum((r.actuals ->> t.indicator_id::text)::numeric), count(r.id),
                           min((r.actuals ->> t.indicator_id::text)::numeric * 100 / nullif(st.target, 0)),
                           array_agg(r.narrative) FILTER (WHERE r.narrative <> '')
                      FROM indicator_target t
                      LEFT JOIN performance_return r ON r.contract_id = t.contract_id AND r.period_id = t.period_id
                                                    AND r.status = 'accepted'
                      LEFT JOIN subcontract_target st ON st.subcontract_id = r.subcontract_id
                                                     AND st.indicator_id = t.indicator_id AND st.period_id = t.period_id
                     WHERE t.consortium_id = %(cid)s AND t.contract_id = %(contract)s
                     GROUP BY t.indicator_id, t.period_id, t.target""",
             sql_params={"cid": cid, "contract": contract}),
        # the review queue (issue 16 item 3): a page of returns waiting, in SQL on ix_performance_return_review,
        # each viewed with its lines (it read and viewed all 12,000 returns before)
        dict(name="returns waiting for review", service="contracts", path="/returns", params={"status": "submitted"},
             who=manager, page="/contracts/returns",
             sql="""SELECT r.*, s.organisation_name, p.label FROM performance_return r
                      JOIN subcontract s ON s.id = r.subcontract_id JOIN reporting_period p ON p.id = r.period_id
                     WHERE r.consortium_id = %(cid)s AND r.status = 'submitted'
                     ORDER BY r.submitted_at, r.id LIMIT 51""",
             sql_params={"cid": cid}),
        dict(name="decisions log", service="governance", path="/decisions", params=None, who=manager,
             page="/governance/decisions-log",
             sql="SELECT * FROM decision WHERE consortium_id = %(cid)s ORDER BY decided_at DESC LIMIT 500",
             sql_params={"cid": cid}),
        # the home pages' summaries (issue 14 item 1): each service's counts and first five for the caller's role
        dict(name="home summary, membership (manager)", service="membership", path="/summary", params=None,
             who=manager, page=None,
             sql="""SELECT count(*) FILTER (WHERE e.expires_on >= current_date),
                           count(*) FILTER (WHERE e.expires_on BETWEEN current_date AND current_date + 7),
                           count(*) FILTER (WHERE e.expires_on < current_date),
                           (SELECT array_agg(x.id) FROM (SELECT e2.id FROM due_diligence_evidence e2
                              JOIN organisation o2 ON o2.id = e2.organisation_id
                             WHERE e2.consortium_id = %(cid)s AND e2.expires_on <= current_date + 30
                             ORDER BY e2.expires_on, o2.name, e2.id LIMIT 5) x)
                      FROM due_diligence_evidence e JOIN organisation o ON o.id = e.organisation_id
                     WHERE e.consortium_id = %(cid)s AND e.expires_on <= current_date + 30
                       AND o.status NOT IN ('rejected', 'withdrawn', 'expelled')""",
             sql_params={"cid": cid}),
        dict(name="home summary, contracts (manager)", service="contracts", path="/summary", params=None,
             who=manager, page=None,
             sql="""SELECT (SELECT count(*) FROM performance_return WHERE consortium_id = %(cid)s
                              AND status = 'submitted'),
                           (SELECT array_agg(x.id) FROM (SELECT r.id FROM performance_return r
                              JOIN reporting_period p ON p.id = r.period_id JOIN subcontract s ON s.id = r.subcontract_id
                             WHERE r.consortium_id = %(cid)s AND r.status = 'submitted'
                             ORDER BY r.submitted_at, r.id LIMIT 5) x),
                           (SELECT count(*) FROM opportunity WHERE consortium_id = %(cid)s
                              AND stage NOT IN ('lost', 'withdrawn')
                              AND (submission_deadline BETWEEN current_date AND current_date + 14
                                   OR clarification_deadline BETWEEN current_date AND current_date + 14
                                   OR award_expected_on BETWEEN current_date AND current_date + 14
                                   OR start_expected_on BETWEEN current_date AND current_date + 14)),
                           (SELECT count(*) FROM allocation_round WHERE consortium_id = %(cid)s
                              AND status <> 'decided')""",
             sql_params={"cid": cid}),
        dict(name="home summary, finance (finance officer)", service="finance", path="/summary", params=None,
             who=finance_officer, page=None,
             sql="""SELECT (SELECT count(*) FROM timesheet t JOIN staff_member s ON s.id = t.staff_id
                             WHERE t.consortium_id = %(cid)s AND t.status = 'submitted'
                               AND s.user_id IS DISTINCT FROM %(user)s),
                           (SELECT count(DISTINCT c.organisation_id) FROM chargeable_time_tally c
                              JOIN staff_member s ON s.id = c.staff_id AND s.organisation_id = c.organisation_id
                             WHERE c.consortium_id = %(cid)s AND c.approved AND c.invoice_id IS NULL
                               AND c.written_off_id IS NULL
                               AND c.month = date_trunc('month', current_date - interval '1 month')::date),
                           (SELECT count(*) FROM recharge_invoice WHERE consortium_id = %(cid)s AND status = 'draft'),
                           (SELECT count(*) FROM budget_variation WHERE consortium_id = %(cid)s
                              AND status IN ('requested', 'awaiting_ratification')),
                           (SELECT count(*) FROM payment_instalment WHERE consortium_id = %(cid)s
                              AND (status = 'released' OR (status = 'scheduled' AND release = 'on_date'
                                                           AND due_on <= current_date + 14)))""",
             sql_params={"cid": cid, "user": f["users"]["bench.finance"]}),
        dict(name="home summary, governance (manager)", service="governance", path="/summary", params=None,
             who=manager, page=None,
             sql="""SELECT count(*) OVER (), id, title, requested_at FROM decision_request
                     WHERE consortium_id = %(cid)s AND status = 'pending' ORDER BY requested_at, id LIMIT 5""",
             sql_params={"cid": cid}),
        dict(name="audit trail (gateway, host admin)", service="gateway", path=None, params=None,
             who=(f["users"]["bench.admin"], {"host_admin"}, "bench.admin"), page="/admin/audit",
             sql="SELECT *, count(*) OVER () FROM audit_entry ORDER BY id DESC LIMIT 50", sql_params={}),
    ]


# The subsidy report's month in raw SQL, from what the service reads (issue 16): approved time from the tally per
# employer (open: not written off, on no invoice or one neither issued nor paid), time not yet approved from the
# tally per person and day valued at the person's rate of the day, recharged invoices and their lines' minutes,
# write-offs. Its answer is
# checked against the API's, figure by figure (subsidy_same_answer), so the comparison is of the same answer.
SUBSIDY_SQL = """
WITH approved AS (
    SELECT s.organisation_id AS org, sum(t.minutes) AS minutes, sum(t.worth) AS worth,
           coalesce(sum(t.minutes) FILTER (WHERE t.written_off_id IS NULL
                                           AND coalesce(i.status, '') NOT IN ('issued', 'paid')), 0) AS open_minutes,
           coalesce(sum(t.worth) FILTER (WHERE t.written_off_id IS NULL
                                         AND coalesce(i.status, '') NOT IN ('issued', 'paid')), 0) AS open_worth
      FROM chargeable_time_tally t JOIN staff_member s ON s.id = t.staff_id
      LEFT JOIN recharge_invoice i ON i.id = t.invoice_id
     WHERE t.consortium_id = %(cid)s AND t.month = %(month)s AND t.approved AND s.employer_kind IN ('host', 'member')
     GROUP BY s.organisation_id),
unapproved AS (
    SELECT s.organisation_id AS org, sum(t.minutes) AS minutes, sum(t.minutes * coalesce(r.rate, 0)) AS worth,
           coalesce(sum(t.minutes) FILTER (WHERE r.rate IS NULL), 0) AS unrated
      FROM chargeable_time_tally t JOIN staff_member s ON s.id = t.staff_id
      LEFT JOIN LATERAL (SELECT hourly_rate_pence AS rate FROM staff_rate WHERE staff_id = t.staff_id
                            AND effective_from <= t.day ORDER BY effective_from DESC, created_at DESC LIMIT 1) r ON true
     WHERE t.consortium_id = %(cid)s AND t.month = %(month)s AND NOT t.approved
       AND s.employer_kind IN ('host', 'member')
     GROUP BY s.organisation_id),
recharged AS (
    SELECT i.organisation_id AS org, sum(i.net_pence) AS pence,
           sum((SELECT sum(l.minutes) FROM recharge_invoice_line l WHERE l.invoice_id = i.id)) AS minutes
      FROM recharge_invoice i
     WHERE i.consortium_id = %(cid)s AND i.status IN ('issued', 'paid', 'credited') AND i.month = %(month)s
     GROUP BY i.organisation_id),
written_off AS (
    SELECT organisation_id AS org, sum(minutes) AS minutes, sum(amount_pence) AS pence FROM subsidy_write_off
     WHERE consortium_id = %(cid)s AND month = %(month)s GROUP BY organisation_id)
SELECT coalesce(a.org, u.org, r.org, w.org), a.minutes, a.worth, a.open_minutes, a.open_worth, u.minutes, u.worth,
       u.unrated, r.minutes, r.pence, w.minutes, w.pence
  FROM approved a FULL JOIN unapproved u ON u.org = a.org FULL JOIN recharged r ON r.org = coalesce(a.org, u.org)
  FULL JOIN written_off w ON w.org = coalesce(a.org, u.org, r.org)"""


def subsidy_same_answer(rows: list[tuple], answer: list[dict]) -> None:
    """The raw SQL's figures are the report's (minutes x rate summed exactly, / 60 rounded half up once)."""
    def pence(worth) -> int:
        return int((Decimal(int(worth or 0)) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    raw = {}
    for org, am, aw, om, ow, um, uw, unrated, rm, rp, wm, wp in rows:
        logged = pence((aw or 0) + (uw or 0))
        raw[str(org)] = {"logged_minutes": int((am or 0) + (um or 0)), "logged_pence": logged,
                         "approved_minutes": int(am or 0), "approved_pence": pence(aw),
                         "unapproved": {"minutes": int(um or 0), "pence": pence(uw)},
                         "not_yet_invoiced": {"minutes": int(om or 0), "pence": pence(ow)},
                         "written_off": {"minutes": int(wm or 0), "pence": int(wp or 0)},
                         "recharged_minutes": int(rm or 0), "recharged_pence": int(rp or 0),
                         "subsidy_pence": logged - int(rp or 0), "unrated_minutes": int(unrated or 0)}
    reported = {row["organisation_id"]: {
        **{k: row[k] for k in ("logged_minutes", "logged_pence", "approved_minutes", "approved_pence",
                               "recharged_minutes", "recharged_pence", "subsidy_pence", "unrated_minutes")},
        **{k: row["reasons"][k] for k in ("unapproved", "not_yet_invoiced", "written_off")}} for row in answer}
    if raw != reported:
        wrong = sorted(k for k in raw.keys() | reported.keys() if raw.get(k) != reported.get(k))
        raise RuntimeError(f"subsidy report: the raw SQL's answer differs from the API's for {len(wrong)} "
                           f"employers, e.g. {wrong[0]}: SQL {raw.get(wrong[0])} API {reported.get(wrong[0])}")


# --- the statements each read makes ----------------------------------------------------------------------------------

def statements_of(manifest: dict, read: dict) -> list[tuple[str, object]]:
    """The SQL one request of this read makes, from the service's app in this process (Flask's test client)."""
    service = InProcess(manifest, read["service"])
    try:
        user_id, roles, _ = read["who"]
        token = service.token(user_id, roles)
        service.get(read["path"], read["params"], token)  # warmed: what is read once per process is not counted
        answer, seen = service.get(read["path"], read["params"], token)
    finally:
        service.close()
    if answer.status_code != 200:
        raise RuntimeError(f"{read['name']}: {answer.status_code}")
    return seen


def seq_scans(conn: psycopg.Connection, statements: list[tuple[str, object]]) -> list[str]:
    """The big tables a Seq Scan reads in the plans of these statements (EXPLAIN, not ANALYZE)."""
    found = set()
    distinct = {}
    for statement, params in statements:
        distinct.setdefault(re.sub(r"\s+", " ", statement), params)
    for statement, params in distinct.items():
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        with conn.cursor() as cur:
            try:
                cur.execute("EXPLAIN " + statement, params)
            except psycopg.Error:
                conn.rollback()
                continue
            for (line,) in cur.fetchall():
                match = re.search(r"Seq Scan on (\w+)", line)
                if match and match[1] in BIG_TABLES:
                    found.add(match[1])
        conn.rollback()
    return sorted(found)


# --- the month-end run -----------------------------------------------------------------------------------------------

MONTH_END_SQL = """
CREATE TEMP TABLE month_lines ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, e.organisation_id, e.cost_code_id, e.staff_id, e.rate_pence, sum(e.minutes) AS minutes,
       count(*) AS entries
  FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id JOIN staff_member s ON s.id = e.staff_id
 WHERE e.consortium_id = %(cid)s AND s.employer_kind IN ('host', 'member') AND t.status = 'approved'
   AND e.chargeable AND e.day >= %(month)s AND e.day < %(next)s AND e.invoice_line_id IS NULL
   AND e.written_off_id IS NULL
 GROUP BY e.organisation_id, e.cost_code_id, e.staff_id, e.rate_pence HAVING sum(e.minutes) <> 0;
CREATE TEMP TABLE month_invoices ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, organisation_id, sum(round(minutes * rate_pence / 60.0)) AS net
  FROM month_lines GROUP BY organisation_id;
INSERT INTO recharge_invoice (id, consortium_id, organisation_id, kind, month, status, vat_treatment, net_pence,
                              vat_pence, total_pence, created_by, created_at)
SELECT id, %(cid)s, organisation_id, 'invoice', %(month)s, 'draft', 'standard', net, round(net * 0.2),
       net + round(net * 0.2), 'bench', now() FROM month_invoices;
INSERT INTO recharge_invoice_line (id, consortium_id, invoice_id, organisation_id, position, cost_code_id, staff_id,
                                   description, minutes, rate_pence, net_pence, vat_pence)
SELECT l.id, %(cid)s, i.id, l.organisation_id,
       row_number() OVER (PARTITION BY l.organisation_id ORDER BY c.code, c.title, s.name),
       l.cost_code_id, l.staff_id, c.code || ' ' || c.title || ': ' || s.name, l.minutes, l.rate_pence,
       round(l.minutes * l.rate_pence / 60.0), round(round(l.minutes * l.rate_pence / 60.0) * 0.2)
  FROM month_lines l JOIN month_invoices i ON i.organisation_id = l.organisation_id
  JOIN cost_code c ON c.id = l.cost_code_id JOIN staff_member s ON s.id = l.staff_id;
INSERT INTO recharge_invoice_line_entry (line_id, entry_id, organisation_id, consortium_id)
SELECT l.id, e.id, e.organisation_id, e.consortium_id
  FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id
  JOIN month_lines l ON l.organisation_id = e.organisation_id AND l.cost_code_id = e.cost_code_id
                    AND l.staff_id = e.staff_id AND l.rate_pence = e.rate_pence
 WHERE e.consortium_id = %(cid)s AND t.status = 'approved' AND e.chargeable AND e.day >= %(month)s
   AND e.day < %(next)s AND e.invoice_line_id IS NULL AND e.written_off_id IS NULL;
UPDATE time_entry e SET invoice_line_id = le.line_id FROM recharge_invoice_line_entry le
 JOIN month_lines l ON l.id = le.line_id WHERE e.id = le.entry_id;
UPDATE chargeable_time_tally a SET entries = a.entries - m.entries, minutes = a.minutes - m.minutes,
       worth = a.worth - m.worth
  FROM (SELECT staff_id, organisation_id, sum(entries) AS entries, sum(minutes) AS minutes,
               sum(minutes * rate_pence) AS worth FROM month_lines GROUP BY staff_id, organisation_id) m
 WHERE a.consortium_id = %(cid)s AND a.month = %(month)s AND a.staff_id = m.staff_id
   AND a.organisation_id = m.organisation_id AND a.approved AND a.invoice_id IS NULL AND a.written_off_id IS NULL;
DELETE FROM chargeable_time_tally WHERE consortium_id = %(cid)s AND month = %(month)s AND entries = 0;
INSERT INTO chargeable_time_tally (id, consortium_id, staff_id, organisation_id, month, day, approved, invoice_id,
                                   written_off_id, entries, minutes, worth)
SELECT gen_random_uuid(), %(cid)s, l.staff_id, l.organisation_id, %(month)s, NULL, true, i.id, NULL, sum(l.entries),
       sum(l.minutes), sum(l.minutes * l.rate_pence)
  FROM month_lines l JOIN month_invoices i ON i.organisation_id = l.organisation_id
 GROUP BY l.staff_id, l.organisation_id, i.id;
"""


def month_end(hub: Hub, manifest: dict, conn: psycopg.Connection) -> tuple[float, float, int, int]:
    """(hub seconds, raw SQL seconds, invoices, entries): every employer's draft for the month by finance's month-end
    run, one request (then discarded, so the run can be repeated), and the same writes in raw SQL (rolled back)."""
    f, cid = manifest["facts"], manifest["consortium_id"]
    month = dt.date.fromisoformat(f["month"])
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    params = {"cid": cid, "month": month, "next": next_month}
    with conn.cursor() as cur:
        cur.execute("SELECT DISTINCT organisation_id FROM staff_member WHERE consortium_id = %s "
                    "AND employer_kind IN ('host', 'member') ORDER BY organisation_id", (cid,))
        employers = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT count(*) FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id WHERE "
                    "e.consortium_id = %(cid)s AND t.status = 'approved' AND e.chargeable AND e.day >= %(month)s "
                    "AND e.day < %(next)s AND e.invoice_line_id IS NULL AND e.written_off_id IS NULL", params)
        entries = cur.fetchone()[0]
    conn.rollback()
    started = time.perf_counter()
    with conn.cursor() as cur:
        for statement in MONTH_END_SQL.split(";"):
            if statement.strip():
                cur.execute(statement, params)
    raw = time.perf_counter() - started
    conn.rollback()
    headers = {"Authorization": f"Bearer {hub.token('finance', f['users']['bench.finance'], {'finance_officer'})}"}
    made = []
    started = time.perf_counter()
    try:  # one request, one transaction: finance's month-end run (POST /invoices/month-end)
        answer = requests.post(hub.url("finance") + "/invoices/month-end", headers=headers, timeout=600,
                               json={"month": f"{month:%Y-%m}"})
        if answer.status_code != 201:
            raise RuntimeError(f"month-end run: {answer.status_code} {answer.text[:300]}")
        made = [draft["id"] for draft in answer.json()["drafts"]]
        took = time.perf_counter() - started
        if len(made) != len(employers) or answer.json()["left_out"]:
            raise RuntimeError(f"month-end run: {len(made)} drafts for {len(employers)} employers")
    finally:
        for invoice_id in made:
            requests.delete(hub.url("finance") + f"/invoices/{invoice_id}", headers=headers, timeout=600)
    return took, raw, len(made), entries


# --- the run ---------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=50, help="requests per read (p50/p95 over them)")
    parser.add_argument("--reload", action="store_true", help="load the big consortium again")
    parser.add_argument("--only", default="", help="comma-separated words: run only reads whose name has one "
                        "('month-end': the month-end run; alone, no reads)")
    parser.add_argument("--service", default="", help="comma-separated services: run only their reads "
                        "(the month-end run is finance's)")
    parser.add_argument("--no-month-end", action="store_true", help="skip the month-end run")
    parser.add_argument("--direct-only", action="store_true", help="only the services direct and the raw SQL (not "
                        "through the gateway: its /api and pages)")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"(reads_at_scale: ignoring {' '.join(unknown)})", file=sys.stderr)
    print_header_once()
    manifest = ensure(args.scale, args.reload)
    print_counts(manifest)
    words = [w for w in args.only.split(",") if w]
    services = [name for name in args.service.split(",") if name]
    chosen = [r for r in reads(manifest) if (not services or r["service"] in services)
              and (not words or any(w in r["name"] for w in words if w != "month-end"))]
    with_month_end = not args.no_month_end and (not services or "finance" in services) \
        and (not words or "month-end" in words)
    run = None
    rows = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-reads-") as tmp:
        hub = Hub(manifest, Path(tmp)).start()
        try:
            gateway = hub.url("gateway")
            api_tokens, browsers = {}, {}
            for read in chosen:
                user_id, roles, username = read["who"]
                conn = psycopg.connect(libpq_url(manifest["databases"][read["service"]]))
                try:
                    raw = timed(sql_call(conn, read["sql"], read["sql_params"]), args.requests)
                    direct = via_api = page = None
                    queries, scans, cpu = "–", [], {}
                    if read["path"]:
                        headers = {"Authorization": f"Bearer {hub.token(read['service'], user_id, roles)}"}
                        if read.get("same_answer"):  # the raw SQL answers what the API does, checked once
                            read["same_answer"](sql_call(conn, read["sql"], read["sql_params"])(), http_get(
                                None, hub.url(read["service"]) + read["path"], headers, read["params"])().json())
                            conn.rollback()
                        direct = timed(http_get(None, hub.url(read["service"]) + read["path"], headers,
                                                read["params"]), args.requests, cpu, hub, "direct",
                                       (read["service"],))
                        if not args.direct_only:
                            if username not in api_tokens:
                                api_tokens[username] = hub.api_token(username)
                            via_api = timed(http_get(None, f"{gateway}/api/{read['service']}{read['path']}",
                                                     {"Authorization": f"Bearer {api_tokens[username]}"},
                                                     read["params"]), args.requests, cpu, hub, "api",
                                            (read["service"], "gateway"))
                        statements = statements_of(manifest, read)
                        queries, scans = str(len(statements)), seq_scans(conn, statements)
                    else:
                        scans = seq_scans(conn, [(read["sql"], read["sql_params"])])
                    if read["page"] and not args.direct_only:
                        if username not in browsers:
                            browsers[username] = hub.browser(username)
                        page = timed(http_get(browsers[username], gateway + read["page"], None,
                                              read.get("page_params")), args.requests, cpu, hub, "page",
                                     tuple(dict.fromkeys((read["service"], "gateway"))))
                finally:
                    conn.close()
                rows.append((read["name"], direct, via_api, page, raw, queries, scans, cpu))
                print(f"  measured {read['name']}", flush=True)
            if with_month_end:
                conn = psycopg.connect(libpq_url(manifest["databases"]["finance"]))
                try:
                    run = month_end(hub, manifest, conn)
                finally:
                    conn.close()
        finally:
            hub.stop()
    print_table(rows, args.requests, run, manifest)
    return 0


def cpu_text(cpu: dict) -> str:
    """e.g. "59; 60 + 14; 61 + 23": the service's CPU per request direct, then service + gateway via /api and page."""
    def one(label: str) -> str:
        spent = [(name, ms) for (of, name), ms in cpu.items() if of == label]
        return " + ".join(f"{ms:.0f}" for _name, ms in spent) if spent else "–"
    return "; ".join(one(label) for label in ("direct", "api", "page"))


def print_table(rows, n: int, run, manifest: dict) -> None:
    def ms(pair):
        return "–" if pair is None else f"{pair[0]:,.0f} / {pair[1]:,.0f}"

    out = [("read (p50 / p95 ms over %d requests)" % n, "direct", "gateway /api", "gateway page", "raw SQL",
            "worst p95 / target", "SQL per request", "Seq Scan on a big table",
            "CPU ms per request: direct; /api; page (service + gateway)")]
    for name, direct, via_api, page, raw, queries, scans, cpu in rows:
        worst = max(p[1] for p in (direct, via_api, page) if p is not None)
        out.append((name, ms(direct), ms(via_api), ms(page), ms(raw),
                    f"{worst / READ_TARGET_MS:.2f}" + (" ✗" if worst > READ_TARGET_MS else " ✓"),
                    queries, ", ".join(scans) or "none", cpu_text(cpu)))
    if run is not None:
        took, raw, invoices, entries = run
        out.append((f"month-end run: {invoices} drafts, {entries:,} entries (s)", f"{took:.1f} s", "–", "–",
                    f"{raw:.1f} s", f"{took / raw / RUN_TARGET_RATIO:.2f}" + (" ✗" if took > RUN_TARGET_RATIO * raw
                                                                             else " ✓"), "–", "–", "–"))
    counts = manifest["counts"]["finance"]
    print()
    print_markdown(f"Reads at scale: {counts['time_entry']:,} time entries, {counts['staff_member']:,} staff, "
                   f"scale {manifest['scale']:g}; targets: p95 <= {READ_TARGET_MS:.0f} ms, month-end <= "
                   f"{RUN_TARGET_RATIO} x raw SQL; one gunicorn worker per process; {machine()}; load average at "
                   f"the end {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)", out[0], out[1:])


if __name__ == "__main__":
    sys.exit(main())
