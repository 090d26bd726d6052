"""The authorisation matrix: every operation of every service's OpenAPI document x every role x four contexts,
answered in-process by the service's Flask app with real signed tokens, compared with the table a reviewer reads
(`authorisation_matrix.md`, beside this file).

Contexts, as the caller's token puts them (the objects in the paths all belong to one organisation, "own", of one
consortium):
- own organisation: the caller's consortium and organisation are the objects';
- another organisation: the same consortium, another member organisation (a real one);
- no organisation: the same consortium, a login not linked to any organisation yet;
- another consortium: another consortium (the same user id, to show the tenant and not the user decides).

Answers:
- allowed: neither 401, 403 nor 404: the door is open (a 409 or 422 from the rules behind it still proves that);
- none: allowed, and the answer names none of the own organisation's objects (another organisation) or none of the
  consortium's (another consortium): a list that hides them;
- 403: refused by role or by the organisation rule, before anything is looked up;
- 404: the object is not the caller's to see (indistinguishable from none at all).

`python tests/contract/authorisation_matrix.py` prints the table as the services answer today, for a reviewer to
compare with the committed one when a service changes.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from hubkit import clock
from hubkit.testing import make_principal
from hubkit.tokens import ROLES

TABLE = Path(__file__).with_name("authorisation_matrix.md")
SERVICES = ("membership", "contracts", "finance", "governance")
CONTEXTS = ("own organisation", "another organisation", "no organisation", "another consortium")
ANSWERS = ("allowed", "none", "403", "404")
METHODS = ("get", "post", "put", "patch", "delete")
PDF = b"%PDF-1.7\n% a test document\n" + b"0" * 300
SHOW = set(filter(None, os.environ.get("MATRIX_SHOW", "").split(";")))  # operations whose answers to print
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict  # the operation object, with the path item's parameters added

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def openapi(app) -> dict:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()


def operations(spec: dict) -> list[Operation]:
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                op["parameters"] = [*item.get("parameters", []), *op.get("parameters", [])]
                found.append(Operation(method.upper(), path, op))
    return found


# --- example values from the documents' schemas ---------------------------------------------------------------

def resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def example(spec: dict, schema: dict, name: str = ""):
    """A value the schema accepts, as small as it allows: required properties only."""
    schema = resolve(spec, schema or {})
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            return example(spec, schema[combined][0], name)
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: example(spec, properties.get(key, {}), key) for key in schema.get("required", [])}
    if kind == "array":
        return [example(spec, schema.get("items", {}), name) for _ in range(schema.get("minItems", 0) or 0)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(int(float(low)) + 1, 1)
        if "maximum" in schema:
            value = min(value, int(float(schema["maximum"])))
        return value
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    formats = {"date": clock.today().isoformat(), "date-time": clock.utcnow().isoformat(),
               "uuid": str(uuid.uuid4()), "email": "someone@example.org", "uri": "https://example.org/",
               "url": "https://example.org/", "decimal": "1"}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return "x" * max(schema.get("minLength", 1), 4) if not schema.get("maxLength") else "x" * min(
        max(schema.get("minLength", 1), 4), schema["maxLength"])


def request_parts(spec: dict, op: Operation, overrides: dict | None) -> dict:
    """Keyword arguments for the test client: a body (JSON or a form with a small PDF) and the required query."""
    parts: dict = {}
    parameters = [resolve(spec, p) for p in op.spec["parameters"]]
    query = {p["name"]: example(spec, p.get("schema", {}), p["name"])
             for p in parameters if p.get("in") == "query" and p.get("required")}
    form = {p["name"]: example(spec, p.get("schema", {}), p["name"])
            for p in parameters if p.get("in") == "formData" and p.get("required")}
    content = op.spec.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        schema = resolve(spec, content["multipart/form-data"].get("schema", {}))
        for key in schema.get("required", []):
            value = resolve(spec, schema["properties"].get(key, {}))
            if value.get("format") != "binary" and value.get("type") != "file" and key != "file":
                form[key] = example(spec, value, key)
        overrides = overrides or {}
        form |= overrides.get("form", {})
        parts["data"] = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in form.items()}
        parts["data"][overrides.get("file_field", "file")] = (io.BytesIO(PDF), "evidence.pdf")
        parts["content_type"] = "multipart/form-data"
        query |= overrides.get("query", {})
    elif "application/json" in content:
        body = example(spec, content["application/json"].get("schema", {}))
        parts["json"] = overrides.get("json", body) if overrides else body
        query |= (overrides or {}).get("query", {})
    else:
        query |= (overrides or {}).get("query", {})
        if op.method != "GET" and overrides and "json" in overrides:
            parts["json"] = overrides["json"]
    if query:
        parts["query_string"] = query
    return parts


# --- the world a service's cells are tried in ------------------------------------------------------------------

def user_id(role: str) -> str:
    """One user per role, the same in every context: only the token's consortium and organisation change."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"consortium-hub/matrix/{role}").hex


