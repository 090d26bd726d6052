"""Each service's OpenAPI document tells the truth (issue 11, item 5): it is a valid OpenAPI 3.1 document
(openapi-spec-validator), errors are documented as they are answered (RFC 9457 problem+json, hubkit's ProblemSchema),
uploads are multipart/form-data request bodies, bounds are numbers and decimals are documented as the decimal
strings the services send."""
from __future__ import annotations

import json
from importlib import import_module

import jsonschema
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from hubkit.testing import make_principal, service_settings

SERVICES = ("membership", "contracts", "finance", "governance")


@pytest.fixture(scope="module", params=SERVICES)
def app(request, tmp_path_factory, token_keys):
    folder = tmp_path_factory.mktemp(f"openapi-{request.param}")
    settings = service_settings(request.param, f"sqlite:///{folder}/{request.param}.db", "127.0.0.1:1", token_keys[1])
    return import_module(f"{request.param}.app").SERVICE.create_app(settings)  # the document needs no tables


@pytest.fixture(scope="module")
def document(app) -> dict:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield f"{method.upper()} {path}", operation


def walk(node, where=""):
    """Every (where, schema-ish dict) in the document."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{where}/{i}")


def test_the_document_is_valid_openapi_3_1(document):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_errors_are_documented_as_problem_json_with_the_fields_they_have(document):
    responses = document["components"]["responses"]
    assert responses["DEFAULT_ERROR"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for name, response in responses.items():
        assert set(response.get("content", {})) <= {"application/problem+json"}, name
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "request_id", "errors"}
    assert set(problem["required"]) == {"type", "title", "status"}
    assert "Error" not in document["components"]["schemas"]
    for name, operation in operations(document):
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, name


def test_an_answered_error_matches_the_documented_problem_schema(app, document, sign):
    client = app.test_client()
    schema = {**document["components"]["schemas"]["Problem"], "components": document["components"]}
    service = app.extensions["hubkit.settings"].service
    manager = {"Authorization": sign(make_principal(("consortium_manager",)), service)}
    answers = [client.get("/admin/status"),  # 401
               client.get("/admin/status", headers=manager),  # 403
               client.post("/admin/dead-letters/not-an-id/retry", headers=manager),  # 404
               client.delete("/healthz")]  # 405
    for answer in answers:
        assert answer.status_code >= 400 and answer.mimetype == "application/problem+json"
        jsonschema.validate(answer.get_json(), schema)


def test_uploads_are_multipart_request_bodies_not_openapi_2_form_data(document):
    uploads = 0
    for name, operation in operations(document):
        assert all(p.get("in") != "formData" for p in operation.get("parameters", [])), name
        body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
        if body:
            uploads += 1
            schema = body["schema"]
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            assert "file" in schema["properties"] and "file" in schema["required"], name
    assert uploads >= 1


def test_bounds_are_numbers_and_decimals_are_documented_as_the_decimal_strings_sent(document):
    for where, node in walk(document):
        for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if bound in node and not isinstance(node[bound], dict):
                assert isinstance(node[bound], (int, float)), f"{where}/{bound}: {node[bound]!r}"
    if document["info"]["title"].endswith(": finance"):
        rate = document["components"]["schemas"]["RateOut"]["properties"]
        assert rate["overhead_percent"]["type"] == "string" and rate["overhead_percent"]["pattern"]
        assert rate["on_costs_percent"]["type"] == ["string", "null"]
        rate_in = document["components"]["schemas"]["RateIn"]["properties"]
        assert rate_in["productive_hours"]["type"] == ["string", "number"]
        assert (rate_in["productive_hours"]["minimum"], rate_in["productive_hours"]["maximum"]) == (1, 8784)
    json.dumps(document)  # and it is plain JSON
