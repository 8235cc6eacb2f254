"""What the API fuzzing suite (test_api_fuzz.py) uses: alice's objects in the database, real
session cookies for each role, and a runner that points schemathesis at pytest-django's live
server. (Not a conftest: the fixtures are imported by the test module that uses them.)

The run is the schemathesis engine (what its CLI runs: examples, coverage, fuzzing and stateful
phases) with every check enabled, over real HTTP, authenticated the way a browser is: the session
cookie (the schema's `cookieAuth`) plus the CSRF cookie and the X-CSRFToken header that Django
requires on unsafe methods.
"""

import io
import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import schemathesis
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.middleware.csrf import _get_new_csrf_string
from drf_spectacular.generators import SchemaGenerator
from hypothesis import strategies as st
from PIL import Image
from schemathesis.engine import Status, from_schema
from schemathesis.engine import events as engine_events

from accounts.models import User
from tests import factories
from tests.factories import signed_in_session_key

ROLES = ["anonymous", "alice", "carol", "frank", "erin"]
# Every check schemathesis has, named so that a new version's renamed check fails loudly here.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
]
SEED = 20260302


@dataclass
class FuzzObjects:
    """Ids of alice's objects (clinic A) to put into path parameters."""

    by_path: dict[str, str]
    # How many operations the schema has: every one must be called.
    operations: int


def make_objects(world: Any, tmp_path: Any, monkeypatch: Any) -> FuzzObjects:
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS
    from rehab.outcomes import posture
    from rehab.outcomes import services as outcomes
    from rehab.outcomes.models import PosturePhoto
    from rehab.programs import selectors
    from rehab.programs import services as programs
    from rehab.programs.models import Protocol
    from rehab.reminders import services as reminders

    call_command("sync_exercise_library", verbosity=0)
    shared = factories.ExerciseFactory(clinic=None)
    today = programs.patient_today(world.alice)
    program = programs.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck",
        start_date=today - timedelta(days=3),
        items=[programs.ItemSpec(exercise_id=shared.pk, sets=1, reps=10)],
    )
    (item,) = selectors.items_due(patient=world.alice, on=today)
    session, _ = programs.session_log_create(
        patient=world.alice,
        spec=programs.SessionSpec(
            performed_on=today,
            pain_before=3,
            pain_after=4,
            entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
        ),
    )
    protocol = Protocol.objects.create(clinic=None, slug="shared-protocol", name="Shared")
    notification = reminders.notify(
        recipient=world.alice, kind="exercise", title="Hi", body="Hi", url="", channels=["in_app"]
    )
    checkin = alerts.checkin_submit(
        patient=world.alice, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
    )
    outcome = outcomes.outcome_record(
        patient=world.alice, by=world.alice, measure="pain", recorded_on=today, inputs={"value": 3}
    )
    monkeypatch.setattr(
        PosturePhoto._meta.get_field("image"),
        "storage",
        FileSystemStorage(location=tmp_path / "private"),
    )
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), "grey").save(jpeg, "JPEG")
    jpeg.seek(0)
    photo = posture.photo_upload(
        patient=world.alice, by=world.alice, side="right", taken_on=today, upload=jpeg
    )
    return FuzzObjects(
        by_path={
            "/api/v1/alerts/{id}/": str(checkin.alerts.get().public_id),
            "/api/v1/alerts/{id}/acknowledge/": str(checkin.alerts.get().public_id),
            "/api/v1/exercises/{id}/": str(shared.public_id),
            "/api/v1/notifications/{id}/read/": str(notification.public_id),
            "/api/v1/outcomes/{id}/": str(outcome.public_id),
            "/api/v1/patients/{id}/progress/": str(world.alice.public_id),
            "/api/v1/patients/{id}/questionnaires/": str(world.alice.public_id),
            "/api/v1/photos/{id}/": str(photo.public_id),
            "/api/v1/photos/{id}/mark/": str(photo.public_id),
            "/api/v1/programs/{id}/": str(program.public_id),
            "/api/v1/programs/{id}/end/": str(program.public_id),
            "/api/v1/programs/{id}/pause/": str(program.public_id),
            "/api/v1/programs/{id}/resume/": str(program.public_id),
            "/api/v1/programs/{id}/versions/": str(program.public_id),
            "/api/v1/protocols/{id}/": str(protocol.public_id),
            "/api/v1/sessions/{id}/": str(session.public_id),
        },
        operations=sum(
            method in {"get", "put", "post", "patch", "delete"}
            for item in openapi_schema()["paths"].values()
            for method in item
        ),
    )


