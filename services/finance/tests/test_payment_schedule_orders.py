"""The payments page's list of payment schedules (issue 14 item 7): by payee A to Z (the default), newest start
first or largest value first, paged in SQL with a cursor that stays in its order; an order not offered is 422."""
from __future__ import annotations

from hubkit.testing import follow_pages

from money_fixtures import mh  # noqa: F401


def _walk(mh, headers=None, **query) -> list[dict]:
    """Every schedule of the list, one a page (each page a cursor's next)."""
    return [row for page in follow_pages(mh.client, "/payments/subcontracts", headers=headers or mh.finance,
                                         limit=1, **query) for row in page]


def _schedules(mh) -> list[dict]:
    made = []
    for name, starts_on, value in (("Wharfedale Carers", "2026-04-01", 5_000_000),
                                   ("Airedale Advice", "2027-01-01", 9_000_000),
                                   ("Calder Food Bank", "2026-09-01", 1_000_000),
                                   ("Airedale Advice", "2025-04-01", 3_000_000)):
        made.append(mh.issue(mh.subcontract_data(name=name, value_pence=value) | {"starts_on": starts_on}))
    return made


def test_payment_schedules_are_sorted_and_paged_in_each_order_the_page_offers(mh):
    _schedules(mh)
    by_payee = _walk(mh)
    assert [(s["organisation_name"], s["starts_on"]) for s in by_payee] == [
        ("Airedale Advice", "2025-04-01"), ("Airedale Advice", "2027-01-01"), ("Calder Food Bank", "2026-09-01"),
        ("Wharfedale Carers", "2026-04-01")]
    assert _walk(mh, sort="payee") == by_payee
    assert [s["starts_on"] for s in _walk(mh, sort="newest")] == ["2027-01-01", "2026-09-01", "2026-04-01",
                                                                    "2025-04-01"]
    assert [s["value_pence"] for s in _walk(mh, sort="value")] == [9_000_000, 5_000_000, 3_000_000, 1_000_000]
    everything = mh.call("GET", "/payments/subcontracts?sort=value")
    assert [s["value_pence"] for s in everything] == [9_000_000, 5_000_000, 3_000_000, 1_000_000]


def test_a_cursor_goes_on_in_its_own_order_and_is_refused_in_another(mh):
    _schedules(mh)
    first = mh.client.get("/payments/subcontracts?sort=newest&limit=2", headers=mh.finance)
    assert [s["starts_on"] for s in first.get_json()] == ["2027-01-01", "2026-09-01"]
    cursor = first.headers["X-Next-Cursor"]
    following = mh.client.get(f"/payments/subcontracts?sort=newest&limit=2&cursor={cursor}", headers=mh.finance)
    assert [s["starts_on"] for s in following.get_json()] == ["2026-04-01", "2025-04-01"]
    assert "X-Next-Cursor" not in following.headers and following.headers["X-Prev-Cursor"]
    refused = mh.client.get(f"/payments/subcontracts?sort=value&limit=2&cursor={cursor}", headers=mh.finance)
    assert refused.status_code == 422 and "cursor" in refused.get_data(as_text=True)


def test_an_order_the_list_does_not_offer_is_refused(mh):
    refused = mh.client.get("/payments/subcontracts?sort=due_on", headers=mh.finance)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert list(refused.get_json()["errors"]) == ["sort"]
    document = mh.client.get("/openapi.json").get_json()
    [sort] = [p for p in document["paths"]["/payments/subcontracts"]["get"]["parameters"] if p["name"] == "sort"]
    assert sort["schema"]["enum"] == ["payee", "newest", "value"] and sort["schema"]["default"] == "payee"


def test_member_staff_page_their_own_schedules_in_any_order(mh):
    made = _schedules(mh)
    theirs = mh.issue(mh.subcontract_data(organisation_id=mh.org_b, name="Another Trust", value_pence=99_000_000))
    for sort in ("payee", "newest", "value"):
        seen = _walk(mh, mh.member_a, sort=sort)
        assert len(seen) == len(made) and theirs["subcontract_id"] not in {s["subcontract_id"] for s in seen}
