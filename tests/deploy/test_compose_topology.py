"""The deployment itself, without Docker: docker-compose.yml's hub processes, run as its containers would run them.

There is no Docker engine here, so each hub service of the compose file (the one-shot `init`, the four web services,
their four workers and the gateway: every service built from deploy/Dockerfile) is started as a process running the
image's ENTRYPOINT (deploy/entrypoint.sh) with the service's `command`, in the order its `depends_on` conditions
give, with the environment Docker would give the container: the image's ENV, then the compose file's (the x-hub-env
anchor merged with the service's own), interpolated from a test `.env`. Infrastructure is real: Apache Kafka 4.1.1
(the compose file's version, KRaft, automatic topic creation off) started EMPTY, with no topic, and PostgreSQL.

Only what cannot be the same outside Docker is rewritten (`Topology.outside_docker`), and every rewrite is derived
from the compose file itself, so a change there changes what runs here:

- host names: `postgres:5432/<db>` URLs point at a fresh database per compose database on the test cluster
  (127.0.0.1:55432, which trusts loopback and has no `hub` role, so the user and password come from the test's
  cluster too); `kafka:9092` (the broker's advertised listener) is the test broker's bootstrap address;
  `<service>:<port>` (e.g. the gateway's MEMBERSHIP_URL) is 127.0.0.1 and that service's port here;
- ports: every container has its own network namespace, so all use 8000-8004 freely; here they share one, so each
  container port a hub service names (its healthcheck's and published ports) gets a free port, in `*_PORT`
  variables, URLs and the healthcheck's argument alike;
- HUB_BIND_HOST 0.0.0.0 -> 127.0.0.1: inside a container 0.0.0.0 is the compose network only, here it would be
  every interface of the machine;
- paths: named volumes' mount points (/keys/private, /keys/public) are folders of the test, one per volume, shared
  by the services that mount it as Docker would; the image's /app (WORKDIR, holding this repository's code) is the
  repository, and its /opt/venv is the virtualenv running the tests.

Everything else (the broker kind, partitions, concurrency, log level, the secrets' use, the entrypoint's roles) is
the compose file's and the image's own; in particular the consumer mode is not overridden.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
import requests
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives import serialization
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from hubkit.broker import ApacheKafkaBroker, free_port
from hubkit.config import KafkaSettings
from hubkit.migrations import alembic_config
from hubkit.testing import Databases, wait_for
from hubkit.topics import TOPICS, admin_client, describe

from .compose import ROOT, ComposeError, Image, Project, Service, load, read_image

pytestmark = pytest.mark.e2e

# The operator's `.env` (deploy/hub.env.example): the two secrets it asks for, nothing else, so every other setting
# is the compose file's default. The shell's environment is not used for interpolation, so the test is the same on
# every machine.
DOTENV = {"HUB_DB_PASSWORD": secrets.token_hex(32), "GATEWAY_SECRET_KEY": secrets.token_hex(32)}

# The compose services the test provides itself (not built from our image), up before anything of the hub.
PROVIDED = {"postgres": "PostgreSQL on 127.0.0.1:55432", "kafka": "the test's Apache Kafka broker"}


def seconds(duration: str | int | float) -> float:
    """A Compose duration ("1m30s", "15s", "500ms") in seconds."""
    if isinstance(duration, (int, float)):
        return float(duration)
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ComposeError(f"unsupported duration {duration!r}")
    return sum(float(n) * units[u] for n, u in parts)


@dataclass
class Container:
    service: Service
    env: dict[str, str]
    process: subprocess.Popen
    log: Path


class Topology:
    """The compose file's hub services as processes, with Docker's environment less what must differ (module doc)."""

    def __init__(self, project: Project, image: Image, broker: ApacheKafkaBroker, databases: Databases,
                 folder: Path):
        self.project, self.image, self.broker, self.databases = project, image, broker, databases
        self.hub = {s.name: s for s in project.built_from()}
        self.folder = folder
        (folder / "logs").mkdir(parents=True)
        self.home = folder / "home"  # the image's user's home
        self.home.mkdir()
        # The image's own places: its WORKDIR and code (/app) is this repository; its virtualenv the tests' own.
        self.image_paths = {image.workdir: ROOT, "/opt/venv": Path(sys.prefix)}
        self.containers: dict[str, Container] = {}
        self.database_urls: dict[str, str] = {}  # compose database name -> the test's database for it
        # (compose host, container port) -> host:port here. Kafka's: its advertised listener(s).
        self.endpoints: dict[tuple[str, int], str] = {}
        kafka = project.services["kafka"].environment
        for listener in kafka["KAFKA_ADVERTISED_LISTENERS"].split(","):
            host, port = listener.split("://", 1)[1].rsplit(":", 1)
            self.endpoints[(host, int(port))] = broker.bootstrap_servers
        for service in self.hub.values():
            for port in self.container_ports(service):
                self.endpoints[(service.name, port)] = f"127.0.0.1:{free_port()}"

    # --- what the compose file gives a container, less what must differ outside Docker -------------------------

    @staticmethod
    def container_ports(service: Service) -> set[int]:
        """The ports a hub container listens on, as the compose file names them: published and health-checked."""
        checked = [int(arg) for arg in (service.healthcheck or [])[1:] if arg.isdigit()]
        return set(service.published_container_ports) | set(checked)

    def port_here(self, service: Service, container_port: int) -> int | None:
        endpoint = self.endpoints.get((service.name, container_port))
        return int(endpoint.rsplit(":", 1)[1]) if endpoint else None

    def path_here(self, service: Service, path: str) -> str:
        """A path inside the container -> where that is here: a volume's folder, or the image's code/virtualenv."""
        places = {target: self.volume_folder(source) for target, source in service.volumes.items()}
        places |= self.image_paths
        for inside, here in sorted(places.items(), key=lambda item: -len(item[0])):
            if path == inside or path.startswith(inside.rstrip("/") + "/"):
                return str(here) + path[len(inside.rstrip("/")):]
        raise ComposeError(f"{service.name}: {path} is neither in the image's code nor on a volume it mounts")

    def volume_folder(self, volume: str) -> Path:
        if volume not in (self.project.model.get("volumes") or {}):
            raise ComposeError(f"{volume}: only named volumes are mapped (a bind mount would need its own rule)")
        folder = self.folder / "volumes" / volume
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def database_here(self, compose_url: str) -> str:
        """postgresql://hub:<password>@postgres:5432/<db> -> the same driver, on the test's fresh database for <db>."""
        url = make_url(compose_url)
        if url.database not in self.database_urls:
            self.database_urls[url.database] = self.databases.create(f"compose_{url.database}")
        test = make_url(self.database_urls[url.database])
        return url.set(username=test.username, password=test.password, host=test.host, port=test.port,
                       database=test.database).render_as_string(hide_password=False)

    def outside_docker(self, service: Service, name: str, value: str) -> str:
        """One environment value of a container, rewritten only as the module doc says."""
        if re.match(r"postgresql(\+\w+)?://", value):
            if make_url(value).host not in PROVIDED:
                raise ComposeError(f"{service.name}: {name} names a database server the test does not provide")
            return self.database_here(value)
        if name == "HUB_BIND_HOST" and value == "0.0.0.0":
            return "127.0.0.1"
        if name.endswith("_PORT") and value.isdigit() and self.port_here(service, int(value)):
            return str(self.port_here(service, int(value)))
        if value.startswith("/"):
            return self.path_here(service, value)

        def endpoint(match: re.Match) -> str:
            host, port = match[1], int(match[2])
            if (host, port) not in self.endpoints:
                raise ComposeError(f"{service.name}: {name} names {host}:{port}, which the test does not map")
            return self.endpoints[(host, port)]

        hosts = "|".join(re.escape(host) for host in self.project.services)
        return re.sub(rf"(?<![\w.-])({hosts}):(\d+)\b", endpoint, value)

    def environment(self, service: Service) -> dict[str, str]:
        """The image's ENV, then the service's compose environment, each value rewritten (outside_docker)."""
        env = {"HOME": str(self.home), "LANG": "C.UTF-8"}  # the user's home, and the python base image's LANG
        for name, value in self.image.env.items():
            if name == "PATH":  # /opt/venv/bin:$PATH -> the tests' virtualenv, then this machine's PATH
                env[name] = ":".join(os.environ["PATH"] if part == "$PATH" else self.path_here(service, part)
                                     for part in value.split(":"))
            else:
                env[name] = self.outside_docker(service, name, value)
        for name, value in service.environment.items():
            env[name] = self.outside_docker(service, name, value)
        return env

    def argv(self, service: Service, args: list[str] | None = None) -> list[str]:
        """The image's ENTRYPOINT with the service's command (or args, as `docker compose run SERVICE args`)."""
        command = args if args is not None else (service.command or self.image.cmd)
        return [self.path_here(service, part) for part in self.image.entrypoint] + command

    # --- docker compose up / run / healthcheck / down ------------------------------------------------------------

    def up(self) -> None:
        """Start every hub service in depends_on order, each once its dependencies' conditions hold."""
        for name in self.project.start_order(list(self.hub)):
            service = self.hub[name]
            for dependency, condition in service.depends_on.items():
                self.wait_until(dependency, condition, dependant=name)
            log = self.folder / "logs" / f"{name}.log"
            env = self.environment(service)
            with open(log, "wb") as out:
                process = subprocess.Popen(self.argv(service), env=env, cwd=self.path_here(service, self.image.workdir),
                                           stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            self.containers[name] = Container(service, env, process, log)

    def wait_until(self, dependency: str, condition: str, dependant: str) -> None:
        if dependency in PROVIDED:
            assert dependency not in self.hub
            return  # already up: the test started the broker and PostgreSQL before anything else
        container = self.containers[dependency]
        if condition == "service_completed_successfully":
            try:
                code = container.process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"{dependency} did not complete for {dependant}{self.tail(dependency)}")
            assert code == 0, f"{dependency} exited {code}, so {dependant} would not start{self.tail(dependency)}"
        elif condition == "service_healthy":
            check = container.service.spec["healthcheck"]
            # As long as Docker would wait before calling the container unhealthy; polled often, not every interval.
            allowance = seconds(check.get("start_period", 0)) + seconds(check.get("interval", "30s")) * check.get(
                "retries", 3)
            wait_for(lambda: self.healthy(dependency), timeout=allowance, interval=0.2,
                     what=f"{dependency} healthy, for {dependant} (logs in {self.folder / 'logs'})")
        elif condition != "service_started":
            raise ComposeError(f"unknown depends_on condition {condition}")

    def healthy(self, name: str) -> bool:
        """The service's compose healthcheck, run as Docker runs it inside the container (and the process alive)."""
        container = self.containers[name]
        if container.process.poll() is not None:
            raise AssertionError(f"{name} exited with {container.process.returncode}{self.tail(name)}")
        service = container.service
        argv = []
        for arg in service.healthcheck:
            if arg.startswith("/"):
                argv.append(self.path_here(service, arg))
            elif arg.isdigit() and self.port_here(service, int(arg)):
                argv.append(str(self.port_here(service, int(arg))))
            else:
                argv.append(arg)
        timeout = seconds(service.spec["healthcheck"].get("timeout", "30s"))
        try:
            return subprocess.run(argv, env=container.env, cwd=ROOT, capture_output=True,
                                  timeout=timeout).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def run(self, name: str, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """`docker compose run --rm --no-deps NAME [args]`: the service's container, once, to completion."""
        service = self.hub[name]
        return subprocess.run(self.argv(service, list(args) if args else None), env=self.environment(service),
                              cwd=self.path_here(service, self.image.workdir), input=input, capture_output=True,
                              text=True, timeout=180)

    def url(self, name: str, container_port: int) -> str:
        return f"http://{self.endpoints[(name, container_port)]}"

    def tail(self, name: str, lines: int = 40) -> str:
        text = self.containers[name].log.read_text(errors="replace").splitlines()[-lines:]
        return f"\n--- {name}'s log ---\n" + "\n".join(text)

    def down(self) -> None:
        """SIGTERM, then SIGKILL after the compose file's stop_grace_period (as `docker compose down`)."""
        running = [c for c in self.containers.values() if c.process.poll() is None]
        for container in running:
            os.killpg(container.process.pid, signal.SIGTERM)
        for container in running:
            try:
                container.process.wait(timeout=seconds(container.service.spec.get("stop_grace_period", "10s")))
            except subprocess.TimeoutExpired:
                os.killpg(container.process.pid, signal.SIGKILL)
                container.process.wait()


@dataclass
class Deployed:
    topology: Topology
    topics_before_init: list[str]
    init_output: str
    keys_after_init: dict[str, bytes]


def key_files(topology: Topology) -> dict[str, bytes]:
    """The token key files where the gateway and a service are told to read them."""
    gateway = topology.containers["gateway"].env
    service = topology.containers["membership"].env
    return {"private": Path(gateway["HUB_TOKEN_PRIVATE_KEY_FILE"]).read_bytes(),
            "public (gateway)": Path(gateway["HUB_TOKEN_PUBLIC_KEY_FILE"]).read_bytes(),
            "public (services)": Path(service["HUB_TOKEN_PUBLIC_KEY_FILE"]).read_bytes()}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Deployed:
    """`docker compose up` of the hub, on an empty Apache Kafka and fresh PostgreSQL databases."""
    folder = tmp_path_factory.mktemp("compose")
    project = Project(load(DOTENV))
    kafka_env = project.services["kafka"].environment
    assert kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # as ApacheKafkaBroker runs it
    broker = ApacheKafkaBroker(folder / "kafka", partitions=int(kafka_env["KAFKA_NUM_PARTITIONS"]))
    databases = Databases()  # always PostgreSQL, what the compose file deploys, whatever --db says
    topology = None
    try:
        broker.start(create_topics=False)  # empty: making the topics is init's job
        admin = admin_client(KafkaSettings(bootstrap_servers=broker.bootstrap_servers))
        try:
            before = sorted(admin.list_topics())
        finally:
            admin.close()
        topology = Topology(project, read_image(), broker, databases, folder)
        topology.up()
        for name, container in topology.containers.items():
            if container.service.healthcheck:
                topology.wait_until(name, "service_healthy", dependant="the test")
        init = topology.containers["init"]
        yield Deployed(topology, before, init.log.read_text(), key_files(topology))
    finally:
        if topology:
            topology.down()
        broker.stop()
        databases.drop_all()


def test_init_made_the_hubs_topics_on_an_empty_broker_with_the_configured_partitions(deployed):
    topology = deployed.topology
    assert not set(TOPICS) & set(deployed.topics_before_init)
    partitions = int(topology.containers["init"].env["KAFKA_TOPIC_PARTITIONS"])
    admin = admin_client(KafkaSettings(bootstrap_servers=topology.broker.bootstrap_servers))
    try:
        made = describe(admin, list(TOPICS))
    finally:
        admin.close()
    assert {topic: count for topic, (_id, count) in made.items()} == {topic: partitions for topic in TOPICS}
    assert "init: done" in deployed.init_output


def migration_heads(env_name: str, url: str) -> tuple[set[str], set[str]]:
    """(heads of the code's migrations, revisions the database is at) for a *_DATABASE_URL."""
    owner = env_name.removesuffix("_DATABASE_URL").lower()
    if owner == "gateway":
        location = import_module("gateway.migrations").ALEMBIC_DIR
    else:
        location = import_module(f"{owner}.app").SERVICE.migrations
    heads = set(ScriptDirectory.from_config(alembic_config(location, url)).get_heads())
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return heads, current


def database_urls(topology: Topology) -> dict[str, str]:
    env = topology.containers["init"].env
    return {name: value for name, value in env.items() if name.endswith("_DATABASE_URL")}


def test_init_migrated_every_database_to_head(deployed):
    urls = database_urls(deployed.topology)
    assert set(urls) == {"MEMBERSHIP_DATABASE_URL", "CONTRACTS_DATABASE_URL", "FINANCE_DATABASE_URL",
                         "GOVERNANCE_DATABASE_URL", "GATEWAY_DATABASE_URL"}
    for name, url in urls.items():
        heads, current = migration_heads(name, url)
        assert heads and current == heads, name
    # Each web service and worker uses the database init migrated: one per compose database, shared.
    for container in deployed.topology.containers.values():
        for name, value in container.env.items():
            if name.endswith("_DATABASE_URL"):
                assert value == urls[name], (container.service.name, name)


def test_init_made_the_token_keys_and_only_the_gateway_can_sign(deployed):
    topology = deployed.topology
    keys = deployed.keys_after_init
    private = serialization.load_pem_private_key(keys["private"], password=None)
    public = private.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    assert keys["public (gateway)"] == keys["public (services)"] == public
    assert "generated new pair" in deployed.init_output
    assert Path(topology.containers["gateway"].env["HUB_TOKEN_PRIVATE_KEY_FILE"]).stat().st_mode & 0o077 == 0
    # Only the services that mount the private key's volume could sign a token: init, which makes it, and the gateway.
    gateway = topology.hub["gateway"]
    private_file = gateway.environment["HUB_TOKEN_PRIVATE_KEY_FILE"]
    private_volume = next(source for target, source in gateway.volumes.items() if private_file.startswith(target + "/"))
    mounting_it = {s.name for s in topology.hub.values() if private_volume in s.volumes.values()}
    assert mounting_it == {"init", "gateway"}


def test_every_process_is_up_and_every_healthcheck_passes(deployed):
    topology = deployed.topology
    assert topology.containers["init"].process.returncode == 0
    for name, container in topology.containers.items():
        if name == "init":
            continue
        assert container.process.poll() is None, f"{name} stopped{topology.tail(name)}"
        if container.service.healthcheck:
            assert topology.healthy(name), f"{name}'s healthcheck fails{topology.tail(name)}"
    assert {n for n, c in topology.containers.items() if c.service.healthcheck} == {
        "membership", "contracts", "finance", "governance", "gateway"}


GATEWAY_PORT = 8000  # the gateway's container port, as published by the compose file
ADMIN_PASSWORD = secrets.token_urlsafe(18)


def manage(topology: Topology, *args: str, password: str | None = None) -> str:
    """What deploy/README.md tells the operator: `docker compose run --rm --no-deps init python -m gateway.manage`."""
    done = topology.run("init", "python", "-m", "gateway.manage", *args,
                        input=None if password is None else password + "\n")
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_the_first_administrator_made_as_the_readme_says_signs_in_through_the_gateway(deployed):
    topology = deployed.topology
    manage(topology, "create-consortium", "--name", "Compose Test Consortium", "--slug", "compose-test")
    manage(topology, "create-user", "admin", "--consortium", "compose-test", "--role", "host_admin",
           "--password-stdin", password=ADMIN_PASSWORD)
    gateway = topology.url("gateway", GATEWAY_PORT)
    browser = requests.Session()
    page = browser.get(f"{gateway}/login", timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    wrong = browser.post(f"{gateway}/login", data={"csrf_token": csrf, "username": "admin", "password": "not it"},
                         timeout=10, allow_redirects=False)
    assert wrong.status_code == 401
    signed_in = browser.post(f"{gateway}/login", timeout=10, allow_redirects=False,
                             data={"csrf_token": csrf, "username": "admin", "password": ADMIN_PASSWORD})
    assert signed_in.status_code == 302, signed_in.text
    home = browser.get(gateway + signed_in.headers["Location"], timeout=10)
    assert home.status_code == 200 and "admin" in home.text
    # The host administrator's System health page reaches every service through the rewritten *_URL settings.
    health = browser.get(f"{gateway}/admin/health", timeout=30)
    assert health.status_code == 200 and "Not answering" not in health.text


def test_an_organisation_registered_in_membership_reaches_contracts_and_finance_by_kafka(deployed):
    topology = deployed.topology
    manage(topology, "create-user", "manager", "--consortium", "compose-test", "--role", "consortium_manager",
           "--password-stdin", password=ADMIN_PASSWORD + "-manager")
    gateway = topology.url("gateway", GATEWAY_PORT)
    token = requests.post(f"{gateway}/api/auth/token", timeout=10,
                          json={"username": "manager", "password": ADMIN_PASSWORD + "-manager"})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    created = requests.post(f"{gateway}/api/membership/organisations", headers=headers, timeout=10,
                            json={"name": "Compose Community Trust", "legal_form": "cio", "postcode": "LS1 8AB"})
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]

    def read_copy(service: str, path: str):
        response = requests.get(f"{gateway}/api/{service}{path}", headers=headers, timeout=10)
        return response.json() if response.status_code == 200 else None

    # Group consumers join, are assigned partitions and read from their stored offsets: allow for the join.
    in_contracts = wait_for(lambda: read_copy("contracts", f"/members/{org_id}"), timeout=60,
                            what="contracts' read copy of the organisation")
    in_finance = wait_for(lambda: read_copy("finance", f"/organisations/{org_id}"), timeout=60,
                          what="finance's read copy of the organisation")
    assert in_contracts["name"] == in_finance["name"] == "Compose Community Trust"


def test_init_again_is_a_no_op_that_keeps_keys_topics_and_schema(deployed):
    """`docker compose up` runs init on every start: a second run changes nothing and the hub stays healthy."""
    topology = deployed.topology
    admin = admin_client(KafkaSettings(bootstrap_servers=topology.broker.bootstrap_servers))
    try:
        topics_before = describe(admin, list(TOPICS))
        again = topology.run("init")
        topics_after = describe(admin, list(TOPICS))
    finally:
        admin.close()
    assert again.returncode == 0, again.stderr + again.stdout
    assert "kept existing pair" in again.stdout and "(created)" not in again.stdout
    assert "init: done" in again.stdout
    assert key_files(topology) == deployed.keys_after_init
    assert topics_after == topics_before
    for name, url in database_urls(topology).items():
        heads, current = migration_heads(name, url)
        assert current == heads, name
    for name, container in topology.containers.items():
        if container.service.healthcheck:
            assert topology.healthy(name), name
