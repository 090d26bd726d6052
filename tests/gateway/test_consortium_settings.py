"""The host admin's consortium settings (issue 13, item 1): the display name and logo text a consortium's people see
in the page header, and F1's variation threshold's owner, which finance keeps (the gateway asks finance's API, last,
so a refusal leaves nothing half changed). Every change is one audit row with the settings before and after."""
from __future__ import annotations

import uuid

import pytest
from gateway_helpers import THROWAWAY_PASSWORD, csrf_token_from
from sqlalchemy import select

from gateway import accounts, administration
from gateway.adapters.orm import AuditEntryRow, ConsortiumRow, UserRow
from gateway.domain.administration import Administrator, NotAllowed, VariationThreshold
from gateway.demo import DEMO_PASSWORD
from gateway.domain.users import DEFAULT_LOGO_TEXT

HOST = Administrator.host_command("cli:test-settings")
FINANCE_OWNS = VariationThreshold("finance_officer", 500_000)


class FinanceRefused(Exception):
    pass


@pytest.fixture
def consortium(gateway_db):
    slug = f"settings-{uuid.uuid4().hex[:8]}"
    with gateway_db.session() as session:
        made = accounts.create_consortium(session, "Hillside Voluntary Action Consortium", slug, actor="test:settings")
        accounts.create_user(session, username=slug, password=THROWAWAY_PASSWORD, consortium_id=made.id,
                             roles={"board_member"}, actor="test:settings")
    return made


def audit_rows(gateway_db, consortium_id) -> list[AuditEntryRow]:
    with gateway_db.session() as session:
        return list(session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.entity == "consortium", AuditEntryRow.entity_id == str(consortium_id),
            AuditEntryRow.action == "consortium.settings_changed").order_by(AuditEntryRow.id)))


def user_id_of(session, username: str):
    return session.scalar(select(UserRow.id).where(UserRow.username == username))


def change(gateway_db, consortium, admin=HOST, **kwargs):
    with gateway_db.session() as session:
        return administration.change_settings(session, admin, consortium.id, **(
            {"display_name": "", "logo_text": ""} | kwargs))


def test_the_header_shows_the_consortiums_display_name_and_logo_text_once_set(gateway_db, consortium):
    with gateway_db.session() as session:
        person = accounts.find_user(session, user_id_of(session, consortium.slug))
    assert person.consortium_display_name == consortium.name and person.consortium_logo_text == DEFAULT_LOGO_TEXT
    changed = change(gateway_db, consortium, display_name="  Hillside Together ", logo_text="HVA Hub")
    assert changed.shown_name == "Hillside Together" and changed.shown_logo_text == "HVA Hub"
    with gateway_db.session() as session:
        person = accounts.find_user(session, user_id_of(session, consortium.slug))
        assert session.get(ConsortiumRow, consortium.id).name == consortium.name  # the name itself stays
    assert person.consortium_display_name == "Hillside Together" and person.consortium_logo_text == "HVA Hub"
    [row] = audit_rows(gateway_db, consortium.id)
    assert row.actor == "cli:test-settings" and row.consortium_id == consortium.id
    assert row.before == {"display_name": None, "logo_text": None}
    assert row.after == {"display_name": "Hillside Together", "logo_text": "HVA Hub"}
    change(gateway_db, consortium, display_name="Hillside Together", logo_text="HVA Hub")  # no change: no row
    assert len(audit_rows(gateway_db, consortium.id)) == 1
    cleared = change(gateway_db, consortium)  # blank: back to the defaults
    assert cleared.shown_name == consortium.name and cleared.shown_logo_text == DEFAULT_LOGO_TEXT


def test_only_a_host_admin_changes_settings_and_bad_fields_are_named(gateway_db, consortium):
    manager = Administrator(uuid.uuid4(), consortium.id, frozenset({"consortium_manager"}))
    with pytest.raises(NotAllowed):
        change(gateway_db, consortium, manager, display_name="Ours now")
    with pytest.raises(administration.FormProblems) as refused:
        change(gateway_db, consortium, display_name="x" * 81, logo_text="y" * 41,
               threshold=VariationThreshold("the_treasurer", 1), threshold_before=FINANCE_OWNS)
    assert set(refused.value.problems) == {"display_name", "logo_text", "threshold_owner"}
    assert audit_rows(gateway_db, consortium.id) == []


