"""The performance dashboard's RAG heat map, drawn on the server as SVG: subcontracts by indicator (rows) and
period (columns). Each row names its indicator in full (wrapped over lines, never cut short) and each cell's RAG is
written in it as a word ("Not rated" where there is none), so colour is never the only signal; the page puts the
same figures in a table beside it and shows the map at its own size, scrolling sideways on a narrow screen."""
from __future__ import annotations

import textwrap

from markupsafe import Markup, escape

FILL = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", None: "#f3f2f1"}
INK = {"green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", None: "#0b0c0c"}
WORD = {"green": "Green", "amber": "Amber", "red": "Red", None: "Not rated"}
LABEL_WIDTH, CELL_WIDTH, CELL_HEIGHT, HEADER = 330, 84, 36, 40
LINE_HEIGHT, LABEL_CHARACTERS = 18, 40  # a label's lines: about 40 characters of 15 px Arial fit its 330 px


def heat_map(title: str, columns: list[str], rows: list[tuple[str, list[str | None]]], *,
             chart_id: str = "heat-map") -> Markup:
    """rows: (label, one RAG per column) -> inline SVG with each cell coloured and labelled in words."""
    width = LABEL_WIDTH + CELL_WIDTH * max(len(columns), 1)
    labels = [textwrap.wrap(label, LABEL_CHARACTERS) or [""] for label, _ in rows]
    heights = [max(CELL_HEIGHT, LINE_HEIGHT * len(lines) + 12) for lines in labels]
    height = HEADER + (sum(heights) or CELL_HEIGHT) + 4
    summary = "; ".join(f"{label}: " + ", ".join(f"{col} {WORD[rag]}" for col, rag in zip(columns, rags))
                        for label, rags in rows) or "no data"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img" id="{escape(chart_id)}" '
             f'aria-label="{escape(title)}. {escape(summary)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}">',
             f'<title>{escape(title)}. {escape(summary)}</title>']
    for index, column in enumerate(columns):
        x = LABEL_WIDTH + index * CELL_WIDTH + CELL_WIDTH / 2
        parts.append(f'<text x="{x}" y="26" font-size="15" font-weight="bold" text-anchor="middle" '
                     f'fill="#0b0c0c">{escape(column)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{HEADER + 22}" font-size="16" fill="#0b0c0c">No subcontracts yet</text>')
    y = HEADER
    for (_, rags), lines, row_height in zip(rows, labels, heights):
        first = y + (row_height - LINE_HEIGHT * len(lines)) / 2 + 14
        parts.append(f'<text x="0" y="{first}" font-size="15" fill="#0b0c0c">' + "".join(
            f'<tspan x="0" dy="{0 if n == 0 else LINE_HEIGHT}">{escape(line)}</tspan>' for n, line in enumerate(lines))
            + "</text>")
        for c, rag in enumerate(rags):
            x = LABEL_WIDTH + c * CELL_WIDTH
            parts.append(f'<rect x="{x + 2}" y="{y + 2}" width="{CELL_WIDTH - 4}" height="{row_height - 4}" '
                         f'fill="{FILL[rag]}" stroke="#0b0c0c" stroke-width="1"></rect>')
            parts.append(f'<text x="{x + CELL_WIDTH / 2}" y="{y + row_height / 2 + 5}" font-size="14" '
                         f'text-anchor="middle" fill="{INK[rag]}">{WORD[rag]}</text>')
        y += row_height
    parts.append("</svg>")
    return Markup("".join(parts))
