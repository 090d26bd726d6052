"""Finance's time lists are paged in SQL (issue 16): a person's rates. A page followed by its
cursor goes on where the first stopped (no row twice, none missed), in the order and with the filters the list
always had, and each row as it was shown when the whole list was read at once."""
from __future__ import annotations

from hubkit.testing import follow_pages_in_sql
from time_fixtures import th  # noqa: F401


def _whole_and_paged(th, path: str, pages: list[list[dict]], headers=None, **query) -> list[dict]:
    rows = [row for page in pages for row in page]
    assert rows == th.client.get(path, headers=headers or th.finance, query_string=query).get_json()
    assert len({row["id"] for row in rows}) == len(rows)
    return rows


def _paged_rows(th, path: str, table: str, headers=None, **query) -> list[dict]:
    """The list read two rows a page, the list's table read only a page at a time (LIMIT in SQL)."""
    pages = follow_pages_in_sql(th.app, th.client, path, table, headers=headers or th.finance, limit=2, **query)
    return _whole_and_paged(th, path, pages, headers, **query)


def test_f3_a_persons_rates_page_oldest_first_of_that_person_only(th):
    staff, other = th.staff(), th.staff("Sam Lee")
    for day, salary in (("2026-04-01", 3_200_000), ("2025-01-01", 2_800_000), ("2026-01-01", 3_000_000),
                        ("2027-04-01", 3_400_000), ("2025-04-01", 2_900_000)):
        th.rate(staff["id"], effective_from=day, salary_pence=salary)
    th.rate(other["id"], effective_from="2025-06-01", salary_pence=9_000_000)
    rows = _paged_rows(th, f"/staff/{staff['id']}/rates", "staff_rate")
    assert [r["effective_from"] for r in rows] == ["2025-01-01", "2025-04-01", "2026-01-01", "2026-04-01",
                                                   "2027-04-01"]
    assert [r["salary_pence"] for r in rows] == [2_800_000, 2_900_000, 3_000_000, 3_200_000, 3_400_000]
    assert [r["salary_pence"] for r in _paged_rows(th, f"/staff/{other['id']}/rates", "staff_rate")] == [9_000_000]

