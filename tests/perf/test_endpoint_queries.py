"""The benchmarked endpoints (bench/endpoints.py) run a fixed number of queries, whatever the data
behind them: 3 patients with 5 days of logs against 63 patients with 90 days, programs of 6
against 10 exercises. Prints the table (`make bench` shows it) and asserts each count constant.
The caseload is counted twice: computed (its per-process cache empty) and from the cache."""

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehab.outcomes import caseload_cache
from rehab.programs.services import patient_today
from tests import factories
from tests.home.seed import seed_caseload

pytestmark = pytest.mark.django_db


def _count(client: Any, method: str, path: str, body: dict | None = None) -> int:
    client.get("/api/v1/ping/")  # the session's first request writes its clock; not counted
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(
                path,
                json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
    assert response.status_code == (201 if method == "POST" else 200), response.content[:300]
    return len(captured)


def _session_body(client: Any) -> dict:
    plan = client.get("/api/v1/today/").json()
    return {
        "performed_on": plan["today"],
        "pain_before": 2,
        "pain_after": 1,
        "entries": [
            {"item": item["id"], "sets_done": item["sets"], "reps_done": item["reps"]}
            for item in plan["items"]
        ],
    }


def _counts(client: Any, patient: Any, therapist: Any) -> dict[str, int]:
    counts = {}
    client.force_login(patient)
    for name, path in (
        ("GET /api/v1/ping/ (floor)", "/api/v1/ping/"),
        ("GET /today/", "/today/"),
        ("GET /progress/", "/progress/"),
        ("GET /api/v1/progress/", "/api/v1/progress/"),
    ):
        counts[name] = _count(client, "GET", path)
    body = _session_body(client)
    _count(client, "POST", "/api/v1/sessions/", body)  # warms the audit log's content types
    counts[f"POST /api/v1/sessions/ ({len(body['entries'])} entries)"] = _count(
        client, "POST", "/api/v1/sessions/", body
    )
    client.force_login(therapist)
    caseload_cache.clear()
    counts["GET /caseload/ (computed)"] = _count(client, "GET", "/caseload/")
    counts["GET /caseload/ (cached)"] = _count(client, "GET", "/caseload/")
    counts["GET /api/v1/exercises/"] = _count(client, "GET", "/api/v1/exercises/")
    return counts


def test_the_benchmarked_endpoints_run_the_same_queries_at_any_data_size(client):
    clinic = factories.ClinicFactory()
    therapist: Any = factories.TherapistFactory(clinic=clinic)
    factories.enable_totp(therapist)
    exercises = [factories.ExerciseFactory(clinic=None) for _ in range(30)]

    small = seed_caseload(therapist=therapist, exercise=exercises, count=3, days=5)
    few = _counts(client, small[0], therapist)  # patient 0: 6 exercises, 5 days
    large = seed_caseload(therapist=therapist, exercise=exercises, count=60, days=90, first=3)
    many = _counts(client, large[1], therapist)  # patient 4: 10 exercises, 90 days

    assert patient_today(large[1]) is not None
    print(f"\n{'endpoint':<44} {'3 patients, 5 days':>19} {'63 patients, 90 days':>21}")
    for (name, small_count), (_, large_count) in zip(few.items(), many.items(), strict=True):
        label = name.replace("(6 entries)", "(6 / 10 entries)")
        print(f"{label:<44} {small_count:>19} {large_count:>21}")
    assert list(few.values()) == list(many.values())
    # The cache answers without computing: fewer queries than the computed page, still constant.
    assert many["GET /caseload/ (cached)"] < many["GET /caseload/ (computed)"]
