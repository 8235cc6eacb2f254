"""Load test: patients logging sessions and reading pages through gunicorn, on a throwaway database.

    .venv/bin/python bench/load/run.py [--seconds 60] [--users 16] [--workers 3]
    bash .ci/with-postgres .venv/bin/python bench/load/run.py     # the same on PostgreSQL

Creates a database of its own (a SQLite file in a temporary VAR_DIR, or with DATABASE_URL a fresh
PostgreSQL database beside the one it names, dropped afterwards), migrates it, seeds one
therapist and `users` patients each with a program (bench/load/data.py), collects the static
files, and starts gunicorn on loopback with production settings: DEBUG off, a random SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, MFA required, HTTPS redirect and secure cookies on. The load client
(bench/load/locustfile.py) stands in for the TLS-terminating proxy (X-Forwarded-Proto: https,
with TRUST_X_FORWARDED_PROTO=1). Then locust drives `users` patients at once, back to back, for
`seconds`: log in, read Today, log a session with an Idempotency-Key (every fourth one sent
twice), read their sessions and progress, and now and then the Today and Progress pages.

No broker runs. REDIS_URL points at a loopback port this script listens on and counts
connections to: the requests must never reach it (alerts raised by painful sessions leave outbox
rows for the relay, which is not running).

Prints requests, errors, requests/s and p50/p95/p99 latency per endpoint, then the sessions
answered 201 and the session rows stored. Exits non-zero when there was any error, when the two
counts differ, when a repeated key answered with another session, or when anything connected to
the broker's port.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# collectstatic as the production image runs it. requirements.lock has no brotli, so WhiteNoise
# compresses with gzip only; the dev environment has brotli (a dependency of locust), which would
# make WhiteNoise brotli-compress every file as well: a minute instead of seconds, for files the
# production build never makes. Hide it.
COLLECTSTATIC = """
import sys
sys.modules["brotli"] = None
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "collectstatic", "--noinput", "-v", "0"])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SilentBroker:
    """A loopback port that accepts connections and counts them; it never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._accepted: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self._accepted:
            conn.close()


@contextmanager
def throwaway_postgres(url: str) -> Iterator[str]:
    """A fresh database on the server `url` names; yields its URL and drops it afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"rehab_load_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(cmd: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_for_http(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until gunicorn answers a request (as the proxy would send it: no redirect)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def production_env(var: Path, broker_port: int, url: str | None) -> dict[str, str]:
    """The environment of a production server on loopback, its data in `var` (or in the
    PostgreSQL database `url`), behind a TLS-terminating proxy, REDIS_URL on `broker_port`."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="rehab.settings",
        VAR_DIR=str(var),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        TRUST_X_FORWARDED_PROTO="1",
        SECURE_SSL_REDIRECT="1",
        REQUIRE_MFA="1",
        REDIS_URL=f"redis://127.0.0.1:{broker_port}/0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if url:
        env["DATABASE_URL"] = url
    return env


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, workers: int, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving the project on 127.0.0.1:`port` until the block ends, once it answers."""
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "rehab.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                *("--no-control-socket", "--error-logfile", "-"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers in its group, stopped with it
        )
    try:
        wait_for_http(port, server, log)
        yield server
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def migrate_and_collect_static(env: dict[str, str]) -> None:
    """Migrate the throwaway database and collect the static files, as the production image does."""
    started = time.monotonic()
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env, "migrate")
    print(f"  migrated: {time.monotonic() - started:.1f} s")
    run([sys.executable, "-c", COLLECTSTATIC], env, "collectstatic")
    print(f"  static: {time.monotonic() - started:.1f} s")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def report(summary: dict[str, Any], rows: dict[str, int], broker_connections: int) -> list[str]:
    """Print the figures; return what went wrong."""
    times: dict[str, list[float]] = summary["times_ms"]
    errors: dict[str, int] = summary["errors"]
    total = sum(len(values) for values in times.values())
    error_total = sum(errors.values())
    seconds = summary["seconds"]
    print(
        f"\n{'endpoint':<44} {'requests':>8} {'errors':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for name in sorted(times):
        values = times[name]
        print(
            f"{name:<44} {len(values):>8} {errors.get(name, 0):>6} "
            f"{percentile(values, 0.50):>7.0f} {percentile(values, 0.95):>7.0f} "
            f"{percentile(values, 0.99):>7.0f}"
        )
    every = [value for values in times.values() for value in values]
    if every:
        print(
            f"{'all':<44} {total:>8} {error_total:>6} {percentile(every, 0.50):>7.0f} "
            f"{percentile(every, 0.95):>7.0f} {percentile(every, 0.99):>7.0f}"
        )
    print(f"\nrequests: {total} in {seconds:.1f} s = {total / seconds:.1f} requests/s")
    print(f"errors: {error_total}")
    for sample in summary["error_samples"]:
        print(f"  {sample}")
    print(f"sessions logged (201): {summary['created']}")
    print(f"session rows stored: {rows['sessions']} ({rows['entries']} exercise entries)")
    print(f"same key sent again (200, same session): {summary['replayed']}")
    print(
        f"alerts raised: {rows['alerts']}; outbox rows: {rows['outbox']} "
        f"({rows['outbox_published']} published)"
    )
    print(f"connections to the broker's port: {broker_connections}")
    problems = []
    if error_total:
        problems.append(f"{error_total} errors")
    if summary["created"] != rows["sessions"]:
        problems.append(f"{summary['created']} sessions answered 201 but {rows['sessions']} stored")
    if rows["distinct_keys"] != rows["sessions"]:
        problems.append("two stored sessions share an Idempotency-Key")
    if summary["replay_mismatch"]:
        problems.append(f"{summary['replay_mismatch']} repeated keys answered another session")
    if broker_connections or rows["outbox_published"]:
        problems.append("a request talked to the broker")
    if not summary["created"]:
        problems.append("no session was logged")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long the load runs")
    parser.add_argument("--users", type=int, default=16, help="patients at once")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="rehab-load-"))
    broker = SilentBroker()
    try:
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            with throwaway_postgres(database_url) as url:
                problems = load(args, var, broker, url)
        else:
            problems = load(args, var, broker, None)
    finally:
        broker.close()
        shutil.rmtree(var, ignore_errors=True)
    if problems:
        sys.exit("LOAD TEST FAILED: " + "; ".join(problems))
    print("load test passed")


