"""Benchmark the therapist caseload page: query count and time, 20 and 200 patients.

    .venv/bin/python bench/caseload.py [--runs 20] [--days 90] [--sizes 20 200]

Runs on the test settings against a throwaway database (a temporary SQLite file, or with
DATABASE_URL a `test_...` PostgreSQL database created and dropped like the test suite's). Seeds
each caseload with `tests/home/seed.py` (a daily program and sessions on most of `days` days per
patient, two NDI scores, some alerts), then times GET /caseload/ through Django's test client
(served from the caseload cache once the first request has worked the rows out), and what a
cache miss costs: the rows and their HTML (`caseload_cache.compute`), and of that the rows
alone (`dashboards.caseload_rows`). Prints figures; asserts nothing about time.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per size")
    parser.add_argument("--days", type=int, default=90, help="days of logs per patient")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200])
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="rehab-bench-")
    os.environ["VAR_DIR"] = var
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()

    from django.core import signals
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from rehab.outcomes.caseload_cache import compute
    from rehab.outcomes.dashboards import caseload_rows
    from tests import factories
    from tests.home.seed import seed_caseload

    setup_test_environment(debug=False)
    # Keep one connection across requests (as the test suite does), so the query log survives.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        clinic = factories.ClinicFactory()
        exercise: Any = factories.ExerciseFactory(clinic=None)
        print(f"{connection.vendor}, {args.days} days of logs per patient, {args.runs} runs each")
        print(
            f"{'patients':>8} {'queries':>8} {'page ms':>8} {'min ms':>8} {'max ms':>8}"
            f" {'miss ms':>8} {'rows ms':>8}   (medians; page: cached)"
        )
        first = 0
        for size in args.sizes:
            therapist: Any = factories.TherapistFactory(clinic=clinic)
            factories.enable_totp(therapist)
            seed_caseload(
                therapist=therapist, exercise=exercise, count=size, days=args.days, first=first
            )
            first += size
            client = Client()
            client.force_login(therapist)
            client.get("/caseload/")  # warm up (session, caches, templates)
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/caseload/")
            assert response.status_code == 200, response.status_code
            query_count = len(queries)  # now: the next request clears the log
            assert response.content.count(b'class="caseload-row') == size
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get("/caseload/")
                times.append((time.perf_counter() - started) * 1000)
            # A cache miss: the rows and their HTML; and the rows alone (the queries and facts).
            miss, rows = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                compute(therapist=therapist, now=timezone.now())
                miss.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                caseload_rows(therapist=therapist)
                rows.append((time.perf_counter() - started) * 1000)
            print(
                f"{size:>8} {query_count:>8} {statistics.median(times):>8.1f} "
                f"{min(times):>8.1f} {max(times):>8.1f} {statistics.median(miss):>8.1f}"
                f" {statistics.median(rows):>8.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
