"""The head contracts list is paged in SQL (issue 16): a page followed by its cursor goes on where the first
stopped (no contract twice, none missed), latest start first then by title as it always was, with the same rows
as the whole list read at once."""
from __future__ import annotations

from hubkit.testing import follow_pages_in_sql

from delivery_fixtures import contract_details, delivery  # noqa: F401


def test_contracts_page_latest_start_first_then_by_title(delivery):
    for title, starts_on, ends_on in (("Wellbeing hubs", "2025-04-01", "2026-03-31"),
                                      ("Advice lines", "2026-04-01", "2027-03-31"),
                                      ("Food banks", "2025-04-01", "2026-03-31"),
                                      ("Carers breaks", "2024-04-01", "2025-03-31"),
                                      ("Advice lines", "2025-04-01", "2026-03-31")):
        delivery.call("POST", "/contracts", contract_details(
            title=title, starts_on=starts_on, ends_on=ends_on, income_schedule=[]), 201)
    pages = follow_pages_in_sql(delivery.app, delivery.client, "/contracts", "contract", headers=delivery.headers,
                                limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    rows = [row for page in pages for row in page]
    assert [(row["starts_on"], row["title"]) for row in rows] == [
        ("2026-04-01", "Advice lines"), ("2025-04-01", "Advice lines"), ("2025-04-01", "Food banks"),
        ("2025-04-01", "Wellbeing hubs"), ("2024-04-01", "Carers breaks")]
    assert rows == delivery.call("GET", "/contracts")
