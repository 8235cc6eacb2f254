"""Endpoint benchmark: each endpoint's throughput as a ratio to the framework's floor, same run.

    .venv/bin/python bench/endpoints.py [--rounds 3] [--seconds 4] [--connections 16] [--workers 3]
    bash .ci/with-postgres .venv/bin/python bench/endpoints.py     # the same on PostgreSQL

Creates a throwaway database (as bench/load/run.py does), seeds a clinic with bench/clinic.py (one
therapist, 200 patients with 90 days of logs and programs of 6-10 exercises), collects the
static files and starts gunicorn with production settings on loopback (3 workers, as the
Dockerfile runs it). Then wrk (Debian's, a C client that leaves the CPU to the server) keeps
`connections` connections busy for `seconds` per endpoint, replaying real requests of signed-in
users round-robin (bench/replay.lua), and every answer must have the expected status.

The floor is GET /api/v1/ping/: a DRF view that does nothing, behind the same middleware,
session authentication and permission check as every other endpoint. Runs are interleaved: each
round measures the floor, then every endpoint, so a slower or busier moment of the machine
weighs on both sides of a ratio. A ratio is the median over rounds of (endpoint requests/s) /
(floor requests/s of that round). Between runs the server is let to work through what the last
run left queued, so no endpoint's figures carry the one before it.

Also measures the Today page's weight as a phone loads it the first time (the HTML and every
asset it references, compressed as served), and checks the static files are compressed and
cache-busted (hashed names, cached for a year).

Prints a table; exits non-zero when a target is missed (issue 7: ratios, p99 under 4x p50,
Today under 100 KB) or an answer was wrong.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from load.run import (  # noqa: E402 - bench/ is not a package
    SilentBroker,
    free_port,
    gunicorn,
    migrate_and_collect_static,
    production_env,
    run,
    throwaway_postgres,
)

# Issue 7's targets: requests/s as a share of the floor's, in the same run.
TARGETS = {
    "today": 0.30,
    "session_create": 0.25,
    "caseload": 0.10,
    "progress_page": 0.20,
    "progress_api": 0.20,
    "exercise_list": 0.30,
}
P99_OVER_P50 = 4.0
PAGE_WEIGHT_LIMIT = 100 * 1024
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
WORKERS = 3


def fetch(port: int, raw: str, extra: str = "") -> tuple[http.client.HTTPResponse, bytes, int]:
    """Send one raw request (from a .req file) and read the answer: response, body, bytes on
    the wire (headers and body as transferred)."""
    head, _, body = raw.replace("{{KEY}}", f"check-{time.monotonic_ns()}").partition("\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((head + extra + "\r\n\r\n" + body).encode())
        response = http.client.HTTPResponse(sock)
        response.begin()
        content = response.read()
    header_bytes = sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 17
    return response, content, header_bytes + len(content)


def wrk(port: int, request_file: Path, status: int, seconds: int, connections: int) -> dict:
    result = subprocess.run(
        [
            *("wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "20s"),
            *("-s", str(HERE / "replay.lua"), f"http://127.0.0.1:{port}"),
            *("--", str(request_file), str(status), f"r{time.monotonic_ns()}"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        sys.exit(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    figures: dict = json.loads(result.stdout.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def drain(port: int, ping: str) -> None:
    """Wait until the server has worked through what the last run left queued: when wrk stops,
    up to `connections` requests it sent are still waiting for a worker, and the next run's
    first requests would wait behind them (a slow endpoint then shows in the next one's p99).
    Idle means three floor requests in a row answered within 50 ms."""
    fast = 0
    deadline = time.monotonic() + 120
    while fast < 3:
        if time.monotonic() > deadline:
            sys.exit("the server did not settle within 2 minutes after a run")
        started = time.monotonic()
        response, _, _ = fetch(port, ping)
        fast = fast + 1 if time.monotonic() - started < 0.05 else 0
        assert response.status == 200, response.status


def page_weight(port: int, today_request: str) -> tuple[int, list[str], list[str]]:
    """Bytes a first visit to Today transfers (HTML and every asset, compressed as served), the
    lines to print, and what is wrong with the static files."""
    accept = "\r\nAccept-Encoding: gzip, deflate, br"
    response, html, total = fetch(port, today_request, accept)
    assert response.status == 200, (response.status, html[:600])
    if response.getheader("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    text = html.decode()
    encoding = response.getheader("Content-Encoding") or "not compressed"
    lines = [f"  /today/ HTML: {total / 1024:.1f} KB ({encoding})"]
    problems = []
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', text))
    seen: set[str] = set()
    host = re.search(r"Host: (\S+)", today_request)
    assert host is not None
    while assets:
        path = assets.pop()
        if path in seen:
            continue
        seen.add(path)
        raw = f"GET {path} HTTP/1.1\r\nHost: {host.group(1)}\r\nX-Forwarded-Proto: https\r\n\r\n"
        answer, body, weight = fetch(port, raw, accept)
        total += weight
        encoding = answer.getheader("Content-Encoding") or ""
        cache = answer.getheader("Cache-Control") or ""
        lines.append(f"  {path}: {weight / 1024:.1f} KB {encoding}")
        if answer.status != 200:
            problems.append(f"{path}: {answer.status}")
        if not HASHED.search(path):
            problems.append(f"{path}: no content hash in the name")
        if "immutable" not in cache and "max-age=315360000" not in cache:
            problems.append(f"{path}: not cached for long ({cache!r})")
        if path.endswith((".css", ".js", ".svg")) and not encoding:
            problems.append(f"{path}: not compressed")
        if path.endswith(".css"):
            css = (gzip.decompress(body) if encoding == "gzip" else body).decode()
            base = path.rsplit("/", 1)[0]
            for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", css):
                if not ref.startswith(("data:", "http", "#")):
                    assets.add(ref if ref.startswith("/") else f"{base}/{ref}")
    return total, lines, problems


def measure(args: argparse.Namespace, var: Path, url: str | None) -> list[str]:
    broker = SilentBroker()
    port = free_port()
    env = production_env(var, broker.port, url)
    py = sys.executable
    vendor = "PostgreSQL" if url else "SQLite"
    print(
        f"== endpoints on {vendor}: gunicorn with {args.workers} workers on 127.0.0.1:{port}, "
        f"wrk with {args.connections} connections, {args.rounds} rounds of {args.seconds} s"
    )
    started = time.monotonic()
    migrate_and_collect_static(env)
    requests = var / "requests"
    run(
        [
            *(py, str(HERE / "clinic.py"), "--out", str(requests), "--port", str(port)),
            *("--patients", str(args.patients), "--days", str(args.days)),
        ],
        env,
        "seeding",
    )
    endpoints = json.loads((requests / "endpoints.json").read_text())
    print(
        f"  migrated, seeded ({args.patients} patients x {args.days} days) "
        f"in {time.monotonic() - started:.1f} s"
    )
    problems: list[str] = []
    results: dict[str, list[dict]] = {name: [] for name in endpoints}
    with gunicorn(env, port, args.workers, var / "gunicorn.log"):
        first = {
            name: (requests / f"{name}.req").read_bytes().decode().split("\x1e")[0]
            for name in endpoints
        }
        _, body, _ = fetch(port, first["caseload"])
        rows = body.count(b'class="caseload-row')
        if rows != args.patients:
            problems.append(f"the caseload shows {rows} patients, not {args.patients}")
        weight, lines, static_problems = page_weight(port, first["today"])
        problems += static_problems
        # Warm every worker up (imports, template and URL caches) before anything counts.
        for name, spec in endpoints.items():
            wrk(port, requests / f"{name}.req", spec["status"], 1, args.connections)
            drain(port, first["floor"])
        for _ in range(args.rounds):
            for name, spec in endpoints.items():
                figures = wrk(
                    port, requests / f"{name}.req", spec["status"], args.seconds, args.connections
                )
                drain(port, first["floor"])
                if figures["wrong_status"] or figures["socket_errors"]:
                    problems.append(
                        f"{name}: {figures['wrong_status']} wrong answers, "
                        f"{figures['socket_errors']} socket errors ({figures['sample']})"
                    )
                results[name].append(figures)
    broker.close()
    if broker.connections:
        problems.append("a request talked to the broker")

    floor = [round_["rps"] for round_ in results["floor"]]
    print(
        f"\n{'endpoint':<34} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'p99/p50':>7}"
        f" {'ratio':>6} {'target':>7}"
    )
    for name, spec in endpoints.items():
        runs = results[name]
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50_us"] for r in runs) / 1000
        p99 = statistics.median(r["p99_us"] for r in runs) / 1000
        ratio = statistics.median(r["rps"] / f for r, f in zip(runs, floor, strict=True))
        target = TARGETS.get(name)
        label = f"{spec['method']} {spec['path']}" + (" (floor)" if name == "floor" else "")
        print(
            f"{label:<34} {rps:>7.1f} {p50:>7.1f} {p99:>7.1f} {p99 / p50:>7.2f} {ratio:>6.2f}"
            f" {f'>= {target:.2f}' if target else '':>7}"
        )
        if target and ratio < target:
            problems.append(f"{name}: {ratio:.2f} of the floor, under {target:.2f}")
        if p99 > P99_OVER_P50 * p50:
            problems.append(f"{name}: p99 {p99:.0f} ms over {P99_OVER_P50:g}x p50 {p50:.0f} ms")
    print(f"\nToday, first visit on a phone: {weight / 1024:.1f} KB transferred (limit 100 KB)")
    for line in lines:
        print(line)
    if weight > PAGE_WEIGHT_LIMIT:
        problems.append(f"Today weighs {weight / 1024:.1f} KB")
    print(f"{vendor} took {time.monotonic() - started:.0f} s")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn worker processes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")

    var = Path(tempfile.mkdtemp(prefix="rehab-bench-"))
    try:
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            with throwaway_postgres(database_url) as url:
                problems = measure(args, var, url)
        else:
            problems = measure(args, var, None)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    if problems:
        print("\nTARGETS MISSED:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print("every target met")


if __name__ == "__main__":
    main()
