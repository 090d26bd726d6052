"""Staff who log time and their full-cost rates (F3) brought in from a file (issue 12, item 6): a dry run lists
every row's problems and writes nothing; the import writes every person and rate in one transaction or none, with
an audit row naming the file."""
from __future__ import annotations

import csv
import io
import json
import uuid
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from time_fixtures import th  # noqa: F401

COLUMNS = ["name", "employer_kind", "employer", "line_manager", "user_id", "effective_from", "salary",
           "on_costs_percent", "on_costs", "overhead_percent", "productive_hours"]


def as_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(c) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(th, content, filename="staff.csv", dry_run=True, headers=None):
    return th.client.post("/imports/staff", data={"dry_run": "true" if dry_run else "false",
                                                  "file": (io.BytesIO(content), filename)},
                          headers=headers or th.finance, content_type="multipart/form-data")


PRIYA = {"name": "Priya Shah", "employer_kind": "host", "employer": "Leeds CVS", "line_manager": "Sam Okafor",
         "user_id": "u-priya", "effective_from": "01/04/2025", "salary": "£30,000", "on_costs_percent": "20%",
         "overhead_percent": "25", "productive_hours": "1500"}
SAM = {"name": "Sam Okafor", "employer_kind": "consortium", "effective_from": "2025-04-01", "salary": "42000",
       "on_costs": "8400", "overhead_percent": "25", "productive_hours": "1480"}


def test_f3_a_staff_file_is_checked_row_by_row_and_nothing_is_written_while_any_row_has_a_problem(th):
    th.organisation(th.host, "Leeds CVS")
    existing = th.staff("Ada Existing", kind="consortium")
    rows = [PRIYA,
            PRIYA | {"effective_from": "01/04/2025", "salary": "31000"},  # the same day twice
            PRIYA | {"name": "Kim Lee", "employer": "Nowhere Trust", "user_id": ""},
            PRIYA | {"name": "Jo Bloggs", "employer_kind": "volunteer", "user_id": "", "line_manager": "Nobody Here"},
            SAM | {"on_costs_percent": "20"},  # both kinds of on-costs
            SAM | {"name": "Ada Existing"},
            PRIYA | {"name": "Lee Park", "user_id": "u-priya", "salary": "thirty", "productive_hours": "0"}]
    report = send(th, as_csv(rows)).get_json()
    assert report["dry_run"] is True and report["rows"] == 7
    assert {(p["row"], p["column"]) for p in report["problems"]} == {
        (3, "effective_from"), (4, "employer"), (5, "employer_kind"), (5, "line_manager"), (6, "on_costs_percent"),
        (7, "name"), (8, "user_id"), (8, "salary"), (8, "productive_hours")}, report["problems"]
    refused = send(th, as_csv(rows), dry_run=False)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert [s["id"] for s in th.call("GET", "/staff?limit=200")] == [existing["id"]]


def test_f3_a_clean_staff_file_is_imported_with_each_persons_rate_history_and_an_audit_row(th):
    th.organisation(th.host, "Leeds CVS")
    rows = [PRIYA, PRIYA | {"effective_from": "2026-04-01", "salary": "£31,500.50"}, SAM]
    imported = send(th, as_xlsx(rows), filename="Staff 2026.xlsx", dry_run=False)
    assert imported.status_code == 201, imported.get_json()
    answer = imported.get_json()
    ids = {s["name"]: s["staff_id"] for s in answer["staff"]}
    staff = {s["name"]: s for s in th.call("GET", "/staff?limit=200")}
    assert staff["Priya Shah"]["organisation_id"] == str(th.host)
    assert staff["Priya Shah"]["line_manager_id"] == ids["Sam Okafor"]
    assert staff["Sam Okafor"]["organisation_id"] is None
    history = th.call("GET", f"/staff/{ids['Priya Shah']}/rates")
    assert [(r["effective_from"], r["salary_pence"]) for r in history] == [("2025-04-01", 3_000_000),
                                                                           ("2026-04-01", 3_150_050)]
    # the same full-cost rate as one set by hand from the same figures (F3)
    by_hand = th.rate(th.staff("Hand Set", kind="consortium")["id"], effective_from="2025-04-01",
                      salary_pence=3_000_000, on_costs_percent="20", overhead_percent="25", productive_hours="1500")
    assert history[0]["hourly_rate_pence"] == by_hand["hourly_rate_pence"]
    assert Decimal(str(history[0]["on_costs_percent"])) == 20
    db = th.app.extensions["hubkit.db"]
    with db.session(None) as session:
        audit = db.kit.audit_entry
        [row] = session.execute(select(audit).where(audit.c.consortium_id == th.consortium,
                                                    audit.c.entity == "StaffFile")).all()
    assert row.action == "import" and row.after["filename"] == "Staff 2026.xlsx" and row.after["rows"] == 3
    assert set(row.after["staff"]) == set(ids.values())


