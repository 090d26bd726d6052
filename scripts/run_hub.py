"""`make run`: start the whole hub on this machine with honcho, load the demo consortium, print the logins.

Everything lives under var/ (SQLite files, token keys, the session secret); delete var/ to start afresh.
Ctrl-C stops every process.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

from hubkit.config import DEFAULT_PORTS, SERVICES, var_dir  # noqa: E402
from hubkit.tokens import ensure_keypair  # noqa: E402


def environment() -> dict[str, str]:
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    private, public = ensure_keypair(var / "keys")
    secret_file = var / "gateway_secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    env = dict(os.environ)
    # The Procfile's `python` is this virtual environment's.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("HUB_VAR_DIR", str(var))
    env.setdefault("KAFKA_PORT", "9092")
    env.setdefault("HUB_BROKER_KIND", "tansu")  # make run's embedded broker: the Tansu workarounds apply
    env.setdefault("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{env['KAFKA_PORT']}")
    env.setdefault("HUB_BIND_HOST", "127.0.0.1")
    env.setdefault("HUB_TOKEN_PRIVATE_KEY_FILE", str(private))
    env.setdefault("HUB_TOKEN_PUBLIC_KEY_FILE", str(public))
    env.setdefault("GATEWAY_SECRET_KEY", secret_file.read_text().strip())
    # A newcomer's laptop: with no mail server, emails are kept for the host admin's Outbox page (development only:
    # it shows everyone's invitation and password-reset links).
    env.setdefault("GATEWAY_MAIL_OUTBOX", "1")
    for name, port in DEFAULT_PORTS.items():
        env.setdefault(f"{name.upper()}_PORT", str(port))
        if name != "gateway":
            env.setdefault(f"{name.upper()}_URL", f"http://127.0.0.1:{env[name.upper() + '_PORT']}")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Lighter at rest (issue 16): one gunicorn worker per web process, with threads for concurrency, rather than
    # a whole copy of the application per worker.
    env.setdefault("WEB_CONCURRENCY", "1")
    env.setdefault("WEB_THREADS", "4")
    env.setdefault("MALLOC_ARENA_MAX", "2")  # glibc: two malloc arenas per process, not eight per core
    return env


def migrate(env: dict[str, str]) -> None:
    for service in SERVICES:
        subprocess.run([sys.executable, "-m", service, "migrate"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "gateway.manage", "migrate"], env=env, check=True)


def wait_until_up(env: dict[str, str], honcho: subprocess.Popen, timeout: float = 90) -> None:
    urls = [f"http://127.0.0.1:{env[f'{n.upper()}_PORT']}/readyz" for n in SERVICES]
    urls.append(f"http://127.0.0.1:{env['GATEWAY_PORT']}/healthz")
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        if honcho.poll() is not None:
            raise SystemExit("A process of the hub stopped while starting: see its messages above.")
        for url in list(pending):
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    pending.remove(url)
            except requests.RequestException:
                pass
        time.sleep(0.3)
    if pending:
        raise SystemExit(f"These did not come up within {timeout:.0f}s: {', '.join(pending)}")


def load_demo_apart(env: dict[str, str]) -> list[tuple[str, str]]:
    """Load the demo data in a child process and return the logins: this launcher then waits on honcho for the
    hub's whole life without the gateway's and the demo's modules in its memory (lighter at rest, issue 16)."""
    with tempfile.NamedTemporaryFile("r", prefix="hub-demo-logins-", suffix=".json") as logins:
        subprocess.run([sys.executable, __file__, "--load-demo", logins.name], env=env, check=True)
        return [(username, role) for username, role in json.load(logins)]


def main() -> int:
    env = environment()
    migrate(env)
    honcho = subprocess.Popen([sys.executable, "-m", "honcho", "-f", str(ROOT / "Procfile"), "start"], env=env,
                              cwd=ROOT, start_new_session=True)

    def shutdown() -> None:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGTERM)
            try:
                honcho.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(honcho.pid, signal.SIGKILL)

    def stop(*_):
        shutdown()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        wait_until_up(env, honcho)
        logins = load_demo_apart(env)
        url = f"http://127.0.0.1:{env['GATEWAY_PORT']}/"
        print("\n" + "=" * 72, flush=True)
        print(f"Consortium Hub is running at {url}", flush=True)
        print("Demo logins (demo data only; password for all: demo-password-2026):", flush=True)
        for username, role in logins:
            print(f"  {username:10} {role}", flush=True)
        if not env.get("GATEWAY_SMTP_HOST"):
            print(f"No mail server (GATEWAY_SMTP_HOST): emails are kept in the Outbox, {url}admin/outbox (admin; "
                  "GATEWAY_MAIL_OUTBOX=1, development only)", flush=True)
        print("Press Ctrl-C to stop everything.\n" + "=" * 72, flush=True)
    except BaseException:
        shutdown()
        raise
    return honcho.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load-demo"]:  # load_demo_apart's child: the logins go to the file it names
        from demo_data import load_demo

        Path(sys.argv[2]).write_text(json.dumps(load_demo(dict(os.environ))))
        sys.exit(0)
    sys.exit(main())
