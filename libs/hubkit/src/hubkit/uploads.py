"""Uploaded files, judged by their content rather than their name: accepted formats, checksums, safe names."""
from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import quote

# Leading bytes of each accepted format. Office documents are ZIP containers, told apart by their suffix.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04",),
}
OFFICE_DOCUMENTS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
PRESENTATIONS = {
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
DOCUMENTS_REFUSAL = "Upload a PDF, a Word or OpenDocument file, a spreadsheet, or a PNG or JPEG image."


class UnacceptableFile(ValueError):
    """The file is empty or not one of the accepted formats (answered 415)."""


def content_type_of(filename: str, content: bytes, office_types: dict[str, str] = OFFICE_DOCUMENTS,
                    refusal: str = DOCUMENTS_REFUSAL) -> str:
    """The type to store, judged by the content: PDF, PNG, JPEG or one of `office_types`; else UnacceptableFile."""
    if not content:
        raise UnacceptableFile("The file is empty.")
    for mime, prefixes in SIGNATURES.items():
        if content.startswith(prefixes):
            if mime != "application/zip":
                return mime
            suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
            if suffix in office_types:
                return office_types[suffix]
    raise UnacceptableFile(refusal)


def checksum(content: bytes) -> str:
    """SHA-256 of the content, hex."""
    return hashlib.sha256(content).hexdigest()


def safe_filename(filename: str, fallback: str = "document") -> str:
    """The file's own name without any folder part or control characters, for showing and downloading."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?;')
    return name.strip()[:200] or fallback


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The Content-Disposition of a download (RFC 6266): a plain-ASCII `filename` every client reads and, for a name
    that is not plain ASCII, the exact name as `filename*` (RFC 8187, UTF-8), which modern clients prefer. The header
    itself stays ASCII, as HTTP requires."""
    name = safe_filename(filename, "download")
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = "".join(ch for ch in fallback if ch.isprintable() and ch not in '"\\').strip()
    if not fallback.rsplit(".", 1)[0].strip(". "):  # nothing of the name is ASCII: keep its suffix at least
        fallback = "download" + ("." + fallback.rsplit(".", 1)[1] if "." in fallback else "")
    header = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        header += "; filename*=UTF-8''" + quote(name, safe="!#$&+-.^_`|~")
    return header
