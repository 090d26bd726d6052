"""What every service refuses before its database sees it, downloads' names, and the shared month and year fields
(issue 11, item 4)."""
from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from hubkit.fields import Month, Year
from hubkit.safe_input import MAX_DEPTH, UnsafeInput, check_json, unsafe_text
from hubkit.uploads import content_disposition


@pytest.mark.parametrize("raw", [
    b'{"a": "\\ud800"}', b'{"a": "\\udfff x"}', b'{"a": "x\\u0000"}', b'{"\\u0000": 1}', b'["\\ud83d"]',
    b'{"a": ' + b"1" * 5000 + b"}", b"[9223372036854775808]", b"[-9223372036854775809]", b"[1e999]", b"[NaN]",
    b"[-Infinity]", b"[" * 100_000 + b"]" * 100_000, b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    b'{"a": "\xff"}', b"{", b"",
], ids=lambda raw: raw[:24].decode("latin-1"))
def test_json_no_database_stores_is_refused(raw):
    with pytest.raises(UnsafeInput):
        check_json(raw)


@pytest.mark.parametrize("raw", [
    b'{"name": "Caf\\u00e9 \\ud83d\\ude00 \\u2014 ok", "n": 9223372036854775807, "m": -9223372036854775807}',
    b'{"amount": 12.50, "tiny": 1e-300, "list": [[[]]], "none": null, "yes": true}',
    b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, "{\"name\": \"年度報告\"}".encode(),
])
def test_ordinary_json_passes(raw):
    check_json(raw)


def test_text_with_nul_or_a_lone_surrogate_is_named():
    assert unsafe_text("plain — text 😀") is None
    assert "NUL" in unsafe_text("a\x00b")
    assert "surrogate" in unsafe_text("a\ud800")


@pytest.mark.parametrize("name, header", [
    ("report.pdf", 'attachment; filename="report.pdf"'),
    ("Résumé 2026.pdf", "attachment; filename=\"Resume 2026.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf"),
    ("年度報告.pdf", "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%B9%B4%E5%BA%A6%E5%A0%B1%E5%91%8A.pdf"),
    ('say "hi"\r\n.pdf', 'attachment; filename="say hi.pdf"'),
    ("", 'attachment; filename="download"'),
])
def test_a_download_names_its_file_in_ascii_with_the_exact_name_as_rfc_8187_filename_star(name, header):
    assert content_disposition(name) == header
    header.encode("ascii")


class Period(Schema):
    month = Month()
    year = Year()
    budget_year = Year(2000, 2100)


@pytest.mark.parametrize("data", [{"month": "0000-01"}, {"month": "10000-01"}, {"month": "2026-13"},
                                  {"month": "2026-1"}, {"year": 0}, {"year": 10000}, {"year": -1},
                                  {"budget_year": 1999}])
def test_months_and_years_no_date_can_hold_are_refused_as_invalid_fields(data):
    with pytest.raises(ValidationError) as refused:
        Period().load(data)
    assert set(refused.value.messages) == set(data)


def test_ordinary_months_and_years_load():
    assert Period().load({"month": "2026-02", "year": 2026, "budget_year": 2100}) == {
        "month": "2026-02", "year": 2026, "budget_year": 2100}