def test_f1_the_thresholds_owner_is_set_through_finance_last_and_audited(gateway_db, consortium):
    asked = []
    host_owns = VariationThreshold("host_admin", 250_000)
    change(gateway_db, consortium, display_name="Hillside Together", threshold=host_owns,
           threshold_before=FINANCE_OWNS, set_threshold=asked.append)
    assert asked == [host_owns]
    [row] = audit_rows(gateway_db, consortium.id)
    assert row.before["variation_threshold_owner"] == "finance_officer" and row.before["variation_threshold_pence"] == \
        500_000
    assert row.after["variation_threshold_owner"] == "host_admin" and row.after["variation_threshold_pence"] == 250_000
    change(gateway_db, consortium, display_name="Hillside Together", threshold=host_owns, threshold_before=host_owns,
           set_threshold=asked.append)
    assert asked == [host_owns]  # unchanged: finance is not asked


def test_f1_when_finance_refuses_nothing_is_changed_or_audited(gateway_db, consortium):
    def refuse(_threshold):
        raise FinanceRefused()

    with pytest.raises(FinanceRefused):
        change(gateway_db, consortium, display_name="Half Done", threshold=VariationThreshold("host_admin", 1),
               threshold_before=FINANCE_OWNS, set_threshold=refuse)
    with gateway_db.session() as session:
        assert session.get(ConsortiumRow, consortium.id).display_name is None
    assert audit_rows(gateway_db, consortium.id) == []


# --- the page (the host admin's, with finance faked) -----------------------------------------------------------------

def signed_in(app, username: str, password: str = DEMO_PASSWORD):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}).status_code == 302
    return client


def post_settings(client, consortium_id, **fields):
    path = f"/consortia/{consortium_id}/settings"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "display_name": "", "logo_text": "",
                                   "threshold_owner": "finance_officer", "threshold": ""} | fields)


def test_the_settings_page_saves_the_header_and_f1_owner_and_the_consortiums_people_see_them(
        app, consortium, fake_services, gateway_db):
    admin = signed_in(app, "admin")
    page = admin.get(f"/consortia/{consortium.id}/settings")
    assert page.status_code == 200 and "The threshold is £5,000.00 now" in page.get_data(as_text=True)
    refused = post_settings(admin, consortium.id, logo_text="y" * 41, threshold_owner="host_admin", threshold="lots")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "The logo text must be 40 characters or fewer" in text and "Enter the threshold in pounds" in text
    saved = post_settings(admin, consortium.id, display_name="Hillside Together", logo_text="HVA Hub",
                          threshold_owner="host_admin", threshold="2,500")
    assert saved.status_code == 302
    assert fake_services.last_call("finance", "PUT", "/money/settings/variation-threshold")["json"] == {
        "variation_threshold_owner": "host_admin", "variation_threshold_pence": 250_000}
    assert "The settings of Hillside Voluntary Action Consortium are saved" in admin.get(
        saved.headers["Location"]).get_data(as_text=True)
    [row] = audit_rows(gateway_db, consortium.id)
    assert row.after["variation_threshold_owner"] == "host_admin" and row.after["logo_text"] == "HVA Hub"
    trail = admin.get("/admin/audit", query_string={"action": "consortium.settings_changed"}).get_data(as_text=True)
    assert "Finance officer → Host administrator" in trail and "£5,000.00 → £2,500.00" in trail  # in words
    home = signed_in(app, consortium.slug, THROWAWAY_PASSWORD).get("/").get_data(as_text=True)
    assert '<span class="hub-logo">HVA Hub</span>' in home and "Hillside Together" in home
    assert '<span class="hub-logo">Consortium Hub</span>' in admin.get("/").get_data(as_text=True)  # not theirs


def test_the_settings_page_is_the_host_admins_alone(app):
    from gateway.demo import DEMO_CONSORTIUM_ID

    manager = signed_in(app, "manager")
    assert manager.get(f"/consortia/{DEMO_CONSORTIUM_ID}/settings").status_code == 403
    assert "variation threshold" not in manager.get(f"/consortia/{DEMO_CONSORTIUM_ID}").get_data(as_text=True)
    assert signed_in(app, "admin").get(f"/consortia/{uuid.uuid4()}/settings").status_code == 404


def test_when_finance_refuses_the_page_says_so_and_nothing_is_saved(app, consortium, fake_services, gateway_db):
    admin = signed_in(app, "admin")
    fake_services.refuse_variation_threshold = "The variation threshold (F1) is set by the finance officer."
    try:
        refused = post_settings(admin, consortium.id, display_name="Half Done", threshold_owner="host_admin",
                                threshold="1")
    finally:
        fake_services.refuse_variation_threshold = None
    assert refused.status_code == 409 and "set by the finance officer" in refused.get_data(as_text=True)
    with gateway_db.session() as session:
        assert session.get(ConsortiumRow, consortium.id).display_name is None
    assert audit_rows(gateway_db, consortium.id) == []
