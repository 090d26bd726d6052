"""Keyset pagination for every list endpoint: `?limit=&cursor=`, the neighbouring pages named in headers.

Response shape, chosen once for every service: the body stays the JSON array it always was, and the pages around
it are named in headers:

    Link: <?status=active&limit=50&cursor=eyJ2Ijo...>; rel="next", <?...&cursor=...>; rel="prev"
    X-Next-Cursor: eyJ2Ijo...          (absent on the last page)
    X-Prev-Cursor: eyJ2Ijo...          (absent on the first page)

An envelope (`{"items": [...], "next_cursor": ...}`) would have changed the body of every list at once and broken
every caller that reads one (the gateway's pages, the demo loader, tests, API clients); headers add paging to the
same bodies, and a caller that ignores them still gets a sorted, bounded first page. The Link targets are
relative references made of a query only (RFC 3986 §5.2), so they resolve against whatever URL the caller used:
the service's own, or the gateway's `/api/<service>/...`, which passes these headers back.

A cursor is opaque to clients: URL-safe base64 of JSON `{"v": version, "o": order, "d": "next"|"prev", "k": keys}`,
the sort-key values (typed) of the row it points past. A page holds the rows strictly after (or, going back,
before) that position in the list's order, which always ends with a unique id, so rows inserted or removed while
someone pages through move no row onto two pages or off all of them. Cursors are not signed: they hold only a
position in a list the caller may read anyway (the tenant's filters still apply), so a forged one shows nothing
new. A malformed one, or one made for another list's order, is a 422 naming `cursor`, as is a `limit` outside
1..MAX_LIMIT.

In a view, `@paged(blp, ItemSchema)` takes the place of `@blp.response(200, ItemSchema(many=True))`: it documents
`limit`, `cursor` and the headers in the OpenAPI document and passes the view a `page`, which the view applies
once: `page.select(session, query, order)` pages a SQLAlchemy select in SQL (WHERE on the sort keys, LIMIT
limit+1), and `page.rows(items, order)` pages a list already made in memory the same way.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import decimal
import functools
import hashlib
import json
import uuid
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlencode

from marshmallow import Schema, ValidationError, fields, post_load, validate
from sqlalchemy import and_, literal, or_, tuple_

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
CURSOR_VERSION = 1
NEXT_HEADER = "X-Next-Cursor"
PREV_HEADER = "X-Prev-Cursor"


# --- sort orders ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Key:
    """One sort key. `column` is a SQLAlchemy column for `page.select`, or None for `page.rows`; `name` is where
    a row's value is read (an attribute or dict key; dots go deeper, e.g. "opportunity.created_at")."""

    name: str
    column: Any = None
    descending: bool = False

    def value(self, row) -> Any:
        for part in self.name.split("."):
            row = row[part] if isinstance(row, dict) else getattr(row, part)
        return row


def asc(key, name: str | None = None) -> Key:
    """Ascending on a column (its attribute name is read from rows) or on a row attribute/dict key named."""
    return _key(key, name, False)


def desc(key, name: str | None = None) -> Key:
    """Descending on a column or a named row attribute/dict key."""
    return _key(key, name, True)


def _key(key, name: str | None, descending: bool) -> Key:
    if isinstance(key, str):
        return Key(name or key, None, descending)
    return Key(name or key.key, key, descending)


class Order:
    """A list's order: sort keys ending with a unique one (the id), so every row has one place in it. Keys of a
    select are columns that are never NULL (NULLs compare as unknown in SQL, and sort differently per database)."""

    def __init__(self, *keys: Key):
        if not keys:
            raise ValueError("an order needs at least its unique key")
        self.keys = tuple(keys)
        spec = "|".join(f"{k.name}:{'d' if k.descending else 'a'}" for k in self.keys)
        self.fingerprint = hashlib.sha256(spec.encode()).hexdigest()[:8]

    def values(self, row) -> list:
        return [key.value(row) for key in self.keys]


BY_POSITION = Order(Key("position"))


# --- cursors ----------------------------------------------------------------------------------------

class BadCursor(ValueError):
    pass


def _encode_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if hasattr(value, "value"):  # an Enum: its stored value
        return _encode_value(value.value)
    raise TypeError(f"cannot put a {type(value).__name__} in a cursor")


_DECODERS: dict[str, Callable[[str], Any]] = {
    "f": float, "n": decimal.Decimal, "t": dt.datetime.fromisoformat, "d": dt.date.fromisoformat, "u": uuid.UUID}


def _decode_value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag in _DECODERS and isinstance(text, str):
            try:
                return _DECODERS[tag](text)
            except (ValueError, decimal.InvalidOperation) as exc:
                raise BadCursor(f"bad {tag} value") from exc
    raise BadCursor("bad key value")


