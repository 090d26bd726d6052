"""Bar charts drawn on the server as SVG (one value a row, or actual against target): no chart library, no script, nothing the CSP must allow.

Each chart has a <title>, role="img" and an aria-label that reads as a sentence; the page puts a data table
beside it, so the chart is never the only way to the figures. Colours come from presentation attributes
(not style attributes, which our CSP would block), and a highlighted bar is also marked in words.
"""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup, escape

BAR = "#1d70b8"          # govuk-frontend blue
HIGHLIGHT = "#d4351c"    # govuk-frontend red: below the threshold (the table says 'Gap' in words)
TEXT = "#0b0c0c"
WIDTH = 440              # drawn at about the width of half a GOV.UK page, so 16px text stays 16px
PLOT_WIDTH = 380         # the longest bar; its number goes after it
ROW_HEIGHT = 48          # a label line above each bar
BAR_HEIGHT = 20
TARGET = "#505a5f"       # govuk-frontend dark grey: a target's bar (7:1 on white)
PAIR_HEIGHT = 56         # a label line above a target bar and an actual bar


def bar_chart(title: str, rows: list[tuple[str, int | float]], *, highlight_below: int | None = None,
              chart_id: str = "chart", value_text: Callable[[Any], str] | None = None) -> Markup:
    """A horizontal bar chart of (label, value) rows, as inline SVG markup: each label above its bar, its value after
    it as `value_text` writes it (money.pounds for pence: "£300,000", as every page shows money)."""
    _number = value_text or _plain_number
    rows = [(str(label or ""), value or 0) for label, value in rows]
    largest = max([value for _, value in rows] + [1])
    height = max(len(rows), 1) * ROW_HEIGHT + 4
    summary = "; ".join(f"{label}: {_number(value)}" for label, value in rows) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img" id="{escape(chart_id)}" '
        f'aria-label="{escape(title)}. {escape(summary)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}. {escape(summary)}</title>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="20" font-size="16" fill="{TEXT}">No data yet</text>')
    for index, (label, value) in enumerate(rows):
        top = index * ROW_HEIGHT
        length = max(round(PLOT_WIDTH * value / largest), 2) if value else 2
        colour = HIGHLIGHT if highlight_below is not None and value < highlight_below else BAR
        parts.append(f'<text x="0" y="{top + 17}" font-size="16" fill="{TEXT}">{escape(_shorten(label))}</text>')
        parts.append(f'<rect x="0" y="{top + 23}" width="{length}" height="{BAR_HEIGHT}" fill="{colour}"></rect>')
        parts.append(f'<text x="{length + 6}" y="{top + 39}" font-size="16" fill="{TEXT}">'
                     f'{escape(_number(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def actual_and_target_chart(title: str, rows: list[tuple[str, float | None, float | None, str]], *,
                            chart_id: str = "chart") -> Markup:
    """Horizontal bars of actual against target, one pair a row: rows are (label, target, actual, words), the words
    (e.g. "120 of 100 (120%), Green") written above the pair so RAG is never colour alone. A legend names the two
    colours; a missing figure draws no bar."""
    largest = max([value for _, target, actual, _ in rows for value in (target, actual) if value] + [1])
    legend = 30
    height = legend + max(len(rows), 1) * PAIR_HEIGHT + 4
    summary = "; ".join(f"{label}: {words}" for label, _, _, words in rows) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img" id="{escape(chart_id)}" '
        f'aria-label="{escape(title)}. {escape(summary)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
        f'<title>{escape(title)}. {escape(summary)}</title>',
        f'<rect x="0" y="4" width="16" height="16" fill="{TARGET}"></rect>'
        f'<text x="22" y="18" font-size="16" fill="{TEXT}">Target</text>'
        f'<rect x="100" y="4" width="16" height="16" fill="{BAR}"></rect>'
        f'<text x="122" y="18" font-size="16" fill="{TEXT}">Actual</text>',
    ]
    if not rows:
        parts.append(f'<text x="0" y="{legend + 20}" font-size="16" fill="{TEXT}">No data yet</text>')
    for index, (label, target, actual, words) in enumerate(rows):
        top = legend + index * PAIR_HEIGHT
        parts.append(f'<text x="0" y="{top + 17}" font-size="16" fill="{TEXT}">'
                     f'{escape(_shorten(f"{label}: {words}", 52))}</text>')
        for offset, value, colour in ((23, target, TARGET), (37, actual, BAR)):
            if value:
                length = max(round(PLOT_WIDTH * value / largest), 2)
                parts.append(f'<rect x="0" y="{top + offset}" width="{length}" height="12" fill="{colour}"></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _plain_number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
