"""Hours as a person types them (H4): "7.5", "7:30", "7,25" or nothing, read as whole minutes.

The gateway's timesheet pages read what is typed with it (the week's grid and a correction's hours); finance's API
takes whole minutes, so finance reads no typed hours. Whether the minutes are quarter hours of a day, and at most
24 hours a day, is finance's rule about a week (its domain/time.py), not this reading's.
"""
from __future__ import annotations

import re
from decimal import Decimal

CLOCK = re.compile(r"(\d{0,2}):(\d{1,2})")  # 7:30, :45
DECIMAL = re.compile(r"\d{0,3}(\.\d{1,4})?")  # 7.5, .25, 7.2500 (a sign, an exponent or "nan" is not hours)


def parse_hours(text: str | None) -> int:
    """'7.5', '7:30', '7,25' or '' -> minutes (450, 450, 435, 0); ValueError, in words a form can show, if it is
    not written as hours or is not a whole number of minutes."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return 0
    clock = CLOCK.fullmatch(text)
    if clock:
        return int(clock[1] or 0) * 60 + int(clock[2])
    if not DECIMAL.fullmatch(text) or text == ".":
        raise ValueError("Write hours as 7.5 or 7:30.")
    exact = Decimal(text) * 60
    if exact != exact.to_integral_value():
        raise ValueError("Log time in quarter hours (15 minutes).")
    return int(exact)
