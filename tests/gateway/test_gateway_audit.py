"""The gateway's audit trail on PostgreSQL: each change to a consortium or user writes exactly one row naming who,
in the change's own transaction, with before and after and never a password or hash; /admin/audit for the host admin."""
from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from gateway_helpers import THROWAWAY_PASSWORD, Browser

from gateway import accounts
from gateway.adapters.orm import AuditEntryRow
from gateway.adapters.repository import AuditTrail, UserRepository
from gateway.demo import DEMO_CONSORTIUM_ID
from gateway.domain import audit
from gateway.domain.passwords import WeakPassword
from gateway.domain.users import UserRuleBroken
from gateway.manage import main as manage

NEW_PASSWORD = "a-fresh-audited-passphrase"


def _actor() -> str:
    """A unique actor per test, so its rows can be counted exactly while other tests write theirs."""
    return f"test:{uuid.uuid4().hex[:12]}"


def rows_by(gateway_db, actor: str) -> list[AuditEntryRow]:
    with gateway_db.session() as session:
        return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.actor == actor)
                                    .order_by(AuditEntryRow.id)))


def rows_about(gateway_db, user_id) -> list[AuditEntryRow]:
    with gateway_db.session() as session:
        return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.entity == "user",
                                                                AuditEntryRow.entity_id == str(user_id))
                                    .order_by(AuditEntryRow.id)))


def entries_table(html: str) -> str:
    """The page's table of entries (the action names also appear in the filter's list)."""
    return html.split('id="audit-entries"', 1)[1]


def stored_hash(gateway_db, username: str) -> str:
    with gateway_db.session() as session:
        return UserRepository(session).row(username).password_hash


def assert_no_secrets(row: AuditEntryRow, *secrets: str) -> None:
    text = json.dumps({column: str(getattr(row, column)) for column in
                       ("actor", "action", "entity", "entity_id", "request_id")} | {"before": row.before,
                                                                                    "after": row.after})
    assert "$argon2" not in text and "password_hash" not in text
    for secret in secrets:
        assert secret not in text


def user_id_of(gateway_db, username: str) -> uuid.UUID:
    with gateway_db.session() as session:
        return UserRepository(session).by_username(username).id


def test_creating_a_consortium_and_a_user_each_write_one_row_with_the_actor_and_no_password(gateway_db):
    actor, username, password = _actor(), f"audited-{uuid.uuid4().hex[:8]}", "a-new-users-passphrase"
    with gateway_db.session() as session:
        consortium = accounts.create_consortium(session, "Audited Consortium", f"audited-{uuid.uuid4().hex[:8]}",
                                                actor=actor)
        user = accounts.create_user(session, username=username, password=password, consortium_id=consortium.id,
                                    roles={"finance_officer", "board_member"}, display_name="Ann Audit",
                                    email="ann@example.org", actor=actor)
    made_consortium, made_user = rows_by(gateway_db, actor)
    assert (made_consortium.action, made_consortium.entity, made_consortium.entity_id) == (
        "consortium.created", "consortium", str(consortium.id))
    assert made_consortium.before is None and made_consortium.after == {"name": "Audited Consortium",
                                                                       "slug": consortium.slug}
    assert (made_user.action, made_user.entity, made_user.entity_id, made_user.consortium_id) == (
        "user.created", "user", str(user.id), consortium.id)
    assert made_user.before is None
    assert made_user.after == {"username": username, "display_name": "Ann Audit", "email": "ann@example.org",
                               "consortium_id": str(consortium.id), "organisation_id": None,
                               "roles": ["board_member", "finance_officer"], "active": True}
    assert made_user.at.tzinfo is not None and made_user.at >= made_consortium.at
    assert_no_secrets(made_user, password, stored_hash(gateway_db, username))


def test_a_password_change_records_only_that_it_changed(gateway_db, throwaway_user):
    actor, username = _actor(), throwaway_user()
    old_hash = stored_hash(gateway_db, username)
    with gateway_db.session() as session:
        accounts.set_password(session, username, NEW_PASSWORD, actor=actor)
    [row] = rows_by(gateway_db, actor)
    assert (row.action, row.entity_id) == ("user.password_changed", str(user_id_of(gateway_db, username)))
    assert row.before == {"password": "set"}
    assert row.after == {"password": "changed", "browser_sessions_ended": 0}
    assert_no_secrets(row, NEW_PASSWORD, THROWAWAY_PASSWORD, old_hash, stored_hash(gateway_db, username))


def test_deactivating_records_active_before_and_after(gateway_db, throwaway_user):
    actor, username = _actor(), throwaway_user()
    with gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor=actor)
        accounts.deactivate_user(session, username, actor=actor)  # already inactive: nothing changes, nothing recorded
    [row] = rows_by(gateway_db, actor)
    assert row.action == "user.deactivated"
    assert row.before["active"] is True and row.after["active"] is False
    assert row.before["username"] == row.after["username"] == username
    assert_no_secrets(row, THROWAWAY_PASSWORD, stored_hash(gateway_db, username))