@dataclasses.dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort-key values of a row, and whether the page wanted is after or before it."""

    order: str
    keys: tuple
    backwards: bool = False

    def encode(self) -> str:
        body = {"v": CURSOR_VERSION, "o": self.order, "d": "prev" if self.backwards else "next",
                "k": [_encode_value(v) for v in self.keys]}
        raw = json.dumps(body, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            body = json.loads(raw)
        except (binascii.Error, ValueError) as exc:
            raise BadCursor("not a cursor") from exc
        if not isinstance(body, dict) or body.get("v") != CURSOR_VERSION:
            raise BadCursor("not a cursor of this version")
        if body.get("d") not in ("next", "prev") or not isinstance(body.get("o"), str) \
                or not isinstance(body.get("k"), list) or not body["k"]:
            raise BadCursor("not a cursor")
        return cls(body["o"], tuple(_decode_value(v) for v in body["k"]), body["d"] == "prev")


class CursorField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return Cursor.decode(text)
        except BadCursor as exc:
            raise ValidationError("Not a cursor this list gave out; start again without one.") from exc


class PageQuery(Schema):
    """`limit` and `cursor`, the query parameters of every list."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(
        min=1, max=MAX_LIMIT, error=f"Between 1 and {MAX_LIMIT} rows a page; follow the next cursor for more."),
        metadata={"description": f"Rows a page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."})
    cursor = CursorField(load_default=None, metadata={
        "description": f"Where the page starts: the `{NEXT_HEADER}` (or `{PREV_HEADER}`) of the page before, "
                       "as given. Omit it for the first page."})

    @post_load
    def _page(self, data, **_kwargs) -> "Page":
        return Page(data["limit"], data["cursor"])


# --- a page -----------------------------------------------------------------------------------------

class Page:
    """The page a request asked for; a view applies it once, to a select or to a list, and gets the rows."""

    def __init__(self, limit: int = DEFAULT_LIMIT, cursor: Cursor | None = None, sort: str | None = None):
        self.limit = limit
        self.cursor = cursor
        self.sort = sort  # the order asked for by name, where the list offers more than one (`paged(sorts=...)`)
        self.next_cursor: str | None = None
        self.prev_cursor: str | None = None
        self.applied = False

    def order(self, sorts: dict[str, Order]) -> Order:
        """The order of `sorts` (by name) this page asked for, the first one if it asked for none."""
        return sorts.get(self.sort or "", next(iter(sorts.values())))

    def _position(self, order: Order) -> Cursor | None:
        if self.cursor is None:
            return None
        if self.cursor.order != order.fingerprint or len(self.cursor.keys) != len(order.keys):
            from flask_smorest import abort  # the web stack only where a request is answered: not in workers

            abort(422, errors={"query": {"cursor": ["This cursor belongs to another list; start again without one."]}})
        return self.cursor

    def select(self, session, query, order: Order) -> list:
        """Page a select in SQL: ordered by `order`, after (or before) the cursor, limit + 1 rows fetched. Returns
        entities for a select of one entity, else rows (whose columns the order's keys name)."""
        position = self._position(order)
        backwards = bool(position and position.backwards)
        if position is not None:
            query = query.where(_beyond(order, position.keys, backwards))
        query = query.order_by(None).order_by(*[
            key.column.desc() if key.descending != backwards else key.column.asc() for key in order.keys])
        result = session.execute(query.limit(self.limit + 1))
        found = list(result.scalars() if len(result.keys()) == 1 else result)
        return self._finish(found, order, position)

    def rows(self, items: Iterable, order: Order) -> list:
        """Page rows already in memory (a list the service layer made) exactly as `select` pages a query."""
        position = self._position(order)
        backwards = bool(position and position.backwards)
        keyed = sorted(((order.values(item), item) for item in items),
                       key=functools.cmp_to_key(lambda a, b: _compare(order, a[0], b[0])), reverse=backwards)
        if position is not None:
            wanted = -1 if backwards else 1
            keyed = [pair for pair in keyed if _compare(order, pair[0], list(position.keys)) == wanted]
        return self._finish([item for _, item in keyed[:self.limit + 1]], order, position)

    def in_given_order(self, items: Sequence) -> list:
        """Page a short list whose order is its meaning (a checklist, a table of indicators by period): a row's
        position is its key, so it suits lists made afresh the same way each time, not lists rows join."""
        found = self.rows([{"position": i, "item": item} for i, item in enumerate(items)], BY_POSITION)
        return [row["item"] for row in found]

    def _finish(self, found: list, order: Order, position: Cursor | None) -> list:
        self.applied = True
        more = len(found) > self.limit
        found = found[:self.limit]
        if position is not None and position.backwards:
            found.reverse()
            has_prev, has_next = more, True
        else:
            has_prev, has_next = position is not None, more
        if found and has_next:
            self.next_cursor = Cursor(order.fingerprint, tuple(order.values(found[-1]))).encode()
        if found and has_prev:
            self.prev_cursor = Cursor(order.fingerprint, tuple(order.values(found[0])), backwards=True).encode()
        return found

    def headers(self) -> dict[str, str]:
        """Link (rel next/prev, relative to the URL asked) and X-Next-Cursor/X-Prev-Cursor for the pages around."""
        from flask import request  # as above: service layers import this module in the workers too

        headers, links = {}, []
        for rel, cursor, header in (("next", self.next_cursor, NEXT_HEADER), ("prev", self.prev_cursor, PREV_HEADER)):
            if cursor:
                headers[header] = cursor
                args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
                links.append(f'<?{urlencode(args)}>; rel="{rel}"')
        if links:
            headers["Link"] = ", ".join(links)
        return headers


