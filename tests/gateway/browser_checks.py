"""What every browser test checks: accessibility with axe-core (from the gateway's npm packages), and reflow: the
document no wider than the viewport (WCAG 1.4.10)."""
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "gateway" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """WCAG 2.2 AA violations on the page as it is now; the bar is none."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}));
    }""")


_OVERFLOW = """() => {
    const width = window.innerWidth, sticksOut = e => e.getBoundingClientRect().right > width + 1;
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
        + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().replace(/ +/g, '.') : '');
    const outermost = [...document.querySelectorAll('body *')]
        .filter(e => sticksOut(e) && !(e.parentElement && sticksOut(e.parentElement)));
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
            sticksOut: outermost.slice(0, 5).map(e => `${name(e)} to ${Math.round(e.getBoundingClientRect().right)}`)};
}"""


def horizontal_overflow(page) -> str | None:
    """How the document is wider than the viewport (document.documentElement.scrollWidth > window.innerWidth),
    naming what sticks out; None when it fits. A wide table scrolls inside its own region, never the page."""
    measured = page.evaluate(_OVERFLOW)
    if measured["scrollWidth"] <= measured["innerWidth"]:
        return None
    return (f"{page.url} is {measured['scrollWidth']} px wide in a {measured['innerWidth']} px viewport; "
            f"what sticks out: {measured['sticksOut']}")
