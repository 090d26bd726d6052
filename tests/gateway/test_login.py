"""Browser login and logout through the real forms, with CSRF protection."""
import pytest
from gateway_helpers import csrf_token_from

from gateway.demo import DEMO_PASSWORD


def test_login_page_renders_the_form_without_government_branding(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="csrf_token"' in html and 'name="username"' in html and 'name="password"' in html
    assert "Consortium Hub" in html
    assert "GOV.UK" not in html and "govuk-logo" not in html and "crown" not in html.lower()
    assert "script-src 'self' 'sha256-" in response.headers["Content-Security-Policy"]


def test_login_with_good_credentials_sets_a_hardened_cookie_and_redirects_home(browser_session, client):
    response = browser_session.login("manager")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Morgan Manager" in client.get("/").get_data(as_text=True)


def test_login_with_wrong_password_shows_one_generic_error(browser_session):
    response = browser_session.login("manager", "not-the-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "The username or password is wrong" in html


def test_login_with_unknown_user_shows_the_same_generic_error(browser_session):
    response = browser_session.login("no-such-person", DEMO_PASSWORD)
    assert response.status_code == 401
    assert "The username or password is wrong" in response.get_data(as_text=True)


def test_login_post_without_csrf_token_is_refused_and_says_why(client):
    response = client.post("/login", data={"username": "manager", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_session_is_replaced_on_login(browser_session, client):
    client.get("/login")
    before = client.get_cookie("hub_session")
    browser_session.login("board")
    after = client.get_cookie("hub_session")
    assert before is not None and after is not None and before.value != after.value


def test_logout_needs_csrf_and_ends_the_session(logged_in):
    client = logged_in("finance")
    assert client.post("/logout").status_code == 400
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_pages_redirect_to_login_when_not_signed_in(client):
    response = client.get("/members")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_login_does_not_redirect_off_site(browser_session, client, target):
    page = client.get("/login", query_string={"next": target})
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login", query_string={"next": target},
                           data={"username": "manager", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"
