"""Schemathesis over contracts's OpenAPI document through the gateway: no 5xx, every answer as documented (api_contract)."""
import pytest

from .api_contract import _node_id_for_schemathesis, contract_test, service_schema  # noqa: F401


@pytest.fixture
def contracts_api(hub):
    return service_schema(hub, "contracts")


test_contracts_api_contract = contract_test("contracts_api", "contracts")
