"""`make run`'s supervisor, for real: embedded broker, Celery worker and beat, web server.

It must serve pages, show a heartbeat that only a running beat and worker can produce, and leave
no process behind when interrupted.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still has a pid; it is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_runstack_serves_heartbeats_and_stops_cleanly(tmp_path):
    web_port, broker_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="1",
        VAR_DIR=str(tmp_path),
        EMBEDDED_REDIS_PORT=str(broker_port),
        HEARTBEAT_SECONDS="1",
        DJANGO_SETTINGS_MODULE="rehab.settings",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    log = open(tmp_path / "runstack.log", "w+")  # noqa: SIM115 - read back below
    stack = subprocess.Popen(
        [*manage, "runstack", "--addr", f"127.0.0.1:{web_port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{web_port}"
    try:
        health: dict = {}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert stack.poll() is None, Path(log.name).read_text()[-3000:]
            try:
                status, body = get(f"{base}/healthz")
                health = json.loads(body)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        assert health.get("status") == "ok", health
        assert health["broker"] == "ok"
        assert health["celery"]["heartbeats"] >= 1
        assert get(f"{base}/accounts/login/")[0] == 200
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=60)
    output = Path(log.name).read_text()
    pids = [int(pid) for pid in re.findall(r"pid (\d+):", output)]
    assert len(pids) == 4, output  # broker, worker, beat, web
    assert "All processes stopped." in output
    leftovers = [pid for pid in pids if alive(pid)]
    assert leftovers == [], f"processes left running: {leftovers}"
