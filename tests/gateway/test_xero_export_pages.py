"""F4: the Export to Xero page. An export is finance's (POST /invoices/xero-exports marks what it takes, so the next
leaves it out); the page downloads it as Xero takes it: one CSV of Xero's sales invoice columns, or a ZIP of files of
at most 500 lines when finance gives several; an earlier export downloaded again on purpose (finance records it).
Finance is stood in for by answers given to the page's calls (gateway.pages.time.xero.send / fetch_page)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile

import pytest

from gateway.pages.time import xero
from gateway.pages.time.views import XERO_HEADER
from gateway.proxy.client import Answer
from gateway_helpers import csrf_token_from


def invoice(number: str, lines: int) -> dict:
    return {"id": str(uuid.uuid4()), "number": number, "kind": "invoice", "month": "2030-01-01",
            "issued_on": "2030-02-03", "due_on": "2030-03-05", "vat_treatment": "standard", "account_code": "200",
            "bill_to_name": "Riverside Consortium", "issuer_name": "Leeds CVS", "organisation_id": str(uuid.uuid4()),
            "lines": [{"position": n, "description": f"hub-bidding line {n}", "minutes": 450, "rate_pence": 3000,
                       "net_pence": 22500, "vat_pence": 4500} for n in range(1, lines + 1)]}


def export(*files: list[dict]) -> dict:
    invoices = [i for file in files for i in file]
    return {"id": str(uuid.uuid4()), "organisation_id": None, "issuer_name": None, "issued_in": None,
            "invoice_count": len(invoices), "line_count": sum(len(i["lines"]) for i in invoices),
            "exported_by": "user:x", "exported_at": "2030-02-04T10:00:00+00:00", "times_exported_again": 0,
            "last_exported_again_by": None, "last_exported_again_at": None,
            "files": [{"invoices": file} for file in files]}


@pytest.fixture
def finance_says(monkeypatch):
    """What finance answers the page's calls: sent = the calls made."""
    sent, answers = [], {}

    def send(service, method, path, payload, done, fields=None):
        sent.append((service, method, path, payload))
        return answers.get((method, path), Answer(404, {"title": "Not Found"}))

    monkeypatch.setattr(xero, "send", send)
    monkeypatch.setattr(xero, "fetch_page", lambda service, path, query=None: (answers.get(("GET", path), []),
                                                                               None, {}))
    return sent, answers


def _read(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == XERO_HEADER  # Xero's columns, exactly as the invoices page wrote them
    return list(reader)


def test_f4_an_export_of_up_to_500_lines_downloads_as_one_xero_csv(logged_in, finance_says):
    sent, answers = finance_says
    made = export([invoice("INV-00001", 2), invoice("INV-00002", 1)])
    answers[("POST", "/invoices/xero-exports")] = Answer(201, made)
    finance = logged_in("finance")
    page = finance.get("/time/invoices/xero").get_data(as_text=True)
    assert 'id="issued_in"' in page and "No export yet." in page
    assert 'href="/time/invoices/xero"' in finance.get("/time/invoices").get_data(as_text=True)  # the area's menu
    every = finance.get("/time/invoices/xero.csv")  # every invoice in one unbounded file is no more: the export page
    assert every.status_code == 302 and every.headers["Location"].endswith("/time/invoices/xero")
    month = f"{dt.date.today():%Y-%m}"  # the page offers the months up to the clock's; any month is finance's to check
    answer = finance.post("/time/invoices/xero", data={"csrf_token": csrf_token_from(page), "issued_in": month})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert sent[-1] == ("finance", "POST", "/invoices/xero-exports", {"issued_in": month})
    rows = _read(answer.get_data(as_text=True))
    assert [r["*InvoiceNumber"] for r in rows] == ["INV-00001", "INV-00001", "INV-00002"]
    assert rows[0]["*InvoiceDate"] == "03/02/2030" and rows[0]["*Quantity"] == "7.5"


def test_f4_an_export_of_several_files_downloads_as_a_zip_of_xero_csvs(logged_in, finance_says):
    sent, answers = finance_says
    first, second = [invoice(f"INV-{n:05d}", 5) for n in range(1, 101)], [invoice("INV-00101", 3)]
    answers[("POST", "/invoices/xero-exports")] = Answer(201, made := export(first, second))
    finance = logged_in("finance")
    page = finance.get("/time/invoices/xero").get_data(as_text=True)
    answer = finance.post("/time/invoices/xero", data={"csrf_token": csrf_token_from(page), "issued_in": ""})
    assert sent[-1] == ("finance", "POST", "/invoices/xero-exports", {})  # every invoice not exported yet
    assert answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as archive:
        names = archive.namelist()
        files = [_read(archive.read(name).decode()) for name in names]
    assert [name.endswith(f"-{n}-of-2.csv") for n, name in enumerate(names, start=1)] == [True, True]
    assert [len(rows) for rows in files] == [500, 3] and made["line_count"] == 503


def test_f4_an_earlier_export_is_downloaded_again_and_a_refusal_is_shown(logged_in, finance_says):
    sent, answers = finance_says
    earlier = export([invoice("INV-00007", 1)])
    answers[("GET", "/invoices/xero-exports")] = [earlier]
    answers[("POST", f"/invoices/xero-exports/{earlier['id']}/again")] = Answer(200, earlier | {
        "times_exported_again": 1})
    finance = logged_in("finance")
    page = finance.get("/time/invoices/xero").get_data(as_text=True)
    assert f'/time/invoices/xero/{earlier["id"]}/again' in page and "Never" in page
    again = finance.post(f"/time/invoices/xero/{earlier['id']}/again", data={"csrf_token": csrf_token_from(page)})
    assert again.mimetype == "text/csv" and [r["*InvoiceNumber"] for r in _read(again.get_data(as_text=True))] == [
        "INV-00007"]
    # nothing new: finance refuses (409) and the page comes back, no file
    answers[("POST", "/invoices/xero-exports")] = Answer(409, {"title": "Conflict", "status": 409})
    refused = finance.post("/time/invoices/xero", data={"csrf_token": csrf_token_from(page)})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/time/invoices/xero")
    assert "Exports made so far" in finance.get("/time/invoices/xero").get_data(as_text=True)


def test_f4_the_months_offered_are_this_one_and_the_eleven_before():
    assert xero.months_offered(dt.date(2030, 2, 14), 3) == ["2030-02", "2030-01", "2029-12"]
    assert len(xero.months_offered(dt.date(2030, 2, 14))) == 12
