"""Hand-written queries that PostgreSQL plans once per connection instead of on every request.

A few read queries behind the busiest pages (adherence per day, the progress page's aggregates,
the caseload's figures) join five or six tables; PostgreSQL spent about as long planning each as
running it. On PostgreSQL `fetchall` sends them as server-side prepared statements: psycopg
prepares a statement the first time its connection runs it and reuses it afterwards (its own
cache, cleared on rollback), and the server plans it again only when it judges a custom plan
worth it. Every other query keeps Django's client-side binding, which prepares nothing.

Rows come back through Django's cursor wrapper, so query logging, `execute_wrapper` and the
query-count tests see these statements like any other. On SQLite, or with
`DATABASE_PREPARED_STATEMENTS=0` (for a transaction-pooling PgBouncer older than 1.21, which
cannot hold prepared statements across transactions), it is a plain cursor.

Placeholders are %s or %(name)s, as for Django's cursor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper


def fetchall(
    sql: str, params: Sequence[Any] | Mapping[str, Any], using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    # Prepare on the first run: only this server-side binding cursor can (Django's own are
    # client-side cursors, which psycopg never prepares).
    raw.prepare_threshold = 0
    binding: psycopg.Cursor[Any] = psycopg.Cursor(raw)
    if connection.queries_logged:
        with _Logged(binding, connection) as logged:
            logged.execute(sql, params)
            return logged.fetchall()
    with connection.make_cursor(binding) as wrapped:  # type: ignore[arg-type] # stubs: any cursor
        wrapped.execute(sql, params)
        return wrapped.fetchall()


class _Logged(CursorDebugWrapper):
    """Logs the statement with its values written in, as Django's own cursors are logged
    (psycopg keeps no text of a prepared statement's run)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        composed = self.db.ops.compose_sql(sql, params)
        with self.debug_sql(composed, params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)