def urlconf_with_api_404(settings: Any, monkeypatch: Any) -> str:
    """The project's URLs answer /api/ 404s with the documented JSON body (rehab/urls.py)."""
    import rehab.urls

    assert rehab.urls.handler404 == "rehab.ops.schema.api_not_found"
    return "rehab.urls handler404"


@dataclass
class RoleResult:
    role: str
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.role:<10} operations {len(self.operations):>3}  cases {self.cases:>5}  "
            f"failures {len(self.failures)}  errors {len(self.errors)}  {self.seconds:5.1f} s  "
            + " ".join(f"{phase}={count}" for phase, count in sorted(self.by_phase.items()))
        )


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def openapi_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def run_role(
    *,
    base_url: str,
    role: str,
    user: User | None,
    ids: dict[str, str],
    max_examples: int,
    phases: dict[str, Any],
) -> RoleResult:
    csrf = _get_new_csrf_string()
    config: dict[str, Any] = {
        # A fixed seed and no example database: the same cases every run.
        "seed": SEED,
        "base-url": base_url + "/",
        # One request at a time: the live server shares one SQLite file with the test.
        "workers": 1,
        # Real HTTP is slower than Hypothesis' health checks expect of a strategy.
        "suppress-health-check": ["all"],
        "generation": {"max-examples": max_examples, "database": "none"},
        "checks": {"enabled": True, **{name: {"enabled": True} for name in CHECKS}},
        "phases": phases,
        "cache": {"enabled": False},
    }
    if user is not None:
        config["auth"] = {"openapi": {"cookieAuth": {"api_key": signed_in_session_key(user)}}}
    schema = schemathesis.openapi.from_dict(
        openapi_schema(), config=schemathesis.Config.from_dict(config)
    )
    schema.config.base_url = base_url

    @schemathesis.hook
    def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any]) -> Any:
        # A generated UUID is nearly always no object at all (404); swap in the id of a real
        # object half the time. Ids that are not UUIDs (negative cases) are left alone.
        known = ids.get(ctx.operation.path) if ctx.operation else None
        if not known or not _is_uuid((path_parameters or {}).get("id")):
            return st.just(path_parameters)
        return st.sampled_from([{**path_parameters, "id": known}, path_parameters])

    @schemathesis.hook
    def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
        # Django's CSRF check: the cookie and the header carry the same secret.
        case.headers = {**(case.headers or {}), "X-CSRFToken": csrf}
        case.cookies = {**(case.cookies or {}), settings.CSRF_COOKIE_NAME: csrf}

    result = RoleResult(role=role)
    started = time.monotonic()
    # Every refused request is logged as a warning; keep errors (a 500 would be one) only.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        for event in from_schema(schema).execute():
            if isinstance(
                event, engine_events.ScenarioFinished | engine_events.FuzzScenarioFinished
            ):
                recorder = event.recorder
                phase = getattr(event, "phase", None)
                for case_id, node in recorder.cases.items():
                    result.cases += 1
                    result.by_phase[phase.value if phase else "fuzz"] += 1
                    result.operations.add(node.value.operation.label)
                    for check in recorder.checks.get(case_id, []):
                        if check.status == Status.FAILURE and check.failure_info is not None:
                            failure = check.failure_info.failure
                            result.failures.append(
                                f"{node.value.operation.label} [{check.name}] {failure.title}: "
                                f"{failure.message}\n    {check.failure_info.code_sample}"
                            )
            elif isinstance(event, engine_events.NonFatalError):
                result.errors.append(f"{event.label}: {event.info.format()}")
            elif isinstance(event, engine_events.FatalError):
                result.errors.append(f"fatal: {event.exception!r}")
    finally:
        request_log.setLevel(level)
        schemathesis.hooks.unregister(flatmap_path_parameters)
        schemathesis.hooks.unregister(before_call)
    result.seconds = time.monotonic() - started
    return result
