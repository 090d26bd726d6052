"""Schemathesis over governance's OpenAPI document through the gateway: no 5xx, every answer as documented (api_contract)."""
import pytest

from .api_contract import _node_id_for_schemathesis, contract_test, service_schema  # noqa: F401


@pytest.fixture
def governance_api(hub):
    return service_schema(hub, "governance")


test_governance_api_contract = contract_test("governance_api", "governance")
