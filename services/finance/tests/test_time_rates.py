"""Full-cost rates (F3) through the API: worked out exactly, kept as history, money never a float."""
from __future__ import annotations


from hubkit.testing import follow_pages
from time_fixtures import th  # noqa: F401


def test_f3_a_rate_is_worked_out_from_salary_on_costs_overheads_and_productive_hours_with_history(th):
    staff = th.staff()
    first = th.rate(staff["id"])
    assert first["hourly_rate_pence"] == 3000 and first["full_cost_pence"] == 4_500_000
    assert first["on_costs_percent"] == "20.000" and first["productive_hours"] == "1500.00"
    th.rate(staff["id"], effective_from="2026-04-01", salary_pence=3_200_000)
    history = th.call("GET", f"/staff/{staff['id']}/rates")
    assert [r["hourly_rate_pence"] for r in history] == [3000, 3200]
    th.rate(staff["id"], effective_from="2026-04-01", status=409)  # one rate per start date
    listed = th.call("GET", f"/staff/{staff['id']}")
    assert listed["current_rate_pence"] == 3200


def test_f4_money_as_a_float_is_refused(th):
    staff = th.staff()
    response = th.rate(staff["id"], salary_pence=3_000_000.5, status=422)
    assert "salary_pence" in response["errors"]
    response = th.rate(staff["id"], salary_pence=3_000_000.0, status=422)
    assert "salary_pence" in response["errors"]


def test_f3_rates_are_set_by_the_finance_officer_and_hidden_from_member_staff(th):
    staff = th.staff()
    response = th.client.post(f"/staff/{staff['id']}/rates", json={
        "effective_from": "2026-01-01", "salary_pence": 1, "on_costs_percent": "0", "overhead_percent": "0",
        "productive_hours": "1500"}, headers=th.manager)
    assert response.status_code == 403
    th.call("GET", f"/staff/{staff['id']}/rates", headers=th.person(staff), status=403)
    response = th.rate(staff["id"], on_costs_pence=100, status=422)
    assert "on_costs_percent" in response["errors"]
    th.rate(staff["id"], productive_hours="0", status=422)


def test_the_staff_list_comes_in_pages_by_name_in_sql(th):
    names = ["Zara Ali", "Ben Okafor", "Mia Chen", "Ada Byrne", "Leo Price"]
    for name in names:
        th.staff(name=name)
    pages = follow_pages(th.client, "/staff", headers=th.finance, limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [row["name"] for page in pages for row in page] == sorted(names)
    codes = th.client.get("/cost-codes", headers=th.finance)
    assert "X-Next-Cursor" not in codes.headers  # a short list: the default limit holds it all


def test_f3_salaries_and_rates_are_read_by_the_finance_officer_alone(th):
    """Issue 11, item 6: a person's salary and the rate worked out from it are for the finance officer, who sets
    them; the consortium manager, board members and the person's own organisation see the staff but not the money."""
    staff = th.staff()
    th.rate(staff["id"])
    assert th.call("GET", f"/staff/{staff['id']}")["current_rate_pence"] == 3000
    assert th.call("GET", f"/staff/{staff['id']}/rates")[0]["salary_pence"] == 3_000_000
    for roles in (("consortium_manager",), ("board_member",), ("host_admin",)):
        headers = th.as_(roles)
        th.call("GET", f"/staff/{staff['id']}/rates", headers=headers, status=403)
        listed = th.call("GET", f"/staff/{staff['id']}", headers=headers)
        assert listed["name"] == staff["name"] and listed["current_rate_pence"] is None
        assert all(row["current_rate_pence"] is None for row in th.call("GET", "/staff", headers=headers))
    own = th.person(staff)
    th.call("GET", f"/staff/{staff['id']}/rates", headers=own, status=403)
    assert th.call("GET", "/staff/me", headers=own)["current_rate_pence"] is None
