"""Members brought in from a file through the gateway's page (issue 12, item 6): the file is checked by
membership's dry run first and its problems listed by row; it is imported only when the check finds none."""
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
    return client.post("/members/import", content_type="multipart/form-data", data={
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
