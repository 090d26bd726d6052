"""One page of several audit trails merged into one, newest first, by keyset (no offsets, no fetching to the end).

Each trail (the gateway's own and each service's `GET /audit`, hubkit.audit_trail) is ordered by (at, id), newest
first. Merged, a row's place is its key (at, rank of its trail, id), newest first: a total order, since ids are
unique within a trail. A page's cursor is the key of the row it stops at (going on) or starts at (going back), and
from that one key every trail's own hubkit.paging cursor follows: a trail ranked below the row's keeps its rows of
the same instant (up to the largest id), one ranked above only its earlier ones, and the row's own trail goes on
after the row's id. So each page asks every trail for one page (`limit` rows) after that point, and takes the
newest `limit` of them; nothing is skipped or shown twice, however the trails interleave.

Oldest first is the same order read from its end: its first page is the page before `Position.beyond_the_oldest()`
(a key older than every row), shown the other way up, and its pages after and before are the merged order's pages
before and after.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
from typing import Iterable

from hubkit.audit_trail import FIRST_DAY, audit_order
from hubkit.paging import Cursor

# The trails, in rank order (a tie on the instant shows the higher rank first).
SOURCES = ("gateway", "membership", "contracts", "finance", "governance")
ABOVE_EVERY_ID = 2**62


class BadPosition(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Position:
    """Where a page of the merged trail starts or stops: the key of a row, and which way the page goes from it."""

    at: dt.datetime
    rank: int
    id: int
    backwards: bool = False

    @classmethod
    def beyond_the_oldest(cls) -> "Position":
        """After the oldest row of every trail, going back: the page before it is the oldest page."""
        return cls(dt.datetime.combine(FIRST_DAY, dt.time(), dt.timezone.utc), 0, -1, backwards=True)

    @property
    def is_beyond_the_oldest(self) -> bool:
        return self.id < 0  # no row's id (the page never gives this position out: `decode` refuses it)

    def encode(self) -> str:
        body = {"t": self.at.isoformat(), "s": self.rank, "i": self.id, "d": "prev" if self.backwards else "next"}
        return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Position":
        try:
            body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            at = dt.datetime.fromisoformat(body["t"])
            rank, ident, way = body["s"], body["i"], body["d"]
        except (binascii.Error, ValueError, KeyError, TypeError) as exc:
            raise BadPosition(text) from exc
        if at.tzinfo is None or not isinstance(rank, int) or not 0 <= rank < len(SOURCES) \
                or not isinstance(ident, int) or not 0 <= ident < ABOVE_EVERY_ID or way not in ("next", "prev"):
            raise BadPosition(text)
        return cls(at, rank, ident, way == "prev")

    def cursor_for(self, rank: int) -> str:
        """The hubkit.paging cursor that gives trail `rank` its rows beyond this position in the merged order."""
        if rank == self.rank:
            last_id = self.id
        else:  # a lower rank keeps the rows of this very instant; a higher one only those beyond it
            last_id = ABOVE_EVERY_ID if rank < self.rank else -1
        return Cursor(audit_order().fingerprint, (self.at, last_id), self.backwards).encode()


def key(row: dict) -> tuple:
    return row["at"], row["rank"], row["id"]


@dataclasses.dataclass
class MergedPage:
    rows: list[dict]
    next: Position | None
    previous: Position | None


def merge(found: Iterable[tuple[list[dict], bool]], limit: int, position: Position | None) -> MergedPage:
    """The page: from each trail, (its rows beyond the position, newest first, each with `at`, `rank`, `id`; whether
    it has more beyond those), merged and cut to `limit`, with the positions of the pages before and after."""
    rows, more = [], False
    for trail_rows, trail_more in found:
        rows.extend(trail_rows)
        more = more or trail_more
    rows.sort(key=key, reverse=True)
    backwards = bool(position and position.backwards)
    more = more or len(rows) > limit
    rows = rows[-limit:] if backwards else rows[:limit]
    if backwards:
        has_previous, has_next = more, not position.is_beyond_the_oldest
    else:
        has_previous, has_next = position is not None, more
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    return MergedPage(
        rows,
        Position(*key(last)) if has_next and last else None,
        Position(*key(first), backwards=True) if has_previous and first else None)
