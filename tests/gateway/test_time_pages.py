"""Shared-staff time pages over a fake finance: the approvals queue a page at a time (issue 16)."""
from __future__ import annotations

import uuid


def waiting_week(name: str) -> dict:
    return {"id": str(uuid.uuid4()), "staff_name": name, "week_starting": "2030-01-07", "total_minutes": 450,
            "chargeable_minutes": 300, "submitted_at": "2030-01-12T17:00:00+00:00"}


def test_the_approvals_queue_shows_one_page_at_a_time(logged_in, fake_services):
    """Thousands of weeks can wait at a month's start: the page reads the page its cursor names, not the whole queue."""
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [waiting_week("Ada Lovelace")], {
        "X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    page = logged_in("finance").get("/time/approvals?cursor=HERE").get_data(as_text=True)
    assert "Ada Lovelace" in page
    assert fake_services.last_call("finance", "GET", "/timesheets")["query"] == {"status": "submitted",
                                                                                 "cursor": "HERE"}
    assert len([c for c in fake_services.calls if c["path"] == "/timesheets"]) == 1  # the next page is not fetched
    assert 'href="/time/approvals?cursor=NEXT"' in page and 'href="/time/approvals?cursor=PREV"' in page


def test_an_approvals_queue_on_one_page_has_no_page_links(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [waiting_week("Grace Hopper")])
    page = logged_in("finance").get("/time/approvals").get_data(as_text=True)
    assert "Grace Hopper" in page and "cursor=" not in page
