"""Compliance documents: what may be uploaded, judged by the file's content rather than its name."""
from __future__ import annotations

from hubkit.uploads import UnacceptableFile, checksum, content_type_of, safe_filename  # noqa: F401

from .due_diligence import KINDS

DOCUMENT_KINDS = tuple(KINDS) + ("quality_mark", "other")
DOCUMENT_KIND_LABELS = {kind: requirement.label for kind, requirement in KINDS.items()} | {
    "quality_mark": "Quality mark certificate", "other": "Other document"}
