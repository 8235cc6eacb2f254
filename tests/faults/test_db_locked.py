"""A patient logs a session while the database is locked by someone else.

The session goes through a real HTTP server (pytest-django's live server: Django's threaded WSGI
server in this process, with its own database connections) while another connection, opened
outside Django, holds the write lock:

- SQLite: `BEGIN IMMEDIATE` on the database file. rehab/settings.py opens every write
  transaction with BEGIN IMMEDIATE and a 20 s busy timeout, so the request queues for the lock.
  `test_..._waits_for_a_brief_lock...` holds it for a few seconds: the request is still waiting
  while it is held, and answers 201 with exactly one stored session once it is released.
  `test_..._held_past_the_timeout...` (marked `verify`: it waits out the real 20 s) holds it
  until the request has answered: a 503 with Retry-After and nothing written, then a retry with
  the same Idempotency-Key stores exactly one session, and a second retry answers 200 with it.
- PostgreSQL: `LOCK TABLE programs_sessionlog IN EXCLUSIVE MODE`, which lets reads through and
  stops inserts. The test sees the request queue behind the lock in `pg_locks`, releases it, and
  the request answers 201 with one session. The settings' lock_timeout (15 s) ends a longer wait;
  a cancelled statement stands in for it here: cancelling the waiting request's query gives a
  503 with nothing written, and the retry with the same key stores one session.

Each session reports high pain, so a successful log also writes an alert, its notification and
outbox rows in the same transaction: "nothing half-written" covers those too. Timing is never
asserted: the tests wait for events (the request reaching the service that writes, the lock
wait showing in pg_locks, the response arriving), each bounded so a hang fails rather than
blocks.
"""

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from rehab.alerts.models import Alert
from rehab.programs import services
from rehab.programs.models import ExerciseLog, SessionLog
from rehab.programs.selectors import items_due
from rehab.reminders.models import Outbox

pytestmark = pytest.mark.django_db(transaction=True)

# Bounds for waiting on events, far above what any of them takes; they only turn a hang into a
# failure. The SQLite busy timeout itself is rehab/settings.py's 20 s.
EVENT_WAIT = 30
RESPONSE_WAIT = 60
HOLD_SECONDS = 3  # how long the brief lock is held once the request is waiting for it
# A 32-character CSRF secret, sent as both the cookie and the header (as a browser's would be).
CSRF = "faults0csrf0secret0for0the0tests"

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="SQLite's write lock and busy timeout"
)
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL's table locks"
)


@dataclass
class Patient:
    """A signed-in patient talking to the live server over HTTP."""

    base_url: str
    cookies: dict[str, str]
    body: dict[str, Any]

    def log_session(self, key: str) -> requests.Response:
        return requests.post(
            f"{self.base_url}/api/v1/sessions/",
            data=json.dumps(self.body),
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "X-CSRFToken": CSRF,
            },
            cookies=self.cookies,
            timeout=RESPONSE_WAIT,
        )


@pytest.fixture
def patient(live_server, world, alice_program) -> Patient:
    """Alice, signed in, with a daily program and a painful session to log."""
    alice_program()
    client = Client()
    client.force_login(world.alice)
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: CSRF,
    }
    today = services.patient_today(world.alice)
    item = items_due(patient=world.alice, on=today).get()
    body = {
        "performed_on": today.isoformat(),
        "pain_before": 3,
        "pain_after": 8,  # high pain: an alert, its notification and outbox rows
        "entries": [{"item": item.pk, "sets_done": 1, "reps_done": 10}],
    }
    # A first request starts the session's idle clock (a write), so that the session log below
    # is the only write its request makes.
    warm = requests.get(f"{live_server.url}/api/v1/today/", cookies=cookies, timeout=EVENT_WAIT)
    assert warm.status_code == 200, warm.text
    return Patient(base_url=live_server.url, cookies=cookies, body=body)


@pytest.fixture
def reached_the_service(monkeypatch) -> threading.Event:
    """Set when a request calls session_log_create, the service that opens the write
    transaction: from then on the request waits for the database's write lock."""
    reached = threading.Event()
    original = services.session_log_create

    def spy(**kwargs: Any) -> Any:
        reached.set()
        return original(**kwargs)

    monkeypatch.setattr(services, "session_log_create", spy)
    return reached


@pytest.fixture
def in_background() -> Iterator[Callable[[Callable[[], Any]], Future[Any]]]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit


def stored() -> dict[str, int]:
    return {
        "sessions": SessionLog.objects.count(),
        "entries": ExerciseLog.objects.count(),
        "alerts": Alert.objects.count(),
        "outbox": Outbox.objects.count(),
    }


NOTHING = {"sessions": 0, "entries": 0, "alerts": 0, "outbox": 0}


def assert_logged_once(response: requests.Response, key: str) -> None:
    assert response.status_code == 201, response.text
    session = SessionLog.objects.get()
    assert str(session.public_id) == response.json()["id"]
    assert session.idempotency_key == key
    assert session.entries.count() == 1
    assert Alert.objects.filter(session=session).count() == 1
    assert Outbox.objects.exists()


@pytest.fixture
def request_errors(monkeypatch) -> Callable[[], str]:
    """The exceptions the server logs for failed requests (what operators would see), taken
    here rather than printed: returns them joined in one string."""
    records: list[logging.LogRecord] = []

    def keep(record: logging.LogRecord) -> bool:
        records.append(record)
        return False  # handled here: no traceback in the test output

    monkeypatch.setattr(logging.getLogger("django.request"), "filters", [keep])
    return lambda: " | ".join(str(record.exc_info[1]) for record in records if record.exc_info)


