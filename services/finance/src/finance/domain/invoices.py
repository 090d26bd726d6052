"""Recharge invoices (H4, F4): who invoices the consortium for shared staff's time, lines, VAT and numbers.

- Who: the employer of shared staff. In a hub outsourced to a member (or externally) that is the host; in a
  virtual hub each member whose staff do hub work; a central staff team is employed by the consortium, so
  nobody recharges it.
- Lines: one per cost code, person and rate, from approved chargeable entries not invoiced yet; each line's
  amount is its minutes x rate / 60 rounded once (see rates.py). Net = sum of lines exactly.
- VAT is per issuer configuration: standard (20%), exempt, outside scope. It is worked out per line and
  rounded once per line, half up (as Xero does with tax-exclusive lines), and the invoice's VAT is the sum.
- Numbers are gap-free per issuer, allocated when an invoice is issued (drafts have none). Credit notes
  share the issuer's one sequence, so the issuer's documents have one unbroken run of numbers.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from hubkit.domain import RuleViolation

from .rates import cost_pence, to_pence

CENTRAL_TEAM, VIRTUAL, OUTSOURCED_TO_MEMBER, OUTSOURCED_EXTERNALLY = (
    "central_staff_team", "virtual_hub", "outsourced_to_member", "outsourced_externally")
VAT_TREATMENTS = {"standard": Decimal(20), "exempt": Decimal(0), "outside_scope": Decimal(0)}
XERO_TAX_TYPES = {"standard": "20% (VAT on Income)", "exempt": "Exempt Income", "outside_scope": "No VAT"}
DRAFT, ISSUED, PAID, CREDITED = "draft", "issued", "paid", "credited"
INVOICE, CREDIT_NOTE = "invoice", "credit_note"
EMPLOYER_KINDS = ("consortium", "host", "member")


def check_recharge_allowed(hub_model: str | None, host_organisation_id, employer_kind: str, organisation_id) -> None:
    """H4: only the employer of shared staff recharges, and which employer depends on the hub model (H1)."""
    if hub_model is None:
        raise RuleViolation("Finance has not yet learned the hub model from governance (H1).", rule="H4")
    if hub_model == CENTRAL_TEAM:
        raise RuleViolation("A central staff team is employed by the consortium: nobody recharges its time.",
                            rule="H4")
    if employer_kind == "consortium":
        raise RuleViolation("Staff employed by the consortium are not recharged.", rule="H4")
    if hub_model in (OUTSOURCED_TO_MEMBER, OUTSOURCED_EXTERNALLY):
        if host_organisation_id is not None and organisation_id != host_organisation_id:
            raise RuleViolation("In an outsourced hub the host recharges the consortium, not this organisation.",
                                rule="H4")


@dataclasses.dataclass(frozen=True)
class LineDraft:
    cost_code_id: object
    staff_id: object
    rate_pence: int
    minutes: int
    entry_ids: tuple

    @property
    def net_pence(self) -> int:
        return cost_pence(self.minutes, self.rate_pence)


def group_lines(entries) -> list[LineDraft]:
    """F4: one line per (cost code, person, rate) from entries with id, cost_code_id, staff_id, rate_pence, minutes."""
    groups: dict[tuple, list] = {}
    for entry in entries:
        groups.setdefault((entry.cost_code_id, entry.staff_id, entry.rate_pence), []).append(entry)
    lines = []
    for (code, staff, rate), members in groups.items():
        minutes = sum(e.minutes for e in members)
        if minutes == 0:
            continue  # a reversal and its original cancel out: nothing to charge, nothing lost
        lines.append(LineDraft(code, staff, rate, minutes, tuple(e.id for e in members)))
    return lines


def line_description(code: str, title: str, person: str, month) -> str:
    """What a line says: the cost code, the person and the month."""
    return f"{code} {title}: {person}, {month:%B %Y}"


def vat_pence(net_pence: int, treatment: str) -> int:
    """VAT on one line, rounded once, half up."""
    if treatment not in VAT_TREATMENTS:
        raise RuleViolation(f"Unknown VAT treatment {treatment}.")
    return to_pence(Decimal(net_pence) * VAT_TREATMENTS[treatment] / 100)


def invoice_number(prefix: str, number: int) -> str:
    return f"{prefix}{number:05d}"


def check_transition(status: str, to: str) -> None:
    allowed = {ISSUED: (DRAFT,), PAID: (ISSUED,), CREDITED: (ISSUED, PAID)}
    if status not in allowed.get(to, ()):
        raise RuleViolation(f"A {status} invoice cannot become {to}.")


# --- F4: exports for Xero's sales invoice import ---------------------------------------------------------
# Xero's import takes a CSV file of one row per invoice line (an invoice's lines together, its number on each)
# and refuses a file of more than 500 rows. An export takes the issued invoices and credit notes not exported yet
# (of one month of issue, if chosen), marks each with the export, and gives them as files of at most 500 rows,
# an invoice never split between two files. An export can be downloaded again on purpose (recorded): that is the
# only way an invoice number goes to Xero a second time.
XERO_ROWS_PER_FILE = 500


def xero_files(invoices, limit: int = XERO_ROWS_PER_FILE) -> list[list]:
    """F4: (invoice, number of lines) pairs, in the order they go to Xero, as files of at most `limit` rows (one row
    a line), each invoice wholly in one file; an invoice of more lines than that (Xero cannot take it in one file
    either) is a file on its own."""
    files: list[list] = []
    rows = limit  # no file open yet
    for invoice, lines in invoices:
        if not files or rows + lines > limit:
            files.append([])
            rows = 0
        files[-1].append(invoice)
        rows += lines
    return files


def check_something_to_export(count: int, issued_in) -> None:
    """F4: an export takes at least one invoice not exported before; an empty file is refused, not recorded."""
    if count == 0:
        month = f" issued in {issued_in:%B %Y}" if issued_in else ""
        raise RuleViolation(f"Every issued invoice and credit note{month} has been exported to Xero already: "
                            "download an earlier export again to send the same numbers once more.", rule="F4")
