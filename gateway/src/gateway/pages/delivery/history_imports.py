"""A contract's history brought in from a file (issue 12, item 6; P1): its subcontracts' targets and past returns,
on one page under the contract (Import history), the consortium manager's. The file is checked by contracts' dry run
first and every row's problems listed; it is imported only when the check finds none (gateway.pages.common.file_imports).
While a long file posts the page says so (static/app.mjs), and the check answers with the file's row count."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for

from ...auth.csrf import csrf
from ...auth.session import roles_required
from ...domain.roles import MANAGES_CONTRACTS
from ..common.file_imports import check_and_import, columns_of
from ..common.service_pages import NOT_FOUND, csv_response, fetch
from .views import _render

KINDS = {
    "targets": {
        "heading": "Targets", "noun": "target",
        "about": "Each subcontract's share of the contract's targets (rule P1), per indicator and reporting period. A "
                 "target given replaces the one there; the others are kept, and each subcontract changed gets a "
                 "variation naming the file.",
        "help": "One target a row. subcontract is the organisation's name (or the subcontract's id, when the "
                "organisation holds two of this contract's subcontracts); indicator is its code; period is its "
                "number; target is a number from 0.",
        "header": ["Subcontract", "Indicator", "Period", "Target"]},
    "returns": {
        "heading": "Past returns", "noun": "return line",
        "about": "Returns the subcontractors made before the hub, with the days they were really submitted and, if "
                 "accepted, the days they were accepted (rule P1). They are history: marked as imported, counted in "
                 "the dashboard, trends and the commissioner report, and nobody is notified and no payment by "
                 "results is released for them (that money was settled before the hub). A period that has not "
                 "ended cannot be imported.",
        "help": "One actual a row: a return gives a row for every indicator, and its rows agree on submitted_on, "
                "accepted_on (empty: waiting for review), narrative and review_comment. subcontract, indicator and "
                "period as in a targets file; actual is a number from 0.",
        "header": ["Subcontract", "Period", "Indicator", "Actual", "Submitted", "Accepted"]},
}


def _kind_or_404(kind: str) -> dict:
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def _preview_row(kind: str, line: dict) -> list:
    """What a row of the file says, in the order of the kind's preview header."""
    period = line.get("period_label") or line.get("period") or ""
    if kind == "targets":
        return [line["row"], line.get("subcontract") or "", line.get("indicator") or "", period,
                line.get("figure") or ""]
    return [line["row"], line.get("subcontract") or "", period, line.get("indicator") or "", line.get("figure") or "",
            line.get("submitted_on") or "", line.get("accepted_on") or "Waiting for review"]


def _page(contract_id, kind: str, result=None, errors=None, status=200):
    about = _kind_or_404(kind)
    detail, problem = fetch("contracts", f"/contracts/{contract_id}")
    columns, required, columns_problem = columns_of("contracts", f"/imports/{kind}")
    preview = [_preview_row(kind, r) for r in (result or {}).get("lines", [])]
    page, _ = _render(
        "import.html", title=f"Import {about['heading'].lower()} from a file", detail=detail,
        problem=problem or columns_problem, contract_id=contract_id, kind=kind, kinds=KINDS, about=about,
        columns=columns, required=required, columns_help=about["help"],
        template_url=url_for("delivery_ui.import_template", kind=kind),
        form_action=url_for("delivery_ui.import_file", contract_id=contract_id, kind=kind), result=result,
        errors=errors or {}, preview_header=about["header"], preview_rows=preview)
    if problem == NOT_FOUND:
        return page, 404
    return page, 503 if (problem or columns_problem) and status == 200 else status


@roles_required(MANAGES_CONTRACTS)
def import_history(contract_id, kind):
    """Bring the contract's history in from a CSV or XLSX file: its subcontracts' targets, or past returns."""
    return _page(contract_id, kind)


@roles_required(MANAGES_CONTRACTS)
def import_template(kind):
    _kind_or_404(kind)
    columns, _, problem = columns_of("contracts", f"/imports/{kind}")
    if problem:
        abort(503)
    return csv_response(f"{kind}-template.csv", columns, [])


@roles_required(MANAGES_CONTRACTS)
def import_file(contract_id, kind):
    """Check the file (contracts' dry run: every row's problems, nothing written); to import, the same check first,
    and the import only when it finds nothing (contracts writes every row in one transaction or none)."""
    about = _kind_or_404(kind)
    result, errors, imported, status = check_and_import("contracts", f"/contracts/{contract_id}/imports/{kind}")
    if imported:
        rows = result["rows"]
        flash(f"{rows} {about['noun']}{'' if rows == 1 else 's'} imported from {result['filename']}.", "success")
        return redirect(url_for("delivery_ui.contract", contract_id=contract_id))
    return _page(contract_id, kind, result, errors, status)


csrf.exempt(import_file)  # checked in the view, once the larger upload limit is set


def register(bp: Blueprint) -> None:
    """Add these pages to the contracts pages' blueprint (delivery/__init__.py calls this once, so views.py, which
    these pages use, need not import them back)."""
    bp.add_url_rule("/<uuid:contract_id>/import/<kind>", view_func=import_history)
    bp.add_url_rule("/<uuid:contract_id>/import", view_func=import_history, defaults={"kind": "targets"})
    bp.add_url_rule("/import/<kind>/template.csv", view_func=import_template)
    bp.add_url_rule("/<uuid:contract_id>/import/<kind>", view_func=import_file, methods=["POST"])
