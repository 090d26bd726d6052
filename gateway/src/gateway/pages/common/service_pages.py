"""What every page over a service's API needs: read from it, send a change to it and say what happened,
read a posted form, and hand a page's data out as CSV, XLSX or PDF.

The services apply the rules; their 409 `detail` (naming the rule) or 422 `errors` (naming the fields) are
shown to the person as they come.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any, Iterable, Mapping, Sequence

from flask import Response, abort, current_app, flash, g, render_template, request
from hubkit.uploads import content_disposition

from ...auth.session import current_user
from ...proxy.client import Answer, ServiceDown, call_service
from ...proxy.upstream import Trace, UpstreamError
from .errors import Field, flash_errors, form_errors, keep_typed, refusal_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_FOUND = "Not found."  # the problem fetch and fetch_page give for a 404; render_page answers it with a 404


def render_page(template: str, **context) -> tuple[str, int]:
    """A page and its status: 404 when what it shows was not found (its `problem` is "Not found."), unless the
    context gives a `status` of its own (a refused form shown again is 422)."""
    status = context.pop("status", None) or (404 if context.get("problem") == NOT_FOUND else 200)
    return render_template(template, **context), status


def fetch(service: str, path: str, query=None) -> tuple[Any, str | None]:
    """(body, problem): the service's answer, or why it cannot be shown ("Not found." for a 404)."""
    try:
        answer = call_service(service, "GET", path, query=query)
    except ServiceDown as exc:
        return None, exc.message
    if answer.status == 404:
        return None, NOT_FOUND
    if answer.status == 403:
        return None, "You do not have access to this."
    return (answer.body, None) if answer.ok else (None, "This cannot be shown just now.")


def fetch_page(service: str, path: str, query=None) -> tuple[Any, str | None, dict]:
    """(rows, problem, page links): one page of a list (the page this request's `cursor` names, hubkit.paging),
    with govukPagination's links to the pages around it; `fetch` instead follows a list to its end."""
    query = dict(query or {}) | {"cursor": request.args.get("cursor")}
    try:
        answer = call_service(service, "GET", path, query=query, one_page=True)
    except ServiceDown as exc:
        return None, exc.message, {}
    if answer.status == 422:  # a cursor from another list, or a filter the service refuses
        return None, refusal(answer), {}
    if answer.status == 404:
        return None, NOT_FOUND, {}
    if answer.status == 403:
        return None, "You do not have access to this.", {}
    return (answer.body, None, page_links(answer)) if answer.ok else (None, "This cannot be shown just now.", {})


def page_links(answer: Answer) -> dict:
    """govukPagination's `previous` and `next` for a page of a list (hubkit.paging's cursors), each link this page's
    own address and query (its filters) with the neighbour's cursor; empty when the list fits on one page."""
    from urllib.parse import urlencode

    args = [(key, value) for key, value in request.args.items(multi=True) if key != "cursor"]
    return {rel: {"href": f"{request.path}?{urlencode(args + [('cursor', cursor)])}"}
            for rel, cursor in (("previous", answer.prev_cursor), ("next", answer.next_cursor)) if cursor}


def refusal(answer: Answer, fields: Mapping[str, Field | str] | None = None) -> str:
    """Why the service refused a change, in plain words (common/errors.py): each field's sentence, or the rule's."""
    return refusal_text(answer, fields)


def send(service: str, method: str, path: str, payload: Any, done: str | None,
         fields: Mapping[str, Field | str] | None = None) -> Answer | None:
    """Send a change; flash `done` when it is made, or the refusal in plain words for the page the form goes back
    to: its error summary, and each field `fields` names (service path -> the form's Field) its own message.
    Returns the answer (None if unreachable)."""
    try:
        answer = call_service(service, method, path, payload)
    except ServiceDown as exc:
        flash(exc.message, "error")
        keep_typed()
        return None
    if answer.ok:
        if done:
            flash(done, "success")
    else:
        flash_errors(form_errors(answer, fields or {}))
        keep_typed()
    return answer


def posted(*names: str) -> dict:
    """The named fields of the posted form; empty ones as None so the service applies its defaults."""
    return {name: (request.form.get(name) or "").strip() or None for name in names}


NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a plain negative amount is data, not a formula
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # XLSX is XML 1.0


def spreadsheet_safe(value) -> object:
    """Stop a cell being read as a formula by the spreadsheet that opens the export."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(value):
        return "'" + value
    return "" if value is None else value


def xlsx_cell(value) -> object:
    """A value as an XLSX cell: without the characters XML 1.0 cannot hold (control characters in a name made
    openpyxl refuse the whole export), then kept from being read as a formula."""
    if isinstance(value, str):
        value = NOT_IN_XML.sub("", value)
    return spreadsheet_safe(value)


def is_uuid(text: str) -> bool:
    """Whether a value from a query string or form is a well-formed id (else there is nothing to look up)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def stored_file_from(service: str, path: str) -> Response:
    """An uploaded file (evidence, a receipt) passed through from its service as the signed-in user; the service
    decides who may see it, and anything but the file is a 404 here."""
    upstreams = current_app.extensions["gateway.upstreams"]
    try:
        answer = upstreams.send(service, "GET", path, current_user().principal(),
                                Trace(g.request_id, g.correlation_id), accept="*/*")
    except UpstreamError:
        abort(502)
    if answer.status_code != 200:
        abort(404)
    return Response(answer.content, mimetype=answer.headers.get("Content-Type", "application/octet-stream"),
                    headers={"Content-Disposition": answer.headers.get("Content-Disposition", "attachment"),
                             "X-Content-Type-Options": "nosniff"})


def _attachment(filename: str) -> dict:
    return {"Content-Disposition": content_disposition(filename)}


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> Response:
    """A CSV download (with a byte-order mark, so spreadsheet programs read it as UTF-8, unless told not to)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
    return Response(("\ufeff" if bom else "") + out.getvalue(), mimetype="text/csv", headers=_attachment(filename))


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> Response:
    """An XLSX download with one sheet per (title, header, rows); bold frozen header, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append([xlsx_cell(heading) for heading in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([xlsx_cell(cell) for cell in row])
        sheet.freeze_panes = "A2"
        for column, heading in zip(sheet.columns, header):
            width = max([len(str(heading))] + [len(str(cell.value or "")) for cell in column])
            sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 60)
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype=XLSX, headers=_attachment(filename))


def render_pdf(template: str, **context) -> bytes:
    """A tagged, accessible A4 PDF (PDF/UA-1) of a template that extends `documents/base.html`."""
    from weasyprint import HTML

    html = render_template(template, **context)
    return HTML(string=html, base_url=request.url_root).write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(filename: str, template: str, **context) -> Response:
    """A PDF download of a template that extends `documents/base.html`."""
    return Response(render_pdf(template, **context), mimetype="application/pdf", headers=_attachment(filename))
