"""Patients using the app at once: log in, read Today, log sessions, read their sessions and
progress. Started by bench/load/run.py, which seeds the accounts and reads the summary:

    locust -f bench/load/locustfile.py --headless -u 16 -r 16 -t 60s -H http://127.0.0.1:PORT

Environment: LOAD_USERS_FILE (JSON list of {"email", "password"}, one per simulated patient) and
LOAD_SUMMARY (where to write the figures as JSON when locust quits).

Every request stands where a TLS-terminating proxy would forward it: `X-Forwarded-Proto: https`
(the server runs with TRUST_X_FORWARDED_PROTO=1), secure cookies sent back as a browser behind
HTTPS would, and Origin and Referer on unsafe requests for Django's CSRF checks. A response
other than the one expected (201 for a new session, 200 with the same session for a repeated
Idempotency-Key, 200 for reads) counts as an error.
"""

import json
import os
import random
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, events, task
from locust.exception import StopUser

USERS: list[dict[str, str]] = json.loads(Path(os.environ["LOAD_USERS_FILE"]).read_text())
SUMMARY = Path(os.environ["LOAD_SUMMARY"])
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Every fourth session is sent twice with the same Idempotency-Key, as a phone on a bad network
# would: the second answer must be 200 with the first session, and nothing new is stored.
REPLAY_EVERY = 4
# About one session in ten reports high pain, which raises an alert for the therapist: its
# notification and outbox rows are written in the request; nothing talks to the broker.
HIGH_PAIN_SHARE = 0.1

_next_user = 0
_times: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, int] = defaultdict(int)
_error_samples: list[str] = []
_counts = {"created": 0, "replayed": 0, "replay_mismatch": 0}
_clock: dict[str, float] = {}


@events.test_start.add_listener
def _started(**_: Any) -> None:
    _clock["start"] = time.monotonic()


@events.test_stop.add_listener
def _stopped(**_: Any) -> None:
    _clock["stop"] = time.monotonic()


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: Any = None, **_: Any
) -> None:
    key = f"{request_type} {name}"
    _times[key].append(response_time)
    if exception is not None:
        _errors[key] += 1
        if len(_error_samples) < 20:
            _error_samples.append(f"{key}: {exception}")


@events.quitting.add_listener
def _write_summary(**_: Any) -> None:
    stop = _clock.get("stop", time.monotonic())
    SUMMARY.write_text(
        json.dumps(
            {
                "seconds": stop - _clock.get("start", stop),
                "times_ms": _times,
                "errors": _errors,
                "error_samples": _error_samples,
                **_counts,
            }
        )
    )


class Patient(HttpUser):
    wait_time = constant(0)  # back to back: the point is load, not a realistic pace

    def on_start(self) -> None:
        global _next_user
        if _next_user >= len(USERS):
            raise StopUser  # more simulated users than seeded accounts
        self.login = USERS[_next_user]
        _next_user += 1
        self.origin = str(self.host).replace("http://", "https://", 1)
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.rounds = 0
        self._log_in()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """self.client.request, with the Secure cookies sent: the browser's side of the proxy is
        HTTPS, so a browser sends them; this leg is plain HTTP, where `requests` holds them back."""
        for cookie in self.client.cookies:
            cookie.secure = False
        # A redirect is an answer of its own (to the login page, say), never followed silently.
        kwargs.setdefault("allow_redirects", False)
        return self.client.request(method, path, catch_response=True, **kwargs)

    def _unsafe_headers(self, referer: str) -> dict[str, str]:
        return {
            "Origin": self.origin,
            "Referer": self.origin + referer,
            "X-CSRFToken": self.client.cookies.get("csrftoken") or "",
        }

    def _log_in(self) -> None:
        with self._request("GET", "/accounts/login/") as page:
            match = CSRF_INPUT.search(page.text)
            if page.status_code != 200 or match is None:
                page.failure(f"login page: {page.status_code}")
                raise StopUser
        with self._request(
            "POST",
            "/accounts/login/",
            data={
                "login": self.login["email"],
                "password": self.login["password"],
                "csrfmiddlewaretoken": match.group(1),
            },
            headers=self._unsafe_headers("/accounts/login/"),
        ) as response:
            if response.status_code != 302 or "login" in response.headers.get("Location", ""):
                response.failure(f"login refused: {response.status_code}")
                raise StopUser

    def _get(self, path: str, check: Callable[[Any], str | None] | None = None) -> Any:
        """GET `path`; None (and an error) unless it answers 200 and `check` finds nothing."""
        with self._request("GET", path) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            problem = check(response.json()) if check else None
            if problem:
                response.failure(problem)
                return None
            return response

    @task
    def a_patients_visit(self) -> None:
        self.rounds += 1
        today = self._get(
            "/api/v1/today/",
            lambda plan: None if plan["items"] else "nothing due: the seeded program has items",
        )
        if today is None:
            return
        plan = today.json()
        high = random.random() < HIGH_PAIN_SHARE  # noqa: S311 - not for security
        body = {
            "performed_on": plan["today"],
            "pain_before": random.randint(1, 4),  # noqa: S311
            "pain_after": 8 if high else random.randint(0, 4),  # noqa: S311
            "difficulty": 3,
            "note": "Load test session.",
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
        key = str(uuid.uuid4())
        headers = {**self._unsafe_headers("/today/"), "Idempotency-Key": key}
        with self._request("POST", "/api/v1/sessions/", json=body, headers=headers) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            _counts["created"] += 1
            session_id = response.json()["id"]
        if self.rounds % REPLAY_EVERY == 0:
            with self._request(
                "POST",
                "/api/v1/sessions/",
                name="/api/v1/sessions/ (same key again)",
                json=body,
                headers=headers,
            ) as again:
                if again.status_code != 200:
                    again.failure(f"{again.status_code}: {again.text[:200]}")
                elif again.json()["id"] != session_id:
                    _counts["replay_mismatch"] += 1
                    again.failure("a repeated key answered with another session")
                else:
                    _counts["replayed"] += 1
        self._get(
            "/api/v1/sessions/",
            lambda page: (
                None
                if session_id in {session["id"] for session in page["results"]}
                else "the session just logged is not on the first page"
            ),
        )
        self._get("/api/v1/progress/")
        if self.rounds % 3 == 0:  # now and then the pages themselves
            self._get("/today/")
            self._get("/progress/")
