"""Schemathesis against the live app, for each role, with every check; it must find nothing.

The API is served by pytest-django's live server (real HTTP, the full middleware stack: session
authentication, the MFA requirement, CSRF, the audit and cache middleware). Each role signs in
with a real session cookie: anonymous, alice (a patient), carol (alice's therapist), frank (staff
of alice's clinic) and erin (a therapist of another clinic). Path ids are half the time those of
alice's real objects (a program, a session, an outcome, a side photo, an alert, a notification...)
and otherwise generated, so every role meets both objects it may use and ones it may not see.

`test_api_fuzz_quick` runs in `make test` (examples and fuzzing, 5 cases an operation, two
roles); `test_api_fuzz_full` is `make verify` (every role, every phase: examples, coverage,
fuzzing and stateful, 20 cases an operation in fuzzing). Both print, per role: operations
tested, cases generated, failures, and the cases per phase. The seed is fixed and Hypothesis
keeps no database, so a run repeats the previous one.
"""

import pytest

from . import api_fuzz
from .api_fuzz import ROLES, FuzzObjects, run_role


@pytest.fixture
def fuzz_objects(world, tmp_path, monkeypatch) -> FuzzObjects:
    return api_fuzz.make_objects(world, tmp_path, monkeypatch)


@pytest.fixture
def api_urlconf(settings, monkeypatch) -> str:
    return api_fuzz.urlconf_with_api_404(settings, monkeypatch)


# 20 cases an operation in fuzzing (the coverage phase adds its own, about 2000 for a role, and the
# stateful phase links operations): about 3000 cases and under 3 minutes a role on two cores.
FULL_EXAMPLES = 20
QUICK = {"coverage": {"enabled": False}, "stateful": {"enabled": False}}
FULL = {
    "examples": {"enabled": True},
    "coverage": {"enabled": True},
    "fuzzing": {"enabled": True},
    "stateful": {"enabled": True, "max-steps": 10},
}


def _run(role, *, world, live_server, fuzz_objects, api_urlconf, max_examples, phases):
    result = run_role(
        base_url=live_server.url,
        role=role,
        user=world.persona(role),
        ids=fuzz_objects.by_path,
        max_examples=max_examples,
        phases=phases,
    )
    print(f"\nschemathesis ({api_urlconf}): {result.line()}")
    problems = result.failures + result.errors
    assert problems == [], "\n".join(problems)
    assert len(result.operations) == fuzz_objects.operations, sorted(result.operations)


@pytest.mark.parametrize("role", ["alice", "carol"])
def test_api_fuzz_quick(role, world, live_server, fuzz_objects, api_urlconf):
    _run(
        role,
        world=world,
        live_server=live_server,
        fuzz_objects=fuzz_objects,
        api_urlconf=api_urlconf,
        max_examples=5,
        phases=QUICK,
    )


@pytest.mark.verify
@pytest.mark.parametrize("role", ROLES)
def test_api_fuzz_full(role, world, live_server, fuzz_objects, api_urlconf):
    from django.db import connection

    if connection.vendor != "sqlite":
        # The API contract does not depend on the database: the full run (7 min) is made once,
        # on SQLite; `make test-postgres` runs the quick fuzz on PostgreSQL.
        pytest.skip("the full fuzz runs on SQLite")
    _run(
        role,
        world=world,
        live_server=live_server,
        fuzz_objects=fuzz_objects,
        api_urlconf=api_urlconf,
        max_examples=FULL_EXAMPLES,
        phases=FULL,
    )
