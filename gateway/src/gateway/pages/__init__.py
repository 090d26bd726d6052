"""The gateway's web pages, one package an area (views.py, forms.py, templates/<area>/), shared helpers in common/.
See README.md in this folder."""
from __future__ import annotations

from pathlib import Path


def template_folders() -> list[str]:
    """Every area's templates/ folder: a page's template is named "<area>/<page>.html" (shared ones "common/...")."""
    return sorted(str(folder) for folder in Path(__file__).parent.glob("*/templates"))
