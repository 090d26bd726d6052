"""docker-compose.yml and deploy/Dockerfile read the way Docker reads them, for tests that have no Docker engine.

Compose's own rules, as far as our files use them: YAML anchors and merge keys (`<<: *hub-env`), then `${VAR}`,
`${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `$VAR` and `$$` interpolated
in every value (never in keys) from an `.env`; environment values as strings; `depends_on` in short or long form.
Anything else the files start using (an `env_file`, nested interpolation, a list-form environment entry without a
value) is refused with a message rather than guessed.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
# The Compose Specification's JSON schema, vendored unchanged (compose-spec/compose-spec, schema/compose-spec.json,
# commit 170098ba07d9, Apache-2.0): the tests have no network.
COMPOSE_SCHEMA = Path(__file__).with_name("compose-spec.json")


class ComposeError(Exception):
    """The file uses something these readers do not implement, or interpolation failed as Compose's would."""


_REFERENCE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<colon>:?)(?P<op>[-?+])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """One string interpolated as Compose does; an unset variable without a default is an error here (Compose
    would warn and use an empty string, which the tests would rather hear about)."""

    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return _required(match["named"], env, f"${match['named']}")
        parts = _BRACED.fullmatch(match["braced"])
        if parts is None or "$" in (parts["arg"] or ""):
            raise ComposeError(f"unsupported interpolation ${{{match['braced']}}} in {text!r}")
        name, op, arg = parts["name"], parts["op"], parts["arg"]
        present = name in env and (not parts["colon"] or env[name] != "")
        if op is None:
            return _required(name, env, f"${{{name}}}")
        if op == "-":
            return env[name] if present else arg
        if op == "+":
            return arg if present else ""
        if not present:  # "?": required, with Compose's error message
            raise ComposeError(f"required variable {name} is missing a value: {arg}")
        return env[name]

    return _REFERENCE.sub(substitute, text)


def _required(name: str, env: Mapping[str, str], written: str) -> str:
    if name not in env:
        raise ComposeError(f"{written} is not set and has no default")
    return env[name]


def _interpolated(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: _interpolated(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolated(value, env) for value in node]
    return node


def load(dotenv: Mapping[str, str], path: Path = COMPOSE_FILE) -> dict:
    """The compose file with anchors and merge keys resolved and every value interpolated from dotenv (the test's
    `.env`; the shell's environment is left out on purpose, so the test runs the same everywhere)."""
    return _interpolated(yaml.safe_load(path.read_text()), dotenv)


def _as_env_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Service:
    """One compose service, as Compose would run it."""

    name: str
    spec: dict

    @property
    def environment(self) -> dict[str, str]:
        if "env_file" in self.spec:
            raise ComposeError(f"{self.name}: env_file is not implemented by this reader")
        raw = self.spec.get("environment") or {}
        if isinstance(raw, list):
            pairs = {}
            for item in raw:
                if "=" not in item:
                    raise ComposeError(f"{self.name}: {item!r} takes its value from the shell; not implemented")
                key, value = item.split("=", 1)
                pairs[key] = value
            return pairs
        missing = [key for key, value in raw.items() if value is None]
        if missing:
            raise ComposeError(f"{self.name}: {missing} take their values from the shell; not implemented")
        return {key: _as_env_string(value) for key, value in raw.items()}

    @property
    def command(self) -> list[str]:
        command = self.spec.get("command")
        if command is None:
            return []
        return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]

    @property
    def depends_on(self) -> dict[str, str]:
        """{dependency: condition}; the short (list) form means service_started, as in Compose."""
        raw = self.spec.get("depends_on") or {}
        if isinstance(raw, list):
            return {name: "service_started" for name in raw}
        return {name: (options or {}).get("condition", "service_started") for name, options in raw.items()}

    @property
    def healthcheck(self) -> list[str] | None:
        """The healthcheck's command as an argv (CMD form), or None when the service has none."""
        check = self.spec.get("healthcheck")
        if not check or check.get("disable"):
            return None
        test = check["test"]
        if isinstance(test, str):
            return ["/bin/sh", "-c", test]
        kind, *argv = test
        if kind == "CMD-SHELL":
            return ["/bin/sh", "-c", " ".join(argv)]
        if kind != "CMD":
            return None  # ["NONE"]
        return argv

    @property
    def volumes(self) -> dict[str, str]:
        """{mount point inside the container: named volume or host path}."""
        mounts = {}
        for entry in self.spec.get("volumes") or []:
            if isinstance(entry, dict):
                mounts[entry["target"]] = entry.get("source", "")
            else:
                source, target, *_ = entry.split(":")
                mounts[target] = source
        return mounts

    @property
    def published_container_ports(self) -> list[int]:
        """The container side of each `ports:` entry ("[ip:]host:container[/proto]" or a number)."""
        ports = []
        for entry in self.spec.get("ports") or []:
            if isinstance(entry, dict):
                ports.append(int(entry["target"]))
            else:
                ports.append(int(str(entry).split("/")[0].rsplit(":", 1)[-1]))
        return ports

    @property
    def one_shot(self) -> bool:
        return self.spec.get("restart") == "no"


@dataclass
class Project:
    """The interpolated compose file."""

    model: dict
    services: dict[str, Service] = field(init=False)

    def __post_init__(self):
        self.services = {name: Service(name, spec) for name, spec in self.model["services"].items()}

    def built_from(self, dockerfile: Path = DOCKERFILE) -> list[Service]:
        """The services whose image is built from dockerfile (ours: every hub process)."""
        relative = dockerfile.relative_to(ROOT).as_posix()
        return [s for s in self.services.values() if (s.spec.get("build") or {}).get("dockerfile") == relative]

    def start_order(self, names: list[str]) -> list[str]:
        """names in an order Compose could start them: every dependency (among names) before its dependants."""
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in ordered:
                return
            if name in visiting:
                raise ComposeError(f"depends_on cycle through {name}")
            visiting.add(name)
            for dependency in self.services[name].depends_on:
                if dependency in names:
                    visit(dependency)
            visiting.discard(name)
            ordered.append(name)

        for name in names:
            visit(name)
        return ordered


@dataclass
class Image:
    """What `docker build -f deploy/Dockerfile` gives a container: the last stage's ENV, WORKDIR, ENTRYPOINT, CMD."""

    env: dict[str, str]
    workdir: str
    entrypoint: list[str]
    cmd: list[str]


def read_image(dockerfile: Path = DOCKERFILE) -> Image:
    text = re.sub(r"\\\n", " ", dockerfile.read_text())  # join continuation lines
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    last_stage = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    env: dict[str, str] = {}
    workdir, entrypoint, cmd = "/", [], []
    for line in lines[last_stage + 1:]:
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], m[0]), value)
        elif instruction == "WORKDIR":
            workdir = rest.strip()
        elif instruction == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif instruction == "CMD":
            cmd = json.loads(rest)
    return Image(env=env, workdir=workdir, entrypoint=entrypoint, cmd=cmd)
