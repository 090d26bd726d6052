"""One way to show and to type money on every page (F4: integer pence, never a float).

Shown: `money` gives pounds and pence, "£180,000.00" (a negative one "-£1.50"); `pounds` gives whole pounds where
an amount is whole, "£300,000" (a contract's value, an estimate, a chart's label), its pence only when it has
some. Typed: `pounds_to_pence` reads "£5,000,000" or "2500.50" into pence; `pounds_typed` shows pence back in a
form's box ("2500.50", "5000"). Spreadsheets get `pounds_cell`, an exact Decimal of pounds.
"""
from __future__ import annotations

import re
from decimal import Decimal

MAX_PENCE = 10**13
POUNDS_TYPED = re.compile(r"\d+(\.\d{1,2})?")


def money(pence, whole: bool = False) -> str:
    """Integer pence as pounds and pence: 18000000 -> '£180,000.00', -150 -> '-£1.50'; with `whole`, as `pounds`.
    Nothing (None or '') shows as ''."""
    if pence is None or pence == "":
        return ""
    if whole:
        return pounds(pence)
    sign = "-" if int(pence) < 0 else ""
    whole_pounds, pennies = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole_pounds:,}.{pennies:02d}"


def pounds(pence) -> str:
    """Integer pence in whole pounds where whole: 30000000 -> '£300,000', 1234567 -> '£12,345.67'."""
    if pence is None or pence == "":
        return ""
    shown = money(pence)
    return shown[:-3] if shown.endswith(".00") else shown


def pounds_typed(pence) -> str:
    """Pence as a form's box shows them again, without the pound sign or commas: 250050 -> '2500.50',
    500000 -> '5000'; '' for nothing."""
    return pounds(pence).replace("£", "").replace(",", "")


def pounds_to_pence(text: str | None, *, allow_zero: bool = False) -> int:
    """'£5,000,000' or '2500.50' -> integer pence; ValueError for anything else (signs, exponents, fractions of a
    penny, too large, zero unless allowed): money typed in a form never passes through a float (F4)."""
    cleaned = (text or "").strip().replace(",", "").replace("£", "").strip()
    if not POUNDS_TYPED.fullmatch(cleaned):
        raise ValueError(cleaned)
    pence = int(Decimal(cleaned) * 100)
    if (pence == 0 and not allow_zero) or pence >= MAX_PENCE:
        raise ValueError(cleaned)
    return pence


def pounds_cell(pence) -> Decimal | None:
    """Pence as an exact Decimal of pounds for a spreadsheet's cell (None stays empty)."""
    return None if pence is None or pence == "" else Decimal(int(pence)) / 100


def install(app) -> None:
    """The money filters for every template."""
    app.add_template_filter(money, "money")
    app.add_template_filter(pounds, "pounds")
    app.add_template_filter(pounds_typed, "pounds_typed")
