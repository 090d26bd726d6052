"""What every browser test checks: accessibility with axe-core (from the gateway's npm packages)."""
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "gateway" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """WCAG 2.2 AA violations on the page as it is now; the bar is none."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}));
    }""")
