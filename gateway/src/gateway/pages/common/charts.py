"""Bar charts drawn on the server as SVG: no chart library, no script, nothing the CSP must allow.

Each chart has a <title>, role="img" and an aria-label that reads as a sentence; the page puts a data table
beside it, so the chart is never the only way to the figures. Colours come from presentation attributes
(not style attributes, which our CSP would block), and a highlighted bar is also marked in words.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#1d70b8"          # govuk-frontend blue
HIGHLIGHT = "#d4351c"    # govuk-frontend red: below the threshold (the table says 'Gap' in words)
TEXT = "#0b0c0c"
WIDTH = 440              # drawn at about the width of half a GOV.UK page, so 16px text stays 16px
PLOT_WIDTH = 380         # the longest bar; its number goes after it
ROW_HEIGHT = 48          # a label line above each bar
BAR_HEIGHT = 20


def bar_chart(title: str, rows: list[tuple[str, int | float]], *, highlight_below: int | None = None,
              chart_id: str = "chart") -> Markup:
    """A horizontal bar chart of (label, value) rows, as inline SVG markup: each label above its bar."""
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


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
