"""Users, passwords and authentication against the real database."""
import uuid

import pytest

from gateway import accounts
from gateway.adapters.repository import UserRepository
from gateway.demo import DEMO_CONSORTIUM_ID, DEMO_PASSWORD, load_demo_users
from gateway.domain import passwords
from gateway.domain.passwords import WeakPassword
from gateway.domain.users import UserRuleBroken


@pytest.fixture
def consortium(gateway_db):
    with gateway_db.session() as session:
        return accounts.create_consortium(session, "Test Consortium", f"test-{uuid.uuid4().hex[:8]}",
                                          actor="test:accounts")


def _username() -> str:
    return f"user-{uuid.uuid4().hex[:8]}"


def test_password_is_stored_as_argon2_hash_not_plain_text(gateway_db, consortium):
    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"finance_officer"})
        stored = UserRepository(session).row(username).password_hash
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored


def test_authenticate_accepts_right_password_and_only_record_sign_in_records_login_time(gateway_db, consortium):
    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"board_member"})
    with gateway_db.session() as session:
        user = accounts.authenticate(session, username.upper(), "correct horse battery")
    assert user is not None and user.roles == frozenset({"board_member"})
    assert user.last_login_at is None  # a right password is not yet a sign-in: a second factor may follow
    with gateway_db.session() as session:
        accounts.record_sign_in(session, user.id)
    with gateway_db.session() as session:
        assert accounts.find_user(session, user.id).last_login_at is not None


def test_authenticate_refuses_wrong_password_unknown_user_and_inactive_user(gateway_db, consortium):
    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"board_member"})
        assert accounts.authenticate(session, username, "wrong horse battery") is None
        assert accounts.authenticate(session, "nobody-at-all", "correct horse battery") is None
        UserRepository(session).row(username).active = False
        assert accounts.authenticate(session, username, "correct horse battery") is None


def test_authenticate_rehashes_password_made_with_old_parameters(gateway_db, consortium):
    from argon2 import PasswordHasher

    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"board_member"})
        old_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash("correct horse battery")
        UserRepository(session).row(username).password_hash = old_hash
    with gateway_db.session() as session:
        assert accounts.authenticate(session, username, "correct horse battery") is not None
        new_hash = UserRepository(session).row(username).password_hash
    assert new_hash != old_hash and not passwords.needs_rehash(new_hash)


def test_set_password_replaces_the_old_one(gateway_db, consortium):
    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"host_admin"})
        accounts.set_password(session, username, "a whole new passphrase", actor="test:accounts")
        assert accounts.authenticate(session, username, "correct horse battery") is None
        assert accounts.authenticate(session, username, "a whole new passphrase") is not None


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaaaaaa", "x" * 300])
def test_password_policy_refuses_weak_passwords(password):
    with pytest.raises(WeakPassword):
        passwords.check_policy(password, "someone")


def test_password_policy_refuses_the_username_as_password():
    with pytest.raises(WeakPassword):
        passwords.check_policy("alexandra-jones", "alexandra-jones")


def test_member_user_must_name_an_organisation_and_others_must_not(gateway_db, consortium):
    with gateway_db.session() as session:
        with pytest.raises(UserRuleBroken, match="must belong to an organisation"):
            accounts.create_user(session, actor="test:accounts", username=_username(), password="correct horse battery",
                                 consortium_id=consortium.id, roles={"member_user"})
        with pytest.raises(UserRuleBroken, match="Only a member_user"):
            accounts.create_user(session, actor="test:accounts", username=_username(), password="correct horse battery",
                                 consortium_id=consortium.id, roles={"board_member"}, organisation_id=uuid.uuid4())
        with pytest.raises(UserRuleBroken, match="Unknown roles"):
            accounts.create_user(session, actor="test:accounts", username=_username(), password="correct horse battery",
                                 consortium_id=consortium.id, roles={"emperor"})


def test_usernames_are_unique(gateway_db, consortium):
    username = _username()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"host_admin"})
        with pytest.raises(UserRuleBroken, match="already taken"):
            accounts.create_user(session, actor="test:accounts", username=username, password="another good passphrase",
                                 consortium_id=consortium.id, roles={"host_admin"})


def test_set_organisation_links_a_member_user_to_their_organisation(gateway_db, consortium):
    username = _username()
    organisation_id = uuid.uuid4()
    with gateway_db.session() as session:
        accounts.create_user(session, actor="test:accounts", username=username, password="correct horse battery",
                             consortium_id=consortium.id, roles={"member_user"}, organisation_pending=True)
        user = accounts.set_organisation(session, username, organisation_id, actor="test:accounts")
    assert user.principal().organisation_id == organisation_id


def test_demo_users_load_idempotently_with_one_user_per_role(gateway_db):
    def demo_consortium_users(session) -> list[str]:
        return sorted(u.username for u in UserRepository(session).all() if u.consortium_id == DEMO_CONSORTIUM_ID)

    with gateway_db.session() as session:
        first = load_demo_users(session)
        before = demo_consortium_users(session)  # other tests may add throwaway users to the demo consortium
    with gateway_db.session() as session:
        second = load_demo_users(session)
        after = demo_consortium_users(session)
    assert first == second and before == after  # a second load adds no one
    assert {role for _, role in first} == {"host_admin", "consortium_manager", "finance_officer", "board_member",
                                           "member_user"}
    assert {name for name, _ in first} <= set(after)
    with gateway_db.session() as session:
        assert accounts.authenticate(session, "manager", DEMO_PASSWORD) is not None
