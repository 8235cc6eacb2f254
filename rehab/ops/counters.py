"""Raising the version counters that per-process caches are keyed on (the caseload's rows,
rehab/outcomes/caseload_cache.py; Today's cards, rehab/programs/plan_cache.py).

Each is one UPDATE written in SQL and run in the writing transaction, so it commits or rolls back
with the change it announces. Built through the ORM, these UPDATEs (subqueries of subqueries)
took longer than the rest of a session log's writes.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, transaction


def present(ids: Iterable[int | None]) -> list[int]:
    """The ids given, without None and repeats, in order."""
    return sorted({pk for pk in ids if pk is not None})


def placeholders(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def union(selects: Iterable[tuple[list[int], str]]) -> tuple[str, list[int]]:
    """For each (ids, "SELECT ... WHERE x IN ") with ids, that SELECT over them; all of them as
    one UNION, with its parameters. Empty when no ids were given."""
    parts: list[str] = []
    params: list[int] = []
    for ids, select in selects:
        if ids:
            parts.append(f"{select}({placeholders(ids)})")
            params += ids
    return " UNION ".join(parts), params


def execute(sql: str, params: list[int], using: str) -> None:
    """Run `sql` in the current transaction, or in one of its own after an autocommit write (on
    SQLite it then queues for its turn to write, rehab/ops/sqlite, rather than meeting SQLite's
    sleeping busy handler)."""
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        cursor.execute(sql, params)