def test_staff_imports_are_for_the_finance_officer(th):
    assert send(th, as_csv([SAM]), headers=th.manager).status_code == 403
    assert th.client.get("/imports/staff/columns", headers=th.finance).get_json()["required"][0] == "name"
    unreadable = send(th, b"PK\x03\x04 no workbook", filename="staff.xlsx")
    assert unreadable.status_code == 422 and "file" in unreadable.get_json()["errors"]


LOGIN_COLUMNS = [c if c != "user_id" else "login" for c in COLUMNS]


def _with_logins(rows, logins, dry_run=True, columns=LOGIN_COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return send_form(logins, out.getvalue().encode(), dry_run)


def send_form(logins, content, dry_run=True):
    return {"dry_run": "true" if dry_run else "false", "logins": json.dumps(logins),
            "file": (io.BytesIO(content), "staff.csv")}


def _post(th, form):
    return th.client.post("/imports/staff", data=form, headers=th.finance, content_type="multipart/form-data")


def test_f3_a_staff_files_login_column_takes_the_persons_hub_username_or_email(th):
    th.organisation(th.host, "Leeds CVS")
    logins = {"priya.shah": "u-priya", "priya@leedscvs.org.uk": "u-priya", "sam": "u-sam",
              "sam.okafor@consortium.org": "u-sam"}
    assert th.client.get("/imports/staff/columns", headers=th.finance).get_json()["columns"] == LOGIN_COLUMNS
    priya = {k: v for k, v in PRIYA.items() if k != "user_id"} | {"login": " Priya@LeedsCVS.org.uk "}
    rows = [priya, SAM | {"login": "SAM"}]
    imported = _post(th, _with_logins(rows, logins, dry_run=False))
    assert imported.status_code == 201, imported.get_json()
    assert [s["login"] for s in imported.get_json()["staff"]] == ["Priya@LeedsCVS.org.uk", "SAM"]
    staff = {s["name"]: s for s in th.call("GET", "/staff?limit=200")}
    assert (staff["Priya Shah"]["user_id"], staff["Sam Okafor"]["user_id"]) == ("u-priya", "u-sam")


def test_f3_a_login_that_matches_nobody_is_a_problem_of_its_row(th):
    th.organisation(th.host, "Leeds CVS")
    priya = {k: v for k, v in PRIYA.items() if k != "user_id"}
    rows = [priya | {"login": "priya.shahh"},  # a typing slip: nobody
            SAM | {"login": "sam"}]
    report = _post(th, _with_logins(rows, {"sam": "u-sam", "priya.shah": "u-priya"})).get_json()
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(2, "login")]
    assert "No hub login has the username or email priya.shahh" in report["problems"][0]["message"]
    # a login already linked to someone in finance, or two people with one login, is named in the login column
    th.staff("Ada Existing", kind="consortium", user_id="u-sam")
    report = _post(th, _with_logins([priya | {"login": "priya.shah"}, SAM | {"login": "sam"}],
                                    {"sam": "u-sam", "priya.shah": "u-priya"})).get_json()
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(3, "login")]
    assert "already linked" in report["problems"][0]["message"]
    # logins that are not a JSON object: the form is refused, nothing read
    bad = _post(th, _with_logins([SAM], {}) | {"logins": "not json"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_f3_scripts_may_still_give_the_logins_id_but_not_one_contradicting_the_login(th):
    th.organisation(th.host, "Leeds CVS")
    both = COLUMNS + ["login"]
    rows = [PRIYA | {"login": "priya.shah"}, SAM | {"user_id": "u-sam", "login": "someone.else"}]
    report = _post(th, _with_logins(rows, {"priya.shah": "u-priya", "someone.else": "u-other"},
                                    columns=both)).get_json()
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(3, "user_id")]
    imported = send(th, as_csv([PRIYA, SAM]), dry_run=False)  # the old column alone, no logins sent
    assert imported.status_code == 201, imported.get_json()
    assert {s["name"]: s["user_id"] for s in th.call("GET", "/staff?limit=200")}["Priya Shah"] == "u-priya"
