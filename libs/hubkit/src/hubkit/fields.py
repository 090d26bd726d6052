"""Request fields every service reads the same way."""
from __future__ import annotations

from marshmallow import fields, validate

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999  # four digits, and a year after it a date can still hold


class Year(fields.Integer):
    """A calendar (or financial) year; `earliest` and `latest` narrow it further for a field."""

    def __init__(self, earliest: int = EARLIEST_YEAR, latest: int = LATEST_YEAR, **kwargs):
        super().__init__(validate=validate.Range(min=earliest, max=latest,
                                                 error=f"Give a year from {earliest} to {latest}."), **kwargs)


class Month(fields.String):
    """A calendar month as YYYY-MM (years 1900 to 2999), given as that text."""

    PATTERN = r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$"

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(self.PATTERN, error="Give the month as YYYY-MM."), **kwargs)
