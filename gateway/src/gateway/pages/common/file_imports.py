"""Records brought in from a file, the same way on every page that imports (issue 12, item 6): the posted file is
sent to the service's dry run, whose every row's problems the page lists; when the person asked to import and the
check found nothing, the service then imports it (every row in one transaction, or none)."""
from __future__ import annotations

from flask import current_app, request
from wtforms import ValidationError

from ...auth.csrf import CSRFError, validate_csrf
from ...proxy.client import ServiceDown, call_service, upload_to_service


def columns_of(service: str, path: str) -> tuple[list[str], list[str], str | None]:
    """The columns a file may have, and the required ones, as the service says (`path` + /columns)."""
    try:
        answer = call_service(service, "GET", f"{path}/columns")
    except ServiceDown as exc:
        return [], [], exc.message
    if not answer.ok or not isinstance(answer.body, dict):
        return [], [], "The columns of the file cannot be shown just now."
    return answer.body.get("columns") or [], answer.body.get("required") or [], None


def check_and_import(service: str, path: str, fields: dict | None = None) -> tuple[dict | None, dict, bool, int]:
    """The posted file checked (and imported, if asked and clean): (the service's answer, errors by field,
    whether it was imported, the status for the page). `fields`: more form fields the service's import takes."""
    request.max_content_length = current_app.extensions["gateway.settings"].max_upload_bytes  # before the form
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    upload = request.files.get("file")
    content = upload.read() if upload and upload.filename else b""
    if not content:
        return None, {"file": ["Choose a CSV or XLSX file" if not (upload and upload.filename)
                               else "The file is empty"]}, False, 422
    file = (upload.filename, content, upload.mimetype or "application/octet-stream")
    try:
        answer = upload_to_service(service, path, (fields or {}) | {"dry_run": "true"}, file)
        if answer.ok and request.form.get("action") == "import" and not answer.body.get("problems"):
            answer = upload_to_service(service, path, (fields or {}) | {"dry_run": "false"}, file)
    except ServiceDown as exc:
        return None, {"file": [exc.message]}, False, 503
    if answer.ok:
        return answer.body, {}, answer.status == 201, 200 if not answer.body.get("problems") else 422
    detail = (answer.body or {}).get("detail") if isinstance(answer.body, dict) else None
    return None, {"file": [detail or "The file cannot be read."]}, False, 413 if answer.status == 413 else 422
