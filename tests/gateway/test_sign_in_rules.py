"""The login throttling and browser session rules, as plain functions (no database, no Flask)."""
import datetime as dt

import pytest

from gateway.domain.sessions import BrowserSession, SessionPolicy, needs_touch, session_key, why_over
from gateway.domain.throttling import ThrottlePolicy, locked_until, minutes_to_wait, seconds_to_wait

NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.timezone.utc)
POLICY = ThrottlePolicy(max_failures=5, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=15))


def minutes_ago(*minutes: float) -> list[dt.datetime]:
    return [NOW - dt.timedelta(minutes=m) for m in minutes]


def test_fewer_failures_than_the_limit_lock_nothing():
    assert locked_until([], NOW, POLICY) is None
    assert locked_until(minutes_ago(4, 3, 2, 1), NOW, POLICY) is None


def test_the_limit_within_the_window_locks_until_the_lockout_after_the_last_failure():
    assert locked_until(minutes_ago(5, 4, 3, 2, 1), NOW, POLICY) == NOW - dt.timedelta(minutes=1) + POLICY.lockout


def test_order_does_not_matter_and_only_the_latest_failures_count():
    assert locked_until(minutes_ago(1, 3, 5, 2, 4), NOW, POLICY) == NOW + dt.timedelta(minutes=14)
    assert locked_until(minutes_ago(300, 200, 5, 4, 3, 2, 1), NOW, POLICY) == NOW + dt.timedelta(minutes=14)


def test_failures_spread_wider_than_the_window_do_not_lock():
    assert locked_until(minutes_ago(16, 4, 3, 2, 1), NOW, POLICY) is not None  # exactly the window still counts
    assert locked_until(minutes_ago(17, 4, 3, 2, 1), NOW, POLICY) is None


def test_the_lock_ends_when_the_lockout_has_passed():
    failures = minutes_ago(20, 19, 18, 17, 16)
    assert locked_until(failures, NOW - dt.timedelta(minutes=2), POLICY) is not None
    assert locked_until(failures, NOW, POLICY) is None


def test_with_a_lockout_shorter_than_the_window_one_more_failure_locks_again():
    policy = ThrottlePolicy(max_failures=3, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=1))
    assert locked_until(minutes_ago(5, 4, 3), NOW, policy) is None  # the first lockout is over
    assert locked_until(minutes_ago(5, 4, 3, 0), NOW, policy) == NOW + dt.timedelta(minutes=1)


def test_one_failure_can_be_the_limit():
    policy = ThrottlePolicy(max_failures=1, window=dt.timedelta(minutes=1), lockout=dt.timedelta(minutes=1))
    assert locked_until(minutes_ago(0.5), NOW, policy) == NOW + dt.timedelta(seconds=30)


@pytest.mark.parametrize("policy", [dict(max_failures=0), dict(window=dt.timedelta(0)),
                                    dict(lockout=dt.timedelta(seconds=-1))])
def test_a_policy_must_be_positive(policy):
    with pytest.raises(ValueError):
        ThrottlePolicy(**policy)


def test_waits_are_rounded_up_and_never_zero():
    assert seconds_to_wait(NOW + dt.timedelta(seconds=899.2), NOW) == 900
    assert seconds_to_wait(NOW, NOW) == 1
    assert minutes_to_wait(NOW + dt.timedelta(seconds=61), NOW) == 2
    assert minutes_to_wait(NOW + dt.timedelta(minutes=15), NOW) == 15


SESSIONS = SessionPolicy(idle_timeout=dt.timedelta(minutes=60), max_age=dt.timedelta(hours=8))


def a_session(**changes) -> BrowserSession:
    fields = dict(user_id=None, created_at=NOW - dt.timedelta(hours=1), last_seen_at=NOW - dt.timedelta(minutes=5),
                  expires_at=NOW + dt.timedelta(hours=7), revoked_at=None)
    return BrowserSession(**(fields | changes))


def test_a_recent_unrevoked_session_is_live():
    assert why_over(a_session(), NOW, SESSIONS) is None


def test_a_session_is_over_when_revoked_expired_or_idle():
    assert why_over(a_session(revoked_at=NOW - dt.timedelta(seconds=1)), NOW, SESSIONS) == "revoked"
    assert why_over(a_session(expires_at=NOW, last_seen_at=NOW), NOW, SESSIONS) == "expired"
    assert why_over(a_session(last_seen_at=NOW - dt.timedelta(minutes=60)), NOW, SESSIONS) == "idle"


def test_last_seen_is_rewritten_at_most_once_a_minute():
    assert not needs_touch(a_session(last_seen_at=NOW - dt.timedelta(seconds=59)), NOW, SESSIONS)
    assert needs_touch(a_session(last_seen_at=NOW - dt.timedelta(seconds=60)), NOW, SESSIONS)


def test_the_database_key_of_a_session_is_a_hash_not_the_id():
    key = session_key("the-cookie-id")
    assert key != "the-cookie-id" and len(key) == 64 and key == session_key("the-cookie-id")
