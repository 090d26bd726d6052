"""The membership's make-up: capability gaps (M2) and diversity (M3), as plain calculations."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from . import catalogue


@dataclasses.dataclass(frozen=True)
class MemberSnapshot:
    """What the reports need to know of one organisation."""

    status: str
    service_categories: tuple[str, ...]
    areas_served: tuple[str, ...]
    diversity: tuple[str, ...]
    member_from: dt.date | None = None  # when it became active
    member_until: dt.date | None = None  # when it stopped being a member, if it has


def gaps(members: list[MemberSnapshot], threshold: int) -> dict:
    """M2: how many active members deliver each service category and serve each area, fewest first."""
    active = [m for m in members if m.status == "active"]
    by_category = Counter(c for m in active for c in set(m.service_categories))
    by_area = Counter(a for m in active for a in {x.strip().title() for x in m.areas_served})
    categories = sorted(({"key": key, "label": label, "members": by_category.get(key, 0)}
                         for key, label in catalogue.SERVICE_CATEGORIES.items()),
                        key=lambda row: (row["members"], row["label"]))
    areas = sorted(({"area": area, "members": n} for area, n in by_area.items()),
                   key=lambda row: (row["members"], row["area"]))
    return {"threshold": threshold, "categories": categories, "areas": areas,
            "gap_categories": [c["key"] for c in categories if c["members"] < threshold],
            "gap_areas": [a["area"] for a in areas if a["members"] < threshold]}


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def diversity(members: list[MemberSnapshot], years: list[int]) -> dict:
    """M3: the active membership by declared characteristic, by area, and at the end of each year."""
    active = [m for m in members if m.status == "active"]
    counts = Counter(c for m in active for c in set(m.diversity))
    characteristics = [{"key": key, "label": label, "count": counts.get(key, 0),
                        "share_percent": _share(counts.get(key, 0), len(active))}
                       for key, label in catalogue.DIVERSITY_CHARACTERISTICS.items()]
    areas: dict[str, list[MemberSnapshot]] = {}
    for member in active:
        for area in {a.strip().title() for a in member.areas_served} or {"Not stated"}:
            areas.setdefault(area, []).append(member)
    by_area = [{"area": area, "total": len(ms),
                "characteristics": dict(Counter(c for m in ms for c in set(m.diversity)))}
               for area, ms in sorted(areas.items())]
    over_time = []
    for year in years:
        year_end = dt.date(year, 12, 31)
        then = [m for m in members if m.member_from and m.member_from <= year_end
                and (m.member_until is None or m.member_until > year_end)]
        over_time.append({"year": year, "active_members": len(then),
                          "characteristics": dict(Counter(c for m in then for c in set(m.diversity)))})
    return {"active_members": len(active), "characteristics": characteristics, "by_area": by_area,
            "over_time": over_time}
