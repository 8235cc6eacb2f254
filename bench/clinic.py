"""Seed the benchmark's clinic and write the requests wrk replays. Run by bench/endpoints.py in
the environment of the server it starts (same database, production settings):

    python bench/clinic.py --out DIR --port PORT [--patients 200] [--days 90]

Seeds one clinic with one therapist (with an authenticator app, as production requires) and
`patients` patients on the therapist's caseload, each with a program of 6-10 library exercises
and `days` days of history (tests/home/seed.py: sessions on most days with an entry per
exercise, NDI scores, some alerts and red flags). Signs every user in with a real session (as a
browser would after the password and authenticator steps), reads each patient's Today through
the API for the session-log body, and writes DIR/<endpoint>.req: one whole HTTP request per
signed-in user, as the TLS-terminating proxy forwards it (X-Forwarded-Proto: https, the
session and CSRF cookies, and for the POST the CSRF header, Origin and Referer).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehab.settings")

SEPARATOR = "\x1e"  # between requests in a .req file (bench/replay.lua)

# name: (method, path, who, expected status). The floor first: every other figure is a ratio to it.
ENDPOINTS: dict[str, tuple[str, str, str, int]] = {
    "floor": ("GET", "/api/v1/ping/", "patient", 200),
    "today": ("GET", "/today/", "patient", 200),
    "session_create": ("POST", "/api/v1/sessions/", "patient", 201),
    "caseload": ("GET", "/caseload/", "therapist", 200),
    "progress_page": ("GET", "/progress/", "patient", 200),
    "progress_api": ("GET", "/api/v1/progress/", "patient", 200),
    "exercise_list": ("GET", "/api/v1/exercises/", "therapist", 200),
}


def raw_request(
    method: str, path: str, *, host: str, cookies: str, csrf: str, body: bytes = b""
) -> str:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        "X-Forwarded-Proto: https",
        f"Cookie: {cookies}",
    ]
    if method != "GET":
        lines += [
            f"Origin: https://{host}",
            f"Referer: https://{host}/today/",
            f"X-CSRFToken: {csrf}",
            "Idempotency-Key: {{KEY}}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
        ]
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode()


def session_body(client: Any, host: str) -> bytes:
    """A session log of everything due today, from the patient's Today (the API)."""
    today = client.get("/api/v1/today/", secure=True, HTTP_HOST=host)
    assert today.status_code == 200, today.status_code
    plan = today.json()
    assert plan["items"], "the seeded program has items due today"
    return json.dumps(
        {
            "performed_on": plan["today"],
            "pain_before": 2,
            "pain_after": 1,
            "difficulty": 3,
            "note": "Benchmark session.",
            "entries": [
                {
                    "item": item["id"],
                    "sets_done": item["sets"],
                    "reps_done": item["reps"],
                    "hold_seconds_done": item["hold_seconds"],
                }
                for item in plan["items"]
            ],
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()

    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from accounts.models import Clinic, Role, User
    from exercises.models import Exercise
    from tests.factories import signed_in_session_key
    from tests.home.seed import seed_caseload

    call_command("sync_exercise_library", verbosity=0)
    call_command("sync_protocols", verbosity=0)
    with transaction.atomic():
        clinic = Clinic.objects.create(name="Benchmark clinic", slug="bench")
        therapist = User.objects.create(
            email="therapist@bench.test",
            full_name="Bench Therapist",
            role=Role.THERAPIST,
            clinic=clinic,
            password="!",
        )
        TOTP.activate(therapist, generate_totp_secret())
        exercises = list(Exercise.objects.filter(clinic=None).order_by("slug")[:10])
        patients = seed_caseload(
            therapist=therapist, exercise=exercises, count=args.patients, days=args.days
        )

    if connection.vendor == "postgresql":
        # A running clinic's database has statistics: autovacuum analyzes a table soon after
        # many rows change. Measured straight after the bulk load, the planner would guess
        # without them (the progress page took four times as long).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    host = f"127.0.0.1:{args.port}"
    csrf = "b" * 32  # a CSRF secret of our own: the cookie and the header must only agree

    def cookies(user: Any) -> str:
        session = signed_in_session_key(user)
        return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"

    patient_requests: dict[str, list[str]] = {name: [] for name in ENDPOINTS}
    therapist_cookies = cookies(therapist)
    for patient in patients:
        jar = cookies(patient)
        client = Client()
        client.force_login(patient)
        body = session_body(client, host)
        for name, (method, path, who, _) in ENDPOINTS.items():
            if who == "patient":
                patient_requests[name].append(
                    raw_request(
                        method,
                        path,
                        host=host,
                        cookies=jar,
                        csrf=csrf,
                        body=body if method == "POST" else b"",
                    )
                )
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (method, path, who, _) in ENDPOINTS.items():
        requests = patient_requests[name]
        if who == "therapist":
            requests = [raw_request(method, path, host=host, cookies=therapist_cookies, csrf=csrf)]
        (args.out / f"{name}.req").write_text(SEPARATOR.join(requests))
    (args.out / "endpoints.json").write_text(
        json.dumps(
            {
                name: {"method": m, "path": p, "who": w, "status": s}
                for name, (m, p, w, s) in ENDPOINTS.items()
            }
        )
    )


if __name__ == "__main__":
    main()
