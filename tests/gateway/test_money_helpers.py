"""Pounds typed in any form to pence (F4: amounts typed in forms become integer pence, never floats)."""
from decimal import Decimal

import pytest

from gateway.pages.common.money import pounds_cell, pounds_to_pence


@pytest.mark.parametrize("typed, pence", [("7,500", 750_000), ("£7500.00", 750_000), ("0.01", 1), ("12.3", 1_230),
                                          (" 999999.99 ", 99_999_999)])
def test_f4_pounds_typed_become_exact_pence(typed, pence):
    assert pounds_to_pence(typed) == pence and isinstance(pounds_to_pence(typed), int)


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "-5", "0", "1e3", "NaN"])
def test_f4_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        pounds_to_pence(typed)


def test_zero_only_where_allowed_and_cells_are_exact_decimals():
    assert pounds_to_pence("0", allow_zero=True) == 0 and pounds_to_pence("0.00", allow_zero=True) == 0
    assert pounds_cell(123_457) == Decimal("1234.57") and pounds_cell(None) is None


def test_exports_keep_negative_amounts_as_numbers_but_never_run_a_formula():
    from gateway.pages.common.service_pages import spreadsheet_safe

    assert spreadsheet_safe("-12.50") == "-12.50" and spreadsheet_safe("-3") == "-3"  # a credit, not a formula
    for formula in ("-1+2", "=SUM(A1:A2)", "+44 113", "@cmd", "-A1"):
        assert spreadsheet_safe(formula) == "'" + formula
