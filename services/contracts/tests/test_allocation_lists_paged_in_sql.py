"""The allocation lists are paged in SQL (issue 16): a page followed by its cursor goes on where the first stopped
(no row twice, none missed), in the order the list always had, with the same rows as the whole list read at once."""
from __future__ import annotations

from hubkit.testing import follow_pages_in_sql

from test_allocation import alloc  # noqa: F401


def _two_at_a_time(alloc, path: str, table: str, headers=None, **query) -> list[dict]:
    headers = headers or alloc.headers
    pages = follow_pages_in_sql(alloc.app, alloc.client, path, table, headers=headers, limit=2, **query)
    rows = [row for page in pages for row in page]
    assert rows == alloc.client.get(path, headers=headers, query_string=query).get_json()
    assert len(pages) > 1
    return rows


def test_allocation_rounds_page_newest_first_of_every_status_or_one(alloc):
    opened = [alloc.round()["round"] for _ in range(5)]
    for rnd in opened[1::2]:  # two rounds move on to expressions of interest
        alloc.ready(rnd["id"])
        alloc.call("POST", f"/allocation-rounds/{rnd['id']}/eois/opening")
    newest_first = [r["id"] for r in sorted(opened, key=lambda r: (r["created_at"], r["id"]), reverse=True)]
    rows = _two_at_a_time(alloc, "/allocation-rounds", "allocation_round")
    assert [row["id"] for row in rows] == newest_first
    declaring = _two_at_a_time(alloc, "/allocation-rounds", "allocation_round", status="declarations")
    assert [row["id"] for row in declaring] == [rid for rid in newest_first if rid not in {
        r["id"] for r in opened[1::2]}]
    assert {row["status"] for row in alloc.call("GET", "/allocation-rounds?status=eois_open")} == {"eois_open"}
    assert alloc.call("GET", "/allocation-rounds?status=decided") == []


def test_a_members_invitations_page_newest_first_each_with_its_round_and_what_it_may_do(alloc):
    north = alloc.capable("Northfield Advice Centre")
    alloc.capable("Eastside Youth Trust")
    rounds = [alloc.round()["round"] for _ in range(3)]
    alloc.declare(rounds[0]["id"], north)
    as_north = alloc.member_headers(north)
    rows = _two_at_a_time(alloc, "/allocation/invitations", "allocation_invitation", headers=as_north)
    assert [row["round"]["id"] for row in rows] == [r["id"] for r in reversed(rounds)]
    assert {row["invitation"]["organisation_id"] for row in rows} == {north}
    assert [row["declaration"] is not None for row in rows] == [False, False, True]
    assert [row["may_express_interest"] for row in rows] == [False, False, False]  # C4: not open for EOIs yet
    assert rows[0] | {"invitation": None} == alloc.call(
        "GET", f"/allocation/invitations/{rounds[2]['id']}", headers=as_north) | {"invitation": None}


def test_a_users_panels_page_newest_round_first(alloc):
    rounds = [alloc.round()["round"] for _ in range(3)]
    seats = [alloc.panel(rnd["id"])[1] for rnd in rounds]  # Sam Staff, user u-sam, on each round's panel
    as_sam = alloc.user_headers(("consortium_manager",), "u-sam")
    rows = _two_at_a_time(alloc, "/allocation/panels", "allocation_panel_member", headers=as_sam)
    assert [(row["round"]["id"], row["panel_member"]["id"]) for row in rows] == [
        (rnd["id"], seat["id"]) for rnd, seat in reversed(list(zip(rounds, seats)))]
    assert alloc.call("GET", "/allocation/panels", headers=alloc.user_headers(("consortium_manager",), "u-nobody")) \
        == []


def test_m2_the_capability_copy_pages_latest_changed_first(alloc):
    orgs = [alloc.capable(name) for name in ("Northfield Advice Centre", "Eastside Youth Trust", "Aire Valley CIC")]
    alloc.capability(orgs[0], "Northfield Advice Centre", categories=("housing",))  # changed last
    rows = _two_at_a_time(alloc, "/allocation/capabilities", "member_capability")
    assert [row["id"] for row in rows] == [row["id"] for row in sorted(
        rows, key=lambda row: (row["updated_at"], row["id"]), reverse=True)]
    assert {row["id"] for row in rows} == set(orgs) and rows[0]["id"] == orgs[0]
    assert rows[0]["service_categories"] == ["housing"]


def test_a_bids_partner_candidates_page_by_name_and_are_those_the_rule_accepts(alloc):
    from contracts.domain.bids import partner_refusal

    members = {name: (status, eligible, alloc.member(name, status=status, eligible=eligible))
               for name, status, eligible in (
                   ("Wharfedale Trust", "active", True), ("Aire Valley CIC", "active", True),
                   ("Nidd Gorge Trust", "active", True), ("Applicant Trust", "applicant", True),
                   ("Uninsured Trust", "active", False), ("Calder Carers", "active", True),
                   ("Lapsed Group", "lapsed", True))}
    rows = _two_at_a_time(alloc, "/bids/partner-candidates", "member_organisation")
    assert [row["name"] for row in rows] == sorted(
        name for name, (status, eligible, _) in members.items() if partner_refusal(status, eligible, name) is None)
    assert [row["name"] for row in rows] == ["Aire Valley CIC", "Calder Carers", "Nidd Gorge Trust", "Wharfedale Trust"]
