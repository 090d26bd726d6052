"""The membership pages over a fake membership: directory and exports, an organisation's page and profile,
the application and due-diligence journey (M1), membership changes, expiring evidence, capability search and
the gap and diversity reports (M2, M3)."""
import csv
import datetime as dt
import io
import re
import uuid

import pytest
from openpyxl import load_workbook

from gateway_helpers import csrf_token_from

from hubkit import clock
from hubkit.paging import DEFAULT_LIMIT

STAFF = ("manager", "finance", "board", "admin")
TODAY = clock.today()


def org(fake, name, status="active", **profile):
    return fake.add_organisation(name, status=status, **profile)


def own(fake, member_organisation_id, **profile):
    organisation = {"id": str(member_organisation_id), "name": "Riverside Food Bank", "legal_form": "cio",
                    "status": "applicant"}
    fake.organisations[organisation["id"]] = organisation
    organisation |= {"areas_served": [], "service_categories": [], "client_groups": [], "diversity": [],
                     "contacts": [], "quality_marks": [], "eligible_for_new_work": False} | profile
    return organisation


def date_fields(prefix, day):
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


# ---------------------------------------------------------------- who sees what

@pytest.mark.parametrize("path", ["/members", "/members/expiring", "/members/checklist", "/members/capability",
                                  "/members/reports",
                                  "/members.csv", "/members.xlsx"])
def test_members_area_pages_render_for_every_staff_role_and_not_for_member_users(logged_in, fake_services, path):
    org(fake_services, "Oak Lane Youth Trust")
    for username in STAFF:
        client = logged_in(username)
        assert client.get(path).status_code == 200, (username, path)
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    assert logged_in("member").get(path).status_code == 403


def test_manager_only_pages_are_refused_to_other_staff(logged_in, fake_services):
    organisation = org(fake_services, "Weir Lane Carers", status="in_due_diligence")
    client = logged_in("board")
    page = client.get(f"/members/{organisation['id']}").get_data(as_text=True)
    token = csrf_token_from(page)
    assert "Edit the profile" not in page and "Change the membership" not in page
    assert client.get(f"/members/{organisation['id']}/edit").status_code == 403
    for path in ("/application", "/membership-changes", "/due-diligence/governing_document/verification"):
        assert client.post(f"/members/{organisation['id']}{path}", data={"csrf_token": token}).status_code == 403


def test_member_user_sees_only_their_own_organisation(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id)
    other = org(fake_services, "Someone Else Trust")
    client = logged_in("member")
    mine = client.get(f"/members/{member_organisation_id}")
    assert mine.status_code == 200 and "Riverside Food Bank" in mine.get_data(as_text=True)
    assert "Known to contracts" not in mine.get_data(as_text=True)
    for path in ("", "/edit", "/due-diligence"):
        assert client.get(f"/members/{other['id']}{path}").status_code == 404, path
    token = csrf_token_from(mine.get_data(as_text=True))
    response = client.post(f"/members/{other['id']}/edit", data={"csrf_token": token, "name": "Hijacked"})
    assert response.status_code == 404 and fake_services.organisations[other["id"]]["name"] == "Someone Else Trust"
    assert client.get("/members").status_code == 403


def test_member_user_navigation_and_home_lead_to_their_organisation(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id)
    client = logged_in("member")
    home = client.get("/").get_data(as_text=True)
    assert "My organisation" in home and f"/members/{member_organisation_id}/edit" in home
    assert ">Member organisations<" not in home
    response = client.get("/my-organisation")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/members/{member_organisation_id}")


def test_staff_navigation_has_the_members_area(logged_in):
    html = logged_in("finance").get("/members").get_data(as_text=True)
    for link in ("/members/expiring", "/members/capability", "/members/reports"):
        assert f'href="{link}"' in html
    assert "My organisation" not in html


# ---------------------------------------------------------------- directory, register, exports

def test_directory_shows_status_as_text_and_eligibility(logged_in, fake_services):
    org(fake_services, "Able Advice", areas_served=["Leeds"], eligible_for_new_work=True)
    org(fake_services, "Brook Arts", status="suspended", areas_served=["Bradford"])
    html = logged_in("board").get("/members").get_data(as_text=True)
    able = html[html.index("Able Advice"):html.index("Brook Arts")]
    assert "Active" in able and "Yes" in able and "Leeds" in able
    brook = html[html.index("Brook Arts"):]
    assert "Suspended" in brook and "<td class=\"govuk-table__cell\">No</td>" in brook
    assert "Eligible for new work" in html


def test_directory_filters_are_sent_to_membership_and_kept_on_the_form(logged_in, fake_services):
    org(fake_services, "Able Advice", service_categories=["advice"], areas_served=["Leeds"], diversity=["rural"],
        eligible_for_new_work=True)
    org(fake_services, "Brook Food", service_categories=["food"], areas_served=["Leeds"])
    client = logged_in("manager")
    html = client.get("/members?q=able&status=active&service_category=advice&area=Leeds&diversity=rural"
                      "&eligible=true").get_data(as_text=True)
    query = fake_services.last_call("membership", "GET", "/organisations")["query"]
    assert query == {"q": "able", "status": "active", "service_category": "advice", "area": "Leeds",
                     "diversity": "rural", "eligible": "true"}
    assert "Able Advice" in html and "Brook Food" not in html
    assert 'value="able"' in html and '<option value="advice" selected>' in html
    assert "/members.csv?q=able" in html
    assert "No organisations match" in client.get("/members?q=nothing").get_data(as_text=True)
    client.get("/members?q=&status=")
    assert fake_services.last_call("membership", "GET", "/organisations")["query"] == {}


