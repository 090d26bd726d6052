"""The sign-in throttling and browser session rules, as plain functions (no database, no Flask)."""
import datetime as dt

import pytest
from hubkit.clock import utcnow

from gateway.domain.sessions import BrowserSession, SessionPolicy, needs_touch, session_key, why_over
from gateway.domain.throttling import (ADDRESS, EVERYONE, USERNAME, Counter, DelayRule, ThrottlePolicy, attempt,
                                       client_key, minutes_to_wait, seconds_to_wait, succeeded, wait_until)

NOW = utcnow()
RULE = DelayRule(allowance=5, window=dt.timedelta(minutes=15), first_delay=dt.timedelta(seconds=30),
                 max_delay=dt.timedelta(minutes=15))


def failures(count: int, rule: DelayRule = RULE, every: dt.timedelta = dt.timedelta(0)) -> Counter:
    counter = Counter()
    for n in range(count):
        counter = attempt(counter, rule, NOW + every * n)
    return counter


def test_failures_within_the_allowance_cost_no_wait():
    assert wait_until(Counter(), RULE) is None
    assert wait_until(failures(4), RULE) is None


def test_past_the_allowance_each_failure_doubles_the_wait_up_to_the_cap():
    waits = [RULE.delay(n) for n in range(4, 13)]
    assert waits == [dt.timedelta(0), *(dt.timedelta(seconds=30 * 2 ** k) for k in range(5)),
                     dt.timedelta(minutes=15), dt.timedelta(minutes=15), dt.timedelta(minutes=15)]
    assert wait_until(failures(5), RULE) == NOW + dt.timedelta(seconds=30)
    assert RULE.delay(10 ** 6) == dt.timedelta(minutes=15)


def test_counted_failures_leak_away_at_the_allowance_per_window():
    counter = failures(5)
    after_the_wait = NOW + dt.timedelta(seconds=30)
    later = after_the_wait + dt.timedelta(minutes=15)
    assert attempt(counter, RULE, later).level == pytest.approx(1.0)  # five forgotten, this one counted
    assert wait_until(attempt(counter, RULE, NOW + dt.timedelta(minutes=3)), RULE) is not None  # 4.2 + 1
    assert RULE.forgotten(2.0, dt.timedelta(hours=5)) == 0.0


def test_nothing_is_forgotten_while_a_wait_runs_so_waiting_each_one_out_meets_longer_ones():
    counter, waits = failures(5), []
    for _ in range(7):
        until = wait_until(counter, RULE)
        waits.append(until - counter.last_attempt_at)
        counter = attempt(counter, RULE, until)
    assert waits == [dt.timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 900, 900)]


def test_a_steady_trickle_within_the_allowance_never_builds_up():
    assert wait_until(failures(100, every=dt.timedelta(minutes=3, seconds=1)), RULE) is None


def test_success_starts_a_username_afresh_and_gives_an_address_back_its_attempt():
    counted = failures(7)
    assert succeeded(counted, USERNAME) == Counter()
    for scope in (ADDRESS, EVERYONE):
        assert succeeded(counted, scope).level == pytest.approx(6.0)
    assert succeeded(Counter(), ADDRESS).level == 0.0


def test_the_default_policy_is_slow_for_one_name_wider_for_an_address_and_widest_for_everyone():
    policy = ThrottlePolicy()
    assert [policy.rule(scope).allowance for scope in (USERNAME, ADDRESS, EVERYONE)] == [5, 20, 300]
    assert policy.memory >= dt.timedelta(minutes=30)


@pytest.mark.parametrize("rule", [dict(allowance=0), dict(window=dt.timedelta(0)),
                                  dict(first_delay=dt.timedelta(seconds=-1)),
                                  dict(max_delay=dt.timedelta(seconds=10))])
def test_a_rule_must_be_positive_and_its_cap_at_least_the_first_delay(rule):
    with pytest.raises(ValueError):
        DelayRule(**(dict(allowance=5, window=dt.timedelta(minutes=15), first_delay=dt.timedelta(seconds=30),
                          max_delay=dt.timedelta(minutes=15)) | rule))


def test_an_ipv6_client_is_counted_by_its_64_and_an_ipv4_one_by_its_address():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("203.0.113.9") == "203.0.113.9" == client_key("::ffff:203.0.113.9")
    assert client_key(None) == "unknown"


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