def test_changing_roles_records_the_roles_before_and_after(gateway_db, throwaway_user):
    actor, username = _actor(), throwaway_user()
    with gateway_db.session() as session:
        changed = accounts.set_roles(session, username, {"board_member", "consortium_manager"}, actor=actor)
        accounts.set_roles(session, username, {"board_member", "consortium_manager"}, actor=actor)  # no change
    assert changed.roles == {"board_member", "consortium_manager"}
    [row] = rows_by(gateway_db, actor)
    assert row.action == "user.roles_changed"
    assert row.before["roles"] == ["board_member"]
    assert row.after["roles"] == ["board_member", "consortium_manager"]
    assert_no_secrets(row, THROWAWAY_PASSWORD, stored_hash(gateway_db, username))


def test_linking_an_organisation_records_it(gateway_db, demo_users):
    actor, username, organisation_id = _actor(), f"member-{uuid.uuid4().hex[:8]}", uuid.uuid4()
    with gateway_db.session() as session:
        accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"member_user"}, organisation_pending=True, actor="test:setup")
    with gateway_db.session() as session:
        accounts.set_organisation(session, username, organisation_id, actor=actor)
        accounts.set_organisation(session, username, organisation_id, actor=actor)  # the same: nothing recorded
    [row] = rows_by(gateway_db, actor)
    assert row.action == "user.organisation_linked"
    assert row.before["organisation_id"] is None and row.after["organisation_id"] == str(organisation_id)


@pytest.mark.parametrize("change", ["weak password", "duplicate username", "unknown role", "weak new password",
                                    "roles break a rule", "organisation for a non-member"])
def test_a_refused_change_writes_no_row(gateway_db, throwaway_user, change):
    actor, existing = _actor(), throwaway_user()
    refusal = WeakPassword if "weak" in change else UserRuleBroken
    with pytest.raises(refusal), gateway_db.session() as session:
        if change == "weak password":
            accounts.create_user(session, username=f"weak-{uuid.uuid4().hex[:8]}", password="short",
                                 consortium_id=DEMO_CONSORTIUM_ID, roles={"board_member"}, actor=actor)
        elif change == "duplicate username":
            accounts.create_user(session, username=existing, password=NEW_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                                 roles={"board_member"}, actor=actor)
        elif change == "unknown role":
            accounts.create_user(session, username=f"odd-{uuid.uuid4().hex[:8]}", password=NEW_PASSWORD,
                                 consortium_id=DEMO_CONSORTIUM_ID, roles={"emperor"}, actor=actor)
        elif change == "weak new password":
            accounts.set_password(session, existing, "short", actor=actor)
        elif change == "roles break a rule":
            accounts.set_roles(session, existing, set(), actor=actor)
        else:
            accounts.set_organisation(session, existing, uuid.uuid4(), actor=actor)
    assert rows_by(gateway_db, actor) == []


def test_the_row_and_the_change_commit_together_or_not_at_all(gateway_db, throwaway_user):
    actor, username = _actor(), throwaway_user()
    with pytest.raises(RuntimeError), gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor=actor)
        raise RuntimeError("something later in the same transaction fails")
    assert rows_by(gateway_db, actor) == []
    with gateway_db.session() as session:
        assert UserRepository(session).by_username(username).active


def test_a_change_needs_an_actor(gateway_db, throwaway_user):
    username = throwaway_user()
    with pytest.raises(ValueError), gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor=" ")
    with gateway_db.session() as session:
        assert UserRepository(session).by_username(username).active


def test_the_trail_is_append_only(gateway_db, throwaway_user):
    user_id = user_id_of(gateway_db, throwaway_user())
    for statement in (update(AuditEntryRow).where(AuditEntryRow.entity_id == str(user_id)).values(actor="someone"),
                      delete(AuditEntryRow).where(AuditEntryRow.entity_id == str(user_id))):
        with pytest.raises(DBAPIError, match="append-only"), gateway_db.session() as session:
            session.execute(statement)
    assert [row.actor for row in rows_about(gateway_db, user_id)] == ["test:throwaway"]


def test_manage_commands_are_recorded_as_the_os_user(gateway_db, gateway_database_url, throwaway_user, monkeypatch):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    monkeypatch.setattr("getpass.getuser", lambda: "alex")
    username = throwaway_user()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{NEW_PASSWORD}\n"))
    assert manage(["set-password", username, "--password-stdin"]) == 0
    assert manage(["set-roles", username, "--role", "finance_officer"]) == 0
    assert manage(["deactivate-user", username]) == 0
    rows = rows_about(gateway_db, user_id_of(gateway_db, username))
    assert [(row.actor, row.action) for row in rows] == [
        ("test:throwaway", "user.created"), ("cli:alex", "user.password_changed"),
        ("cli:alex", "user.roles_changed"), ("cli:alex", "user.deactivated")]
    for row in rows:
        assert_no_secrets(row, NEW_PASSWORD, stored_hash(gateway_db, username))


