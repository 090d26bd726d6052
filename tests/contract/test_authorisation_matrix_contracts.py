"""The authorisation matrix for contracts (issue 11, item 1): see test_authorisation_matrix.py and its table."""
from __future__ import annotations

from authorisation_matrix import assert_service_answers_as_the_table_says


def test_contracts_answers_every_role_and_context_as_the_authorisation_table_says(databases, broker, token_keys, sign):
    assert_service_answers_as_the_table_says("contracts", databases, broker, token_keys, sign)
