"""The whole hub as it runs for real: gunicorn web processes, workers, the gateway, PostgreSQL, and a broker (Tansu,
or Apache Kafka where a test says so)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from hubkit.broker import free_port
from hubkit.config import SERVICES
from hubkit.testing import stop_process_groups, wait_for

ROOT = Path(__file__).resolve().parents[2]


class RunningHub:
    """Starts every process of the hub on free ports and stops them all afterwards."""

    def __init__(self, databases, broker, token_keys, log_dir: Path, with_gateway: bool):
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.commands: dict[str, tuple[str, ...]] = {}  # label -> the process's arguments, to start it again
        self.running: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in (*SERVICES, "gateway")}
        self.env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers, HUB_BROKER_KIND=broker.kind,
                        HUB_TOKEN_PRIVATE_KEY_FILE=str(token_keys[0]), HUB_TOKEN_PUBLIC_KEY_FILE=str(token_keys[1]),
                        GATEWAY_SECRET_KEY="e2e-secret-key-not-for-production", HUB_BIND_HOST="127.0.0.1",
                        WEB_CONCURRENCY="1", LOG_LEVEL="INFO", HUB_CONSUMER_RETRY_BACKOFF_MS="50",
                        GATEWAY_PORT=str(self.ports["gateway"]), PYTHONUNBUFFERED="1",
                        GATEWAY_MAIL_OUTBOX="1")  # as `make run`: with no SMTP server, mail is kept in the outbox
        for name in SERVICES:
            self.env[f"{name.upper()}_DATABASE_URL"] = databases.create(name)
            self.env[f"{name.upper()}_PORT"] = str(self.ports[name])
            self.env[f"{name.upper()}_URL"] = self.url(name)
        self.env["GATEWAY_DATABASE_URL"] = databases.create("gateway")
        self.with_gateway = with_gateway

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _spawn(self, label: str, *args: str) -> None:
        self.commands[label] = args
        with open(self.log_dir / f"{label}.log", "ab") as log:  # a process started again carries on its log
            process = subprocess.Popen([sys.executable, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                       cwd=ROOT, start_new_session=True)
        self.processes.append(process)
        self.running[label] = process

    def kill(self, label: str) -> None:
        """SIGKILL one process (e.g. "contracts-worker") and its children, as a crash would."""
        process = self.running.pop(label)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.processes.remove(process)

    def start_again(self, label: str) -> None:
        """Start a killed process again with its own command, as `restart: unless-stopped` would."""
        assert label not in self.running, f"{label} is still running"
        self._spawn(label, *self.commands[label])

    def start(self) -> "RunningHub":
        for name in SERVICES:
            subprocess.run([sys.executable, "-m", name, "migrate"], env=self.env, check=True, cwd=ROOT)
            self._spawn(f"{name}-web", "-m", name, "web")
            self._spawn(f"{name}-worker", "-m", name, "worker")
        if self.with_gateway:
            subprocess.run([sys.executable, "-m", "gateway.manage", "migrate"], env=self.env, check=True, cwd=ROOT)
            subprocess.run([sys.executable, "-m", "gateway.manage", "load-demo"], env=self.env, check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            self._spawn("gateway", "-m", "gunicorn", "--config", "python:hubkit.gunicorn_config",  # as the Procfile
                        "--bind", f"127.0.0.1:{self.ports['gateway']}", "--workers", "1", "gateway.app:create_app()")
            self._spawn("gateway-worker", "-m", "gateway.notifications", "worker")  # the Procfile's gateway_worker
        names = list(SERVICES) + (["gateway"] if self.with_gateway else [])
        for name in names:
            wait_for(lambda: self._ready(name), timeout=60, what=f"{name} ready (logs in {self.log_dir})")
        return self

    def _ready(self, name: str) -> bool:
        for process in self.processes:
            if process.poll() is not None:
                raise AssertionError(f"a hub process exited early; see the logs in {self.log_dir}")
        try:
            path = "/healthz" if name == "gateway" else "/readyz"
            return requests.get(self.url(name) + path, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        stop_process_groups(self.processes)


@pytest.fixture(scope="session")
def hub(databases, broker, token_keys, tmp_path_factory):
    """Every service and worker under gunicorn and the gateway with the demo users, the real broker and PostgreSQL."""
    running = RunningHub(databases, broker, token_keys, tmp_path_factory.mktemp("hub-logs"), with_gateway=True)
    try:
        yield running.start()
    finally:
        running.stop()


@pytest.fixture
def fresh_hub(databases, own_broker, token_keys, tmp_path):
    """A hub of its own, on its own broker, for a test that must start from empty (e.g. the demo data)."""
    running = RunningHub(databases, own_broker, token_keys, tmp_path / "hub-logs", with_gateway=True)
    (tmp_path / "hub-logs").mkdir()
    try:
        yield running.start()
    finally:
        running.stop()
