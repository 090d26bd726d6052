"""Long lists you can work with (issue 14 item 7): one page of a service's list at a time (hubkit.paging's
`limit` and `cursor`), in the order the person chose of those the list offers (`sort`), with the filters asked
for kept on every page's links (GOV.UK pagination). A view calls `list_page`; its template shows
`common/_list.html`'s `list_controls` above the table and `list_pages` below it."""
from __future__ import annotations

import dataclasses
from typing import Sequence

from flask import request

from .service_pages import fetch_page


@dataclasses.dataclass(frozen=True)
class Filter:
    """A filter of a list: its query name (the service's), its label, and its choices as (value, text); the
    first choice, with an empty value, is "all"."""

    name: str
    label: str
    choices: Sequence[tuple[str, str]]

    def asked(self) -> str:
        value = (request.args.get(self.name) or "").strip()
        return value if any(value == choice for choice, _ in self.choices) else ""


@dataclasses.dataclass(frozen=True)
class ListPage:
    """A page of a list as shown: its rows, why it cannot be shown (or None), govukPagination's previous and
    next (empty when one page holds it all), the order shown and those offered (value -> label), and the
    filters with the value asked of each ("" for all)."""

    rows: list
    problem: str | None
    pages: dict
    sort: str
    sorts: dict
    filters: Sequence[tuple[Filter, str]]

    @property
    def filtered(self) -> bool:
        return any(value for _, value in self.filters)


def list_page(service: str, path: str, *, sorts: dict[str, str] | None = None,
              filters: Sequence[Filter] = (), query: dict | None = None) -> ListPage:
    """The page of the service's list this request asks for: its `cursor`, its `sort` if one the list offers
    (`sorts`, the service's values with their labels, the first the service's default; anything else is shown
    as the default and not sent), and each filter's value if one of its choices (anything else is shown as
    "all", not sent); `query` holds what the page always asks."""
    sorts = dict(sorts or {})
    chosen = request.args.get("sort", "")
    sort = chosen if chosen in sorts else next(iter(sorts), "")
    asked = [(each, each.asked()) for each in filters]
    sent = dict(query or {}) | {each.name: value for each, value in asked if value}
    if chosen in sorts:  # the list's default order is asked for by not naming one
        sent["sort"] = sort
    rows, problem, pages = fetch_page(service, path, sent)
    return ListPage(rows or [], problem, pages, sort, sorts, asked)
