"""Compliance documents: what may be uploaded, judged by the file's content rather than its name."""
from __future__ import annotations

import hashlib

from .due_diligence import KINDS

DOCUMENT_KINDS = tuple(KINDS) + ("quality_mark", "other")
DOCUMENT_KIND_LABELS = {kind: requirement.label for kind, requirement in KINDS.items()} | {
    "quality_mark": "Quality mark certificate", "other": "Other document"}

# Leading bytes of each accepted format. Office documents are ZIP containers.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04",),
}
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnacceptableFile(ValueError):
    """The file is empty or not one of the accepted formats."""


def content_type_of(filename: str, content: bytes) -> str:
    """The type to store for an upload: PDF, PNG, JPEG or an office document; anything else is refused."""
    if not content:
        raise UnacceptableFile("The file is empty.")
    for mime, prefixes in SIGNATURES.items():
        if content.startswith(prefixes):
            if mime != "application/zip":
                return mime
            suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
            if suffix in OFFICE_TYPES:
                return OFFICE_TYPES[suffix]
    raise UnacceptableFile("Upload a PDF, a Word or OpenDocument file, a spreadsheet, or a PNG or JPEG image.")


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def safe_filename(filename: str) -> str:
    """The file's own name without any folder part or control characters, for showing and downloading."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name.strip()[:200] or "document"
