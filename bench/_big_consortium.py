"""A big consortium on demand (issue 16): PostgreSQL databases for the four services and the gateway, migrated,
then filled in bulk (COPY) straight into the services' own tables with a large deployment.

    python bench/_big_consortium.py [--scale 1] [--reload]      # `make bench-data`

At scale 1: 1,200 staff of 40 member employers logging time for two years (about 1.5 million time entries in
125,000 weekly timesheets; every week approved and costed but the last two, a few thousand awaiting approval),
every month before the last complete one recharged (invoices, lines, the entries behind each line), 300 member
organisations with documents, evidence, contacts and quality marks (and finance's and contracts' read copies of
them), 100 contracts with 1,000 subcontracts and 12 quarters of targets and returns each, 3 bodies with 5 years of
meetings, agendas, attendance and decisions, and 50,000 rows of the gateway's audit trail. Everything is made from a
seeded random generator, so two loads at one scale hold the same rows; `--scale 0.1` is a quick one.

The databases are named bench_big[_<scale>]_<service>; a loaded set is reused (its manifest, with the counts and
the ids the benchmarks need, is kept in var/bench/); `--reload` drops and rebuilds it. Nothing here goes through
the services' code paths but their migrations: the rows are what those paths would have written, consistently
(foreign keys, the one consortium id, organisation ids copied for scoping, the read copies).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
import uuid
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hubkit import clock
from hubkit.config import SERVICES
from hubkit.testing import ADMIN_URL

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / "var" / "bench"
LOADER_VERSION = 1  # bump when the data changes shape: a manifest of another version is reloaded
PASSWORD = "bench-password-Consortium-16"  # the gateway users' (bench databases only)
UTC = dt.timezone.utc


def tag(scale: float) -> str:
    return "" if scale == 1 else "_" + f"{scale:g}".replace(".", "p")


def database_names(scale: float) -> dict[str, str]:
    return {name: f"bench_big{tag(scale)}_{name}" for name in (*SERVICES, "gateway")}


def sqlalchemy_url(database: str) -> str:
    return make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)


def libpq_url(database: str) -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


def manifest_path(scale: float) -> Path:
    return STATE / f"big_consortium{tag(scale)}.json"


class Ids:
    """Deterministic UUIDs (version 4 bits) from the run's seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def copy_rows(conn: psycopg.Connection, table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with conn.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


