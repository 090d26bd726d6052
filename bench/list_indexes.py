"""Every list's filter and order on an index (issue 16, item 3), checked by EXPLAIN over the big consortium
(bench/_big_consortium.py): each service's list endpoints are found in its OpenAPI document (a GET taking `limit`),
and each is asked for its first page as it is, in each of its sort orders, and with each of its filters (every
value of a filter with a list of values, a sample of any other), by the service's app in this process. The SQL
statement that reads the page (the one with a LIMIT) is EXPLAINed twice:

- as PostgreSQL plans it on this data: a Seq Scan on a big table (10,000 rows or more) is named;
- with sequential scans and sorts priced out of reach (`enable_seqscan`, `enable_sort` off), so an index is used
  wherever one can serve, however small the table: the listed table read with no Index Cond means no index serves
  the list's filter (not even the consortium's), and a Sort left in the plan means no index gives the list its
  order (the page cannot start before every row is read and sorted; an Incremental Sort, which only puts rows
  of an equal leading key in order, is an index's order). These are the lists' gaps, whatever the table's size.

    python bench/list_indexes.py [--scale 1] [--reload] [--service finance] [--verbose]

Prints one row per list with the variants asked and what was found, and a total; exits 0 (a bench, not a test).
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import uuid
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _big_consortium import InProcess, ensure, libpq_url  # noqa: E402
from _harness import machine, print_header_once, print_markdown  # noqa: E402

from hubkit.config import SERVICES  # noqa: E402
from hubkit.tokens import ROLES  # noqa: E402

# An id for each path parameter, from the service's own tables: the first row (the plans do not depend on which).
PATH_IDS = {
    "organisation_id": {"membership": "SELECT id FROM organisation ORDER BY name, id LIMIT 1"},
    "contract_id": {"contracts": None},  # the biggest contract, from the manifest's facts
    "staff_id": {"finance": "SELECT id FROM staff_member ORDER BY name, id LIMIT 1"},
    "invoice_id": {"finance": "SELECT l.invoice_id FROM recharge_invoice_line_entry e "
                              "JOIN recharge_invoice_line l ON l.id = e.line_id LIMIT 1"},
    "line_id": {"finance": "SELECT line_id FROM recharge_invoice_line_entry LIMIT 1"},
    "body_id": {"governance": "SELECT body_id FROM meeting GROUP BY body_id ORDER BY count(*) DESC LIMIT 1"},
    "meeting_id": {"governance": "SELECT meeting_id FROM agenda_item GROUP BY meeting_id ORDER BY count(*) DESC "
                                 "LIMIT 1"},
}
# A sample value of a query filter that is an id (other filters are sampled by their OpenAPI type)
FILTER_IDS = {
    ("finance", "organisation_id"): "SELECT organisation_id FROM recharge_invoice LIMIT 1",
    ("finance", "budget_id"): "SELECT id FROM budget LIMIT 1",
    ("governance", "body_id"): PATH_IDS["body_id"]["governance"],
}
MEMBER_ORGANISATION = {"membership": "SELECT id FROM organisation ORDER BY name, id LIMIT 1",
                       **{service: "SELECT id FROM member_organisation ORDER BY name, id LIMIT 1"
                          for service in ("contracts", "finance", "governance")}}
PAGE_ARGUMENTS = {"limit", "cursor"}
BIG_ROWS = 10_000


def first_id(conn: psycopg.Connection, sql: str) -> str | None:
    with conn.cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
    conn.rollback()
    return None if row is None else str(row[0])


def sample(service: str, name: str, schema: dict, facts: dict, conn: psycopg.Connection) -> list:
    """The values a filter is asked with: each of its enum's, or one sample of its type."""
    if schema.get("enum"):
        return [v for v in schema["enum"] if v is not None]
    if (service, name) in FILTER_IDS:
        found = first_id(conn, FILTER_IDS[(service, name)])
        return [found] if found else []
    kind, form = schema.get("type"), schema.get("format")
    if name == "month":
        return [facts["month"][:7]]
    if name == "year":
        return [facts["month"][:4]]
    if name == "area":
        return [facts["capability_search"]["area"]]
    if form == "date":
        return [facts["month"]]
    if form == "uuid":
        return [str(uuid.UUID(int=1))]
    if kind == "integer":
        return [30]
    if kind == "boolean":
        return ["true"]
    return ["a"]


