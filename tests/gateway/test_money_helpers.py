"""The money pages' pounds-to-pence parsing (F4: amounts typed in forms become integer pence, never floats)."""
from decimal import Decimal

import pytest

from gateway.money_ui import pence_from_form, pounds_cell


@pytest.mark.parametrize("typed, pence", [("7,500", 750_000), ("£7500.00", 750_000), ("0.01", 1), ("12.3", 1_230),
                                          (" 999999.99 ", 99_999_999)])
def test_f4_pounds_typed_become_exact_pence(typed, pence):
    assert pence_from_form(typed) == pence and isinstance(pence_from_form(typed), int)


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "-5", "0", "1e3", "NaN"])
def test_f4_anything_else_is_refused(typed):
    with pytest.raises(ValueError):
        pence_from_form(typed)


def test_zero_only_where_allowed_and_cells_are_exact_decimals():
    assert pence_from_form("0", allow_zero=True) == 0 and pence_from_form("0.00", allow_zero=True) == 0
    assert pounds_cell(123_457) == Decimal("1234.57") and pounds_cell(None) is None