def test_demo_users_are_created_by_the_demo_loader(gateway_db, demo_users):
    with gateway_db.session() as session:
        entries, _ = AuditTrail(session).page(about_user=UserRepository(session).by_username("manager").id,
                                              action="user.created")
    assert [entry.actor for entry in entries] == ["system:demo"]


def test_signing_in_and_out_are_recorded_as_the_user(app, gateway_db, throwaway_user):
    username = throwaway_user()
    user_id = user_id_of(gateway_db, username)
    browser = Browser(app.test_client())
    assert browser.login(username, "wrong-passphrase-entirely").status_code == 401
    assert browser.login(username, THROWAWAY_PASSWORD).status_code == 302
    browser.client.post("/logout", data={"csrf_token": browser.csrf_token()})
    rows = rows_about(gateway_db, user_id)
    assert [(row.actor, row.action) for row in rows] == [
        ("test:throwaway", "user.created"), (str(user_id), "user.signed_in"), (str(user_id), "user.signed_out")]
    assert rows[1].request_id  # ties the row to the request's log lines
    for row in rows:
        assert_no_secrets(row, THROWAWAY_PASSWORD, "wrong-passphrase-entirely", stored_hash(gateway_db, username))


# ---------------------------------------------------------------- /admin/audit

@pytest.mark.parametrize("username", ["manager", "finance", "board", "member"])
def test_audit_page_is_forbidden_to_everyone_but_the_host_admin(logged_in, username):
    response = logged_in(username).get("/admin/audit")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_audit_page_needs_a_sign_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_audit_page_lists_changes_newest_first_filtered_by_user_and_action(logged_in, gateway_db, throwaway_user):
    username = throwaway_user()
    with gateway_db.session() as session:
        accounts.set_roles(session, username, {"board_member", "finance_officer"}, actor="cli:alex")
        accounts.deactivate_user(session, username, actor="cli:alex")
    client = logged_in("admin")
    html = client.get(f"/admin/audit?user={username}").get_data(as_text=True)
    assert "3 entries matching the filters" in html
    table = entries_table(html)
    deactivated, roles, created = (table.index(label) for label in
                                   ("User deactivated", "Roles changed", "User created"))
    assert deactivated < roles < created  # newest first
    assert "Command line (alex)" in table and f"User {username}" in table
    assert "Board member → Board member, Finance officer" in table
    assert "$argon2" not in html and THROWAWAY_PASSWORD not in html
    only = client.get(f"/admin/audit?user={username}&action=user.deactivated").get_data(as_text=True)
    assert "1 entry matching the filters" in only and "Roles changed" not in entries_table(only)
    assert "The audit trail" not in only and "the audit trail" in client.get("/admin/health").get_data(as_text=True)


def test_issue_14_item_4_the_audit_page_shows_a_changes_moments_days_and_money_in_words(
        logged_in, gateway_db, throwaway_user):
    from hubkit.clock import utcnow

    username = throwaway_user()
    with gateway_db.session() as session:
        session.add(AuditEntryRow(
            consortium_id=DEMO_CONSORTIUM_ID, action=audit.INVITED, entity=audit.USER,
            entity_id=str(user_id_of(gateway_db, username)), before=None, at=utcnow(), actor="cli:alex",
            after={"expires_at": "2026-07-01T14:05:00+00:00", "starts_on": "2026-12-04", "fee_pence": 1_800_000}))
        session.commit()
    table = entries_table(logged_in("admin").get(f"/admin/audit?user={username}&action={audit.INVITED}")
                          .get_data(as_text=True))
    assert "1 July 2026 at 3:05pm" in table and "4 December 2026" in table and "£18,000.00" in table
    assert "2026-07-01T14:05" not in table and "2026-12-04" not in table and "1800000" not in table


def test_audit_page_pages_through_many_entries(logged_in, gateway_db, throwaway_user, monkeypatch):
    monkeypatch.setattr("gateway.admin.audit.PER_PAGE", 2)
    username = throwaway_user()
    with gateway_db.session() as session:
        for roles in ({"finance_officer"}, {"consortium_manager"}, {"board_member"}):
            accounts.set_roles(session, username, roles, actor="cli:alex")
    client = logged_in("admin")
    first = client.get(f"/admin/audit?user={username}").get_data(as_text=True)
    assert "4 entries matching the filters, newest first (page 1 of 2)" in first
    assert "page=2" in first and "User created" not in entries_table(first)
    second = client.get(f"/admin/audit?user={username}&page=2").get_data(as_text=True)
    assert "(page 2 of 2)" in second and "User created" in entries_table(second)
    assert "There is no page 9" in client.get(f"/admin/audit?user={username}&page=9").get_data(as_text=True)


def test_audit_page_explains_bad_filters(logged_in):
    client = logged_in("admin")
    response = client.get("/admin/audit?user=nobody-by-this-name&action=user.exploded")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no user called nobody-by-this-name" in html and "Choose an action from the list" in html
    assert 'href="#filter-user"' in html and 'href="#filter-action"' in html