def wait_for(event: threading.Event, what: str) -> None:
    if not event.wait(EVENT_WAIT):
        pytest.fail(f"Gave up after {EVENT_WAIT} s waiting for {what}.")


# --- SQLite -------------------------------------------------------------------------------------


@contextmanager
def sqlite_write_lock() -> Iterator[sqlite3.Connection]:
    """Another connection to the test database file holding its write lock until the block ends
    (and rolled back: it wrote nothing)."""
    # A few seconds to take the lock: a request that just answered may still be finishing a write.
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=5)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield holder
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


@sqlite_only
def test_a_session_logged_while_sqlite_is_locked_waits_for_a_brief_lock_and_is_stored_once(
    patient, reached_the_service, in_background
):
    # Given another connection holding SQLite's write lock
    key = str(uuid.uuid4())
    with sqlite_write_lock():
        # When the patient logs a session
        response = in_background(lambda: patient.log_session(key))
        wait_for(reached_the_service, "the request to reach session_log_create")
        # Then, while the lock is held, the request waits (a busy timeout of 0 would have failed
        # it at once) and nothing is stored (reads go on beside the writer in WAL mode)
        time.sleep(HOLD_SECONDS)  # hold the lock a few seconds
        assert not response.done()
        assert stored() == NOTHING
    # And once the lock is released the session is stored, exactly once
    assert_logged_once(response.result(timeout=RESPONSE_WAIT), key)


@sqlite_only
@pytest.mark.verify
def test_a_session_logged_while_sqlite_is_locked_past_the_timeout_fails_cleanly_and_a_retry_stores_it_once(  # noqa: E501
    patient, reached_the_service, in_background, request_errors
):
    key = str(uuid.uuid4())
    # Given a write lock held until the request has given up (the 20 s busy timeout)
    with sqlite_write_lock():
        started = time.monotonic()
        failed = in_background(lambda: patient.log_session(key)).result(timeout=RESPONSE_WAIT)
        took = time.monotonic() - started
        assert reached_the_service.is_set()
        # Then the request fails as a whole, logged for operators, and nothing of it is stored
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "5"
        assert "database is locked" in request_errors()
        assert stored() == NOTHING
    # When the app retries with the same key, the session is stored once
    assert_logged_once(patient.log_session(key), key)
    # And a further retry answers with the same session and stores nothing more
    again = patient.log_session(key)
    assert again.status_code == 200
    assert again.json()["id"] == str(SessionLog.objects.get().public_id)
    assert SessionLog.objects.count() == 1
    print(
        f"SQLite write lock held past the busy timeout: the session log answered 503 after "
        f"{took:.1f} s with nothing stored; the retry with the same key stored 1 session"
    )


# --- PostgreSQL ---------------------------------------------------------------------------------


@contextmanager
def postgres_table_lock() -> Iterator[Any]:
    """Another connection holding an EXCLUSIVE lock on the session log table until the block
    ends: reads pass, inserts wait."""
    import psycopg

    db = connection.settings_dict
    holder = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
    )
    try:
        holder.execute("LOCK TABLE programs_sessionlog IN EXCLUSIVE MODE")
        yield holder
    finally:
        holder.rollback()
        holder.close()


def lock_waiters() -> list[int]:
    """Backends waiting for a lock on the session log table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks "
            "WHERE relation = 'programs_sessionlog'::regclass AND NOT granted"
        )
        return [row[0] for row in cursor.fetchall()]


def wait_for_a_waiter() -> int:
    for _ in range(EVENT_WAIT * 20):
        pids = lock_waiters()
        if pids:
            return pids[0]
        time.sleep(0.05)  # polling
    pytest.fail(f"No request waited for the table lock within {EVENT_WAIT} s.")


@postgres_only
def test_a_session_logged_while_postgres_locks_the_table_waits_and_is_stored_once(
    patient, in_background
):
    key = str(uuid.uuid4())
    # Given another connection holding an exclusive lock on the session log table
    with postgres_table_lock():
        # When the patient logs a session, the insert queues behind the lock
        response = in_background(lambda: patient.log_session(key))
        wait_for_a_waiter()
        assert not response.done()
        assert stored() == NOTHING
    # Then once the lock is released the session is stored, exactly once
    assert_logged_once(response.result(timeout=RESPONSE_WAIT), key)


@postgres_only
def test_a_session_log_cancelled_while_waiting_for_a_postgres_lock_fails_cleanly_and_a_retry_stores_it_once(  # noqa: E501
    patient, in_background, request_errors
):
    key = str(uuid.uuid4())
    # Given a request waiting behind a table lock
    with postgres_table_lock() as holder:
        response = in_background(lambda: patient.log_session(key))
        waiter = wait_for_a_waiter()
        # When its statement is cancelled (as a lock or statement timeout would)
        holder.execute("SELECT pg_cancel_backend(%s)", [waiter])
        failed = response.result(timeout=RESPONSE_WAIT)
        # Then the request fails as a whole, logged for operators, and nothing of it is stored
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "5"
        assert "canceling statement" in request_errors()
        assert stored() == NOTHING
    # And a retry with the same key stores the session once; a further retry stores nothing
    assert_logged_once(patient.log_session(key), key)
    again = patient.log_session(key)
    assert again.status_code == 200
    assert SessionLog.objects.count() == 1
