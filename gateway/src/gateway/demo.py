"""Demo consortium and users for `make run`. DEMO ONLY: every demo user shares one published password."""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .accounts import create_consortium, create_user
from .adapters.repository import UserRepository
from .domain import roles
from .domain.audit import DEMO_ACTOR

DEMO_CONSORTIUM_ID = uuid.UUID("5e3c1a2b-7d4f-4c8e-9a61-2f0b8d7c6e51")
DEMO_CONSORTIUM_NAME = "Riverside Community Consortium"
DEMO_PASSWORD = "demo-password-2026"  # published in the README: never use the demo users outside a demo

DEMO_USERS = (
    ("admin", "Ada Admin", roles.HOST_ADMIN),
    ("manager", "Morgan Manager", roles.CONSORTIUM_MANAGER),
    ("finance", "Fran Finance", roles.FINANCE_OFFICER),
    ("board", "Bo Board", roles.BOARD_MEMBER),
    ("member", "Mel Member", roles.MEMBER_USER),
)


def load_demo_users(session: Session) -> list[tuple[str, str]]:
    """Create the demo consortium and its users if missing, as `system:demo` in the audit trail; return
    (username, role) for each."""
    repo = UserRepository(session)
    if repo.consortium(DEMO_CONSORTIUM_ID) is None:
        create_consortium(session, DEMO_CONSORTIUM_NAME, "riverside", DEMO_CONSORTIUM_ID, actor=DEMO_ACTOR)
    for username, display_name, role in DEMO_USERS:
        if repo.by_username(username) is None:
            # The member's organisation is registered in membership later, then linked by set_organisation.
            create_user(session, username=username, password=DEMO_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                        roles={role}, display_name=display_name, email=f"{username}@riverside.example",
                        organisation_pending=role == roles.MEMBER_USER, actor=DEMO_ACTOR)
    return [(username, role) for username, _, role in DEMO_USERS]
