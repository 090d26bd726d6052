"""Members (and staff with their rates) brought in from a file through the gateway's pages (issue 12, item 6): the
file is checked by the service's dry run first and its problems listed by row; it is imported only when the check
finds none."""
import io
import uuid

from gateway_helpers import csrf_token_from

CONTENT = b"name,legal_form,status\nNorthfield Advice Centre,cio,active\n"


def _answer(problems=(), dry_run=True, organisation_id=None):
    return {"filename": "members.csv", "sha256": "x", "dry_run": dry_run, "rows": 1, "problems": list(problems),
            "members": [{"row": 2, "name": "Northfield Advice Centre", "status": "active",
                         "member_since": "2019-04-01", "organisation_id": organisation_id,
                         "evidence": [{"kind": "public_liability", "provided_on": "2026-01-05"}]}]}


def _send(client, page, action):
    path = "/time/staff/import" if "/time/staff/import" in page else "/members/import"
    return client.post(path, content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "action": action, "file": (io.BytesIO(CONTENT), "members.csv")})


def test_m1_the_members_file_is_checked_and_its_problems_listed_by_row_before_anything_is_imported(
        logged_in, fake_services):
    manager = logged_in("manager")
    page = manager.get("/members/import").get_data(as_text=True)
    assert "public_liability_cover" in page and "/members/import/template.csv" in page
    template = manager.get("/members/import/template.csv").get_data(as_text=True)
    assert template.lstrip("\ufeff").startswith("name,legal_form,status,member_since,")

    problem = {"row": 2, "column": "member_since", "message": "Give the day an active member joined."}
    fake_services.import_answers["true"] = (200, _answer([problem]))
    checked = _send(manager, page, "import")  # asked to import, but the check finds a problem: nothing is sent
    html = checked.get_data(as_text=True)
    assert checked.status_code == 422 and "nothing was imported" in html
    assert "<code>member_since</code>" in html and "Give the day an active member joined." in html
    assert [call["dry_run"] for call in fake_services.imports] == ["true"]

    fake_services.import_answers["true"] = (200, _answer())
    checked = _send(manager, page, "check")
    assert checked.status_code == 200 and "No problems" in checked.get_data(as_text=True)
    assert [call["dry_run"] for call in fake_services.imports] == ["true", "true"]

    fake_services.import_answers["false"] = (201, _answer(dry_run=False, organisation_id=str(uuid.uuid4())))
    imported = _send(manager, page, "import")
    assert imported.status_code == 302 and imported.headers["Location"].endswith("/members")
    assert [call["dry_run"] for call in fake_services.imports] == ["true", "true", "true", "false"]
    assert fake_services.imports[-1]["content"] == CONTENT and fake_services.imports[-1]["filename"] == "members.csv"
    assert "1 member imported from members.csv" in manager.get("/members").get_data(as_text=True)


def test_only_a_consortium_manager_imports_members(logged_in):
    assert logged_in("finance").get("/members/import").status_code == 403


def test_f3_staff_and_rates_are_checked_then_imported_from_the_time_pages(logged_in, fake_services):
    finance = logged_in("finance")
    page = finance.get("/time/staff/import").get_data(as_text=True)
    assert "<code>effective_from</code>" in page and "/time/staff/import/template.csv" in page
    assert finance.get("/time/staff/import/template.csv").get_data(as_text=True).lstrip("\ufeff").startswith(
        "name,employer_kind,employer,effective_from,salary")
    staff = {"filename": "staff.csv", "sha256": "x", "rows": 2, "problems": [],
             "staff": [{"row": 2, "name": "Priya Shah", "employer_kind": "host", "employer": "Leeds CVS",
                        "effective_from": "2025-04-01", "staff_id": None},
                       {"row": 3, "name": "Priya Shah", "employer_kind": "host", "employer": "Leeds CVS",
                        "effective_from": "2026-04-01", "staff_id": None}]}
    problem = {"row": 3, "column": "salary", "message": "thirty is not an amount in pounds."}
    fake_services.import_answers["true"] = (200, staff | {"problems": [problem], "dry_run": True})
    checked = _send(finance, page, "import").get_data(as_text=True)
    assert "thirty is not an amount in pounds." in checked and "Leeds CVS" in checked
    assert [c["dry_run"] for c in fake_services.imports] == ["true"]
    fake_services.import_answers["true"] = (200, staff | {"dry_run": True})
    fake_services.import_answers["false"] = (201, staff | {"dry_run": False})
    imported = _send(finance, page, "import")
    assert imported.status_code == 302 and imported.headers["Location"].endswith("/time/staff")
    assert [c["dry_run"] for c in fake_services.imports] == ["true", "true", "false"]
    assert "1 person and 2 rates imported from staff.csv" in finance.get("/time/staff").get_data(as_text=True)


def test_only_the_finance_officer_imports_staff(logged_in):
    assert logged_in("manager").get("/time/staff/import").status_code == 403