def test_a_long_directory_shows_next_and_following_it_shows_the_next_rows_keeping_the_filter(logged_in,
                                                                                               fake_services):
    names = [f"Org {i:03d}" for i in range(DEFAULT_LIMIT + 7)]
    for name in reversed(names):
        org(fake_services, name)
    org(fake_services, "Org 000 suspended", status="suspended")
    client = logged_in("manager")
    first = client.get("/members?status=active").get_data(as_text=True)
    assert names[DEFAULT_LIMIT - 1] in first and names[DEFAULT_LIMIT] not in first and "Org 000 suspended" not in first
    next_href = re.search(r'<div class="govuk-pagination__next">\s*<a[^>]*href="([^"]+)"', first).group(1)
    assert "status=active" in next_href and "govuk-pagination__prev" not in first
    second = client.get(next_href.replace("&amp;", "&")).get_data(as_text=True)
    assert all(name in second for name in names[DEFAULT_LIMIT:]) and names[DEFAULT_LIMIT - 1] not in second
    assert "govuk-pagination__prev" in second and "govuk-pagination__next" not in second
    back = re.search(r'<div class="govuk-pagination__prev">\s*<a[^>]*href="([^"]+)"', second).group(1)
    assert names[0] in client.get(back.replace("&amp;", "&")).get_data(as_text=True)
    export = client.get("/members.csv?status=active").get_data(as_text=True)
    assert all(name in export for name in names)  # the export follows every page


def test_directory_filters_membership_refuses_are_shown_by_field(logged_in):
    response = logged_in("manager").get("/members?status=nonsense")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem with the filters" in html and 'href="#filter-status"' in html


def test_csv_export_has_the_filtered_rows(logged_in, fake_services):
    org(fake_services, "Able Advice", service_categories=["advice"], areas_served=["Leeds", "Otley"],
        eligible_for_new_work=True, contacts=[{"role": "main", "name": "Ann Able", "email": "ann@able.org",
                                               "phone": None}])
    org(fake_services, "=HYPERLINK(\"x\")", status="applicant")
    org(fake_services, "Brook Food", service_categories=["food"])
    client = logged_in("finance")
    response = client.get("/members.csv?service_category=advice")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and ".csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Status", "Eligible for new work"]
    assert len(rows) == 2
    able = dict(zip(rows[0], rows[1]))
    assert able["Name"] == "Able Advice" and able["Status"] == "Active" and able["Eligible for new work"] == "Yes"
    assert able["Areas served"] == "Leeds; Otley" and able["Service categories"] == "Advice and advocacy"
    assert able["Main contact"] == "Ann Able, ann@able.org"
    everyone = list(csv.reader(io.StringIO(client.get("/members.csv").get_data(as_text=True))))
    assert ["'=HYPERLINK(\"x\")"] == [row[0] for row in everyone if "HYPERLINK" in row[0]]  # never a formula


def test_xlsx_export_has_the_filtered_rows(logged_in, fake_services):
    org(fake_services, "Able Advice", status="active")
    org(fake_services, "Canal Applicants", status="applicant")
    response = logged_in("manager").get("/members.xlsx?status=active")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Name" and [row[0] for row in rows[1:]] == ["Able Advice"]
    assert rows[1][1] == "Active"


def test_manager_registers_an_organisation_with_its_main_profile_fields(logged_in, fake_services):
    client = logged_in("manager")
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    response = client.post("/members", data={
        "csrf_token": token, "name": "Hillside Hub", "legal_form": "cic", "charity_number": "",
        "address_line_1": "1 Hill Street", "town": "Leeds", "postcode": "LS6 2QA",
        "areas_served": "Leeds\nOtley, Leeds", "service_categories": ["advice", "youth"]})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "POST", "/organisations")["json"]
    assert sent == {"name": "Hillside Hub", "legal_form": "cic", "address_line_1": "1 Hill Street", "town": "Leeds",
                    "postcode": "LS6 2QA", "areas_served": ["Leeds", "Otley"],
                    "service_categories": ["advice", "youth"]}


