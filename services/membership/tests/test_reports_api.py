"""Capability search (M2) and the membership reports (M2, M3) through the API."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit import clock
from hubkit.db import Tenant
from hubkit.testing import make_principal
from hubkit.unit_of_work import UnitOfWork
from membership.service_layer.eligibility import review_all

from .test_joining import CONSORTIUM, MANAGER, activate, register

OTHER = make_principal(("consortium_manager",))


def test_m2_capability_search_finds_only_active_eligible_members_who_deliver_there(app, client, sign):
    manager = {"Authorization": sign(MANAGER, "membership")}
    area = f"Town {uuid.uuid4().hex[:5]}"
    able = activate(app, client, manager, service_categories=["carers"], areas_served=[area])
    register(client, manager, service_categories=["carers"], areas_served=[area])  # an applicant: not yet
    elsewhere = activate(app, client, manager, service_categories=["carers"], areas_served=["Elsewhere"])
    found = client.get(f"/capability/search?service_category=carers&area={area.lower()}", headers=manager).get_json()
    assert [o["id"] for o in found] == [able["id"]] and elsewhere["id"] not in {o["id"] for o in found}

    # Once its insurance has expired it is no longer offered new work.
    with UnitOfWork(app.extensions["hubkit.db"], Tenant(CONSORTIUM), actor="system:test", service="membership") as uow:
        review_all(uow, clock.today() + dt.timedelta(days=301))
    assert client.get(f"/capability/search?service_category=carers&area={area}", headers=manager).get_json() == []
    missing = client.get("/capability/search?area=Leeds", headers=manager)
    assert missing.status_code == 422 and "service_category" in missing.get_json()["errors"]


def test_m2_gap_report_and_m3_diversity_report_answer_for_the_consortium_only(app, client, sign):
    manager = {"Authorization": sign(OTHER, "membership")}
    gaps = client.get("/reports/gaps?threshold=1", headers=manager).get_json()
    assert gaps["threshold"] == 1 and len(gaps["gap_categories"]) == len(gaps["categories"])  # nobody yet
    diversity = client.get("/reports/diversity", headers=manager).get_json()
    assert diversity["active_members"] == 0 and len(diversity["over_time"]) == 5
    member_user = {"Authorization": sign(make_principal(("member_user",), organisation_id=uuid.uuid4()),
                                         "membership")}
    assert client.get("/reports/gaps", headers=member_user).status_code == 403


def test_the_catalogue_gives_every_list_with_labels_in_the_order_to_show_it(client, sign):
    body = client.get("/catalogue", headers={"Authorization": sign(MANAGER, "membership")}).get_json()
    as_dict = {name: {c["key"]: c["label"] for c in choices} for name, choices in body.items()}
    assert as_dict["diversity_characteristics"]["bme_led"] == "BME-led"
    assert as_dict["legal_forms"]["cio"] == "Charitable incorporated organisation"
    assert [c["key"] for c in body["legal_forms"]] == ["charity", "cio", "charitable_company", "cic",
                                                      "community_benefit_society", "unincorporated_association",
                                                      "other"]
    assert [c["key"] for c in body["income_bands"]] == ["under_10k", "10k_100k", "100k_1m", "1m_10m", "over_10m"]
    labels = [c["label"] for c in body["service_categories"]]
    assert labels == sorted(labels, key=str.casefold)
    kinds = [c["key"] for c in body["document_kinds"]]
    assert kinds[0] == "governing_document" and kinds[-2:] == ["quality_mark", "other"]
    assert as_dict["document_kinds"]["public_liability"] == "Public liability insurance"
