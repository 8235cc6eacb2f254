"""rehab/ops/prepared.py: the busiest hand-written queries as prepared statements on PostgreSQL,
seen by Django's query logging, and plain queries elsewhere or when switched off."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import Clinic
from rehab.ops import prepared

pytestmark = pytest.mark.django_db

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
SQL = "SELECT name, %s + 1 FROM accounts_clinic WHERE slug = %s /* prepared-test */"


def prepared_here() -> int:
    """How many statements of this test the server holds prepared for this connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared-test%"],
        )
        return int(cursor.fetchone()[0])


def test_rows_come_back_and_every_run_is_logged(world):
    with CaptureQueriesContext(connection) as queries:
        first = prepared.fetchall(SQL, [1, world.clinic_a.slug])
        again = prepared.fetchall(SQL, [41, world.clinic_a.slug])
    assert first == [(world.clinic_a.name, 2)]
    assert again == [(world.clinic_a.name, 42)]
    assert len(queries) == 2
    # Logged with the values written in, as Django logs its own queries.
    assert [query["sql"] for query in queries.captured_queries] == [
        SQL.replace("%s + 1", "1 + 1").replace("%s", f"'{world.clinic_a.slug}'"),
        SQL.replace("%s + 1", "41 + 1").replace("%s", f"'{world.clinic_a.slug}'"),
    ]


def test_named_parameters(world):
    sql = "SELECT name FROM accounts_clinic WHERE slug = %(slug)s /* prepared-test */"
    assert prepared.fetchall(sql, {"slug": world.clinic_a.slug}) == [(world.clinic_a.name,)]


@postgresql
def test_postgresql_prepares_the_statement_once(world):
    prepared.fetchall(SQL, [1, world.clinic_a.slug])
    prepared.fetchall(SQL, [2, world.clinic_a.slug])
    assert prepared_here() == 1


@postgresql
def test_a_rollback_in_between_changes_nothing_it_answers(world):
    """psycopg forgets its statements on a rollback and prepares them again: the next run still
    answers, with what is committed."""
    prepared.fetchall(SQL, [1, world.clinic_a.slug])
    with pytest.raises(RuntimeError), transaction.atomic():
        Clinic.objects.filter(pk=world.clinic_a.pk).update(name="Renamed")
        assert prepared.fetchall(SQL, [1, world.clinic_a.slug]) == [("Renamed", 2)]
        raise RuntimeError
    assert prepared.fetchall(SQL, [1, world.clinic_a.slug]) == [(world.clinic_a.name, 2)]


@postgresql
@override_settings(DATABASE_PREPARED_STATEMENTS=False)
def test_switched_off_nothing_is_prepared(world):
    """For a transaction-pooling PgBouncer before 1.21 (docs/operations.md)."""
    prepared.fetchall(SQL, [1, world.clinic_a.slug])
    prepared.fetchall(SQL, [2, world.clinic_a.slug])
    assert prepared.fetchall(SQL, [3, world.clinic_a.slug]) == [(world.clinic_a.name, 4)]
    assert prepared_here() == 0


@postgresql
def test_postgresql_compiles_no_query_just_in_time(db):
    """The caseload's adherence query is costed above jit_above_cost; compiling it took 52 ms of
    its 123 ms on every run (docs/decisions.md, 24), so the connections turn JIT off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
