"""No 500s, ever (issue 11): an XLSX export holds whatever a name holds. Characters XML 1.0 cannot carry (control
characters, which failed /members.xlsx whole) are stripped in xlsx_response, the one place every XLSX export is
written, and a cell is still never a formula."""
import io

from openpyxl import load_workbook

from gateway.pages.common.service_pages import xlsx_cell


def test_members_xlsx_with_control_characters_in_names_downloads_without_them_and_without_formulas(
        logged_in, fake_services):
    fake_services.add_organisation("Bell\x07 Lane\x1b Trust\x00", status="active")
    fake_services.add_organisation("\x01=HYPERLINK(\"http://x\")", status="active")
    response = logged_in("manager").get("/members.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    response.headers["Content-Disposition"].encode("ascii")
    names = sorted(row[0].value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2))
    assert names == ["'=HYPERLINK(\"http://x\")", "Bell Lane Trust"]


def test_an_xlsx_cell_keeps_tabs_newlines_and_numbers_and_loses_what_xml_cannot_hold():
    assert xlsx_cell("Line one\nline\ttwo\r") == "Line one\nline\ttwo\r"
    assert xlsx_cell("A\x00B\x0bC\x1fD\ud800E\uffff") == "ABCDE"
    assert xlsx_cell("\x02+SUM(A1)") == "'+SUM(A1)" and xlsx_cell("-12.50") == "-12.50"
    assert xlsx_cell(None) == "" and xlsx_cell(42) == 42
