"""The performance dashboard's RAG heat map, drawn on the server as SVG: subcontracts by indicator (rows) and
period (columns). Each cell's RAG is written in it as a word, so colour is never the only signal; the page puts
the same figures in a table beside it."""
from __future__ import annotations

from markupsafe import Markup, escape

FILL = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", None: "#f3f2f1"}
INK = {"green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", None: "#0b0c0c"}
WORD = {"green": "Green", "amber": "Amber", "red": "Red", None: "None"}
LABEL_WIDTH, CELL_WIDTH, CELL_HEIGHT, HEADER = 330, 84, 36, 40
MAX_WIDTH = 960


def heat_map(title: str, columns: list[str], rows: list[tuple[str, list[str | None]]], *,
             chart_id: str = "heat-map") -> Markup:
    """rows: (label, one RAG per column) -> inline SVG with each cell coloured and labelled in words."""
    width = LABEL_WIDTH + CELL_WIDTH * max(len(columns), 1)
    height = HEADER + CELL_HEIGHT * max(len(rows), 1) + 4
    summary = "; ".join(f"{label}: " + ", ".join(f"{col} {WORD[rag]}" for col, rag in zip(columns, rags))
                        for label, rags in rows) or "no data"
    # wider than the page (many periods): scale to the page's width rather than overflow it
    size = f'width="{width}" height="{height}"' if width <= MAX_WIDTH else 'width="100%"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="hub-chart" role="img" id="{escape(chart_id)}" '
             f'aria-label="{escape(title)}. {escape(summary)}" viewBox="0 0 {width} {height}" {size}>',
             f'<title>{escape(title)}. {escape(summary)}</title>']
    for index, column in enumerate(columns):
        x = LABEL_WIDTH + index * CELL_WIDTH + CELL_WIDTH / 2
        parts.append(f'<text x="{x}" y="26" font-size="15" font-weight="bold" text-anchor="middle" '
                     f'fill="#0b0c0c">{escape(column)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{HEADER + 22}" font-size="16" fill="#0b0c0c">No subcontracts yet</text>')
    for r, (label, rags) in enumerate(rows):
        y = HEADER + r * CELL_HEIGHT
        parts.append(f'<text x="0" y="{y + 23}" font-size="15" fill="#0b0c0c">{escape(_shorten(label))}</text>')
        for c, rag in enumerate(rags):
            x = LABEL_WIDTH + c * CELL_WIDTH
            parts.append(f'<rect x="{x + 2}" y="{y + 2}" width="{CELL_WIDTH - 4}" height="{CELL_HEIGHT - 4}" '
                         f'fill="{FILL[rag]}" stroke="#0b0c0c" stroke-width="1"></rect>')
            parts.append(f'<text x="{x + CELL_WIDTH / 2}" y="{y + 23}" font-size="15" text-anchor="middle" '
                         f'fill="{INK[rag]}">{WORD[rag]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _shorten(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
