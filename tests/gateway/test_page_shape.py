"""One shape for the gateway's pages (issue 14 item 9): every area's sub-navigation is the one macro in
common/_subnav.html, styled by classes that exist, with the page open now marked."""
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template_string

import gateway
from gateway import pages

GATEWAY = Path(gateway.__file__).parent
SUBNAV_CLASSES = {"hub-subnav", "hub-subnav__list", "hub-subnav__item"}


def _nav_templates() -> list[Path]:
    """Each area's sub-navigation: templates/<area>/_nav.html (the members area's is _members_nav.html)."""
    return sorted(path for folder in pages.template_folders() for path in Path(folder).glob("*/_*nav.html")
                  if path.name != "_subnav.html")


def _render(app, path: str, template: str, **context) -> str:
    with app.test_request_context(path):
        return render_template_string(f'{{% include "{template}" %}}', **context)


def test_every_areas_sub_navigation_is_the_one_macro():
    navs = _nav_templates()
    assert {path.parent.name for path in navs} >= {"governance", "membership", "money", "time"}
    for path in navs:
        text = path.read_text()
        assert 'import subnav' in text and "<nav" not in text, f"{path.name} of {path.parent.name} is its own"
    layouts = [path for folder in pages.template_folders() for path in Path(folder).rglob("*.html")
               if path.name != "_subnav.html"]
    assert not [path for path in layouts if 'class="hub-subnav"' in path.read_text()]


def test_the_sub_navigations_classes_exist_in_the_stylesheet():
    """Governance's sub-navigation once used a class the stylesheet did not have."""
    css = (GATEWAY / "static" / "hub.css").read_text()
    macro = (GATEWAY / "pages" / "common" / "templates" / "common" / "_subnav.html").read_text()
    used = {name for names in re.findall(r'class="([^"]+)"', macro) for name in names.split()}
    assert used - {"govuk-list", "govuk-link"} == SUBNAV_CLASSES
    assert all(f".{name}" in css for name in SUBNAV_CLASSES)


def test_governance_marks_the_page_open_now(app):
    html = _render(app, "/governance/decisions-log", "governance/_nav.html")
    assert '<nav class="hub-subnav" aria-label="Governance">' in html
    current = re.findall(r'<a class="govuk-link" href="([^"]+)" aria-current="page">([^<]+)</a>', html)
    assert current == [("/governance/decisions-log", "Decisions log")]
    assert "hub-inline-list" not in html


@pytest.mark.parametrize("roles, shown, hidden", [
    (dict(can_approve=False, sees_money=False, can_keep=False), ["My timesheet", "Cost codes"],
     ["Approvals", "Staff and rates", "Recharge invoices", "Subsidy report", "Close a month"]),
    (dict(can_approve=True, sees_money=True, can_keep=True),
     ["My timesheet", "Approvals", "Staff and rates", "Cost codes", "Recharge invoices", "Subsidy report",
      "Close a month"], []),
])
def test_an_item_is_shown_only_to_whom_it_is_for(app, roles, shown, hidden):
    html = _render(app, "/time/approvals", "time/_nav.html", current_user=SimpleNamespace(roles=set()), **roles)
    labels = re.findall(r'<a class="govuk-link" href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', html)
    assert [label for label in labels if label in shown] == shown and not set(labels) & set(hidden)
    assert ('aria-current="page">Approvals<' in html) == roles["can_approve"]