def load(args: argparse.Namespace, var: Path, broker: SilentBroker, url: str | None) -> list[str]:
    port = free_port()
    env = production_env(var, broker.port, url)
    py = sys.executable
    vendor = "PostgreSQL" if url else "SQLite"
    print(
        f"== load test on {vendor}: {args.users} patients for {args.seconds} s, "
        f"gunicorn with {args.workers} workers on 127.0.0.1:{port}"
    )
    started = time.monotonic()
    migrate_and_collect_static(env)
    users_file = var / "users.json"
    seed = [py, str(HERE / "data.py"), "seed", "--patients", str(args.users)]
    run([*seed, "--out", str(users_file)], env, "seeding")
    print(f"database migrated and seeded in {time.monotonic() - started:.1f} s")

    log = var / "gunicorn.log"
    with gunicorn(env, port, args.workers, log):
        host = f"http://127.0.0.1:{port}"
        summary_file = var / "summary.json"
        locust = subprocess.run(
            [
                *(py, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless"),
                *("--users", str(args.users), "--spawn-rate", str(args.users)),
                # Users finish the visit they are in (no request cut off half-way) before it ends.
                *("--run-time", f"{args.seconds}s", "--stop-timeout", "60"),
                *("--host", host, "--only-summary", "--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env={**env, "LOAD_USERS_FILE": str(users_file), "LOAD_SUMMARY": str(summary_file)},
            capture_output=True,
            text=True,
            check=False,
        )
        if not summary_file.exists():
            sys.exit(f"locust wrote no summary ({locust.returncode}):\n{locust.stderr[-3000:]}")
    rows = json.loads(run([py, str(HERE / "data.py"), "count"], env, "counting"))
    problems = report(json.loads(summary_file.read_text()), rows, broker.connections)
    if problems:
        print(f"gunicorn log (end):\n{log.read_text()[-3000:]}")
    return problems


if __name__ == "__main__":
    main()
