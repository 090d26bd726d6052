"""The membership reports as plain calculations: capability gaps (M2) and diversity (M3)."""
import datetime as dt

from membership.domain.reports import MemberSnapshot, diversity, gaps


def member(status="active", categories=(), areas=(), traits=(), since=None, until=None):
    return MemberSnapshot(status, tuple(categories), tuple(areas), tuple(traits), since, until)


def test_m2_gap_report_counts_active_members_per_category_and_area_fewest_first():
    report = gaps([member(categories=["advice", "youth"], areas=["Leeds", "leeds "]),
                   member(categories=["advice"], areas=["Bradford"]),
                   member(status="applicant", categories=["housing"], areas=["Wakefield"])], threshold=2)
    by_key = {row["key"]: row["members"] for row in report["categories"]}
    assert by_key["advice"] == 2 and by_key["youth"] == 1 and by_key["housing"] == 0  # applicants do not count
    assert "advice" not in report["gap_categories"] and {"youth", "housing"} <= set(report["gap_categories"])
    assert report["areas"] == [{"area": "Bradford", "members": 1}, {"area": "Leeds", "members": 1}]
    assert report["categories"][0]["members"] == 0  # fewest first


def test_m3_diversity_counts_declared_characteristics_with_shares_by_area_and_over_time():
    members = [member(traits=["bme_led", "women_led"], areas=["Leeds"], since=dt.date(2024, 3, 1)),
               member(traits=["rural"], areas=["Craven"], since=dt.date(2025, 6, 1)),
               member(status="withdrawn", traits=["bme_led"], areas=["Leeds"], since=dt.date(2023, 1, 1),
                      until=dt.date(2025, 2, 1))]
    report = diversity(members, years=[2023, 2024, 2025])
    shares = {row["key"]: (row["count"], row["share_percent"]) for row in report["characteristics"]}
    assert report["active_members"] == 2 and shares["bme_led"] == (1, 50.0) and shares["disability_led"] == (0, 0.0)
    assert {row["area"]: row["total"] for row in report["by_area"]} == {"Craven": 1, "Leeds": 1}
    assert [(y["year"], y["active_members"], y["characteristics"].get("bme_led", 0)) for y in report["over_time"]] \
        == [(2023, 1, 1), (2024, 2, 2), (2025, 2, 1)]
