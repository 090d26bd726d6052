"""Web administration's rules as plain functions (issue 13): who may administer whom, one-time links, and the mail
settings read from the environment."""
import datetime as dt
import uuid

import pytest
from hubkit.clock import utcnow
from hubkit.config import ConfigError

from gateway.config import load_settings
from gateway.domain.administration import (Administrator, NotAllowed, check_consortium, check_person, check_roles,
                                           grantable_roles)
from gateway.domain.one_time_links import (INVITATION, PASSWORD_RESET, LinkRefused, OneTimeLink, check_usable,
                                           expiry, new_secret, secret_hash, well_formed)
from gateway.domain.users import UserAccount
from gateway_helpers import gateway_environ

OWN, OTHER = uuid.uuid4(), uuid.uuid4()
NOW = utcnow()  # the rules only compare times with it


def account(consortium_id=OWN, roles=frozenset({"board_member"})) -> UserAccount:
    return UserAccount(id=uuid.uuid4(), username="someone", display_name="Someone", email="s@example.org",
                       consortium_id=consortium_id, consortium_name="C", organisation_id=None, roles=roles,
                       active=True, created_at=NOW, last_login_at=None)


HOST = Administrator(uuid.uuid4(), OWN, frozenset({"host_admin"}))
MANAGER = Administrator(uuid.uuid4(), OWN, frozenset({"consortium_manager"}))


def test_the_host_admin_administers_any_consortium_and_a_manager_only_their_own():
    check_consortium(HOST, OTHER)
    check_consortium(MANAGER, OWN)
    with pytest.raises(NotAllowed):
        check_consortium(MANAGER, OTHER)
    with pytest.raises(NotAllowed):
        check_consortium(Administrator(uuid.uuid4(), OWN, frozenset({"finance_officer", "board_member"})), OWN)


def test_a_manager_never_grants_host_admin_nor_touches_a_host_admins_account():
    assert "host_admin" not in grantable_roles(MANAGER) and "host_admin" in grantable_roles(HOST)
    check_roles(HOST, frozenset({"host_admin"}))
    check_roles(MANAGER, frozenset({"finance_officer", "board_member"}))
    with pytest.raises(NotAllowed):
        check_roles(MANAGER, frozenset({"board_member", "host_admin"}))
    with pytest.raises(NotAllowed):
        check_person(MANAGER, account(roles=frozenset({"host_admin"})))
    check_person(HOST, account(consortium_id=OTHER, roles=frozenset({"host_admin"})))
    with pytest.raises(NotAllowed):
        check_person(MANAGER, account(consortium_id=OTHER))


def test_nobody_changes_their_own_standing():
    own = account()
    me = Administrator(own.id, OWN, frozenset({"host_admin"}))
    with pytest.raises(NotAllowed):
        check_person(me, own)
    check_person(me, own, own_account_forbidden=False)


def test_a_one_time_link_works_once_until_it_expires_and_only_for_its_purpose():
    secret, hashed = new_secret()
    assert well_formed(secret) and hashed == secret_hash(secret) and secret not in hashed
    assert new_secret()[0] != secret
    assert not well_formed("x" * 42) and not well_formed("../" + "x" * 40)
    link = OneTimeLink(INVITATION, NOW, expiry(INVITATION, NOW), None)
    assert link.expires_at - NOW == dt.timedelta(hours=72)
    assert expiry(PASSWORD_RESET, NOW) - NOW == dt.timedelta(hours=1)
    check_usable(link, INVITATION, NOW + dt.timedelta(hours=71, minutes=59))
    for refused, purpose, moment in ((link, INVITATION, link.expires_at), (link, PASSWORD_RESET, NOW),
                                     (None, INVITATION, NOW),
                                     (OneTimeLink(INVITATION, NOW, link.expires_at, NOW), INVITATION, NOW)):
        with pytest.raises(LinkRefused):
            check_usable(refused, purpose, moment)


def test_mail_settings_keep_mail_in_the_outbox_only_when_asked_and_are_checked(tmp_path, token_keys):
    environ = gateway_environ(f"sqlite:///{tmp_path / 'gw.db'}", token_keys, "http://127.0.0.1:1")
    assert environ["GATEWAY_MAIL_OUTBOX"] == "1"  # the test gateway is set as `make run` is
    mail = load_settings(environ).mail
    assert mail.kept_in_outbox and not mail.off and mail.base_url == "http://127.0.0.1:8000"
    unset = load_settings({k: v for k, v in environ.items() if k != "GATEWAY_MAIL_OUTBOX"}).mail
    assert unset.off and not unset.kept_in_outbox  # production's default: no server, no outbox, no email
    assert mail.link("/invitation/abc") == "http://127.0.0.1:8000/invitation/abc"
    configured = load_settings(environ | {"GATEWAY_SMTP_HOST": "smtp.example.org", "GATEWAY_SMTP_PORT": "2525",
                                          "GATEWAY_SMTP_STARTTLS": "true", "GATEWAY_SMTP_USERNAME": "hub",
                                          "GATEWAY_SMTP_PASSWORD": "secret", "GATEWAY_BASE_URL": "https://hub.example/",
                                          "GATEWAY_MAIL_FROM": "Hub <hub@example.org>"}).mail
    assert not configured.kept_in_outbox and not configured.off  # a server set: sent, the outbox flag or not
    assert configured.smtp_port == 2525 and configured.smtp_starttls
    assert configured.base_url == "https://hub.example" and "secret" not in repr(configured)
    with pytest.raises(ConfigError) as refused:
        load_settings(environ | {"GATEWAY_BASE_URL": "hub.example", "GATEWAY_SMTP_USERNAME": "hub",
                                 "GATEWAY_MAIL_FROM": "nobody", "GATEWAY_SMTP_PORT": "smtp",
                                 "GATEWAY_MAIL_OUTBOX": "perhaps"})
    problems = " ".join(refused.value.problems)
    for name in ("GATEWAY_BASE_URL", "GATEWAY_SMTP_PASSWORD", "GATEWAY_MAIL_FROM", "GATEWAY_SMTP_PORT",
                 "GATEWAY_MAIL_OUTBOX"):
        assert name in problems
