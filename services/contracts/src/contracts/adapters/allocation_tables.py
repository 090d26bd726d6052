"""Fair allocation of work among members (C1-C7): rounds, declarations, panels, criteria, EOIs, scores."""
from __future__ import annotations

from .orm import Base  # noqa: F401