@dataclass
class World:
    """Objects made once per service, all of the own organisation of one consortium, and the callers' tokens."""

    service: str
    sign: object
    consortium: uuid.UUID = field(default_factory=uuid.uuid4)
    own: uuid.UUID = field(default_factory=uuid.uuid4)
    other: uuid.UUID = field(default_factory=uuid.uuid4)
    foreign_consortium: uuid.UUID = field(default_factory=uuid.uuid4)
    foreign_organisation: uuid.UUID = field(default_factory=uuid.uuid4)
    ids: dict = field(default_factory=dict)  # path parameter -> value
    owned: set = field(default_factory=set)  # ids of the own organisation's objects (and the organisation's own)
    made: set = field(default_factory=set)  # ids of every object made in the consortium
    fresh: dict = field(default_factory=dict)  # operation name -> () -> path parameters for one try (deletions)
    bodies: dict = field(default_factory=dict)  # operation name -> {"json"|"form"|"query"|"file_field": ...}
    cacheable: set = field(default_factory=set)  # operations answered without Cache-Control: no-store

    def headers(self, role: str, context: str) -> dict:
        consortium = self.foreign_consortium if context == "another consortium" else self.consortium
        organisation = {"own organisation": self.own, "another organisation": self.other, "no organisation": None,
                        "another consortium": self.foreign_organisation}[context]
        principal = make_principal((role,), consortium_id=consortium, organisation_id=organisation,
                                   user_id=user_id(role))
        return {"Authorization": self.sign(principal, self.service)}

    def keep(self, name: str, value, *, owned: bool = False):
        """Remember an object's id for the paths' parameter `name`."""
        self.ids[name] = str(value)
        self.made.add(str(value))
        if owned:
            self.owned.add(str(value))
        return value


def ids_in(response) -> set[str]:
    return {m.replace("-", "") for m in UUID_PATTERN.findall(response.get_data(as_text=True).lower())}


def answer_of(status: int) -> str:
    return str(status) if status in (401, 403, 404) or status >= 500 else "allowed"


def fill_path(path: str, ids: dict) -> str:
    missing = [name for name in re.findall(r"{(\w+)}", path) if name not in ids]
    if missing:
        raise KeyError(f"{path}: the world has no object for {missing}")
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def observe(app, world: World, ops: list[Operation], spec: dict) -> dict:
    """{(operation, role, context): answer} for every cell.

    Reads first, then changes, deletions last; within an operation the other contexts before the own one, so a
    refusal is tried while the object is still there and a change by one caller is made after the refusals.
    A list read in another organisation or consortium is "none" when the same role's own answer showed some of
    the own organisation's (or consortium's) objects and this answer shows none of them."""
    client = app.test_client()
    order = {"GET": 0, "PUT": 1, "PATCH": 1, "POST": 1, "DELETE": 2}
    owned = {i.replace("-", "").lower() for i in world.owned}
    made = {i.replace("-", "").lower() for i in world.made}
    observed = {}
    for op in sorted(ops, key=lambda o: order[o.method]):
        seen = {}
        for context in reversed(CONTEXTS):
            for role in ROLES:
                ids = world.ids | (world.fresh[op.name]() if op.name in world.fresh else {})
                response = client.open(fill_path(op.path, ids), method=op.method,
                                       headers=world.headers(role, context),
                                       **request_parts(spec, op, world.bodies.get(op.name)))
                observed[(op.name, role, context)] = answer_of(response.status_code)
                if response.headers.get("Cache-Control") != "no-store" or "Server" in response.headers:
                    world.cacheable.add(op.name)  # issue 11, item 6: every answer no-store, no banner
                if op.name in SHOW:
                    print(op.name, role, context, response.status_code, response.get_data(as_text=True)[:300])
                if op.method == "GET" and "{" not in op.path and response.status_code == 200:
                    seen[(role, context)] = ids_in(response)
        for role in ROLES:
            for context, hidden in (("another organisation", owned), ("another consortium", made)):
                own = seen.get((role, "own organisation"), set()) & hidden
                if own and (role, context) in seen and not seen[(role, context)] & hidden:
                    observed[(op.name, role, context)] = "none"
    return observed


# --- the table --------------------------------------------------------------------------------------------------

HEADER = "| operation | role | " + " | ".join(CONTEXTS) + " |"


def read_table(path: Path = TABLE) -> dict[str, dict]:
    """{service: {(operation, role, context): answer}} from the Markdown table."""
    tables: dict[str, dict] = {}
    service = None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            service = line[3:].strip()
            tables[service] = {}
        elif line.startswith("| ") and service and not line.startswith(("| operation", "| ---")):
            cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
            operation, role, answers = cells[0], cells[1], cells[2:]
            assert len(answers) == len(CONTEXTS) and set(answers) <= set(ANSWERS), f"bad row: {line}"
            for context, answer in zip(CONTEXTS, answers):
                tables[service][(operation, role, context)] = answer
    return tables


