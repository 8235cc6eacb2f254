"""A new session log in one SQL statement, on PostgreSQL.

Logging a session is the busiest write. Through the ORM it is eight round trips to the database,
each statement built by the ORM: the patient's profile read before, then BEGIN, the session, its
audit entry (django-auditlog's post_save receiver), the caseload version (the caseload cache's
receiver, rehab/outcomes/caseload_cache.py), the entries, the pain baseline the alert rules
read, and COMMIT. On PostgreSQL, when the pain rules raise no alert, `insert` writes the same
rows with one statement:

    WITH session AS (INSERT INTO <session log> ...),
         audit AS (INSERT INTO <auditlog's log entry> ...),
         caseload AS (UPDATE <clinic> SET caseload_version = caseload_version + 1 ...)
    INSERT INTO <exercise log> ... RETURNING id, item_id

A statement is atomic: every row or none. A repeated Idempotency-Key fails it as a whole, as it
fails the ORM's transaction, and the caller answers with the first session either way. Inside a
transaction (a task, a test) it runs under a savepoint, as the ORM path's atomic block does.

Each INSERT is compiled by Django and the audit entry built as auditlog builds it
(rehab/ops/compose.py); the UPDATE is the caseload cache's own. tests/programs/
test_session_insert.py holds the rows equal to those of the ORM path, and fails when a receiver
of SessionLog's signals is connected that this path would skip.

`read_profile` reads, in one query before the write, the patient's profile (their time zone and
plan version, which every log needs), an id for the session from its sequence, and the first
sessions of the patient's pain baseline. When the pain rules would raise an alert (pain of 7 or
more, or 2 points over the baseline), `insert` writes nothing and returns False: the caller logs
the session through the ORM, whose transaction raises the alert with it. The baseline read a
moment before the write can miss a session of the same patient committed in between; under READ
COMMITTED, the ORM path's read inside its transaction misses one still being written just the
same.
"""

from __future__ import annotations

import functools
import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from accounts.models import PatientProfile, User
from rehab.ops import prepared
from rehab.ops.compose import columns, creation_log_entry, from_row, insert_sql

from .models import ExerciseLog, SessionLog


def supported(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


@dataclass(frozen=True)
class Reserved:
    """What `read_profile` read for the write: the new session's id, and the patient's first
    sessions with a pain rating (id, pain before, date, logged at), oldest first."""

    session_id: int
    first: list[tuple[int, int, date, datetime]]


def read_profile(patient: User, using: str = DEFAULT_DB_ALIAS) -> tuple[PatientProfile, Reserved]:
    """The patient's profile, and what a new session of theirs needs (PostgreSQL only)."""
    from rehab.alerts.services import BASELINE_SESSIONS

    params = [patient.pk, BASELINE_SESSIONS, patient.pk]
    rows = prepared.fetchall(_read_profile_sql(using), params, using)
    if not rows:
        raise PatientProfile.DoesNotExist(f"No patient profile for user {patient.pk}.")
    *profile, session_id, first = rows[0]
    if isinstance(first, str):
        first = json.loads(first)
    return from_row(PatientProfile, profile, using), Reserved(
        session_id=session_id,
        first=[
            (pk, pain, date.fromisoformat(day), datetime.fromisoformat(logged_at))
            for pk, pain, day, logged_at in first or []
        ],
    )


@functools.cache
def _read_profile_sql(using: str) -> str:
    """Written once per process: it only depends on the models."""
    qn = connections[using].ops.quote_name
    session_table = qn(SessionLog._meta.db_table)
    # S608: the names come from model metadata, every value is a parameter.
    return f"""
        SELECT {columns(PatientProfile, "p", using)},
               nextval(pg_get_serial_sequence('{session_table}', '{SessionLog._meta.pk.column}')),
               (SELECT json_agg(json_build_array(b.id, b.pain_before, b.performed_on, b.logged_at))
                FROM (SELECT s.id, s.pain_before, s.performed_on, s.logged_at
                      FROM {session_table} s
                      WHERE s.patient_id = %s AND s.pain_before IS NOT NULL
                      ORDER BY s.performed_on, s.logged_at, s.id LIMIT %s) b)
        FROM {qn(PatientProfile._meta.db_table)} p
        WHERE p.{qn(str(PatientProfile._meta.pk.column))} = %s
    """  # noqa: S608


def insert(
    *,
    session: SessionLog,
    entries: list[ExerciseLog],
    reserved: Reserved,
    using: str = DEFAULT_DB_ALIAS,
) -> bool:
    """Store `session` (not saved, without an id) and its `entries` in one statement, unless the
    pain rules would raise an alert for it: then store nothing and return False."""
    from rehab.alerts.services import pain_alerts_due  # the alerts app builds on this one
    from rehab.outcomes.caseload_cache import created_sql  # so does the outcomes app

    session.pk = reserved.session_id
    if pain_alerts_due(session, reserved.first):
        session.pk = None
        return False
    parts: list[tuple[str, tuple[str, list[Any]]]] = [
        ("session", insert_sql([session], using=using))
    ]
    audit = creation_log_entry(session, using)  # after insert_sql set updated_at, as save() does
    if audit is not None:
        parts.append(("audit", insert_sql([audit], using=using)))
    caseload = created_sql(session, using)
    if caseload is not None:
        parts.append(("caseload", caseload))
    meta = ExerciseLog._meta
    for entry in entries:
        entry.session = session
    entries_sql, entries_params = insert_sql(
        entries, returning=[meta.pk, meta.get_field("item")], using=using
    )
    sql = "WITH " + ", ".join(f"{name} AS ({part})" for name, (part, _) in parts)
    params = [value for _, (_, values) in parts for value in values]
    # Prepared (rehab/ops/prepared.py): the text is the same for every session (the entries go
    # as arrays), and planning it on every log cost the database a third of its work (1.5 ms of
    # CPU a log planned each time, 1.1 ms prepared).
    with transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext():
        rows = prepared.fetchall(f"{sql} {entries_sql}", [*params, *entries_params], using)
    ids = {item_id: pk for pk, item_id in rows}
    for obj in (session, *entries):
        obj._state.adding = False
        obj._state.db = using
    for entry in entries:
        entry.pk = ids[entry.item_id]
    return True
