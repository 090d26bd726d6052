"""Reading a members file's rows (issue 12, item 6): days, amounts and evidence as M1 needs them."""
from __future__ import annotations

import datetime as dt

import pytest

from hubkit.tables import UnreadableTable, read_table
from membership.domain import imports as rules
from membership.domain.due_diligence import DEFAULT_CHECKLIST

TODAY = dt.date(2026, 6, 15)  # the rules take today as an argument: any fixed day shows them


def test_days_are_iso_or_as_uk_spreadsheets_write_them():
    assert rules.parse_day("2026-03-31") == rules.parse_day("31/03/2026") == rules.parse_day("31/3/2026")
    for bad in ("31/02/2026", "03/31/2026", "next week", "2026-13-01"):
        with pytest.raises(ValueError):
            rules.parse_day(bad)


def test_f4_cover_is_read_as_exact_pence():
    assert rules.parse_pence("£5,000,000") == 500_000_000 and rules.parse_pence("1234.5") == 123_450
    for bad in ("5m", "£-5", "0", "1.234"):
        with pytest.raises(ValueError):
            rules.parse_pence(bad)


def _row(**values):
    return {"_row": 7, "name": "Northfield", "legal_form": "cio", "status": "active", "member_since": "2019-04-01"} \
        | values


def test_m1_evidence_needs_its_day_and_what_its_item_needs_and_a_verifier_with_a_day():
    member, problems = rules.read_member(_row(
        public_liability_provided_on="2026-01-05", public_liability_expires_on="2027-01-04",
        public_liability_cover="£5,000,000", public_liability_verified_by="Dee", public_liability_verified_on=
        "2026-01-06", governing_document_provided_on="2019-04-01"), DEFAULT_CHECKLIST, TODAY)
    assert problems == []
    assert member.evidence["public_liability"] == {
        "provided_on": dt.date(2026, 1, 5), "expires_on": dt.date(2027, 1, 4), "cover_pence": 500_000_000,
        "verified_by": "Dee", "verified_on": dt.date(2026, 1, 6)}
    assert member.evidence["governing_document"]["verified_on"] is None
    _, problems = rules.read_member(_row(public_liability_expires_on="2027-01-04",
                                         public_liability_verified_by="Dee"), DEFAULT_CHECKLIST, TODAY)
    assert {(p.row, p.column) for p in problems} == {
        (7, "public_liability_provided_on"), (7, "public_liability_cover"),
        (7, "public_liability_verified_on")}  # a verifier named without the day: the day is what is missing
    _, problems = rules.read_member(_row(
        public_liability_provided_on="2026-01-05", public_liability_expires_on="2025-01-04",
        public_liability_cover="5000", public_liability_verified_by="Dee", public_liability_verified_on="2025-12-01"),
        DEFAULT_CHECKLIST, TODAY)
    assert {p.column for p in problems} == {"public_liability_expires_on", "public_liability_verified_on"}
    # M1: an expired certificate is not verified as current evidence, in a file as on the page
    _, problems = rules.read_member(_row(
        public_liability_provided_on="2025-01-05", public_liability_expires_on="2025-06-30",
        public_liability_cover="5000", public_liability_verified_by="Dee", public_liability_verified_on="2025-07-01"),
        DEFAULT_CHECKLIST, TODAY)
    assert [(p.column, "expired" in p.message) for p in problems] == [("public_liability_verified_on", True)]


def test_a_member_joined_on_a_day_that_has_happened_and_an_applicant_has_not_joined():
    assert [p.column for p in rules.read_member(_row(member_since="2026-06-16"), DEFAULT_CHECKLIST, TODAY)[1]] == [
        "member_since"]
    assert [p.column for p in rules.read_member(_row(status="applicant"), DEFAULT_CHECKLIST, TODAY)[1]] == [
        "member_since"]


def test_tables_are_read_by_heading_with_row_numbers_and_blank_rows_skipped():
    rows = read_table("m.csv", "\ufeffName*,Legal form, Status \nA,cio,active\n,,\nB,charity,applicant\n".encode())
    assert rows == [{"_row": 2, "name": "A", "legal_form": "cio", "status": "active"},
                    {"_row": 4, "name": "B", "legal_form": "charity", "status": "applicant"}]
    with pytest.raises(UnreadableTable):
        read_table("m.csv", b"name,name\nA,B\n")
    with pytest.raises(UnreadableTable):
        read_table("m.csv", b"name\n" + b"x\n" * 3, max_rows=2)
