"""Tenancy and the audit trail in the shared database layer, against real PostgreSQL."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import String, Uuid, select, update
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.db import ConsortiumScoped, Database, OrganisationScoped, TenancyError, Tenant, declarative_base_for

Base = declarative_base_for("tenancy")


class Budget(ConsortiumScoped, Base):
    __tablename__ = "budget"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(50))


class StaffMember(OrganisationScoped, Base):
    __tablename__ = "staff_member"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(50))


A, B = uuid.uuid4(), uuid.uuid4()
ORG_1, ORG_2 = uuid.uuid4(), uuid.uuid4()


@pytest.fixture(scope="module")
def db(databases):
    database = Database(databases.create("tenancy"), Base.kit)
    Base.metadata.create_all(database.engine)
    for consortium in (A, B):
        with database.session(Tenant(consortium), actor="user:setup") as session:
            session.add_all([Budget(name=f"core {consortium}"),
                             StaffMember(organisation_id=ORG_1, name=f"Ann {consortium}"),
                             StaffMember(organisation_id=ORG_2, name=f"Bob {consortium}")])
            session.commit()
    yield database
    database.dispose()


def names(db, tenant, model):
    with db.session(tenant) as session:
        return sorted(row.name for row in session.execute(select(model)).scalars())


def test_queries_see_only_the_sessions_consortium(db):
    assert names(db, Tenant(A), Budget) == [f"core {A}"]
    assert names(db, Tenant(B), Budget) == [f"core {B}"]


def test_member_organisation_staff_see_only_their_own_organisations_rows(db):
    assert names(db, Tenant(A, ORG_1), StaffMember) == [f"Ann {A}"]
    assert names(db, Tenant(A), StaffMember) == [f"Ann {A}", f"Bob {A}"]


def test_a_query_on_tenant_data_without_a_tenant_is_refused(db):
    with db.session(None) as session, pytest.raises(TenancyError):
        session.execute(select(Budget)).all()


def test_bulk_update_cannot_reach_another_consortium(db):
    with db.session(Tenant(A)) as session:
        session.execute(update(Budget).values(name="renamed"))
        session.commit()
    assert names(db, Tenant(B), Budget) == [f"core {B}"]
    with db.session(Tenant(A)) as session:
        session.execute(update(Budget).values(name=f"core {A}"))
        session.commit()


def test_new_rows_take_the_sessions_consortium_and_other_tenants_rows_are_refused(db):
    with db.session(Tenant(A)) as session:
        budget = Budget(name="filled in")
        session.add(budget)
        session.flush()
        assert budget.consortium_id == A
        session.add(Budget(name="smuggled", consortium_id=B))
        with pytest.raises(TenancyError):
            session.flush()
        session.rollback()
    assert "smuggled" not in names(db, Tenant(B), Budget)


def test_member_user_cannot_write_for_another_organisation(db):
    with db.session(Tenant(A, ORG_1)) as session:
        session.add(StaffMember(organisation_id=ORG_2, name="not mine"))
        with pytest.raises(TenancyError):
            session.flush()


def test_every_change_is_in_the_audit_trail_with_before_and_after(db):
    with db.session(Tenant(A), actor="user:alice", request_id="req-1") as session:
        budget = Budget(name="audited")
        session.add(budget)
        session.commit()
        budget.name = "audited again"
        session.commit()
        session.delete(budget)
        session.commit()
    audit = db.kit.audit_entry
    with db.session(None) as session:
        rows = session.execute(select(audit).where(audit.c.entity_id == str(budget.id)).order_by(audit.c.id)).all()
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[1].before["name"] == "audited" and rows[1].after["name"] == "audited again"
    assert {r.actor for r in rows} == {"user:alice"} and rows[0].request_id == "req-1"
    assert rows[0].consortium_id == A


def test_a_count_that_names_its_table_only_in_from_is_scoped_too(db):
    """`select(func.count()).select_from(Budget)` names no entity in its columns: it is still one consortium's."""
    from sqlalchemy import func

    with db.session(Tenant(A)) as session:
        assert session.execute(select(func.count()).select_from(Budget)).scalar_one() == 1
        assert session.execute(select(func.count(Budget.id))).scalar_one() == 1
    with db.session(Tenant(A, ORG_1)) as session:
        assert session.execute(select(func.count()).select_from(StaffMember)).scalar_one() == 1
    with db.session(None) as session, pytest.raises(TenancyError):
        session.execute(select(func.count()).select_from(Budget))


def _claims_twice_in_a(uow) -> int:
    """A periodic task that, in consortium A, claims a row already claimed (a unique row's IntegrityError)."""
    if uow.tenant.consortium_id == A:
        taken = uow.session.execute(select(Budget.id)).scalars().first()  # the id alone: no instance to conflict
        uow.session.add(Budget(id=taken, name="claimed again"))
        uow.session.flush()
    return 1


def test_a_system_task_claiming_by_a_unique_row_passes_over_the_consortium_another_worker_did_first(db):
    from hubkit.unit_of_work import in_every_consortium

    done = in_every_consortium(db, Budget, _claims_twice_in_a, actor="system:test", service="tenancy",
                               first_claim_wins=True)
    assert done == 1  # B's run, A's passed over
    assert names(db, Tenant(A), Budget) == [f"core {A}"]  # nothing of A's run was kept


def test_any_other_system_tasks_integrity_error_is_raised_not_passed_over(db):
    from sqlalchemy.exc import IntegrityError

    from hubkit.unit_of_work import in_every_consortium

    with pytest.raises(IntegrityError):
        in_every_consortium(db, Budget, _claims_twice_in_a, actor="system:test", service="tenancy")
    assert names(db, Tenant(A), Budget) == [f"core {A}"]


def test_a_consortium_table_read_as_a_plain_table_is_refused_unless_filtered_by_hand(db):
    """The ORM's tenant criteria reach mapped classes only: `Model.__table__` in FROM would read every consortium."""
    from sqlalchemy import func

    from hubkit.db import FILTERED_BY_HAND

    table = Budget.__table__
    with db.session(Tenant(A)) as session:
        with pytest.raises(TenancyError, match="plain table"):
            session.execute(select(func.count()).select_from(table)).scalar_one()
        with pytest.raises(TenancyError, match="plain table"):
            session.execute(select(table.c.name)).all()
        by_hand = (select(table.c.name).where(table.c.consortium_id == A)
                   .execution_options(**{FILTERED_BY_HAND: True}))
        assert [row.name for row in session.execute(by_hand)] == [f"core {A}"]
        # the mapped class named only in FROM is filtered by the criteria
        assert session.execute(select(func.count()).select_from(Budget)).scalar_one() == 1
