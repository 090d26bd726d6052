"""F4: the Xero CSV exports checked against Xero's documented import columns and rules: the recharge invoices
(sales invoices import, written by the gateway) and a payment run's bills (bills import, written by finance), each
read back from the CSV file exactly as the gateway sends it.

Xero's documented columns, and where they are written down (Xero Central itself is not reachable from the
machine the tests run on, so the source is recorded as found):
- Xero Central, "Import invoices" / "Import bills" (https://central.xero.com/s/article/Import-or-create-invoices-using-a-CSV-file):
  invoices and bills use the same CSV template, one row per line, the invoice's fields repeated on each of its
  rows; the headings below are those of Xero's downloadable template (SalesInvoiceTemplate.csv), an asterisk
  marking a column that must be filled, in this order. The header row as downloaded is reproduced in public
  repositories that import into Xero (e.g. a test "copied verbatim from the header row of Xero's
  SalesInvoiceTemplate.csv", found with the search tool's code index).
- Xero's field guide, as reproduced in the "sblive Xero Guide" (https://online.flippingbook.com/view/399081/31/):
  ContactName*, InvoiceNumber* (one number per invoice, the same on each of its lines), InvoiceDate* and DueDate*
  as DD/MM/YYYY, Quantity and UnitAmount as numbers, all prices in a file either tax inclusive or exclusive,
  AccountCode as shown in Xero, TaxType as the tax rate's display name, e.g. "20% (VAT on Income)"; at most 500
  invoices a file.
- A due date before the invoice date is refused by Xero ("Due Date Out of Range": the due date is earlier than the
  invoice date; https://help.linkmybooks.com/en/articles/14072704-invoice-due-date-out-of-range-error-on-link-my-books).
- The tax rates a UK organisation has in Xero by default (display names): those in XERO_UK_TAX_RATES.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from hubkit import clock

from gateway.pages.time.views import XERO_HEADER, xero_rows
from gateway.pages.common.service_pages import csv_response
from money_fixtures import PAST, mh  # noqa: F401
from finance.domain import money

XERO_TEMPLATE = (
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4", "POCity",
    "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate", "Total",
    "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount", "*AccountCode", "*TaxType",
    "TaxAmount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "BrandingTheme")
REQUIRED = tuple(heading for heading in XERO_TEMPLATE if heading.startswith("*"))
XERO_UK_TAX_RATES = {"20% (VAT on Income)", "5% (VAT on Income)", "Zero Rated Income", "Exempt Income",
                     "20% (VAT on Expenses)", "5% (VAT on Expenses)", "Zero Rated Expenses", "Exempt Expenses",
                     "No VAT"}
DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
NUMBER = re.compile(r"^-?\d+(\.\d{1,4})?$")  # Xero takes up to four decimal places
MAX_INVOICES = 500


def _read(header, rows) -> list[dict]:
    """The CSV as the gateway sends it (csv_response), read back as Xero reads it: by its headings."""
    text = csv_response("x.csv", header, rows, bom=False).get_data(as_text=True)
    assert not text.startswith("\ufeff")  # a byte-order mark would become part of the first heading
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(header)
    return list(reader)


def _day(text: str) -> dt.date:
    day, month, year = DATE.fullmatch(text).groups()
    return dt.date(int(year), int(month), int(day))


def check_against_xero(header, rows) -> list[dict]:
    """Every heading is one of Xero's, in the template's order; every required column is there and filled; dates
    are DD/MM/YYYY with the due date not before the invoice date; quantities and amounts are plain numbers; tax
    rates are Xero's; an invoice's rows agree on its contact and dates; at most 500 invoices."""
    assert set(header) <= set(XERO_TEMPLATE), set(header) - set(XERO_TEMPLATE)
    assert list(header) == [h for h in XERO_TEMPLATE if h in header]  # the template's order
    assert set(REQUIRED) <= set(header), set(REQUIRED) - set(header)
    read = _read(header, rows)
    invoices: dict[str, tuple] = {}
    for row in read:
        empty = [heading for heading in REQUIRED if not row[heading].strip()]
        assert not empty, (empty, row)
        assert _day(row["*DueDate"]) >= _day(row["*InvoiceDate"]), row
        assert NUMBER.fullmatch(row["*Quantity"]) and NUMBER.fullmatch(row["*UnitAmount"]), row
        assert row["*TaxType"] in XERO_UK_TAX_RATES, row["*TaxType"]
        assert row.get("Currency", "GBP") in ("", "GBP")
        same = (row["*ContactName"], row["*InvoiceDate"], row["*DueDate"])
        assert invoices.setdefault(row["*InvoiceNumber"], same) == same, row
    assert len(invoices) <= MAX_INVOICES
    return read


INVOICE = {
    "number": "INV-00007", "month": "2026-10-01", "issued_on": "2026-11-03", "due_on": "2026-12-03",
    "vat_treatment": "standard", "account_code": "200", "kind": "invoice", "bill_to_name": "Riverside Consortium",
    "lines": [{"description": "hub-bidding Scope for and bid for contracts: Priya Shah, October 2026",
               "minutes": 2250, "rate_pence": 1911, "net_pence": 71663, "vat_pence": 14333},
              {"description": "hub-finance Finance management: Priya Shah, October 2026",
               "minutes": 135, "rate_pence": 3000, "net_pence": 6750, "vat_pence": 1350}],
}


def test_f4_the_recharge_invoices_csv_has_xeros_sales_invoice_columns_and_values():
    credit = INVOICE | {"number": "INV-00008", "kind": "credit_note", "vat_treatment": "exempt",
                        "lines": [INVOICE["lines"][1] | {"minutes": -135, "net_pence": -6750}]}
    rows = xero_rows(INVOICE, INVOICE["bill_to_name"]) + xero_rows(credit, credit["bill_to_name"])
    read = check_against_xero(XERO_HEADER, rows)
    assert [r["*InvoiceNumber"] for r in read] == ["INV-00007", "INV-00007", "INV-00008"]
    assert [(r["*Quantity"], r["*UnitAmount"], r["*TaxType"]) for r in read] == [
        ("37.5", "19.11", "20% (VAT on Income)"), ("2.25", "30", "20% (VAT on Income)"),
        ("-2.25", "30", "Exempt Income")]
    # Xero works a line out as quantity x unit amount to the penny: what the invoice says, line by line
    for row, line in zip(read, INVOICE["lines"] + credit["lines"]):
        amount = Decimal(row["*Quantity"]) * Decimal(row["*UnitAmount"]) * 100
        assert amount.quantize(Decimal(1), rounding="ROUND_HALF_UP") == line["net_pence"]


def test_f4_a_payment_runs_bills_csv_has_xeros_bill_columns_and_a_due_date_xero_takes(mh):
    """A run approved after the day it was to be paid on (pay_on in the past) still gives bills Xero accepts: a
    bill is not due before its own date."""
    data = mh.issue(mh.subcontract_data(schedule=[mh.by_date(150_075, PAST), mh.by_date(33, PAST)]))
    ids = [i["id"] for i in mh.schedule(data)["instalments"]]
    pay_on = clock.today() - dt.timedelta(days=3)
    run = mh.call("POST", "/payment-runs", {"instalment_ids": ids, "pay_on": pay_on.isoformat()}, 201)
    mh.call("POST", f"/payment-runs/{run['id']}/approve")
    xero = mh.call("GET", f"/payment-runs/{run['id']}/export?format=xero_bills", headers=mh.finance)
    read = check_against_xero(xero["header"], xero["rows"])
    assert sorted(r["*UnitAmount"] for r in read) == ["0.33", "1500.75"]
    assert {(r["*InvoiceDate"], r["*DueDate"]) for r in read} == {(clock.today().strftime("%d/%m/%Y"),) * 2}
    assert sum(Decimal(r["*UnitAmount"]) * 100 for r in read) == run["total_pence"]


def test_f4_the_check_refuses_what_xero_would():
    """The check can fail: a column Xero does not know, a missing required one, a date the wrong way round."""
    import pytest

    with pytest.raises(AssertionError):
        check_against_xero(("*ContactName", "Amount"), [["A", "1"]])
    with pytest.raises(AssertionError):
        check_against_xero([h for h in money.XERO_BILLS_HEADER if h != "*TaxType"], [])
    row = dict.fromkeys(XERO_HEADER, "x") | {"*InvoiceDate": "02/12/2026", "*DueDate": "01/12/2026",
                                            "*Quantity": "1", "*UnitAmount": "1", "*TaxType": "No VAT",
                                            "Currency": "GBP"}
    with pytest.raises(AssertionError):
        check_against_xero(XERO_HEADER, [[row[h] for h in XERO_HEADER]])
