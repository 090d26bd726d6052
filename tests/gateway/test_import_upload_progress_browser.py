"""A long file's upload shown in headless Chromium (issue 12, item 6): with JavaScript the import form is sent with
XMLHttpRequest and its <progress> bar climbs to full while the status line says how far it is; the answer then
replaces the page just as the ordinary post's does without JavaScript (the same dry run's rows, the redirect after
an import followed), and axe finds no violations."""
import json

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp

pytestmark = pytest.mark.browser

ROWS = 40_000  # about 2.5 MB, sent at 1 MB/s below: the upload takes a few seconds
CONTENT = "name,legal_form,status,member_since\n" + "".join(
    f"Advice Centre number {n:06d} of the northern consortium,cio,active,2019-04-01\n" for n in range(ROWS))
FILE = {"name": "members.csv", "mimeType": "text/csv", "buffer": CONTENT.encode()}


def _answer(dry_run=True):
    members = [{"row": n + 2, "name": f"Advice Centre number {n:06d}", "status": "active",
                "member_since": "2019-04-01", "organisation_id": None, "evidence": []} for n in range(3)]
    return {"filename": "members.csv", "sha256": "x", "dry_run": dry_run, "rows": ROWS, "problems": [],
            "members": members}


@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


def _sign_in(page, url):
    page.goto(f"{url}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _no_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def _checked_rows(page):
    expect(page.get_by_role("heading", name=f"members.csv: {ROWS} rows")).to_be_visible()
    return page.locator("#rows").inner_text()


def test_the_upload_progress_of_a_long_file_is_shown_then_the_check_as_without_javascript(
        browser, browser_context_args, live_gateway, fake_services):
    fake_services.import_answers["true"] = (200, _answer())

    # without JavaScript: the form posts as it always has, and no bar shows
    plain = browser.new_context(**browser_context_args, java_script_enabled=False).new_page()
    _sign_in(plain, live_gateway)
    plain.goto(f"{live_gateway}/members/import")
    expect(plain.locator("#import-progress-bar")).to_be_hidden()
    plain.get_by_label("File (CSV or XLSX)").set_input_files(files=[FILE])
    plain.get_by_role("button", name="Check the file").click()
    without_js = _checked_rows(plain)
    assert "Advice Centre number 000002" in without_js
    assert len(fake_services.imports) == 1 and fake_services.imports[0]["content"] == CONTENT.encode()
    plain.context.close()

    page = browser.new_context(**browser_context_args).new_page()
    _sign_in(page, live_gateway)
    page.goto(f"{live_gateway}/members/import")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 1024 * 1024})
    page.get_by_label("File (CSV or XLSX)").set_input_files(files=[FILE])
    # what the bar and the status line show, kept on the window (it outlives the page the answer replaces)
    page.evaluate("""() => {
        const bar = document.getElementById('import-progress-bar');
        const note = document.getElementById('import-progress');
        window.seen = []; window.said = [];
        new MutationObserver(() => seen.push([bar.value, bar.max])).observe(bar, {attributes: true});
        new MutationObserver(() => said.push(note.textContent)).observe(note, {childList: true, characterData: true,
                                                                              subtree: true});
    }""")
    page.get_by_role("button", name="Check the file").click()
    bar = page.get_by_label("Upload progress")
    expect(bar).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Uploaded", timeout=10_000)
    _no_violations(page)  # mid-upload: the labelled bar and the status line
    with_js = _checked_rows(page)

    assert with_js == without_js
    assert fake_services.imports[-1]["content"] == CONTENT.encode()
    assert fake_services.imports[-1]["dry_run"] == "true"
    seen = page.evaluate("window.seen")
    values = [value for value, _ in seen]
    assert values == sorted(values) and len(set(values)) > 2, seen  # it climbed, in steps
    # and reached the whole post (the file, with the form's other fields around it)
    assert seen[-1][0] == seen[-1][1] > len(CONTENT.encode()) > seen[0][0], (seen[0], seen[-1])
    said = page.evaluate("window.said")
    assert any(text.startswith("Uploaded ") and "% of members.csv" in text for text in said), said
    assert f"Checking {ROWS:,} rows of members.csv…" in said, said
    _no_violations(page)  # the answer's page, as the ordinary post shows it

    # the answer's page is enhanced too: importing follows the redirect to the members page, its message shown
    fake_services.import_answers["false"] = (201, _answer(dry_run=False))
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    page.get_by_label("File (CSV or XLSX)").set_input_files(files=[FILE])
    page.get_by_role("button", name="Check and import the file").click()
    expect(page.get_by_text("3 members imported from members.csv.")).to_be_visible(timeout=15_000)
    assert page.url == f"{live_gateway}/members"
    assert [call["dry_run"] for call in fake_services.imports][-2:] == ["true", "false"]
    page.context.close()
