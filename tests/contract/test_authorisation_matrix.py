"""The authorisation matrix (issue 11, item 1): every operation in each service's OpenAPI document, for every role,
in four contexts (own organisation, another organisation, no organisation, another consortium), answered by the
service in-process with real signed tokens on objects made once per service, must give the answer written in
`tests/contract/authorisation_matrix.md`, the table a reviewer reads. An operation without rows there fails, and so
does a row for an operation that no longer exists; every answer must be `Cache-Control: no-store` (item 6).
How the cells are tried: `authorisation_matrix.py`. One module per service (`test_authorisation_matrix_*.py`), so
`make test`'s two workers share them; this one holds membership's and the table's own checks."""
from __future__ import annotations

from authorisation_matrix import SERVICES, assert_service_answers_as_the_table_says, read_table


def test_membership_answers_every_role_and_context_as_the_authorisation_table_says(databases, broker, token_keys,
                                                                                   sign):
    assert_service_answers_as_the_table_says("membership", databases, broker, token_keys, sign)


def test_the_table_covers_every_service_and_refuses_member_staff_without_an_organisation():
    """The organisation rule in the table itself: a member user with no organisation is refused everything but the
    health checks (hubkit.auth.without_organisation)."""
    tables = read_table()
    assert set(tables) == set(SERVICES)
    for service, cells in tables.items():
        for (operation, role, context), answer in cells.items():
            if role == "member_user" and context == "no organisation" and not operation.endswith(("/healthz",
                                                                                                  "/readyz")):
                assert answer == "403", (service, operation)
