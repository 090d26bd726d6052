"""Tables people upload to bring their records in (CSV or XLSX), read as rows of text by their headings.

Every service's imports read files the same way: the first row holds the headings (trimmed, lower case, spaces as
underscores, a trailing `*` marking a required column dropped); each later row that is not blank becomes a dict of
heading to text (trimmed; a spreadsheet's dates as YYYY-MM-DD, whole numbers without `.0`), with `_row`, its row
number in the file as a spreadsheet shows it, so a problem can be named by row. The checks are the importer's.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

from marshmallow import Schema, ValidationError, fields

MAX_ROWS = 5000
ROW = "_row"


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with one cell of an imported file (row 1: its headings), for the importer to list."""

    row: int
    column: str
    message: str


def heading_problems(headings, known, required) -> list[Problem]:
    """The file's headings: each required one there, none that is not one of the `known` columns."""
    given = set(headings)
    problems = [Problem(1, name, f"The column {name} is missing.") for name in required if name not in given]
    return problems + [Problem(1, name, f"{name} is not a column of this kind of file.")
                       for name in sorted(given - set(known))]


def parse_day(text: str) -> dt.date:
    """A day written as YYYY-MM-DD or DD/MM/YYYY (as UK spreadsheets write it)."""
    uk = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if uk:
            return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a date: write it as 31/03/2026 or 2026-03-31.") from None


def parse_pence(text: str, *, allow_zero: bool = False) -> int:
    """An amount in pounds (£5,000,000 or 5000000.00) as exact pence (F4)."""
    from decimal import Decimal, InvalidOperation

    if not re.fullmatch(r"£?\s*[\d,]+(\.\d{1,2})?", text):
        raise ValueError(f"{text} is not an amount in pounds.")
    try:
        pence = Decimal(text.replace("£", "").replace(",", "").strip()) * 100
    except InvalidOperation:
        raise ValueError(f"{text} is not an amount in pounds.") from None
    if pence < 0 or (pence == 0 and not allow_zero):
        raise ValueError("The amount must be more than nothing.")
    return int(pence)


class UnreadableTable(ValueError):
    """The file is not a CSV or XLSX table with a heading row, or is too long (answered 422, naming the file)."""


def heading(text) -> str:
    return re.sub(r"[\s-]+", "_", str(text or "").strip().rstrip("*").strip().lower())


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel's "CSV UTF-8" has a byte-order mark; its plain CSV is cp1252
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableTable("The file is neither UTF-8 nor Windows text.")
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise UnreadableTable(f"The CSV file cannot be read: {exc}.") from exc


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise UnreadableTable("The file is not an XLSX workbook.") from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(filename: str, content: bytes, max_rows: int = MAX_ROWS) -> list[dict[str, str]]:
    """The rows of an uploaded CSV or XLSX file (told apart by content: an XLSX file is a ZIP) by heading."""
    rows = _xlsx_rows(content) if content.startswith(b"PK\x03\x04") else _csv_rows(content)
    if not rows or not any(_cell(v) for v in rows[0]):
        raise UnreadableTable("The first row must hold the column headings.")
    headings = [heading(v) for v in rows[0]]
    named = [h for h in headings if h]
    if len(named) != len(set(named)):
        raise UnreadableTable("A column heading appears twice.")
    found = []
    for number, values in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        if len(found) == max_rows:
            raise UnreadableTable(f"The file has more than {max_rows} rows: split it.")
        found.append({ROW: number} | {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headings) if h})
    return found


# --- what every import endpoint says the same way -------------------------------------------------------

def messages_of(messages) -> list[str]:
    """A schema's error messages, however nested, as plain sentences (for a row's problem)."""
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in messages_of(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in messages_of(value)]
    return [str(messages)]


def schema_check(schema: Schema):
    """A row's values checked by the same marshmallow schema as the API's own form: (loaded, {}) or
    ({}, {field: messages})."""

    def check(data: dict) -> tuple[dict, dict]:
        try:
            return schema.load(data), {}
        except ValidationError as exc:
            return {}, exc.messages
    return check


class ImportForm(Schema):
    dry_run = fields.Boolean(load_default=True, metadata={
        "description": "true (the default): check the file and answer with every row's problems, writing nothing; "
                       "false: import it, all or nothing"})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ProblemOut(Schema):
    row = fields.Integer(metadata={"description": "The row in the file as a spreadsheet numbers it (1: the headings)"})
    column = fields.String()
    message = fields.String()


class ColumnsOut(Schema):
    columns = fields.List(fields.String(), metadata={"description": "Every column the file may have, in the order "
                                                                   "of a blank template"})
    required = fields.List(fields.String())