def format_table(service: str, observed: dict, ops: list[Operation]) -> str:
    lines = [f"## {service}", "", HEADER, "|" + " --- |" * (2 + len(CONTEXTS))]
    for op in sorted(ops, key=lambda o: (o.path, METHODS.index(o.method.lower()))):
        for role in ROLES:
            lines.append(f"| `{op.name}` | {role} | " +
                         " | ".join(observed[(op.name, role, c)] for c in CONTEXTS) + " |")
    return "\n".join(lines) + "\n"


# Operations whose path names something other than one consortium's object, so a caller of another consortium
# reaches their own consortium's (or, for the host admin's dead letters, the system's) and is not refused.
ACROSS_CONSORTIA = {
    ("membership", "POST /admin/dead-letters/{dead_letter_id}/retry"),  # dead letters are the system's
    ("contracts", "POST /admin/dead-letters/{dead_letter_id}/retry"),
    ("finance", "POST /admin/dead-letters/{dead_letter_id}/retry"),
    ("governance", "POST /admin/dead-letters/{dead_letter_id}/retry"),
    ("membership", "PUT /due-diligence/checklist/{kind}"),  # the caller's consortium's checklist item
    ("governance", "PUT /hub/functions/{function}"),  # the caller's consortium's hub function (H2)
    ("finance", "POST /periods/{month}/close"),  # the caller's consortium's month
}


def assert_service_answers_as_the_table_says(service: str, databases, broker, token_keys, sign) -> None:
    """The whole check for one service (a test module per service, so `make test`'s workers share them)."""
    expected = read_table()[service]
    ops, world, observed = run_service(service, databases, broker, token_keys, sign)
    names = {op.name for op in ops}
    in_table = {operation for operation, _, _ in expected}
    assert names - in_table == set(), f"{service}: operations without rows in authorisation_matrix.md"
    assert in_table - names == set(), f"{service}: rows for operations that no longer exist"
    assert set(expected) == set(observed), f"{service}: each operation needs a row per role"
    assert world.cacheable == set(), f"{service}: answers a cache may keep (issue 11, item 6: no-store)"
    wrong = {cell: (expected[cell], answer) for cell, answer in observed.items() if expected[cell] != answer}
    assert wrong == {}, f"{service}: cells answering otherwise than the table (expected, got): {wrong}"

    # Each refusal by object could have failed: the same operation is open to someone in the own context, so the
    # objects in its path exist; and only the operations above are open to another consortium's callers.
    for op in ops:
        rows = {(role, context): expected[(op.name, role, context)] for role in ROLES for context in CONTEXTS}
        if "404" in rows.values():
            assert any(rows[(role, "own organisation")] == "allowed" for role in ROLES), \
                f"{service}: {op.name} is 404 for everyone: its objects are missing from the world"
        if "{" in op.path and (service, op.name) not in ACROSS_CONSORTIA:
            assert all(rows[(role, "another consortium")] in ("403", "404") for role in ROLES), \
                f"{service}: {op.name} is open to another consortium"


def run_service(service: str, databases, broker, token_keys, sign):
    from importlib import import_module

    from hubkit.testing import migrated_service_app

    import authorisation_worlds

    app = migrated_service_app(import_module(f"{service}.app").SERVICE, databases, broker, token_keys[1])
    try:
        spec = openapi(app)
        ops = operations(spec)
        world = World(service, sign)
        getattr(authorisation_worlds, service)(app, world)
        return ops, world, observe(app, world, ops, spec)
    finally:
        app.extensions["hubkit.db"].dispose()


if __name__ == "__main__":  # print the table as the services answer now (PostgreSQL from TEST_DATABASE_URL)
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from hubkit.broker import TansuBroker
    from hubkit.testing import Databases, SqliteDatabases
    from hubkit.tokens import generate_keypair, mint

    keys = generate_keypair(Path(tempfile.mkdtemp()))

    def sign_(principal, audience):
        return "Bearer " + mint(principal, keys[0].read_bytes(), issuer="consortium-hub-gateway", audience=audience,
                                ttl=dt.timedelta(seconds=60))

    dbs = SqliteDatabases() if "--sqlite" in sys.argv else Databases()
    chosen = [s for s in SERVICES if s in sys.argv] or SERVICES
    with TansuBroker(log_file=Path(tempfile.mkdtemp()) / "tansu.log") as running:
        try:
            for name in chosen:
                ops_, _, observed_ = run_service(name, dbs, running, keys, sign_)
                print(format_table(name, observed_, ops_))
        finally:
            dbs.drop_all()