def test_a_duplicate_registration_shows_membership_s_409_detail(logged_in, fake_services):
    existing = org(fake_services, "First Trust")
    existing["charity_number"] = "1234567"
    client = logged_in("manager")
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    response = client.post("/members", data={"csrf_token": token, "name": "Second Trust", "legal_form": "charity",
                                             "charity_number": "1234567"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "govuk-error-summary" in html and "already registered" in html and 'value="Second Trust"' in html


# ---------------------------------------------------------------- the organisation's page and profile

def test_organisation_page_shows_profile_with_catalogue_labels_contacts_marks_and_history(logged_in, fake_services):
    organisation = org(
        fake_services, "Able Advice", legal_form="cio", service_categories=["advice", "mental_health"],
        client_groups=["carers"], diversity=["bme_led"], income_band="10k_100k", staff_count=4,
        volunteer_count=12, areas_served=["Leeds"], town="Leeds", postcode="LS1 8AB", eligible_for_new_work=True,
        contacts=[{"role": "safeguarding", "name": "Sam Safe", "email": "sam@able.org", "phone": "0113 000 0000"}],
        quality_marks=[{"name": "Advice Quality Standard", "expires_on": "2027-03-31"}],
        capacity="Room for 200 more clients a year",
        past_contracts=[{"title": "Debt advice", "commissioner": "Leeds City Council", "value_pence": 12_500_050,
                         "year": 2025}])
    fake_services.documents[organisation["id"]] = [{
        "id": "9e0b1c2d-0000-4000-8000-000000000009", "kind": "public_liability", "filename": "insurance.pdf",
        "content_type": "application/pdf", "size_bytes": 2048, "sha256": "ab", "expires_on": "2027-01-31",
        "uploaded_by": "manager", "uploaded_at": "2026-01-05T10:00:00+00:00"}]
    fake_services.history[organisation["id"]] = [{
        "from_status": "awaiting_decision", "to_status": "active", "reason": "Approved by the board",
        "effective_on": "2026-02-01", "actor": "manager", "decision_id": "d5d0c1a0-0000-4000-8000-000000000001",
        "recorded_at": "2026-02-01T10:00:00+00:00"}]
    manager = logged_in("manager")
    # issue 14 item 8: the profile, capability, documents and history each a page of their own
    pages = {section: manager.get(f"/members/{organisation['id']}{section}").get_data(as_text=True)
             for section in ("", "/capability", "/documents", "/history")}
    for section, texts in {
            "": ("Charitable incorporated organisation", "Advice and advocacy, Mental health", "Carers", "BME-led",
                 "£10,000 to £100,000", "Safeguarding lead", "Sam Safe", "sam@able.org",
                 "Advice Quality Standard, expires 31 March 2027", "Eligible for new work"),
            "/capability": ("Room for 200 more clients a year", "Leeds City Council", "£125,000.50"),
            "/documents": ("insurance.pdf", "31 January 2027",
                           f"/api/membership/organisations/{organisation['id']}/documents/"
                           "9e0b1c2d-0000-4000-8000-000000000009/content"),
            "/history": ("Approved by the board", "1 February 2026", "Decided by the board")}.items():
        for text in texts:
            assert text in pages[section], (section, text)
        assert "Eligible for new work" in pages[section]  # the organisation's name and status on each
    # issue 14 item 5: names and plain words, not a decision's id nor what other services know of the member
    assert "d5d0c1a0-0000-4000-8000-000000000001" not in pages["/history"]
    assert "Known to contracts" not in pages[""] and "Known to finance" not in pages[""]


@pytest.mark.parametrize("user", ["finance", "board"])
def test_the_finance_officer_and_board_see_a_member_but_not_its_documents(logged_in, fake_services, user):
    """Issue 11, item 6: due-diligence documents are the consortium manager's and the organisation's own staff's;
    the page says so rather than that the documents cannot be listed just now."""
    organisation = org(fake_services, "Able Advice")
    fake_services.documents[organisation["id"]] = [{
        "id": "9e0b1c2d-0000-4000-8000-000000000009", "kind": "public_liability", "filename": "insurance.pdf",
        "content_type": "application/pdf", "size_bytes": 2048, "sha256": "ab", "expires_on": "2027-01-31",
        "uploaded_by": "manager", "uploaded_at": "2026-01-05T10:00:00+00:00"}]
    html = logged_in(user).get(f"/members/{organisation['id']}/documents").get_data(as_text=True)
    assert "Able Advice" in html and "insurance.pdf" not in html
    assert "Only the consortium manager and the organisation&#39;s own staff see its documents." in html


def test_edit_profile_sends_every_field_as_membership_expects(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice", contacts=[{"role": "main", "name": "Old", "email": None,
                                                                "phone": None}])
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/edit").get_data(as_text=True)
    assert 'value="Old"' in page and "Edit the profile" in page
    form = {"csrf_token": csrf_token_from(page), "name": "Able Advice Leeds", "legal_form": "cio",
            "charity_number": "", "company_number": "", "address_line_1": "", "address_line_2": "", "town": "Leeds",
            "postcode": "LS1 8AB", "areas_served": "Leeds\nWakefield", "service_categories": ["advice"],
            "service_categories-shown": "1", "client_groups-shown": "1", "diversity": ["rural", "bme_led"],
            "diversity-shown": "1", "income_band": "under_10k", "staff_count": "4", "volunteer_count": "1,200",
            "contacts-main-name": "Ann Able", "contacts-main-email": "ann@able.org", "contacts-main-phone": "",
            "contacts-finance-name": "", "contacts-finance-email": "", "contacts-finance-phone": "",
            "contacts-safeguarding-name": "", "contacts-safeguarding-email": "", "contacts-safeguarding-phone": "",
            "quality_marks-0-name": "PQASSO", **date_fields("quality_marks-0-expires_on", dt.date(2027, 5, 1)),
            "quality_marks-1-name": "", "quality_marks-1-expires_on-day": "", "quality_marks-1-expires_on-month": "",
            "quality_marks-1-expires_on-year": ""}
    response = client.post(f"/members/{organisation['id']}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    sent = fake_services.last_call("membership", "PATCH", f"/organisations/{organisation['id']}")["json"]
    assert sent == {"name": "Able Advice Leeds", "legal_form": "cio", "charity_number": None, "company_number": None,
                    "address_line_1": None, "address_line_2": None, "town": "Leeds", "postcode": "LS1 8AB",
                    "service_categories": ["advice"], "client_groups": [], "diversity": ["rural", "bme_led"],
                    "areas_served": ["Leeds", "Wakefield"], "income_band": "under_10k", "capacity": None,
                    "staff_count": 4,
                    "volunteer_count": 1200,
                    "contacts": [{"role": "main", "name": "Ann Able", "email": "ann@able.org", "phone": None}],
                    "quality_marks": [{"name": "PQASSO", "expires_on": "2027-05-01"}]}
    assert "The profile is saved" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_member_user_edits_their_own_profile(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id)
    client = logged_in("member")
    page = client.get(f"/members/{member_organisation_id}/edit").get_data(as_text=True)
    response = client.post(f"/members/{member_organisation_id}/edit", data={
        "csrf_token": csrf_token_from(page), "name": "Riverside Food Bank", "legal_form": "cio", "town": "Reading"})
    assert response.status_code == 302
    assert fake_services.organisations[str(member_organisation_id)]["town"] == "Reading"


def test_profile_errors_are_shown_by_field_keeping_what_was_typed(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}/edit").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/edit", data={
        "csrf_token": token, "name": "Able Advice", "legal_form": "charity", "postcode": "NOT A POSTCODE",
        "contacts-finance-name": "Fay Finance", "contacts-finance-email": "not-an-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#postcode"' in html and "Enter a real UK postcode" in html
    assert 'href="#contacts-finance-email"' in html  # in plain words (issue 14 item 3), not marshmallow's
    assert "Enter the email address in the correct format, like name@example.com" in html
    assert "Not a valid email address" not in html
    assert 'value="NOT A POSTCODE"' in html and 'value="not-an-email"' in html and 'value="Fay Finance"' in html
    assert fake_services.organisations[organisation["id"]]["postcode"] is None


def test_profile_numbers_and_dates_the_gateway_cannot_read_are_refused_before_membership(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}/edit").get_data(as_text=True))
    calls = len(fake_services.calls)
    response = client.post(f"/members/{organisation['id']}/edit", data={
        "csrf_token": token, "name": "Able Advice", "legal_form": "charity", "staff_count": "7.5",
        "quality_marks-0-name": "PQASSO", "quality_marks-0-expires_on-day": "31",
        "quality_marks-0-expires_on-month": "2", "quality_marks-0-expires_on-year": "2027"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the number of paid staff as a whole number" in html and 'value="7.5"' in html
    assert "must be a real date" in html and 'href="#quality_marks-0-expires_on-day"' in html
    assert not [c for c in fake_services.calls[calls:] if c["method"] == "PATCH"]


# ---------------------------------------------------------------- application and due diligence (M1)

def test_m1_member_user_submits_their_own_application(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id)
    client = logged_in("member")
    page = client.get(f"/members/{member_organisation_id}").get_data(as_text=True)
    assert "Submit the application" in page and "Put the application to the board" not in page
    response = client.post(f"/members/{member_organisation_id}/application/submission",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert fake_services.organisations[str(member_organisation_id)]["status"] == "in_due_diligence"


def test_m1_due_diligence_page_lists_every_item_with_its_status_in_words(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    fake_services.evidence[organisation["id"]] = {
        "governing_document": {"provided_on": "2026-01-05", "verified_on": "2026-01-06", "verified_by": "Morgan"},
        "public_liability": {"provided_on": "2025-01-05", "expires_on": "2025-12-31", "cover_pence": 500_000_000},
    }
    fake_services.outstanding[organisation["id"]] = ["Public liability insurance has expired"]
    html = logged_in("board").get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    checklist = html[html.index('id="checklist"'):html.index("</table>", html.index('id="checklist"'))]
    assert re.search(r"Governing document.*?Verified.*?6 January 2026 by Morgan", checklist, re.S)
    assert re.search(r"Public liability insurance.*?Expired.*?£5,000,000", checklist, re.S)
    assert re.search(r"Equality policy.*?\(optional\).*?Missing", checklist, re.S)
    assert "Public liability insurance has expired" in html
    assert "Save the evidence" not in html and "Verify" not in html  # a board member only reads


def test_m1_providing_insurance_sends_dates_and_cover_in_pence(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    assert "Save the evidence" in page and "&lt;" not in page  # no markup shown as text
    expires = TODAY + dt.timedelta(days=300)
    response = client.post(f"/members/{organisation['id']}/due-diligence/public_liability", data={
        "csrf_token": csrf_token_from(page), **date_fields("provided_on", TODAY), **date_fields("expires_on", expires),
        "cover": "£5,000,000.50", "note": "Certificate seen"})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "PUT", f"/organisations/{organisation['id']}/due-diligence/")
    assert sent["path"].endswith("/due-diligence/public_liability")
    assert sent["json"] == {"provided_on": TODAY.isoformat(), "expires_on": expires.isoformat(),
                            "cover_pence": 500_000_050, "note": "Certificate seen"}
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Provided, not verified" in html and "£5,000,000.50" in html


def test_m1_a_409_from_membership_is_shown_on_the_item_keeping_what_was_typed(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/due-diligence/public_liability", data={
        "csrf_token": token, **date_fields("provided_on", TODAY), **date_fields("expires_on", TODAY), "cover": "",
        "note": "No certificate yet"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "govuk-error-summary" in html and "Public liability insurance needs its amount of cover." in html
    assert "No certificate yet" in html


def test_m1_evidence_errors_are_shown_by_field(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/due-diligence/public_liability", data={
        "csrf_token": token, "provided_on-day": "31", "provided_on-month": "2", "provided_on-year": "2026",
        "expires_on-day": "", "expires_on-month": "", "expires_on-year": "", "cover": "lots"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#public_liability--provided_on-day"' in html and "must be a real date" in html
    assert 'href="#public_liability--cover"' in html and "Enter the amount of cover in pounds" in html
    assert 'value="lots"' in html and 'value="31"' in html


def test_m1_manager_verifies_an_item_in_their_own_name_today(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    fake_services.evidence[organisation["id"]] = {"governing_document": {"provided_on": "2026-01-05"}}
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    assert "Provided, not verified" in page and "Verify" in page
    response = client.post(f"/members/{organisation['id']}/due-diligence/governing_document/verification",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "POST", f"/organisations/{organisation['id']}/due-diligence/")
    assert sent["json"] == {"verified_on": TODAY.isoformat(), "verified_by": "Morgan Manager"}
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Verified" in html and "by Morgan Manager" in html


def test_m1_member_user_provides_evidence_but_cannot_verify(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id, status="in_due_diligence")
    fake_services.evidence[str(member_organisation_id)] = {"equality_policy": {"provided_on": "2026-01-05"}}
    client = logged_in("member")
    page = client.get(f"/members/{member_organisation_id}/due-diligence").get_data(as_text=True)
    assert "Save the evidence" in page and "Verify" not in page
    token = csrf_token_from(page)
    response = client.post(f"/members/{member_organisation_id}/due-diligence/governing_document",
                           data={"csrf_token": token, **date_fields("provided_on", TODAY)})
    assert response.status_code == 302
    assert client.post(f"/members/{member_organisation_id}/due-diligence/equality_policy/verification",
                       data={"csrf_token": token}).status_code == 403


def test_m1_put_to_board_refused_shows_what_is_outstanding(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    fake_services.outstanding[organisation["id"]] = ["Governing document is missing",
                                                     "Public liability insurance is not verified"]
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    assert "Put the application to the board" in page
    response = client.post(f"/members/{organisation['id']}/application", data={"csrf_token": csrf_token_from(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The application cannot go to the board yet" in html
    summary = html[html.index("govuk-error-summary"):html.index('id="outstanding"')]
    assert "Governing document is missing" in summary and "Public liability insurance is not verified" in summary
    assert 'href="#item-governing_document"' in summary and 'href="#item-public_liability"' in summary
    assert fake_services.organisations[organisation["id"]]["status"] == "in_due_diligence"


def test_m1_manager_makes_a_checklist_item_optional(logged_in, fake_services):
    client = logged_in("manager")
    page = client.get("/members/checklist").get_data(as_text=True)
    assert re.search(r"Public liability insurance</th>\s*<td[^>]*>An expiry date and the amount of cover</td>\s*"
                     r"<td[^>]*><strong[^>]*>Required</strong>", page)
    response = client.post("/members/checklist/public_liability",
                           data={"csrf_token": csrf_token_from(page), "required": "false"})
    assert response.status_code == 302
    assert fake_services.last_call("membership", "PUT", "/due-diligence/checklist/")["json"] == {"required": False}
    assert "Public liability insurance is now optional" in client.get("/members/checklist").get_data(as_text=True)


def test_checklist_is_read_only_for_other_staff(logged_in):
    client = logged_in("board")
    page = client.get("/members/checklist").get_data(as_text=True)
    assert "Governing document" in page and "Make optional" not in page
    assert client.post("/members/checklist/governing_document",
                       data={"csrf_token": csrf_token_from(page), "required": "false"}).status_code == 403


def test_catalogue_lists_are_shown_in_an_order_people_expect(logged_in):
    html = logged_in("manager").get("/members/new").get_data(as_text=True)
    legal = re.findall(r'name="legal_form" type="radio" value="([a-z_]+)"', html)
    assert legal == ["charity", "cio", "charitable_company", "cic", "community_benefit_society",
                     "unincorporated_association", "other"]



def test_the_catalogue_is_asked_for_once_for_many_pages_until_it_goes_stale(app, logged_in, fake_services):
    """Issue 16: membership's lists are the same for everyone and change only with a release, so the gateway keeps
    an answer for a few minutes rather than asking on every page."""
    from gateway.pages.membership import views as pages

    catalogue_calls = lambda: sum(1 for c in fake_services.calls  # noqa: E731
                                  if c["service"] == "membership" and c["path"] == "/catalogue")
    app.extensions.pop("gateway.membership_catalogue", None)
    client = logged_in("manager")
    before = catalogue_calls()
    for _ in range(3):
        assert client.get("/members").status_code == 200
    assert catalogue_calls() == before + 1
    kept_at, lists = app.extensions["gateway.membership_catalogue"]
    app.extensions["gateway.membership_catalogue"] = (kept_at - pages.CATALOGUE_TTL_S - 1, lists)  # gone stale
    assert client.get("/members").status_code == 200
    assert catalogue_calls() == before + 2

def test_m1_a_document_larger_than_a_form_uploads_to_membership(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id, status="in_due_diligence")
    client = logged_in("member")
    page = client.get(f"/members/{member_organisation_id}/due-diligence").get_data(as_text=True)
    assert "Upload a document" in page
    content = b"%PDF-1.7\n" + b"0" * 8000  # over the gateway's 4 KiB limit for other forms in these tests
    expires = TODAY + dt.timedelta(days=200)
    response = client.post(f"/members/{member_organisation_id}/documents", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "kind": "public_liability", "file": (io.BytesIO(content), "cover.pdf"),
        **date_fields("document_expires_on", expires)})
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = fake_services.documents[str(member_organisation_id)][0]
    assert stored["filename"] == "cover.pdf" and stored["size_bytes"] == len(content)
    assert stored["kind"] == "public_liability" and stored["expires_on"] == expires.isoformat()
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "cover.pdf is uploaded" in html and "cover.pdf" in html


def test_m1_a_refused_upload_shows_membership_s_reason_on_the_file_field(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/documents", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "other", "file": (io.BytesIO(b"MZ..."), "virus.exe")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#file"' in html and "Upload a PDF, office document" in html
    response = client.post(f"/members/{organisation['id']}/documents", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "", "file": (io.BytesIO(b""), "")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose what the document is" in html and "Choose a file" in html
    assert organisation["id"] not in fake_services.documents


def test_uploads_need_the_form_s_csrf_token(logged_in, fake_services, member_organisation_id):
    own(fake_services, member_organisation_id)
    response = logged_in("member").post(f"/members/{member_organisation_id}/documents",
                                        content_type="multipart/form-data",
                                        data={"kind": "other", "file": (io.BytesIO(b"%PDF-1.7"), "a.pdf")})
    assert response.status_code == 400 and "The form has expired" in response.get_data(as_text=True)
    assert str(member_organisation_id) not in fake_services.documents


# ---------------------------------------------------------------- membership changes

def test_manager_suspends_a_member_with_reason_and_date(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/membership").get_data(as_text=True)
    assert "Change the membership" in page
    response = client.post(f"/members/{organisation['id']}/membership-changes", data={
        "csrf_token": csrf_token_from(page), "to_status": "suspended", "reason": "Safeguarding concern under review",
        **date_fields("effective_on", dt.date(2026, 3, 1)), "decision_id": ""})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "POST", f"/organisations/{organisation['id']}/membership")["json"]
    assert sent == {"to_status": "suspended", "reason": "Safeguarding concern under review",
                    "effective_on": "2026-03-01", "decision_id": None}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Membership changed: Suspended" in html and "Safeguarding concern under review" in html


def test_g5_expulsion_without_a_decision_shows_membership_s_409_detail(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/membership-changes", data={
        "csrf_token": token, "to_status": "expelled", "reason": "Repeated breaches",
        **date_fields("effective_on", TODAY)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "An expulsion needs the Partners Group&#39;s decision" in html and "Repeated breaches" in html
    assert fake_services.organisations[organisation["id"]]["status"] == "active"


def test_membership_change_errors_are_shown_by_field(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/members/{organisation['id']}").get_data(as_text=True))
    response = client.post(f"/members/{organisation['id']}/membership-changes", data={
        "csrf_token": token, "to_status": "lapsed", "reason": "x", **date_fields("effective_on", TODAY),
        "decision_id": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#reason"' in html and "The reason must be between 3 and 2000 characters" in html
    assert "Length must be between" not in html  # plain words (issue 14 item 3)
    response = client.post(f"/members/{organisation['id']}/membership-changes", data={
        "csrf_token": token, "reason": "Fine reason", "effective_on-day": "40", "effective_on-month": "1",
        "effective_on-year": "2026", "decision_id": "not-a-uuid"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#to_status"' in html and 'href="#effective_on-day"' in html and 'href="#decision_id"' in html
    assert 'value="Fine reason"' not in html and "Fine reason" in html and 'value="not-a-uuid"' in html


# ---------------------------------------------------------------- expiring, capability, reports

def test_expiring_evidence_is_listed_soonest_first(logged_in, fake_services):
    soon, later = TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=20)
    fake_services.expiring = [
        {"organisation_id": str(uuid.uuid4()), "organisation_name": "Later Trust", "kind": "public_liability",
         "label": "Public liability insurance", "expires_on": later.isoformat()},
        {"organisation_id": str(uuid.uuid4()), "organisation_name": "Soon Trust", "kind": "employers_liability",
         "label": "Employers' liability insurance", "expires_on": soon.isoformat()}]
    html = logged_in("manager").get("/members/expiring").get_data(as_text=True)
    assert html.index("Soon Trust") < html.index("Later Trust")
    assert "3 days" in html and "20 days" in html and f"{soon.day} {soon:%B %Y}" in html
    assert fake_services.last_call("membership", "GET", "/due-diligence/expiring")["query"] == {"within_days": "30"}


def test_m2_capability_search_lists_active_eligible_members_for_a_service_in_an_area(logged_in, fake_services):
    org(fake_services, "Able Advice", service_categories=["advice"], areas_served=["Leeds"], eligible_for_new_work=True)
    org(fake_services, "Ineligible Advice", service_categories=["advice"], areas_served=["Leeds"])
    client = logged_in("board")
    html = client.get("/members/capability?service_category=advice&area=Leeds").get_data(as_text=True)
    assert fake_services.last_call("membership", "GET", "/capability/search")["query"] == {
        "service_category": "advice", "area": "Leeds"}
    assert "1 member can deliver Advice and advocacy in Leeds" in html
    assert "Able Advice" in html and "Ineligible Advice" not in html
    none = client.get("/members/capability?service_category=youth&area=Leeds").get_data(as_text=True)
    assert "No active, eligible member delivers Youth work in Leeds" in none


def test_m2_capability_search_asks_for_both_fields(logged_in):
    response = logged_in("manager").get("/members/capability?service_category=&area=")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#service_category"' in html and 'href="#area"' in html


def test_m2_m3_reports_draw_accessible_svg_charts_with_data_tables(logged_in, fake_services):
    fake_services.gaps = {"threshold": 2, "categories": [{"key": "youth", "label": "Youth work", "members": 0},
                                                          {"key": "advice", "label": "Advice and advocacy", "members": 5}],
                          "areas": [{"area": "Otley", "members": 1}, {"area": "Leeds", "members": 7}]}
    fake_services.diversity = {
        "active_members": 8,
        "characteristics": [{"key": "bme_led", "label": "BME-led", "count": 2, "share_percent": 25.0},
                            {"key": "rural", "label": "Rural", "count": 1, "share_percent": 12.5}],
        "by_area": [{"area": "Leeds", "total": 7, "characteristics": {"bme_led": 2}}],
        "over_time": [{"year": 2025, "active_members": 6, "characteristics": {"bme_led": 1, "rural": 1}}]}
    response = logged_in("board").get("/members/reports?threshold=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img"') == 3
    assert "<script" not in html[html.index("<svg"):]
    assert re.search(r'<svg[^>]*aria-label="Active members by service category\. Youth work: 0; '
                     r'Advice and advocacy: 5"', html)
    assert "<title id=\"chart-areas-title\">Active members by area served. Otley: 1; Leeds: 7</title>" in html
    assert re.search(r"Youth work</th>\s*<td[^>]*>0</td>\s*<td[^>]*><strong[^>]*>Gap</strong>", html)
    assert re.search(r"Leeds</th>\s*<td[^>]*>7</td>\s*<td[^>]*>No</td>", html)
    assert "BME-led" in html and "25.0%" in html and "12.5%" in html
    assert 'id="diversity-by-area"' in html and 'id="diversity-over-time"' in html and "2025" in html
    assert fake_services.last_call("membership", "GET", "/reports/gaps")["query"] == {"threshold": "2"}


def test_m3_the_diversity_tables_by_area_and_over_time_count_each_characteristic_in_its_column(logged_in,
                                                                                             fake_services):
    """The two tables of members by declared characteristic (one macro, a row for each area or year) put each
    count under its own characteristic's heading, 0 where none is declared."""
    fake_services.diversity = {
        "active_members": 8,
        "characteristics": [{"key": "bme_led", "label": "BME-led", "count": 2, "share_percent": 25.0},
                            {"key": "rural", "label": "Rural", "count": 1, "share_percent": 12.5}],
        "by_area": [{"area": "Leeds", "total": 7, "characteristics": {"bme_led": 2}}],
        "over_time": [{"year": 2025, "active_members": 6, "characteristics": {"rural": 1}}]}
    html = logged_in("board").get("/members/reports").get_data(as_text=True)

    def row(table_id: str) -> list[str]:
        table = re.search(rf'<table class="govuk-table" id="{table_id}">.*?</table>', html, re.S).group(0)
        heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
        body = re.search(r"<tbody.*?</tbody>", table, re.S).group(0)
        return heads + re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body)

    assert row("diversity-by-area") == ["Area", "All", "BME-led", "Rural", "Leeds", "7", "2", "0"]
    assert row("diversity-over-time") == ["Year", "Active members", "BME-led", "Rural", "2025", "6", "0", "1"]


def test_bar_chart_escapes_labels_and_marks_gaps():
    from gateway.pages.common.charts import bar_chart

    svg = str(bar_chart("Title <x>", [("A & B", 0), ("C", 4)], highlight_below=2, chart_id="c"))
    assert "A &amp; B" in svg and "Title &lt;x&gt;" in svg and 'role="img"' in svg and "<title" in svg
    assert svg.count('fill="#d4351c"') == 1 and svg.count('fill="#1d70b8"') == 1
    assert "No data yet" in str(bar_chart("Empty", []))


def test_money_is_read_in_pounds_and_sent_in_pence():
    from gateway.pages.common.money import pounds as pence_to_pounds, pounds_to_pence

    assert pounds_to_pence("£5,000,000") == 500_000_000 and pounds_to_pence("10.5") == 1050
    for bad in ("", "abc", "-1", "0", "1.234", "nan", "inf"):
        with pytest.raises(ValueError):
            pounds_to_pence(bad)
    assert pence_to_pounds(500_000_050) == "£5,000,000.50" and pence_to_pounds(100) == "£1"


def test_m1_an_uploaded_document_is_linked_to_a_checklist_item_from_the_page(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    document = {"id": str(uuid.uuid4()), "kind": "public_liability", "filename": "insurance-2026.pdf",
                "content_type": "application/pdf", "size_bytes": 1000, "sha256": "x", "expires_on": None,
                "uploaded_by": "manager", "uploaded_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    fake_services.documents[organisation["id"]] = [document]
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    # the item names no document yet: the uploaded certificate is offered, chosen in its form
    assert f'<option value="{document["id"]}" selected>insurance-2026.pdf (Public liability insurance' in page
    assert 'id="item-public_liability-offer">Filled in from insurance-2026.pdf' in page
    response = client.post(f"/members/{organisation['id']}/due-diligence/public_liability", data={
        "csrf_token": csrf_token_from(page), **date_fields("provided_on", TODAY),
        **date_fields("expires_on", TODAY + dt.timedelta(days=300)), "cover": "5000000",
        "document_id": document["id"]})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "PUT", f"/organisations/{organisation['id']}/due-diligence/")
    assert sent["json"]["document_id"] == document["id"]
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert re.search(r'id="item-public_liability-document">Supporting document: <a class="govuk-link" '
                     rf'href="/api/membership/organisations/{organisation["id"]}/documents/{document["id"]}/content">'
                     r'insurance-2026.pdf</a>', html)
    assert f'<option value="{document["id"]}" selected>' in html
    bad = client.post(f"/members/{organisation['id']}/due-diligence/governing_document", data={
        "csrf_token": csrf_token_from(page), **date_fields("provided_on", TODAY), "document_id": "not-an-id"})
    assert bad.status_code == 422 and "Choose one of the organisation" in bad.get_data(as_text=True)


def test_m1_an_uploaded_certificate_becomes_the_items_evidence_without_asking_for_its_expiry_again(
        logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/due-diligence").get_data(as_text=True)
    assert 'id="as_evidence" name="as_evidence" type="checkbox" value="true" checked' in page
    expires = TODAY + dt.timedelta(days=300)
    form = {"csrf_token": csrf_token_from(page), "kind": "public_liability", "as_evidence": "true",
            "file": (io.BytesIO(b"%PDF-1.7 insurance"), "insurance.pdf")}
    refused = client.post(f"/members/{organisation['id']}/documents", content_type="multipart/form-data",
                          data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'href="#document_expires_on-day"' in html and 'href="#document_cover"' in html
    assert "needs the amount of cover" in html and organisation["id"] not in fake_services.documents

    form |= {"file": (io.BytesIO(b"%PDF-1.7 insurance"), "insurance.pdf"), "document_cover": "£5,000,000",
             **date_fields("document_expires_on", expires)}
    response = client.post(f"/members/{organisation['id']}/documents", content_type="multipart/form-data",
                           data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("#item-public_liability")
    sent = fake_services.last_call("membership", "POST", f"/organisations/{organisation['id']}/documents")
    assert sent["method"] == "POST"
    evidence = fake_services.evidence[organisation["id"]]["public_liability"]
    document = fake_services.documents[organisation["id"]][0]
    assert (evidence["expires_on"], evidence["cover_pence"], evidence["document_id"]) == (
        expires.isoformat(), 500_000_000, document["id"])
    html = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "recorded as the evidence" in html and 'id="item-public_liability-offer"' not in html

    # A quality mark is only kept: the box does not make it evidence (it is on no checklist item).
    other = client.post(f"/members/{organisation['id']}/documents", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "kind": "quality_mark", "as_evidence": "true",
        "file": (io.BytesIO(b"%PDF-1.7 mark"), "mark.pdf")})
    assert other.status_code == 302 and "quality_mark" not in fake_services.evidence[organisation["id"]]


def test_m2_past_contracts_are_added_and_removed_on_the_organisation_page(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts", past_contracts=[
        {"title": "Youth outreach", "commissioner": "Leeds City Council", "value_pence": 1_200_000, "year": 2023}])
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/capability").get_data(as_text=True)
    assert "Add a past contract" in page and "Youth outreach" in page
    response = client.post(f"/members/{organisation['id']}/past-contracts", data={
        "csrf_token": csrf_token_from(page), "title": "Carers' hub", "commissioner": "NHS West Yorkshire",
        "value": "£45,000.50", "year": "2024"})
    assert response.status_code == 302
    sent = fake_services.last_call("membership", "PATCH", f"/organisations/{organisation['id']}")
    assert sent["json"] == {"past_contracts": [
        {"title": "Youth outreach", "commissioner": "Leeds City Council", "value_pence": 1_200_000, "year": 2023},
        {"title": "Carers' hub", "commissioner": "NHS West Yorkshire", "value_pence": 4_500_050, "year": 2024}]}
    html = client.get(f"/members/{organisation['id']}/capability").get_data(as_text=True)
    assert "£45,000.50" in html and "is added to the past contracts" in html
    client.post(f"/members/{organisation['id']}/past-contracts/0/removal", data={"csrf_token": csrf_token_from(html)})
    assert [c["title"] for c in fake_services.organisations[organisation["id"]]["past_contracts"]] == ["Carers' hub"]
    refused = client.post(f"/members/{organisation['id']}/past-contracts", data={
        "csrf_token": csrf_token_from(html), "title": "", "commissioner": "X", "value": "lots", "year": "soon"})
    assert refused.status_code == 302
    shown = client.get(f"/members/{organisation['id']}/capability").get_data(as_text=True)
    assert "Enter the contract" in shown and "Enter the value in pounds" in shown
    assert len(fake_services.organisations[organisation["id"]]["past_contracts"]) == 1
    assert client.post(f"/members/{organisation['id']}/past-contracts/7/removal",
                       data={"csrf_token": csrf_token_from(html)}).status_code == 404


def test_m2_past_contracts_of_another_organisation_cannot_be_edited_by_member_staff(logged_in, fake_services,
                                                                                    member_organisation_id):
    own(fake_services, member_organisation_id)
    theirs = org(fake_services, "Canal Arts")
    client = logged_in("member")
    page = client.get(f"/members/{member_organisation_id}/capability").get_data(as_text=True)
    assert "Add a past contract" in page
    refused = client.post(f"/members/{theirs['id']}/past-contracts", data={
        "csrf_token": csrf_token_from(page), "title": "A", "commissioner": "B", "value": "1", "year": "2024"})
    assert refused.status_code == 404


def test_g5_a_manager_asks_the_partners_group_to_decide_on_expelling_a_member(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}/membership").get_data(as_text=True)
    assert "Ask the Partners Group to decide" in page
    short = client.post(f"/members/{organisation['id']}/expulsion-request",
                        data={"csrf_token": csrf_token_from(page), "reason": "x"})
    refused = client.get(short.location.split("#")[0]).get_data(as_text=True)
    assert "The reason must be between 3 and 250 characters" in refused and "Length must be" not in refused
    response = client.post(f"/members/{organisation['id']}/expulsion-request",
                           data={"csrf_token": csrf_token_from(page), "reason": "Persistent breach"})
    assert response.status_code == 302
    assert fake_services.last_call("membership", "POST", f"/organisations/{organisation['id']}/expulsion-request"
                                   )["json"] == {"reason": "Persistent breach"}
    html = client.get(response.location.split("#")[0]).get_data(as_text=True)
    assert "The Partners Group is asked to decide" in html and 'id="expulsion-pending"' in html
    assert "Ask the Partners Group to decide" not in html


def test_g5_only_managers_ask_for_an_expulsion(logged_in, fake_services):
    organisation = org(fake_services, "Canal Arts")
    client = logged_in("board")
    page = client.get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Ask the Partners Group to decide" not in page
    assert client.post(f"/members/{organisation['id']}/expulsion-request",
                       data={"csrf_token": csrf_token_from(page), "reason": "Breach"}).status_code == 403


def test_issue_14_item_5_the_history_names_who_made_each_change_in_words_never_an_id(logged_in, fake_services):
    organisation = org(fake_services, "Able Advice")
    stranger = "user:5b0d7a8e-59c5-4b8e-a3b1-1d2f3e4a5b6c"
    fake_services.history[organisation["id"]] = [
        {"from_status": "active", "to_status": "suspended", "reason": "Insurance lapsed", "effective_on": "2026-03-01",
         "actor": "system:expiry-review", "decision_id": None, "recorded_at": "2026-03-01T02:00:00+00:00"},
        {"from_status": "awaiting_decision", "to_status": "active", "reason": "Approved by the board",
         "effective_on": "2026-02-01", "actor": stranger, "decision_id": None,
         "recorded_at": "2026-02-01T10:00:00+00:00"}]
    html = logged_in("manager").get(f"/members/{organisation['id']}/history").get_data(as_text=True)
    assert "The hub&#39;s expiry review (automatic)" in html and "Someone without a login here" in html
    assert stranger not in html and "system:" not in html and "Not needed" in html
