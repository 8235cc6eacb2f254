"""Run the whole system in the foreground: broker, Celery worker and beat, and the web server.

Each child gets its own process group so Ctrl-C reaches only this supervisor, which then stops
the children in order (web, beat, worker, broker) and kills any group that outlives the grace
period: nothing is left running.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rehab.ops import broker

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Start broker (embedded unless REDIS_URL is set), Celery worker and beat, and web."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--web", choices=["runserver", "gunicorn"], default="runserver")

    def handle(self, *args: Any, addr: str, web: str, **options: Any) -> None:
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.stopping = False
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        env = dict(os.environ)
        try:
            if not os.environ.get("REDIS_URL"):
                port = settings.EMBEDDED_REDIS_PORT
                if broker.ping(port):
                    raise CommandError(
                        f"Port {port} already answers: is another `make run` running? "
                        "Stop it, or set EMBEDDED_REDIS_PORT."
                    )
                process = broker.start_server(port=port, data_dir=settings.VAR_DIR / "broker")
                self.children.append(("broker", process))
                env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
                self.stdout.write(
                    f"broker  pid {process.pid}: valkey-server on 127.0.0.1:{port} (embedded)"
                )
            py = sys.executable
            schedule = str(settings.VAR_DIR / "celerybeat-schedule")
            self._spawn(
                "worker",
                [py, "-m", "celery", "-A", "rehab", "worker", "-l", "info", "-c", "2"],
                env,
            )
            self._spawn(
                "beat",
                [py, "-m", "celery", "-A", "rehab", "beat", "-l", "info", "-s", schedule],
                env,
            )
            if web == "gunicorn":
                cmd = [py, "-m", "gunicorn", "rehab.wsgi:application", "-b", addr, "-w", "3"]
            else:
                cmd = [py, "manage.py", "runserver", addr, "--noreload"]
            self._spawn("web", cmd, env)
            self._wait_for_web(addr)
            self._banner(addr)
            self._supervise()
        finally:
            self._stop_all()

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        process = subprocess.Popen(cmd, env=env, start_new_session=True)
        self.children.append((name, process))
        self.stdout.write(f"{name:<7} pid {process.pid}: {' '.join(cmd[1:6])} ...")
        self.stdout.flush()

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _wait_for_web(self, addr: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.stopping:
            try:
                urllib.request.urlopen(f"http://{addr}/healthz", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers; 503 just means the heartbeat has not arrived yet
            except OSError:
                time.sleep(0.3)
            self._check_children()

    def _banner(self, addr: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"\nNeck Rehab Tracker is running at http://{addr}/\n"
                "Demo logins (password demo-pass-123):\n"
                "  staff@example.com      clinic staff\n"
                "  therapist@example.com  therapist\n"
                "  patient@example.com    patient\n"
                f"Health: http://{addr}/healthz   API docs: http://{addr}/api/docs/\n"
                "Press Ctrl-C to stop everything.\n"
            )
        )

    def _check_children(self) -> None:
        for name, process in self.children:
            if process.poll() is not None and not self.stopping:
                raise CommandError(f"{name} exited with code {process.returncode}; stopping.")

    def _supervise(self) -> None:
        parent = os.getppid()
        while not self.stopping:
            self._check_children()
            if os.getppid() != parent:
                # Whoever started us (make, a terminal) is gone: do not linger as an orphan.
                self.stdout.write("Parent process exited; stopping.")
                return
            time.sleep(0.5)

    def _stop_all(self) -> None:
        self.stopping = True
        # Web first so no new work arrives, the broker last so the worker can ack in-flight tasks.
        for _name, process in reversed(self.children):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    process.wait(GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        # Children of children (e.g. worker pool processes) share the group; sweep it.
        for _name, process in self.children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if self.children:
            self.stdout.write("All processes stopped.")
