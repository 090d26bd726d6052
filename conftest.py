# Fixtures every suite shares (real PostgreSQL, a real Tansu broker, signed tokens) live in hubkit.
import pytest

pytest_plugins = ["hubkit.testing"]

# Debian's Chromium, driven by Playwright (Playwright's own browser download cannot work here).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as a script: let it past our own CSP, only in the tests' browser.
    return {**browser_context_args, "bypass_csp": True}