class Loader:
    def __init__(self, scale: float, seed: int = 16):
        self.scale = scale
        self.rng = random.Random(seed)
        self.new_id = Ids(self.rng)
        self.names = database_names(scale)
        self.consortium_id = uuid.UUID("16161616-1616-4616-8616-161616161616")
        self.today = clock.today()
        self.now = dt.datetime.now(UTC).replace(microsecond=0)
        self.counts: dict[str, dict[str, int]] = {}
        self.facts: dict = {}

    def n(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.scale))

    # --- databases --------------------------------------------------------------------------------------------------
    def create_databases(self) -> None:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        import importlib

        from gateway.migrations import migrate as migrate_gateway
        from hubkit.testing import service_settings
        from hubkit.tokens import generate_keypair

        _private, public = generate_keypair(STATE / "keys")
        for name in SERVICES:
            definition = importlib.import_module(f"{name}.app").SERVICE
            definition.migrate(service_settings(name, sqlalchemy_url(self.names[name]), "127.0.0.1:9", public))
        migrate_gateway(sqlalchemy_url(self.names["gateway"]))

    def connect(self, service: str) -> psycopg.Connection:
        conn = psycopg.connect(libpq_url(self.names[service]))
        # Rows go in already consistent: foreign keys are not checked row by row while loading.
        conn.execute("SET session_replication_role = replica")
        return conn

    def load(self, service: str, tables: list[tuple[str, tuple[str, ...], object]]) -> None:
        started = time.perf_counter()
        counts = self.counts.setdefault(service, {})
        with self.connect(service) as conn:
            for table, columns, rows in tables:
                counts[table] = counts.get(table, 0) + copy_rows(conn, table, columns, rows() if callable(rows)
                                                                 else rows)
            conn.commit()
        with psycopg.connect(libpq_url(self.names[service]), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"  {service}: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s", flush=True)

    # --- membership and the read copies ----------------------------------------------------------------------------
    def organisations(self) -> None:
        from membership.domain import catalogue
        from membership.domain.due_diligence import KINDS

        rng, cid = self.rng, self.consortium_id
        categories, groups = list(catalogue.SERVICE_CATEGORIES), list(catalogue.CLIENT_GROUPS)
        diversity, bands = list(catalogue.DIVERSITY_CHARACTERISTICS), list(catalogue.INCOME_BANDS)
        self.areas = ["Northtown", "Southvale", "Eastmere", "Westbridge", "Riverside", "Hillcrest", "Lowmoor",
                      "Kingsford"]
        orgs, docs, evidence, contacts, marks = [], [], [], [], []
        count = self.n(300, 45)
        for i in range(count):
            org_id = self.new_id()
            status = "active" if i < count * 0.9 else rng.choice(("applicant", "lapsed", "suspended"))
            created = self.now - dt.timedelta(days=rng.randint(800, 2500))
            name = f"{rng.choice(('Northtown', 'Riverside', 'Hillcrest', 'Kingsford', 'Eastmere'))} " \
                   f"{rng.choice(('Community', 'Family', 'Carers', 'Youth', 'Advice', 'Wellbeing'))} " \
                   f"{rng.choice(('Trust', 'Network', 'Project', 'Association', 'Centre'))} {i + 1}"
            orgs.append({"id": org_id, "name": name, "status": status, "created": created,
                         "categories": rng.sample(categories, rng.randint(1, 4)),
                         "areas": rng.sample(self.areas, rng.randint(1, 3))})
        self.orgs = orgs
        org_rows = []
        for i, o in enumerate(orgs):
            legal = "charity" if i % 3 else "cio"
            org_rows.append((o["id"], cid, o["name"], legal, f"{1100000 + i:07d}", None, f"{i + 1} High Street",
                             None, rng.choice(self.areas), "AB1 2CD", Jsonb(o["areas"]),
                             Jsonb(rng.sample(groups, rng.randint(1, 3))), Jsonb(o["categories"]),
                             rng.choice(bands), rng.randint(2, 200), rng.randint(0, 300),
                             Jsonb(rng.sample(diversity, rng.randint(0, 2))), "Can take on more work.", Jsonb([]),
                             o["status"], o["status"] == "active", None, None, o["created"], o["created"]))
            for k, kind in enumerate(list(KINDS)[:4]):
                doc_id = self.new_id()
                uploaded = o["created"] + dt.timedelta(days=30 + 365 * rng.randint(0, 4))
                expires = (uploaded + dt.timedelta(days=365)).date()
                docs.append((doc_id, cid, o["id"], kind, f"{kind}.pdf", "application/pdf", 2048, "0" * 64,
                             b"%PDF-1.4 bench\n", expires, "user:bench", uploaded, "user:bench", uploaded.date()))
                evidence.append((self.new_id(), cid, o["id"], kind, uploaded.date(), expires,
                                 500_000_000 if "insurance" in kind else None, doc_id, None, "user:bench",
                                 uploaded.date(), None, False))
            for role in ("main", "finance"):
                contacts.append((self.new_id(), cid, o["id"], role, f"{role.title()} contact {i + 1}",
                                 f"{role}{i + 1}@example.org", "01234 567890"))
            marks.append((self.new_id(), cid, o["id"], "Trusted Charity", self.today + dt.timedelta(days=400)))
        self.load("membership", [
            ("organisation", ("id", "consortium_id", "name", "legal_form", "charity_number", "company_number",
                              "address_line_1", "address_line_2", "town", "postcode", "areas_served", "client_groups",
                              "service_categories", "income_band", "staff_count", "volunteer_count", "diversity",
                              "capacity", "past_contracts", "status", "eligible_for_new_work", "decision_request_id",
                              "expulsion_request_id", "created_at", "updated_at"), org_rows),
            ("compliance_document", ("id", "consortium_id", "organisation_id", "kind", "filename", "content_type",
                                     "size_bytes", "sha256", "content", "expires_on", "uploaded_by", "uploaded_at",
                                     "verified_by", "verified_on"), docs),
            ("due_diligence_evidence", ("id", "consortium_id", "organisation_id", "kind", "provided_on",
                                        "expires_on", "cover_pence", "document_id", "note", "verified_by",
                                        "verified_on", "expiry_warned_for", "expired_noted"), evidence),
            ("organisation_contact", ("id", "consortium_id", "organisation_id", "role", "name", "email", "phone"),
             contacts),
            ("quality_mark", ("id", "consortium_id", "organisation_id", "name", "expires_on"), marks),
        ])
        self.facts["capability_search"] = {"service_category": orgs[0]["categories"][0], "area": orgs[0]["areas"][0]}

    def copy_rows_of_orgs(self):
        return [(o["id"], self.consortium_id, o["name"], "charity", o["status"], o["status"] == "active",
                 o["created"]) for o in self.orgs]

    # --- finance ----------------------------------------------------------------------------------------------------
    def finance(self) -> None:
        from finance.adapters.tally import rebuild_statement
        from finance.domain.time import HUB_FUNCTIONS

        rng, cid, new_id = self.rng, self.consortium_id, self.new_id
        active = [o for o in self.orgs if o["status"] == "active"]
        employers = active[:self.n(40, 4)]
        staff_count = self.n(1200, 40)
        weeks = 104
        this_monday = self.today - dt.timedelta(days=self.today.weekday())
        first_monday = this_monday - dt.timedelta(weeks=weeks)
        # the last complete month is the month-end run's (approved, not yet invoiced); earlier months are invoiced
        run_month = (self.today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

        codes = []  # (id, code, title, kind, chargeable)
        for key, title in HUB_FUNCTIONS.items():
            codes.append((new_id(), f"HUB-{key[:20].upper()}", title, "hub_function", True))
        for c in range(20):
            codes.append((new_id(), f"CON-{c + 1:03d}", f"Contract {c + 1} management", "contract", True))
        for b in range(10):
            codes.append((new_id(), f"BID-{b + 1:03d}", f"Bid {b + 1}", "bid", True))
        codes.append((new_id(), "EMPLOYER-OWN", "The employer's own work", "employer_own", False))
        chargeable_codes = [c for c in codes if c[4]]
        own = codes[-1]

        staff = []
        managers: dict[uuid.UUID, dict] = {}
        for i in range(staff_count):
            org = employers[i % len(employers)]
            person = {"id": new_id(), "name": f"Staff Member {i + 1:04d}", "org": org["id"],
                      "user_id": f"bench-staff-{i + 1}", "manager": None}
            if org["id"] not in managers:
                managers[org["id"]] = person  # the first of each employer line-manages the others
            else:
                person["manager"] = managers[org["id"]]["id"]
            salary = rng.randrange(24_000_00, 52_000_00, 100)
            person["codes"] = rng.sample(chargeable_codes, 3) + [own]
            person["rates"] = []
            for year, start in enumerate((first_monday - dt.timedelta(days=30),
                                          first_monday + dt.timedelta(weeks=52))):
                yearly = salary * (103 + year * 3) // 100
                full = yearly * 125 // 100 * 115 // 100
                hourly = (full * 2 + 1650) // 3300  # over 1,650 productive hours, half up
                rate = (new_id(), start, hourly, yearly, full)
                person["rates"].append(rate)
            staff.append(person)
        self.facts.update(month=run_month.isoformat(), this_monday=this_monday.isoformat(),
                          manager_user_id=managers[employers[0]["id"]]["user_id"],
                          employers=len(employers), person_staff_id=str(staff[len(employers) + 1]["id"]),
                          person_week=(this_monday - dt.timedelta(weeks=3)).isoformat())

        def staff_rows():
            for p in sorted(staff, key=lambda p: p["manager"] is not None):  # managers first
                yield (p["id"], cid, p["name"], "member", p["org"], p["manager"], p["user_id"],
                       self.now - dt.timedelta(days=800))

        def rate_rows():
            for p in staff:
                for rid, start, hourly, yearly, full in p["rates"]:
                    yield (rid, cid, p["id"], p["org"], start, yearly, 25, None, 15, 1650, full, hourly,
                           "user:bench-finance", dt.datetime.combine(start, dt.time(9), UTC))

        def code_rows():
            for code_id, code, title, kind, chargeable in codes:
                yield (code_id, cid, code, title, kind, chargeable, None, True)

        invoices: dict[tuple, dict] = {}  # (org, month) -> invoice
        sheets: list[tuple] = []
        invoiced_months_end = run_month

        def month_of(day: dt.date) -> dt.date:
            return day.replace(day=1)

        def entry_rows():
            for p in staff:
                line_of: dict[tuple, list] = {}  # (month, code, rate) -> [line id, minutes]
                for w in range(weeks):
                    monday = first_monday + dt.timedelta(weeks=w)
                    sheet_id = new_id()
                    age = weeks - w  # 1 = last week
                    if age == 1 or (age == 2 and rng.random() < 0.1):
                        status = "submitted"
                    else:
                        status = "approved"
                    submitted = dt.datetime.combine(monday + dt.timedelta(days=4), dt.time(16), UTC)
                    decided = submitted + dt.timedelta(days=3) if status == "approved" else None
                    sheets.append((sheet_id, cid, p["id"], p["org"], monday, status, submitted,
                                   "bench-manager" if decided else None, decided, None))
                    rate = p["rates"][0] if monday < p["rates"][1][1] else p["rates"][1]
                    for d in range(5):
                        day = monday + dt.timedelta(days=d)
                        todays = rng.sample(p["codes"], rng.choice((2, 2, 3, 3, 3)))
                        left = 450
                        for k, code in enumerate(todays):
                            minutes = left if k == len(todays) - 1 else 15 * rng.randint(4, 12)
                            minutes = max(15, min(minutes, left - 15 * (len(todays) - k - 1)))
                            left -= minutes
                            chargeable = code[4]
                            approved = status == "approved"
                            line_id = None
                            month = month_of(day)
                            if approved and chargeable and month < invoiced_months_end:
                                key = (month, code[0], rate[0])
                                if key not in line_of:
                                    line_of[key] = [new_id(), 0]
                                line_of[key][1] += minutes
                                line_id = line_of[key][0]
                            yield (new_id(), cid, sheet_id, p["id"], p["org"], day, code[0], minutes, chargeable,
                                   rate[0] if approved else None, rate[2] if approved else None, None, None, None,
                                   None, line_id, None, submitted - dt.timedelta(hours=2))
                for (month, code_id, rate_id), (line_id, minutes) in line_of.items():
                    invoice = invoices.setdefault((p["org"], month), {"id": new_id(), "lines": []})
                    hourly = next(r[2] for r in p["rates"] if r[0] == rate_id)
                    code = next(c for c in codes if c[0] == code_id)
                    invoice["lines"].append((line_id, code, p, minutes, hourly, month))

        def sheet_rows():
            yield from sheets

        def issuer_rows():
            for org in employers:
                numbered = sum(1 for (o, _m) in invoices if o == org["id"])
                yield (new_id(), cid, org["id"], "standard", "INV-", numbered + 1, 30, "200", "The consortium")

        sequence: dict = {}

        def invoice_rows():
            for (org, month), invoice in sorted(invoices.items(), key=lambda kv: (kv[0][1], str(kv[0][0]))):
                number = sequence[org] = sequence.get(org, 0) + 1
                net = vat = 0
                invoice["rows"] = []
                for line_id, code, p, minutes, hourly, _month in invoice["lines"]:
                    line_net = (2 * minutes * hourly + 60) // 120  # minutes x rate / 60, half up (F4)
                    line_vat = (line_net * 40 + 100) // 200  # 20%, half up
                    net, vat = net + line_net, vat + line_vat
                    description = f"{code[1]} {code[2]}: {p['name']}, {month:%B %Y}"
                    invoice["rows"].append((description, line_id, code[0], p["id"], minutes, hourly, line_net,
                                            line_vat))
                issued = next_month(month) + dt.timedelta(days=3)
                paid = issued + dt.timedelta(days=20) if next_month(next_month(month)) < self.today else None
                yield (invoice["id"], cid, org, "invoice", month, "paid" if paid else "issued",
                       f"INV-{number:05d}", number, "standard", net, vat, net + vat, issued,
                       issued + dt.timedelta(days=30), paid, None, None, None, "user:bench-finance",
                       dt.datetime.combine(issued, dt.time(10), UTC))

        def line_rows():
            for (org, _month), invoice in invoices.items():
                for position, (description, line_id, code_id, staff_id, minutes, hourly, net, vat) in enumerate(
                        sorted(invoice["rows"]), start=1):
                    yield (line_id, cid, invoice["id"], org, position, code_id, staff_id, description, minutes,
                           hourly, net, vat)

        self.load("finance", [
            ("member_organisation", ("id", "consortium_id", "name", "legal_form", "status", "eligible_for_new_work",
                                     "updated_at"), self.copy_rows_of_orgs()),
            ("hub_model_copy", ("id", "consortium_id", "model", "effective_from", "host_organisation_id",
                                "decision_id", "learned_at"),
             [(new_id(), cid, "virtual_hub", first_monday - dt.timedelta(days=400), None, new_id(), self.now)]),
            ("cost_code", ("id", "consortium_id", "code", "title", "kind", "chargeable", "source_id", "active"),
             code_rows),
            ("staff_member", ("id", "consortium_id", "name", "employer_kind", "organisation_id", "line_manager_id",
                              "user_id", "created_at"), staff_rows),
            ("staff_rate", ("id", "consortium_id", "staff_id", "organisation_id", "effective_from", "salary_pence",
                            "on_costs_percent", "on_costs_pence", "overhead_percent", "productive_hours",
                            "full_cost_pence", "hourly_rate_pence", "set_by", "created_at"), rate_rows),
            ("time_entry", ("id", "consortium_id", "timesheet_id", "staff_id", "organisation_id", "day",
                            "cost_code_id", "minutes", "chargeable", "rate_id", "rate_pence", "reverses_entry_id",
                            "reversed_by_entry_id", "correction_reason", "corrected_by", "invoice_line_id",
                            "written_off_id", "created_at"), entry_rows),
            ("timesheet", ("id", "consortium_id", "staff_id", "organisation_id", "week_starting", "status",
                           "submitted_at", "decided_by", "decided_at", "rejection_reason"), sheet_rows),
            ("invoice_issuer", ("id", "consortium_id", "organisation_id", "vat_treatment", "prefix", "next_number",
                                "payment_terms_days", "account_code", "bill_to_name"), lambda: issuer_rows()),
            ("recharge_invoice", ("id", "consortium_id", "organisation_id", "kind", "month", "status", "number",
                                  "sequence", "vat_treatment", "net_pence", "vat_pence", "total_pence", "issued_on",
                                  "due_on", "paid_on", "credits_invoice_id", "credited_by_id", "reason",
                                  "created_by", "created_at"), lambda: invoice_rows()),
            ("recharge_invoice_line", ("id", "consortium_id", "invoice_id", "organisation_id", "position",
                                       "cost_code_id", "staff_id", "description", "minutes", "rate_pence",
                                       "net_pence", "vat_pence"), lambda: line_rows()),
        ])
        self._sql("finance", """
            INSERT INTO recharge_invoice_line_entry (line_id, entry_id, organisation_id, consortium_id)
            SELECT invoice_line_id, id, organisation_id, consortium_id FROM time_entry
             WHERE invoice_line_id IS NOT NULL""", "recharge_invoice_line_entry")
        # the chargeable time tally (subsidy report, month-end, home summary), as migration 0011 counts it for a
        # database holding time
        self._sql("finance", rebuild_statement("postgresql"), "chargeable_time_tally")

    def _sql(self, service: str, statement: str, table: str) -> None:
        with self.connect(service) as conn:
            count = conn.execute(statement).rowcount
            conn.commit()
        self.counts[service][table] = count
        with psycopg.connect(libpq_url(self.names[service]), autocommit=True) as conn:
            conn.execute(f"VACUUM ANALYZE {table}")

    # --- contracts --------------------------------------------------------------------------------------------------
    def contracts(self) -> None:
        rng, cid, new_id = self.rng, self.consortium_id, self.new_id
        active = [o for o in self.orgs if o["status"] == "active"]
        contract_count = self.n(100, 5)
        sub_total = self.n(1000, 50)
        biggest_subs = max(10, sub_total * 6 // 100)
        per_other, spare = divmod(sub_total - biggest_subs, max(1, contract_count - 1))
        quarters = 12
        start = (self.today.replace(day=1) - dt.timedelta(days=quarters * 92)).replace(day=1)
        start = start.replace(month=((start.month - 1) // 3) * 3 + 1)
        contracts, indicators, periods, targets, subs, sub_targets, returns = [], [], [], [], [], [], []
        capabilities = []
        for o in self.orgs:
            capabilities.append((o["id"], cid, Jsonb(o["categories"]), Jsonb(o["areas"]), "Can take on more work.",
                                 o["created"]))
        for c in range(contract_count):
            contract_id = new_id()
            value = 5_000_000_00 if c == 0 else rng.randrange(100_000_00, 2_000_000_00, 100)
            ends = start + dt.timedelta(days=quarters * 92 + 365)
            contracts.append((contract_id, cid, None, None, f"Contract {c + 1}: community support",
                              "Delivered by members.", f"Commissioner {c % 7 + 1}", value, 500, start, ends,
                              "Quarterly in arrears", Jsonb([]), "quarterly", 30, 95, 80, "live",
                              dt.datetime.combine(start, dt.time(9), UTC), dt.datetime.combine(start, dt.time(9), UTC)))
            inds = []
            for k in range(4):
                ind_id = new_id()
                inds.append(ind_id)
                indicators.append((ind_id, cid, contract_id, f"O{k + 1}", f"Outcome {k + 1}",
                                   "output" if k < 2 else "outcome", "people", True, k + 1))
            pers = []
            for q in range(quarters):
                p_start = _add_months(start, 3 * q)
                p_end = _add_months(start, 3 * q + 3) - dt.timedelta(days=1)
                per_id = new_id()
                pers.append((per_id, p_end))
                periods.append((per_id, cid, contract_id, q + 1, f"Q{q + 1}", p_start, p_end,
                                p_end + dt.timedelta(days=30)))
                for ind_id in inds:
                    targets.append((new_id(), cid, contract_id, ind_id, per_id, 400))
            n_subs = biggest_subs if c == 0 else per_other + (c <= spare)
            for s in range(n_subs):
                org = active[(c * 7 + s) % len(active)]
                sub_id = new_id()
                subs.append((sub_id, cid, contract_id, org["id"], org["name"], "delivery", value // (n_subs + 1),
                             start, ends, rng.choice(("green", "green", "amber", "red")),
                             dt.datetime.combine(start, dt.time(9), UTC), "user:bench-manager"))
                for q, (per_id, p_end) in enumerate(pers):
                    for ind_id in inds:
                        sub_targets.append((new_id(), cid, sub_id, ind_id, per_id, 40))
                    if p_end >= self.today:
                        continue
                    accepted = q < quarters - 2 or rng.random() < 0.5
                    actuals = {str(i): str(rng.randint(20, 55)) for i in inds}
                    submitted = dt.datetime.combine(p_end + dt.timedelta(days=rng.randint(5, 40)), dt.time(12), UTC)
                    returns.append((new_id(), cid, sub_id, org["id"], contract_id, per_id, Jsonb(actuals),
                                    f"Quarter {q + 1}: steady progress with {rng.randint(20, 80)} people helped.",
                                    "accepted" if accepted else "submitted", submitted.date() > p_end + dt.timedelta(
                                        days=30), submitted, "user:bench-member",
                                    submitted + dt.timedelta(days=7) if accepted else None,
                                    "user:bench-manager" if accepted else None, None))
            if c == 0:
                self.facts["biggest_contract_id"] = str(contract_id)
        self.load("contracts", [
            ("member_organisation", ("id", "consortium_id", "name", "legal_form", "status", "eligible_for_new_work",
                                     "updated_at"), self.copy_rows_of_orgs()),
            ("member_capability", ("id", "consortium_id", "service_categories", "areas_served", "capacity",
                                   "updated_at"), capabilities),
            ("contract", ("id", "consortium_id", "opportunity_id", "lot_id", "title", "description",
                          "commissioner_name", "value_pence", "management_fee_basis_points", "starts_on", "ends_on",
                          "payment_terms", "income_schedule", "reporting_frequency", "return_due_days",
                          "rag_green_percent", "rag_amber_percent", "status", "awarded_at", "went_live_at"),
             contracts),
            ("indicator", ("id", "consortium_id", "contract_id", "code", "name", "kind", "unit", "higher_is_better",
                           "position"), indicators),
            ("reporting_period", ("id", "consortium_id", "contract_id", "number", "label", "starts_on", "ends_on",
                                  "return_due_on"), periods),
            ("indicator_target", ("id", "consortium_id", "contract_id", "indicator_id", "period_id", "target"),
             targets),
            ("subcontract", ("id", "consortium_id", "contract_id", "organisation_id", "organisation_name", "purpose",
                             "value_pence", "starts_on", "ends_on", "overall_rag", "issued_at", "issued_by"), subs),
            ("subcontract_target", ("id", "consortium_id", "subcontract_id", "indicator_id", "period_id", "target"),
             sub_targets),
            ("performance_return", ("id", "consortium_id", "subcontract_id", "organisation_id", "contract_id",
                                    "period_id", "actuals", "narrative", "status", "late", "submitted_at",
                                    "submitted_by", "reviewed_at", "reviewed_by", "review_comment"), returns),
        ])

    # --- governance -------------------------------------------------------------------------------------------------
    def governance(self) -> None:
        rng, cid, new_id = self.rng, self.consortium_id, self.new_id
        bodies = [("partners_group", "Partners Group", 10, 5), ("management_board", "Management Board", 8, 12),
                  ("sub_group", "Finance and Audit Sub-group", 5, 6)]
        years = 5
        first = _add_months(self.today.replace(day=1), -12 * years)
        body_rows, seats, meetings, items, attendance, decisions = [], [], [], [], [], []
        for kind, name, size, per_year in bodies:
            body_id = new_id()
            body_rows.append((body_id, cid, kind, name, Jsonb({}), dt.datetime.combine(first, dt.time(9), UTC)))
            body_seats = []
            for s in range(size):
                seat_id = new_id()
                body_seats.append(seat_id)
                org = self.orgs[(s * 11 + len(seats)) % len(self.orgs)]
                seats.append((seat_id, cid, body_id, org["id"], f"{name} member {s + 1}",
                              "chair" if s == 0 else "member", None, first, None, None))
            for m in range(years * per_year):
                day = first + dt.timedelta(days=int(m * 365 / per_year) + 10)
                if day > self.today + dt.timedelta(days=60):
                    break
                starts = dt.datetime.combine(day, dt.time(14), UTC)
                meeting_id = new_id()
                meetings.append((meeting_id, cid, body_id, f"{name} {day:%B %Y}", starts,
                                 day - dt.timedelta(days=21), "The hub office", "Minutes agreed.", body_seats[0]))
                if day > self.today:
                    continue
                for seat_id in body_seats:
                    attendance.append((meeting_id, seat_id, "present" if rng.random() < 0.85 else "apologies", None,
                                       cid))
                for position in range(1, 7):
                    item_id = new_id()
                    items.append((item_id, cid, meeting_id, position, f"Item {position}: {name} business",
                                  "decision" if position <= 3 else "standing", day - dt.timedelta(days=21), None))
                    if position <= 3:
                        decisions.append((new_id(), cid, body_id, meeting_id, item_id, None, None, "resolution",
                                          f"meeting/{meeting_id}", f"{name}: resolution {position} of {day:%B %Y}",
                                          "carried" if rng.random() < 0.9 else "lost",
                                          "Agreed after discussion.", Jsonb({"for": size - 2, "against": 1,
                                                                             "abstain": 1}), Jsonb([]), starts))
        self.load("governance", [
            ("body", ("id", "consortium_id", "kind", "name", "rules", "created_at"), body_rows),
            ("seat", ("id", "consortium_id", "body_id", "organisation_id", "person_name", "role", "deputy_for",
                      "starts_on", "ends_on", "lapsed_on"), seats),
            ("meeting", ("id", "consortium_id", "body_id", "title", "starts_at", "notice_given_on", "location",
                         "minutes", "chaired_by_seat_id"), meetings),
            ("attendance", ("meeting_id", "seat_id", "status", "deputy_name", "consortium_id"), attendance),
            ("agenda_item", ("id", "consortium_id", "meeting_id", "position", "title", "kind", "notified_on",
                             "decision_request_id"), items),
            ("decision", ("id", "consortium_id", "body_id", "meeting_id", "agenda_item_id", "motion_id",
                          "decision_request_id", "kind", "subject", "title", "outcome", "note", "votes",
                          "declarations", "decided_at"), decisions),
        ])

    # --- the gateway: the consortium, users to sign in as, the audit trail --------------------------------------------
    def gateway(self) -> None:
        from gateway import accounts
        from gateway.adapters.database import Database as GatewayDatabase

        db = GatewayDatabase(sqlalchemy_url(self.names["gateway"]))
        users = {}
        with db.session() as session:
            accounts.create_consortium(session, "Big Bench Consortium", "big-bench", self.consortium_id,
                                       actor="cli:bench")
            for username, roles in (("bench.finance", {"finance_officer"}), ("bench.manager", {"consortium_manager"}),
                                    ("bench.admin", {"host_admin"})):
                made = accounts.create_user(session, username=username, password=PASSWORD,
                                            consortium_id=self.consortium_id, roles=roles, actor="cli:bench")
                users[username] = str(made.id)
        db.dispose()
        self.facts["users"] = users
        rng, cid = self.rng, self.consortium_id
        user_ids = list(users.values())

        def audit_rows():
            for i in range(self.n(50_000, 500)):
                at = self.now - dt.timedelta(minutes=i * 7 + rng.randint(0, 6))
                yield (at, f"user:{rng.choice(user_ids)}", rng.choice(("user.created", "user.roles_changed",
                                                                       "user.signed_in")),
                       "user", str(uuid.UUID(int=rng.getrandbits(128), version=4)), cid, None,
                       Jsonb({"display_name": f"User {i}"}), None)

        self.load("gateway", [("audit_entry", ("at", "actor", "action", "entity", "entity_id", "consortium_id",
                                               "before", "after", "request_id"), audit_rows)])

    # --- the whole load ---------------------------------------------------------------------------------------------
    def run(self) -> dict:
        started = time.perf_counter()
        print(f"loading the big consortium at scale {self.scale:g} into {', '.join(self.names.values())}",
              flush=True)
        self.create_databases()
        self.gateway()  # users first: the finance staff's manager is linked to the gateway's manager
        self.organisations()
        self.finance()
        self.contracts()
        self.governance()
        self._link_manager()
        took = time.perf_counter() - started
        manifest = {"version": LOADER_VERSION, "scale": self.scale, "consortium_id": str(self.consortium_id),
                    "databases": self.names, "loaded_on": self.today.isoformat(), "load_seconds": round(took, 1),
                    "counts": self.counts, "facts": self.facts, "password": PASSWORD}
        STATE.mkdir(parents=True, exist_ok=True)
        manifest_path(self.scale).write_text(json.dumps(manifest, indent=2))
        print(f"loaded in {took:.0f} s; manifest {manifest_path(self.scale).relative_to(ROOT)}", flush=True)
        return manifest

    def _link_manager(self) -> None:
        """The gateway's bench.manager is the staff member who line-manages the first employer's team."""
        with self.connect("finance") as conn:
            conn.execute("UPDATE staff_member SET user_id = %s WHERE user_id = %s",
                         (self.facts["users"]["bench.manager"], self.facts["manager_user_id"]))
            conn.commit()
        self.facts["manager_user_id"] = self.facts["users"]["bench.manager"]


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def next_month(day: dt.date) -> dt.date:
    return _add_months(day, 1)


def loaded(scale: float) -> dict | None:
    """The manifest of a set loaded at this scale whose databases are all there, or None."""
    path = manifest_path(scale)
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    if manifest.get("version") != LOADER_VERSION:
        return None
    admin = create_engine(ADMIN_URL)
    with admin.connect() as conn:
        present = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
    admin.dispose()
    return manifest if set(manifest["databases"].values()) <= present else None


def ensure(scale: float = 1.0, reload: bool = False) -> dict:
    """The big consortium at this scale: the loaded set if there is one (unless reload), else a new load."""
    manifest = None if reload else loaded(scale)
    if manifest is not None:
        print(f"reusing the big consortium loaded on {manifest['loaded_on']} at scale {scale:g} "
              f"({manifest_path(scale).relative_to(ROOT)}; --reload to rebuild)", flush=True)
        migrate_to_head(manifest)
        return manifest
    return Loader(scale).run()


def migrate_to_head(manifest: dict) -> None:
    """Migrations added since the set was loaded (e.g. a new index) are applied to it; none: nothing happens."""
    import importlib

    from gateway.migrations import migrate as migrate_gateway
    from hubkit.testing import service_settings

    for name in SERVICES:
        definition = importlib.import_module(f"{name}.app").SERVICE
        definition.migrate(service_settings(name, sqlalchemy_url(manifest["databases"][name]), "127.0.0.1:9",
                                            STATE / "keys" / "token_public.pem"))
    migrate_gateway(sqlalchemy_url(manifest["databases"]["gateway"]))


class InProcess:
    """One service's app in this process (Flask's test client) on the big database, with bearer tokens for the
    consortium and a record of the SQL statements each request makes: how the benchmarks count and EXPLAIN what
    a read does."""

    def __init__(self, manifest: dict, service: str):
        import importlib

        from hubkit.testing import service_settings

        self.manifest = manifest
        self.service = service
        self.settings = service_settings(service, sqlalchemy_url(manifest["databases"][service]), "127.0.0.1:9",
                                         STATE / "keys" / "token_public.pem")
        self.app = importlib.import_module(f"{service}.app").SERVICE.create_app(self.settings)
        self.client = self.app.test_client()

    def token(self, user_id: str, roles, organisation_id: str | None = None) -> str:
        from hubkit.tokens import Principal, mint

        principal = Principal(user_id=user_id, username=user_id,
                              consortium_id=uuid.UUID(self.manifest["consortium_id"]),
                              organisation_id=organisation_id and uuid.UUID(organisation_id), roles=frozenset(roles))
        return mint(principal, (STATE / "keys" / "token_private.pem").read_bytes(),
                    issuer=self.settings.token_issuer, audience=self.service)

    def get(self, path: str, params, token: str) -> tuple[object, list[tuple[str, object]]]:
        """The answer to a GET and the statements (SQL, parameters) it made, in order."""
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        seen: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, _context, executemany):
            if not executemany:
                seen.append((statement, parameters))

        event.listen(Engine, "before_cursor_execute", record)
        try:
            answer = self.client.get(path, query_string=params, headers={"Authorization": f"Bearer {token}"})
        finally:
            event.remove(Engine, "before_cursor_execute", record)
        return answer, seen

    def close(self) -> None:
        self.app.extensions["hubkit.db"].dispose()


def print_counts(manifest: dict) -> None:
    for service, tables in manifest["counts"].items():
        print(f"  {service}: " + ", ".join(f"{table} {count:,}" for table, count in tables.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1)")
    parser.add_argument("--reload", action="store_true", help="drop and load again even if a set is there")
    args = parser.parse_args(argv)
    print_counts(ensure(args.scale, args.reload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
