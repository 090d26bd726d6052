"""Recharge invoices exported to Xero (F4), bounded and repeatable: an export takes the issued invoices and credit
notes not exported yet (all of them, or those issued in one month) and finance marks each, so the next export
leaves them out; Xero refuses a file of more than 500 rows, so finance gives an export as files of at most 500 lines
(an invoice never split) and a bigger export downloads as a ZIP of them; an earlier export can be downloaded again on
purpose (finance records it). The rows are Xero's sales invoice import columns (views.XERO_HEADER, views.xero_rows)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from flask import Response, flash, redirect, request, url_for

from ...auth.session import roles_required
from ...domain.roles import KEEPS_THE_MONEY, MEMBER_USER
from ..common.service_pages import csv_response, fetch_page, is_uuid, send
from .views import SEES_INVOICES, XERO_HEADER, _render, _roles, bp, xero_rows
from hubkit import clock

EXPORTS_INVOICES = KEEPS_THE_MONEY | frozenset({MEMBER_USER})  # the finance officer, or an issuer's own staff
MONTHS_OFFERED = 12


def months_offered(today: dt.date, count: int = MONTHS_OFFERED) -> list[str]:
    """This month and the `count` - 1 before it, newest first, as YYYY-MM."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def export_files(export: dict) -> Response:
    """An export as Xero takes it: one CSV file, or a ZIP of CSV files of at most 500 lines each when it has several."""
    stamp = (export.get("exported_at") or "")[:10] or clock.today().isoformat()
    name = f"recharge-invoices-xero-{stamp}-{str(export['id'])[:8]}"
    files = [[row for invoice in file["invoices"] for row in xero_rows(invoice, invoice["bill_to_name"])]
             for file in export["files"]]
    if len(files) == 1:
        return csv_response(f"{name}.csv", XERO_HEADER, files[0], bom=False)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, rows in enumerate(files, start=1):
            text = csv_response("x.csv", XERO_HEADER, rows, bom=False).get_data()
            archive.writestr(f"{name}-{n}-of-{len(files)}.csv", text)
    return Response(out.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}.zip"'})


@bp.route("/invoices/xero")
@roles_required(SEES_INVOICES)
def xero_exports():
    """Export to Xero: the new invoices (or a month's), and the exports made so far, each downloadable again."""
    exports, problem, pages = fetch_page("finance", "/invoices/xero-exports")
    return _render("xero_exports.html", title="Export invoices to Xero", exports=exports or [], problem=problem,
                   pages=pages, months=months_offered(clock.today()),
                   can_export=bool(_roles() & EXPORTS_INVOICES))


@bp.route("/invoices/xero", methods=["POST"])
@roles_required(EXPORTS_INVOICES)
def xero_export_new():
    issued_in = (request.form.get("issued_in") or "").strip()
    answer = send("finance", "POST", "/invoices/xero-exports", {"issued_in": issued_in} if issued_in else {}, None)
    if answer is not None and answer.ok:
        return export_files(answer.body)
    return redirect(url_for("time_ui.xero_exports"))


@bp.route("/invoices/xero/<export_id>/again", methods=["POST"])
@roles_required(EXPORTS_INVOICES)
def xero_export_again(export_id):
    if not is_uuid(export_id):
        flash("No such export.", "error")
        return redirect(url_for("time_ui.xero_exports"))
    answer = send("finance", "POST", f"/invoices/xero-exports/{export_id}/again", None, None)
    if answer is not None and answer.ok:
        return export_files(answer.body)
    return redirect(url_for("time_ui.xero_exports"))
