"""Django's SQLite backend, with writers taking turns through a file lock instead of SQLite's
busy handler.

Every transaction starts with BEGIN IMMEDIATE (settings.py), so writers queue for SQLite's one
write lock. SQLite makes a waiting writer sleep and retry, with sleeps growing to 100 ms
(1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms): a transaction that waited for one of a few
milliseconds often sleeps far longer than that, and under load the slowest requests become
several times slower than the median. Here a transaction first takes an exclusive `flock` on a
file beside the database, held until it commits or rolls back: the kernel wakes the next writer
as soon as the lock is free. The lock is only polled (every millisecond) while it is held by
someone else, up to the same timeout as SQLite's (OPTIONS "timeout"), so a request still ends in
"database busy" (503, rehab.ops.middleware) rather than waiting forever. A process that dies
releases its lock with its file descriptors.

Writes outside a transaction (a single autocommit statement) still meet SQLite's own handler;
they are short and rare. In-memory databases (some tests) need no lock.
"""

import fcntl
import os
import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_POLL_SECONDS = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn_fd: int | None = None

    def _turn_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _take_turn(self) -> None:
        path = self._turn_path()
        if path is None or self._turn_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise OperationalError("database is locked") from None
                time.sleep(_POLL_SECONDS)
            else:
                self._turn_fd = fd
                return

    def _end_turn(self) -> None:
        if self._turn_fd is not None:
            fd, self._turn_fd = self._turn_fd, None
            os.close(fd)  # closing releases the flock

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()
