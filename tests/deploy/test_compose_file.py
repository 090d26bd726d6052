"""docker-compose.yml is a valid Compose file: it passes the Compose Specification's JSON schema, as written and as
Compose sees it once `.env` is interpolated, and the readers the no-Docker deployment test uses read it as Compose
does."""
from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from .compose import COMPOSE_FILE, COMPOSE_SCHEMA, ComposeError, Project, interpolate, load

# What deploy/hub.env.example asks an operator to fill in; everything else keeps the file's defaults.
DOTENV = {"HUB_DB_PASSWORD": "0123abcd" * 8, "GATEWAY_SECRET_KEY": "abcd0123" * 8}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(validator, model) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(model)]


def test_the_compose_file_passes_the_compose_specification_schema(validator):
    assert errors(validator, yaml.safe_load(COMPOSE_FILE.read_text())) == []
    assert errors(validator, load(DOTENV)) == []


def test_the_schema_check_would_catch_a_mistake(validator):
    model = load(DOTENV)
    broken = copy.deepcopy(model)
    broken["services"]["gateway"]["helthcheck"] = broken["services"]["gateway"].pop("healthcheck")
    assert any("helthcheck" in e for e in errors(validator, broken))
    broken = copy.deepcopy(model)
    broken["services"]["init"]["depends_on"]["kafka"]["condition"] = "service_ready"
    assert errors(validator, broken)


def test_the_secrets_are_required_as_compose_would_require_them():
    with pytest.raises(ComposeError, match="HUB_DB_PASSWORD is missing a value"):
        load({"GATEWAY_SECRET_KEY": "x"})
    with pytest.raises(ComposeError, match="GATEWAY_SECRET_KEY is missing a value"):
        load({"HUB_DB_PASSWORD": "x", "GATEWAY_SECRET_KEY": ""})


def test_interpolation_follows_compose():
    env = {"SET": "value", "EMPTY": ""}
    assert interpolate("${SET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET:--Xmx1m -Xms1m}", env) \
        == "value d  d -Xmx1m -Xms1m"
    assert interpolate("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|$SET|$$SET|${SET}", env) == "alt||alt|value|$SET|value"
    with pytest.raises(ComposeError):
        interpolate("${UNSET:-${SET}}", env)


def test_every_hub_process_is_the_one_image_and_starts_after_init():
    project = Project(load(DOTENV))
    hub = project.built_from()
    assert {s.name for s in hub} >= {"init", "gateway", "membership", "membership-worker"}
    assert {s.spec["image"] for s in hub} == {"consortium-hub:local"}
    order = project.start_order([s.name for s in hub])
    assert order[0] == "init" and order[-1] == "gateway"
    for service in hub:
        if service.name != "init":
            assert service.depends_on["init"] == "service_completed_successfully", service.name