def variants(service: str, parameters: list[dict], facts: dict, conn) -> list[dict]:
    """The first page as it is (with a sample of each required filter), in each order, and with each filter's
    values (in the default order; the first value in every order too)."""
    query = [p for p in parameters if p.get("in") == "query" and p["name"] not in PAGE_ARGUMENTS]
    values = {p["name"]: sample(service, p["name"], p.get("schema", {}), facts, conn) for p in query
              if p["name"] != "sort"}
    dates = [p["name"] for p in query if p.get("schema", {}).get("format") == "date"]
    if len(dates) == 2:  # a range (due_from and due_until): asked together, a month apart
        start = dt.date.fromisoformat(facts["month"])
        values[dates[0]] = [{dates[0]: start.isoformat(), dates[1]: (start + dt.timedelta(days=31)).isoformat()}]
        del values[dates[1]]
    base = {p["name"]: values[p["name"]][0] for p in query if p.get("required") and values.get(p["name"])}
    orders = [v for p in query if p["name"] == "sort" for v in p.get("schema", {}).get("enum", []) if v]
    asked: list[dict] = [base] + [base | {"sort": o} for o in orders]
    for name, sampled in values.items():
        if name in base and len(sampled) == 1:
            continue
        given = [v if isinstance(v, dict) else {name: v} for v in sampled]
        asked += [base | v for v in given]
        if given:
            asked += [base | given[0] | {"sort": o} for o in orders]
    return asked


def lists_of(app) -> list[tuple[str, list[dict]]]:
    """(path, parameters) of each GET that takes `limit`: the paged lists (hubkit.paging)."""
    spec = app.test_client().get("/openapi.json").get_json()
    found = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        parameters = [*operations.get("parameters", []), *(get or {}).get("parameters", [])]
        if get and any(p["name"] == "limit" and p.get("in") == "query" for p in parameters):
            found.append((path, parameters))
    return found


def plan(conn: psycopg.Connection, statement: str, params, forced: bool) -> list[str]:
    with conn.cursor() as cur:
        if forced:
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_sort = off")
        cur.execute("EXPLAIN " + statement, params)
        lines = [line for (line,) in cur.fetchall()]
    conn.rollback()
    return lines


def listed_table(statement: str) -> str | None:
    match = re.search(r"\bFROM\s+\"?(\w+)\"?", statement, re.IGNORECASE)
    return match[1] if match else None


def rows_of(conn: psycopg.Connection, table: str) -> float:
    """A table's rows in the planner's statistics (0 when empty or never analysed)."""
    with conn.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s AND relkind = 'r'", (table,))
        row = cur.fetchone()
    conn.rollback()
    return max(row[0], 0) if row else 0


def big(conn: psycopg.Connection, table: str) -> bool:
    """A table of 10,000 rows or more: where a Seq Scan costs."""
    return rows_of(conn, table) >= BIG_ROWS


def gaps(conn: psycopg.Connection, statement: str, params, show: bool = False) -> dict:
    """What EXPLAIN finds of one page read: big tables read by Seq Scan as planned; and, with the planner made to
    use any index it can, whether the listed table is read with no Index Cond (its filter on no index) and
    whether a Sort remains (its order from no index)."""
    found = {"seq": set(), "filter": set(), "order": set()}
    for line in plan(conn, statement, params, forced=False):
        match = re.search(r"Seq Scan on (\w+)", line)
        if match and big(conn, match[1]):
            found["seq"].add(match[1])
    table = listed_table(statement)
    lines = plan(conn, statement, params, forced=True)
    if any("One-Time Filter: false" in line for line in lines):
        return found  # a filter no row can meet (e.g. a name nobody has): nothing is read
    for n, line in enumerate(lines):
        match = re.search(r"(Seq Scan|Index Scan using \w+|Index Only Scan using \w+|Bitmap Heap Scan) on (\w+)",
                          line)
        if match and match[2] == table:
            detail = []
            for following in lines[n + 1:]:
                if "->" in following or not following.startswith(" "):
                    break
                detail.append(following.strip())
            bitmap = match[1] == "Bitmap Heap Scan"
            if match[1] == "Seq Scan" or not (bitmap or any(d.startswith("Index Cond") for d in detail)):
                found["filter"].add(table)
        if re.match(r"\s*(->\s*)?Sort\s+\(", line):  # a full sort; an Incremental Sort only breaks ties
            found["order"].add(table)
    if show and any(found.values()):
        print("      " + re.sub(r"\s+", " ", statement)[:600] + "\n        " + "\n        ".join(lines), flush=True)
    return found


