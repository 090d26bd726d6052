"""Meeting papers: what may be attached to a meeting, judged by the file's content rather than its name."""
from __future__ import annotations

from hubkit.uploads import OFFICE_DOCUMENTS, PRESENTATIONS, UnacceptableFile, checksum  # noqa: F401
from hubkit import uploads


def content_type_of(filename: str, content: bytes) -> str:
    """The type to store for a paper: PDF, an office document or slides, PNG or JPEG; anything else is refused."""
    return uploads.content_type_of(filename, content, OFFICE_DOCUMENTS | PRESENTATIONS,
                                   "Attach a PDF, a Word, OpenDocument or PowerPoint file, a spreadsheet, "
                                   "or a PNG or JPEG image.")


def safe_filename(filename: str) -> str:
    """The paper's own name without any folder part or control characters."""
    return uploads.safe_filename(filename, fallback="paper")
