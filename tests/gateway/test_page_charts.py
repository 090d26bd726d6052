"""The charts drawn on the server as SVG (issue 14 item 8): the commissioner report's actual against target, and the
dashboard's heat map naming each indicator in full and saying "Not rated" where there is no RAG."""
import re
import uuid
import xml.etree.ElementTree as ElementTree

from gateway.pages.common.charts import actual_and_target_chart
from gateway.pages.delivery.heatmap import heat_map

SVG = "{http://www.w3.org/2000/svg}"
CONTRACT_ID = str(uuid.uuid4())
PERIODS = [{"id": str(uuid.uuid4()), "number": n, "label": f"Q{n} 2026"} for n in (1, 2)]
INDICATOR = {"id": str(uuid.uuid4()), "code": "O1", "name": "People helped"}
REPORT = {
    "contract": {"id": CONTRACT_ID, "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council"},
    "periods": PERIODS, "indicators": [INDICATOR],
    "lines": [{"indicator": INDICATOR, "period": PERIODS[0], "target": 100.0, "actual": 90.0, "percent": 90.0,
               "rag": "amber", "worst_rag": None, "worst": []},
              {"indicator": INDICATOR, "period": PERIODS[1], "target": 100.0, "actual": None, "percent": None,
               "rag": None, "worst_rag": None, "worst": []}],
    "overall": [], "highlights": []}


def _texts(svg) -> list[str]:
    root = ElementTree.fromstring(str(svg))
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def _widths(svg, fill: str) -> list[float]:
    root = ElementTree.fromstring(str(svg))
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("fill") == fill]


def test_p1_the_report_chart_draws_actual_against_target_with_rag_in_words():
    svg = actual_and_target_chart("O1 People helped: actual against target", [
        ("Q1 2026", 100.0, 120.0, "120 of 100 (120%), Green"),
        ("Q2 2026", 100.0, 50.0, "50 of 100 (50%), Red"),
        ("Q3 2026", 100.0, None, "No accepted return, Not rated")], chart_id="chart-o1")
    texts = _texts(svg)
    assert texts[:2] == ["Target", "Actual"]  # the legend names both colours
    assert "Q2 2026: 50 of 100 (50%), Red" in texts and "Q3 2026: No accepted return, Not rated" in texts
    targets, actuals = _widths(svg, "#505a5f")[1:], _widths(svg, "#1d70b8")[1:]  # the legend's swatches aside
    assert len(targets) == 3 and len(actuals) == 2  # no bar for a missing actual
    assert actuals[0] > targets[0] > actuals[1] and len(set(targets)) == 1  # drawn to one scale
    label = re.search(r'aria-label="([^"]*)"', str(svg)).group(1)
    assert label.startswith("O1 People helped: actual against target. Q1 2026: 120 of 100 (120%), Green;")
    assert 'role="img"' in str(svg) and 'id="chart-o1"' in str(svg)


def test_the_report_chart_escapes_names_and_says_when_there_is_nothing():
    svg = actual_and_target_chart("<script>", [])
    assert "<script>" not in str(svg) and "No data yet" in _texts(svg)


def test_p1_the_heat_map_names_each_indicator_in_full_and_says_not_rated():
    long_name = "Riverside Council for Voluntary Service: O1 Number of people supported into volunteering roles"
    svg = heat_map("RAG by subcontract", ["Q1", "Q2"], [(long_name, ["green", None]),
                                                         ("Riverside Council: overall", [None, None])])
    root = ElementTree.fromstring(str(svg))
    labels = [" ".join(span.text for span in node.iter(f"{SVG}tspan")) for node in root.iter(f"{SVG}text")
              if node.find(f"{SVG}tspan") is not None]
    assert labels == [long_name, "Riverside Council: overall"]  # in full, over two lines, never cut short
    texts = _texts(svg)
    assert texts.count("Not rated") == 3 and "None" not in texts and "Green" in texts
    assert "Q2 Not rated" in str(svg)  # in the chart's own sentence too


def test_p1_the_commissioners_report_page_draws_actual_against_target_beside_its_table(logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}/report")] = (200, REPORT)
    html = logged_in("manager").get(f"/contracts/{CONTRACT_ID}/report").get_data(as_text=True)
    chart = html[html.index('<svg'):html.index('</svg>') + 6]
    assert 'id="report-chart-1"' in chart and "O1 People helped: actual against target by period" in chart
    assert "Q1 2026: 90 of 100 (90.0%), Amber" in _texts(chart)
    assert "Q2 2026: no accepted return against 100" in _texts(chart)
    assert html.index("</svg>") < html.index('id="report-table"')  # the figures' table beside (after) it