def check_service(service: str, manifest: dict, verbose: bool) -> list[tuple]:
    """(service, path, variants asked, page reads EXPLAINed, gaps found, refusals) for each of its lists."""
    facts = manifest["facts"]
    app = InProcess(manifest, service)
    conn = psycopg.connect(libpq_url(manifest["databases"][service]))
    manager = facts["users"]["bench.manager"]
    # the hub's staff in every role; for a member's own lists (refused to staff), a member organisation's user
    staff = app.token(manager, [r for r in ROLES if r != "member_user"])
    member = app.token(manager, {"member_user"}, first_id(conn, MEMBER_ORGANISATION[service]))
    rows = []
    try:
        for path, parameters in lists_of(app.app):
            url = path
            for name in re.findall(r"{(\w+)}", path):
                sql = PATH_IDS.get(name, {}).get(service)
                value = facts["biggest_contract_id"] if name == "contract_id" else (sql and first_id(conn, sql))
                url = url.replace("{" + name + "}", str(value))
            asked = variants(service, parameters, facts, conn)
            refused, pages = [], 0
            found: dict = {"seq": {}, "filter": {}, "order": {}}
            for query in asked:
                answer, seen = app.get(url, query, staff)
                if answer.status_code == 403:
                    answer, seen = app.get(url, query, member)
                if answer.status_code != 200:
                    refused.append(f"{query or 'as it is'}: {answer.status_code}")
                    continue
                for statement, params in seen:
                    if not statement.lstrip().upper().startswith("SELECT") or "LIMIT" not in statement.upper():
                        continue
                    pages += 1
                    for kind, tables in gaps(conn, statement, params, verbose).items():
                        for table in tables:
                            found[kind].setdefault(table, []).append(query or {})
                if verbose:
                    print(f"    {service} {path} {query}", flush=True)
            empty = {table for kind in found.values() for table in kind if not rows_of(conn, table)}
            rows.append((service, path, len(asked), pages, found, refused, empty))
    finally:
        app.close()
        conn.close()
    return rows


def described(found: dict, empty: set) -> str:
    """Each table found with how many variants found it; an empty table is said (the planner's choices on no rows
    prove nothing either way)."""
    if not found:
        return "none"
    return "; ".join(f"{table} ({len(asked)}{', no rows in the bench data' if table in empty else ''})"
                     for table, asked in sorted(found.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reload", action="store_true", help="load the big consortium again")
    parser.add_argument("--service", default="", help="comma-separated services (default: every one)")
    parser.add_argument("--verbose", action="store_true", help="name each variant as it is asked, and show the "
                        "statement and forced plan of each gap")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"(list_indexes: ignoring {' '.join(unknown)})", file=sys.stderr)
    print_header_once()
    manifest = ensure(args.scale, args.reload)
    chosen = [s for s in SERVICES if not args.service or s in args.service.split(",")]
    rows = [row for service in chosen for row in check_service(service, manifest, args.verbose)]
    out = [("list (GET, first page)", "variants asked", "page reads EXPLAINed", "Seq Scan on a big table",
            "filter on no index", "order from no index", "refused")]
    for service, path, asked, pages, found, refused, empty in rows:
        made = "0 (a computed answer, paged as made)" if not pages and not refused else str(pages)
        out.append((f"{service} {path}", str(asked), made, described(found["seq"], empty),
                    described(found["filter"], empty), described(found["order"], empty),
                    f"{len(refused)}, e.g. {refused[0]}" if refused else "–"))
    print()
    print_markdown(f"Every list's filter and order on an index (issue 16, item 3), {dt.date.today():%d %B %Y}; "
                   f"{machine()}; (n): how many of the variants asked found it", out[0], out[1:])
    clean = sum(1 for r in rows if not any(r[4].values()) and not r[5])
    print(f"{len(rows)} lists, {sum(r[2] for r in rows)} variants asked, {sum(r[3] for r in rows)} page reads "
          f"EXPLAINed: {clean} lists with every page read on an index for its filter and order, no Seq Scan on a "
          f"big table and nothing refused; {len(rows) - clean} not")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
