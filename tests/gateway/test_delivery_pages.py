"""The commissioner's report in the gateway (page, XLSX, PDF), over a fake contracts answering as the real one."""
import io
import uuid

import openpyxl

CONTRACT_ID = str(uuid.uuid4())
PERIOD = {"id": str(uuid.uuid4()), "number": 1, "label": "Q1 2026", "starts_on": "2026-04-01",
          "ends_on": "2026-06-30", "return_due_on": "2026-07-15"}
INDICATOR = {"id": str(uuid.uuid4()), "code": "O1", "name": "People helped", "kind": "output", "unit": "people",
             "higher_is_better": True}
REPORT = {
    "contract": {"id": CONTRACT_ID, "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
                 "starts_on": "2026-04-01", "ends_on": "2027-03-31"},
    "periods": [PERIOD], "indicators": [INDICATOR],
    "lines": [{"indicator": INDICATOR, "period": PERIOD, "target": 100.0, "subcontracted": 100.0, "actual": 90.0,
               "returns_accepted": 2, "percent": 90.0, "rag": "amber", "worst_rag": "red",
               "worst": [{"subcontract_id": str(uuid.uuid4()), "organisation_name": "Wharfedale Carers",
                          "target": 50.0, "actual": 38.0, "percent": 76.0, "rag": "red"}]}],
    "overall": [{"period": PERIOD, "rag": "amber", "worst_rag": "red"}],
    "highlights": [], "generated_at": "2026-07-20T09:00:00+00:00"}


def test_p1_the_commissioners_report_shows_the_worst_subcontractor_beside_an_amber_total(logged_in, fake_services,
                                                                                        monkeypatch):
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}/report")] = (200, REPORT)
    manager = logged_in("manager")

    page = manager.get(f"/contracts/{CONTRACT_ID}/report").get_data(as_text=True)
    assert "Worst subcontractor" in page and "Red: Wharfedale Carers (76.0% of its share)" in page
    assert "Amber; worst subcontractor Red" in page

    book = openpyxl.load_workbook(io.BytesIO(manager.get(f"/contracts/{CONTRACT_ID}/report.xlsx").data))
    rows = list(book["Targets and actuals"].iter_rows(values_only=True))
    assert rows[0][-3:] == ("RAG", "Worst subcontractor RAG", "Worst subcontractors")
    assert rows[1][-3:] == ("Amber", "Red", "Wharfedale Carers")
    assert list(book["Overall RAG"].iter_rows(values_only=True))[1] == ("Q1 2026", "Amber", "Red")

    made_from = []

    class FakeHTML:  # the PDF's HTML, as WeasyPrint would be given it
        def __init__(self, string, base_url):
            made_from.append(string)

        def write_pdf(self, **_):
            return b"%PDF-1.7"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    assert manager.get(f"/contracts/{CONTRACT_ID}/report.pdf").status_code == 200
    assert "Red: Wharfedale Carers (76.0% of its share)" in made_from[0]


def test_p1_a_lower_is_better_total_says_what_it_was_rated_against(logged_in, fake_services):
    """Days waited, lower is better: the total is rated against the reporting subcontractors' summed shares (contracts'
    rated_against), not the commissioner's target shown beside it: the page says so."""
    waited = INDICATOR | {"id": str(uuid.uuid4()), "code": "W1", "name": "Days waited", "higher_is_better": False}
    line = {"indicator": waited, "period": PERIOD, "target": 10.0, "subcontracted": 20.0, "actual": 19.0,
            "returns_accepted": 2, "rated_against": 20.0, "percent": 105.3, "rag": "green", "worst_rag": "green",
            "worst": []}
    higher = REPORT["lines"][0] | {"rated_against": 100.0}
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}/report")] = (200, REPORT | {
        "indicators": [INDICATOR, waited], "lines": [higher, line]})
    page = logged_in("manager").get(f"/contracts/{CONTRACT_ID}/report").get_data(as_text=True)
    assert "105.3% of 20, the reporting subcontractors' shares (lower is better)" in page
    assert page.count("the reporting subcontractors") == 1  # higher is better: against the target, as shown


def test_issue_14_item_8_the_commissioner_report_pdf_has_the_actual_against_target_chart(logged_in, fake_services):
    """P1: the report's PDF carries the same actual-against-target chart as its page (inline SVG, which WeasyPrint
    draws): the chart's legend and its words for the period are text in the PDF, not only in the table."""
    import pypdf

    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}/report")] = (200, REPORT)
    manager = logged_in("manager")
    page = manager.get(f"/contracts/{CONTRACT_ID}/report").get_data(as_text=True)
    assert 'id="report-chart-1"' in page
    answer = manager.get(f"/contracts/{CONTRACT_ID}/report.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(sheet.extract_text() for sheet in pypdf.PdfReader(io.BytesIO(answer.data)).pages)
    text = " ".join(text.split())
    assert "Actual against target" in text
    assert "Target Actual" in text  # the chart's legend
    assert "Q1 2026: 90 of 100 (90.0%), Amber" in text  # the chart's words for its one pair of bars


def test_issue_16_the_contracts_page_counts_returns_to_review_from_the_summary_not_by_reading_them(
        logged_in, fake_services):
    fake_services.contracts_answers[("GET", "/contracts")] = (200, [])
    fake_services.summaries["contracts"] = (200, {"today": "2031-01-15",
                                                  "returns_to_review": {"count": 1234, "items": []}})
    page = logged_in("manager").get("/contracts").get_data(as_text=True)
    assert "Returns to review (1234)" in page
    assert not [c for c in fake_services.calls if c["service"] == "contracts" and c["path"].startswith("/returns")]