def _compare(order: Order, a: Sequence, b: Sequence) -> int:
    """-1, 0 or 1 as row keys a come before, level with or after b in the order (no value sorts after any)."""
    for key, x, y in zip(order.keys, a, b):
        if x == y:
            continue
        if x is None or y is None:
            result = 1 if x is None else -1
        else:
            result = -1 if x < y else 1
        return -result if key.descending else result
    return 0


def _beyond(order: Order, values: Sequence, backwards: bool):
    """SQL for 'after these key values in the order' (before them, backwards): one row-value comparison when
    every key runs the same way (PostgreSQL and SQLite >= 3.15 both use an index for it), else an OR chain."""
    columns = [key.column for key in order.keys]
    bound = [literal(value, column.type) for column, value in zip(columns, values)]
    later = [key.descending == backwards for key in order.keys]  # True: "after" means greater
    if len(set(later)) == 1:
        return tuple_(*columns) > tuple_(*bound) if later[0] else tuple_(*columns) < tuple_(*bound)
    chain = []
    for i, (column, value) in enumerate(zip(columns, bound)):
        equal = [c == v for c, v in zip(columns[:i], bound[:i])]
        chain.append(and_(*equal, column > value if later[i] else column < value))
    return or_(*chain)


# --- the decorator ----------------------------------------------------------------------------------

PAGE_HEADERS_DOC = {
    "Link": {"description": 'The next and previous pages, as relative references: `<?...&cursor=...>; rel="next"`, '
                            '`rel="prev"`.', "schema": {"type": "string"}},
    NEXT_HEADER: {"description": "The cursor of the next page; absent on the last page.",
                  "schema": {"type": "string"}},
    PREV_HEADER: {"description": "The cursor of the previous page; absent on the first page.",
                  "schema": {"type": "string"}},
}


def sorted_page_query(sorts: dict[str, Order]) -> type[PageQuery]:
    """PageQuery with `sort`: one of these orders' names (the first is the default). Each order ends with a unique
    key as every order does; a cursor made in one order is refused in another (its fingerprint)."""
    names = list(sorts)

    class SortedPageQuery(PageQuery):
        sort = fields.String(load_default=names[0], validate=validate.OneOf(names), metadata={
            "description": f"The order: {', '.join(f'`{n}`' for n in names)} (default `{names[0]}`)."})

        @post_load
        def _page(self, data, **_kwargs) -> "Page":
            return Page(data["limit"], data["cursor"], data["sort"])

    SortedPageQuery.__name__ = "SortedPageQuery" + "".join(n.title().replace("_", "") for n in names)
    return SortedPageQuery


def paged(blp, schema, description: str | None = None, sorts: dict[str, Order] | None = None):
    """`@paged(blp, ItemSchema)` in place of `@blp.response(200, ItemSchema(many=True))`: the view takes
    `page` (a Page), applies it to what it lists and returns the rows; the pages around go in the headers.
    With `sorts` (orders by name, the default first) the list takes `sort` too, and the view pages in
    `page.order(sorts)`."""
    many = schema(many=True) if isinstance(schema, type) else type(schema)(many=True)
    query = sorted_page_query(sorts) if sorts else PageQuery

    def decorator(view):
        @functools.wraps(view)
        def paged_view(*args, page: Page, **kwargs):
            rows = view(*args, page=page, **kwargs)
            if not page.applied:
                raise RuntimeError(f"{view.__qualname__} is @paged but did not apply its page")
            return rows, page.headers()

        responded = blp.response(200, many, headers=PAGE_HEADERS_DOC, description=description)(paged_view)
        return blp.arguments(query, location="query", arg_name="page")(responded)

    return decorator
