"""A contract's history brought in from a file through the gateway (issue 12, item 6; P1): one page under the
contract for its subcontracts' targets and past returns, each with a blank template; the file is checked by contracts'
dry run first, its problems listed by row, and imported only when the check finds none. While the file posts the
page's status line says so (static/app.mjs), and the check answers with the file's row count."""
import io
import uuid

from gateway_helpers import csrf_token_from

CONTRACT_ID = str(uuid.uuid4())
CONTRACT = {"contract": {"id": CONTRACT_ID, "title": "Community wellbeing hubs",
                         "commissioner_name": "Leeds City Council"}}
CONTENT = (b"subcontract,period,indicator,actual,submitted_on,accepted_on\n"
           b"Northfield Advice Centre,1,O1,48,10/07/2025,25/07/2025\n")


def _answer(problems=(), dry_run=True):
    return {"filename": "returns.csv", "sha256": "x", "dry_run": dry_run, "rows": 1, "problems": list(problems),
            "made": [],
            "lines": [{"row": 2, "subcontract": "Northfield Advice Centre", "subcontract_id": str(uuid.uuid4()),
                       "indicator": "O1", "period": "1", "period_label": "Q1 2025-26", "figure": "48",
                       "submitted_on": "2025-07-10", "accepted_on": None}]}


def _send(client, page, kind, action):
    return client.post(f"/contracts/{CONTRACT_ID}/import/{kind}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "action": action, "file": (io.BytesIO(CONTENT), "returns.csv")})


def test_p1_past_returns_are_checked_and_their_problems_listed_by_row_before_anything_is_imported(
        logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, CONTRACT)
    manager = logged_in("manager")
    page = manager.get(f"/contracts/{CONTRACT_ID}/import/returns").get_data(as_text=True)
    assert "Community wellbeing hubs" in page and "<code>submitted_on</code>" in page
    assert "/contracts/import/returns/template.csv" in page and "no payment by" in page
    assert 'data-import-progress="import-progress"' in page and 'id="import-progress" role="status"' in page
    template = manager.get("/contracts/import/returns/template.csv").get_data(as_text=True)
    assert template.lstrip("\ufeff").startswith("subcontract,period,indicator,actual,submitted_on,accepted_on")

    problem = {"row": 2, "column": "period", "message": "Q1 2025-26 runs until 30/06/2025: it has not ended."}
    fake_services.import_answers["true"] = (200, _answer([problem]))
    checked = _send(manager, page, "returns", "import")  # asked to import, but the check finds a problem
    html = checked.get_data(as_text=True)
    assert checked.status_code == 422 and "nothing was imported" in html and "it has not ended" in html
    assert "returns.csv: 1 row" in html and "Waiting for review" in html
    assert [(c["dry_run"], c["path"]) for c in fake_services.imports] == [
        ("true", f"/contracts/contracts/{CONTRACT_ID}/imports/returns")]

    fake_services.import_answers["true"] = (200, _answer())
    fake_services.import_answers["false"] = (201, _answer(dry_run=False))
    imported = _send(manager, page, "returns", "import")
    assert imported.status_code == 302 and imported.headers["Location"].endswith(f"/contracts/{CONTRACT_ID}")
    assert [c["dry_run"] for c in fake_services.imports] == ["true", "true", "false"]
    assert fake_services.imports[-1]["content"] == CONTENT


def test_p1_the_targets_file_has_its_own_template_on_the_same_page(logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, CONTRACT)
    manager = logged_in("manager")
    page = manager.get(f"/contracts/{CONTRACT_ID}/import").get_data(as_text=True)
    assert '<strong aria-current="page">Targets</strong>' in page and "<code>target</code>" in page
    assert f"/contracts/{CONTRACT_ID}/import/returns" in page
    assert manager.get("/contracts/import/targets/template.csv").get_data(as_text=True).lstrip("\ufeff").startswith(
        "subcontract,indicator,period,target")
    assert manager.get(f"/contracts/{CONTRACT_ID}/import/invoices").status_code == 404


def test_only_a_consortium_manager_imports_a_contracts_history(logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, CONTRACT)
    board = logged_in("board")
    assert board.get(f"/contracts/{CONTRACT_ID}/import").status_code == 403
    assert board.get("/contracts/import/targets/template.csv").status_code == 403


def test_another_consortiums_contract_is_not_found(logged_in, fake_services):
    assert logged_in("manager").get(f"/contracts/{uuid.uuid4()}/import/returns").status_code == 404


def test_p1_an_imported_return_says_it_is_history_on_its_page(logged_in, fake_services):
    return_id, period = str(uuid.uuid4()), {"id": str(uuid.uuid4()), "number": 1, "label": "Q1 2025-26",
                                            "starts_on": "2025-04-01", "ends_on": "2025-06-30",
                                            "return_due_on": "2025-07-20"}
    detail = {"performance_return": {"id": return_id, "status": "accepted", "late": False,
                                     "submitted_at": "2025-07-10T11:00:00+00:00", "review_comment": "Thanks"},
              "period": period, "subcontract_id": str(uuid.uuid4()), "organisation_name": "Northfield Advice Centre",
              "contract_id": CONTRACT_ID, "contract_title": "Community wellbeing hubs", "lines": [], "overall": None,
              "evidence": [], "history": [{"action": "imported", "comment": "Imported from returns.csv.",
                                           "by": "user:x", "at": "2026-12-01T09:00:00+00:00"}]}
    manager = logged_in("manager")
    for imported in (True, False):
        fake_services.contracts_answers[("GET", f"/returns/{return_id}")] = (200, detail | {"imported": imported})
        page = manager.get(f"/contracts/returns/{return_id}").get_data(as_text=True)
        assert ("Imported history" in page) is imported and "Northfield Advice Centre" in page


def test_the_import_help_says_amounts_are_in_pounds_only_for_a_file_with_amounts(logged_in, fake_services):
    """Targets and past returns have figures, not money: their help does not speak of pounds; the members file's
    insurance cover is money, and its help says so."""
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, CONTRACT)
    manager = logged_in("manager")
    for kind in ("targets", "returns"):
        page = manager.get(f"/contracts/{CONTRACT_ID}/import/{kind}", follow_redirects=True).get_data(as_text=True)
        assert "Dates as 31/03/2026 or 2026-03-31." in page and "pounds" not in page
    members = manager.get("/members/import").get_data(as_text=True)
    assert "Dates as 31/03/2026 or 2026-03-31; each item&#39;s cover in pounds." in members
