"""Exports of recharge invoices (F4): Xero's sales invoice import rows, hours typed in the grid."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from gateway.pages.time.forms import parse_hours
from gateway.pages.time.views import XERO_HEADER, hours, xero_rows

INVOICE = {
    "number": "INV-00007", "month": "2026-10-01", "issued_on": "2026-11-03", "due_on": "2026-12-03",
    "vat_treatment": "standard", "account_code": "200", "kind": "invoice",
    "lines": [{"description": "hub-bidding Scope for and bid for contracts: Priya Shah, October 2026",
               "minutes": 2250, "rate_pence": 1911, "net_pence": 71663, "vat_pence": 14333},
              {"description": "hub-finance Finance management: Priya Shah, October 2026",
               "minutes": 135, "rate_pence": 3000, "net_pence": 6750, "vat_pence": 1350}],
}


def test_f4_xero_rows_carry_hours_and_the_rate_exactly_with_the_tax_type():
    rows = xero_rows(INVOICE, "Riverside Community Consortium")
    assert len(rows) == 2 and all(len(r) == len(XERO_HEADER) for r in rows)
    row = dict(zip(XERO_HEADER, rows[0]))
    assert row["*ContactName"] == "Riverside Community Consortium"
    assert row["*InvoiceNumber"] == "INV-00007"
    assert row["*InvoiceDate"] == "03/11/2026" and row["*DueDate"] == "03/12/2026"
    assert row["*Quantity"] == Decimal("37.5") and row["*UnitAmount"] == Decimal("19.11")
    assert row["*TaxType"] == "20% (VAT on Income)" and row["*AccountCode"] == "200"
    assert not any(isinstance(value, float) for r in rows for value in r)
    # Xero works each line out as quantity x unit amount, rounded to the penny: the same as the invoice
    for r, line in zip(rows, INVOICE["lines"]):
        amount = dict(zip(XERO_HEADER, r))["*Quantity"] * dict(zip(XERO_HEADER, r))["*UnitAmount"]
        assert int((amount * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP")) == line["net_pence"]


def test_f4_a_credit_note_exports_negative_quantities_as_numbers():
    note = INVOICE | {"kind": "credit_note", "lines": [INVOICE["lines"][1] | {"minutes": -135, "net_pence": -6750}]}
    [row] = xero_rows(note, "Consortium")
    out = io.StringIO()
    csv.writer(out).writerow(row)
    assert ",-2.25,30," in out.getvalue()


def test_h4_hours_are_typed_as_decimals_or_clock_time():
    assert parse_hours("7.5") == parse_hours("7:30") == 450
    assert parse_hours(" ") == 0 and hours(450) == "7.5" and hours(0) == "0"
    for bad in ("7.3333", "abc", "-1", "1e3"):
        with pytest.raises(ValueError):
            parse_hours(bad)
