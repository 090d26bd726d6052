"""The personal API key rules, as plain functions (no database, no Flask)."""
import datetime as dt
import uuid

import pytest
from hubkit.clock import utcnow

from gateway.domain.api_keys import (MAX_LIVE_KEYS, ApiKey, ApiKeyRuleBroken, check_new_key, needs_touch, new_key,
                                     parse_key, roles_in_use, secret_hash, secret_matches)

OWNER_ROLES = frozenset({"consortium_manager", "board_member"})


def a_key(name: str = "Nightly sync") -> ApiKey:
    return ApiKey(id=uuid.uuid4(), user_id=uuid.uuid4(), name=name, prefix="0" * 16,
                  roles=frozenset({"board_member"}), created_at=utcnow(), last_used_at=None, revoked_at=None)


def test_a_new_key_reads_back_as_its_prefix_and_secret_and_each_is_new():
    prefix, secret, whole = new_key()
    assert whole == f"hubk_{prefix}_{secret}" and parse_key(whole) == (prefix, secret)
    assert len(prefix) == 16 and len(secret) >= 43 and new_key()[2] != whole


@pytest.mark.parametrize("sent", ["", "hubk_", "hubk_0123_abc", "hubk_zzzzzzzzzzzzzzzz_abc", "hubk_" + "0" * 16 + "_",
                                  "Bearer-ish", "hubk_" + "0" * 16 + "_" + "x" * 101])
def test_anything_not_shaped_like_a_key_is_not_parsed(sent):
    assert parse_key(sent) is None


def test_only_the_secrets_hash_is_compared():
    stored = secret_hash("the-secret")
    assert stored != "the-secret" and len(stored) == 64
    assert secret_matches("the-secret", stored) and not secret_matches("the-secreT", stored)


def test_a_key_is_named_uniquely_and_scoped_to_some_of_its_owners_roles():
    assert check_new_key("  Payroll   export ", frozenset({"board_member"}), OWNER_ROLES, []) == "Payroll export"
    cases = [("", {"board_member"}, [], "name"), ("x" * 101, {"board_member"}, [], "name"),
             ("nightly SYNC", {"board_member"}, [a_key()], "name"), ("Payroll", set(), [], "roles"),
             ("Payroll", {"host_admin"}, [], "roles"),
             ("Payroll", {"board_member"}, [a_key(f"k{n}") for n in range(MAX_LIVE_KEYS)], "name")]
    for name, roles, live, field in cases:
        with pytest.raises(ApiKeyRuleBroken) as broken:
            check_new_key(name, frozenset(roles), OWNER_ROLES, live)
        assert field in broken.value.problems


def test_a_key_keeps_only_the_roles_its_owner_still_holds():
    both = frozenset({"consortium_manager", "board_member"})
    assert roles_in_use(both, frozenset({"board_member"})) == {"board_member"}
    assert roles_in_use(frozenset({"finance_officer"}), OWNER_ROLES) == frozenset()


def test_last_use_is_written_at_most_once_a_minute():
    now = utcnow()
    assert needs_touch(None, now)
    assert not needs_touch(now - dt.timedelta(seconds=59), now)
    assert needs_touch(now - dt.timedelta(minutes=1), now)
