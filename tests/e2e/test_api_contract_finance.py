"""Schemathesis over finance's OpenAPI document through the gateway: no 5xx, every answer as documented (api_contract)."""
import pytest

from .api_contract import _node_id_for_schemathesis, contract_test, service_schema  # noqa: F401


@pytest.fixture
def finance_api(hub):
    return service_schema(hub, "finance")


test_finance_api_contract = contract_test("finance_api", "finance")
