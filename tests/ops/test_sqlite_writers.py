"""SQLite writers take turns through a file lock (rehab/ops/sqlite/base.py): a transaction holds
the turn from BEGIN to COMMIT or ROLLBACK, a waiting writer gets it as soon as it is free, and one
that cannot get it within the database timeout fails as "database is locked" (a 503, nothing
written). The waits here are bounded by events and by the short timeout under test, never by
sleeping."""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections, transaction

from accounts.models import Clinic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's writers only"),
]
EVENT_WAIT = 30


def turn_is_free() -> bool:
    """Whether a writer could take its turn now (tried from a file descriptor of our own)."""
    fd = os.open(f"{connection.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_transaction_holds_the_turn_until_it_commits():
    assert turn_is_free()
    with transaction.atomic():
        Clinic.objects.create(name="Turns", slug="turns")
        assert not turn_is_free()
        with transaction.atomic():  # a savepoint keeps the same turn
            assert not turn_is_free()
        assert not turn_is_free()
    assert turn_is_free()
    assert Clinic.objects.filter(slug="turns").exists()


def test_a_rolled_back_transaction_gives_its_turn_back():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Clinic.objects.create(name="Turns", slug="turns")
        _ = 1 / 0
    assert turn_is_free()
    assert not Clinic.objects.filter(slug="turns").exists()


@contextmanager
def turn_held_elsewhere() -> Iterator[threading.Event]:
    """Another thread (its own connection) holds a write transaction until the event is set."""
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                Clinic.objects.create(name="Holder", slug="holder")
                holding.set()
                assert release.wait(EVENT_WAIT)
        except BaseException as error:  # reported by the test's thread
            failures.append(error)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(EVENT_WAIT)
    try:
        yield release
    finally:
        release.set()
        thread.join(EVENT_WAIT)
    assert not failures, failures


def test_a_writer_waits_for_the_turn_and_writes_once_it_is_free():
    with turn_held_elsewhere() as release:
        assert not turn_is_free()
        done: list[bool] = []

        def write() -> None:
            try:
                with transaction.atomic():
                    Clinic.objects.create(name="Next", slug="next")
                done.append(True)
            finally:
                connections.close_all()

        waiting = threading.Thread(target=write)
        waiting.start()
        release.set()
        waiting.join(EVENT_WAIT)
    assert done == [True]
    assert set(Clinic.objects.values_list("slug", flat=True)) >= {"holder", "next"}


def test_a_writer_that_cannot_get_the_turn_in_time_fails_as_database_busy():
    options = connection.settings_dict["OPTIONS"]
    timeout = options.get("timeout")
    with turn_held_elsewhere():
        options["timeout"] = 0.05
        try:
            with (
                pytest.raises(OperationalError, match="database is locked"),
                transaction.atomic(),
            ):
                Clinic.objects.create(name="Late", slug="late")
        finally:
            options["timeout"] = timeout
    assert not Clinic.objects.filter(slug="late").exists()
    assert turn_is_free()
