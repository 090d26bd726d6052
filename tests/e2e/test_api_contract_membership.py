"""Schemathesis over membership's OpenAPI document through the gateway: no 5xx, every answer as documented (api_contract)."""
import pytest

from .api_contract import _node_id_for_schemathesis, contract_test, service_schema  # noqa: F401


@pytest.fixture
def membership_api(hub):
    return service_schema(hub, "membership")


test_membership_api_contract = contract_test("membership_api", "membership")
