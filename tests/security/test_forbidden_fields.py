"""Write bodies cannot set what the caller's role may not set.

Every POST, PUT and PATCH endpoint of the API (listed from the URL resolver: a new one without a
case here fails `test_every_write_endpoint_has_a_case`) gets a valid body from the role that may
use it, plus fields it must never take from a client: another patient or owner, another clinic,
who entered / created / acknowledged / uploaded it, ids, and what the server computes (value,
band, scoring version, detail, score, positive, timestamps, status). The stored object must
show the server's values (the extras ignored), or the request must be refused with nothing
stored. References the caller may not see (another clinic's patient, protocol, exercise,
notification) are refused with 404/400.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from rehab.alerts.models import RED_FLAG_QUESTIONS, RedFlagCheckin
from rehab.outcomes.models import (
    WORKSTATION_ITEMS,
    OutcomeRecord,
    PostureBreak,
    PosturePhoto,
    QuestionnaireSchedule,
    WorkstationCheck,
)
from rehab.programs.models import Program, SessionLog
from rehab.programs.services import patient_today
from rehab.reminders.models import Notification
from tests.security.test_foreign_ids import everything  # noqa: F401 (fixture)

LONG_AGO = "2001-01-01T00:00:00Z"
FAKE_ID = "00000000-0000-4000-8000-000000000000"


def forbidden_extras(w) -> dict[str, Any]:
    """What no client may set, pointing at clinic B and at made-up values."""
    return {
        "owner": str(w.heidi.public_id),
        "clinic": str(w.clinic_b.public_id),
        "clinic_id": w.clinic_b.pk,
        "entered_by": str(w.erin.public_id),
        "created_by": str(w.erin.public_id),
        "acknowledged_by": str(w.erin.public_id),
        "acknowledged_at": LONG_AGO,
        "uploaded_by": str(w.erin.public_id),
        "recipient": str(w.heidi.public_id),
        "therapist": str(w.erin.public_id),
        "id": FAKE_ID,
        "public_id": FAKE_ID,
        "value": 99,
        "band": "none",
        "scoring_version": "forged-1",
        "detail": {"forged": True},
        "score": 99,
        "out_of": 1,
        "positive": False,
        "status": "ended",
        "logged_at": LONG_AGO,
        "entered_at": LONG_AGO,
        "read_at": LONG_AGO,
        "created_at": LONG_AGO,
        "uploaded_at": LONG_AGO,
        "width": 1,
        "height": 1,
        "version": 99,
        "current_version": 99,
        "rule": "pain_high",
        "done_on": "2001-01-01",
    }


@dataclass
class Ctx:
    client: Any
    world: Any
    objects: dict[str, Any]
    extras: dict[str, Any]

    def of(self, patient: str, name: str) -> Any:
        return self.objects[patient][name]


def _jpeg() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (800, 600), "grey").save(data, "JPEG")
    data.seek(0)
    data.name = "side.jpg"
    return data


def _send(ctx: Ctx, method: str, path: str, body: dict[str, Any]):
    return ctx.client.generic(method, path, _json(body), content_type="application/json")


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body, default=str)


def _created(response, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.content[:500])


def _refused(response) -> None:
    assert response.status_code in (400, 403, 404), (response.status_code, response.content[:500])


def _recent(moment) -> bool:
    return timezone.now() - moment < timedelta(minutes=5)


# --- Cases, one per endpoint and method ----------------------------------------------------------


def program_create(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.carol)
    shared = ctx.of("alice", "items")[0].exercise
    body = {
        "patient": str(w.alice.public_id),
        "title": "Forged?",
        "start_date": patient_today(w.alice).isoformat(),
        "items": [{"exercise": str(shared.public_id), "sets": 1, "reps": 5}],
    }
    response = _send(ctx, "POST", "/api/v1/programs/", {**ctx.extras, **body})
    _created(response, 201)
    program = Program.objects.get(public_id=response.json()["id"])
    assert str(program.public_id) != FAKE_ID
    assert (program.patient, program.clinic, program.created_by) == (w.alice, w.clinic_a, w.carol)
    assert program.status == "active"
    assert program.versions.get().created_by == w.carol
    before = Program.objects.count()
    # Another clinic's patient, protocol or exercise is refused.
    heidi_protocol = ctx.objects["heidi"]["clinic_protocol"]
    heidi_exercise = ctx.of("heidi", "own_exercise")
    for foreign in (
        {"patient": str(w.heidi.public_id)},
        {"patient": str(w.bob.public_id)},  # same clinic, not carol's patient
        {"protocol": str(heidi_protocol.public_id)},
        {"items": [{"exercise": str(heidi_exercise.public_id), "sets": 1, "reps": 5}]},
    ):
        _refused(_send(ctx, "POST", "/api/v1/programs/", {**body, **foreign}))
    assert Program.objects.count() == before


def program_version(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.carol)
    program = ctx.of("alice", "program")
    shared = ctx.of("alice", "items")[0].exercise
    body = {
        "effective_from": (patient_today(w.alice) + timedelta(days=1)).isoformat(),
        "change_note": "More reps",
        "items": [{"exercise": str(shared.public_id), "sets": 2, "reps": 8}],
    }
    path = f"/api/v1/programs/{program.public_id}/versions/"
    response = _send(ctx, "POST", path, {**ctx.extras, "patient": str(w.heidi.public_id), **body})
    _created(response, 200, 201)
    program.refresh_from_db()
    assert (program.patient, program.clinic, program.created_by) == (w.alice, w.clinic_a, w.carol)
    assert program.status == "active"
    latest = program.versions.order_by("-number").first()
    assert latest.number == 2 and latest.created_by == w.carol
    heidi_exercise = ctx.of("heidi", "own_exercise")
    foreign = {**body, "items": [{"exercise": str(heidi_exercise.public_id), "sets": 1, "reps": 5}]}
    _refused(_send(ctx, "POST", path, foreign))
    assert program.versions.count() == 2


def _state_change(action: str) -> Callable[[Ctx], None]:
    def case(ctx: Ctx) -> None:
        w = ctx.world
        ctx.client.force_login(w.carol)
        program = ctx.of("alice", "program")
        if action == "resume":
            _created(_send(ctx, "POST", f"/api/v1/programs/{program.public_id}/pause/", {}), 200)
        body = {**ctx.extras, "patient": str(w.heidi.public_id), "status": "ended"}
        response = _send(ctx, "POST", f"/api/v1/programs/{program.public_id}/{action}/", body)
        _created(response, 200)
        program.refresh_from_db()
        expected = {"pause": "paused", "resume": "active", "end": "ended"}[action]
        assert program.status == expected, "status follows the action, not the body"
        assert (program.patient, program.clinic, program.created_by) == (
            w.alice,
            w.clinic_a,
            w.carol,
        )
        heidi_program = ctx.of("heidi", "program")
        _refused(_send(ctx, "POST", f"/api/v1/programs/{heidi_program.public_id}/{action}/", {}))
        heidi_program.refresh_from_db()
        assert heidi_program.status == "active"

    return case


def _session_body(ctx: Ctx, patient: str, on=None) -> dict[str, Any]:
    p = getattr(ctx.world, patient)
    return {
        "performed_on": (on or patient_today(p)).isoformat(),
        "pain_before": 2,
        "pain_after": 1,
        "entries": [
            {"item": item.pk, "sets_done": 1, "reps_done": 3} for item in ctx.of(patient, "items")
        ],
    }


def session_create(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    body = {
        **ctx.extras,
        "patient": str(w.bob.public_id),
        "program": str(ctx.of("bob", "program").public_id),
        **_session_body(ctx, "alice"),
    }
    response = _send(ctx, "POST", "/api/v1/sessions/", body)
    _created(response, 201)
    session = SessionLog.objects.get(public_id=response.json()["id"])
    assert str(session.public_id) != FAKE_ID
    assert session.patient == w.alice
    assert session.program == ctx.of("alice", "program")
    assert session.version.number == 1 and _recent(session.logged_at)
    # Bob's program items are not alice's to log.
    before = SessionLog.objects.count()
    _refused(_send(ctx, "POST", "/api/v1/sessions/", _session_body(ctx, "bob")))
    assert SessionLog.objects.count() == before


def _session_update(method: str) -> Callable[[Ctx], None]:
    def case(ctx: Ctx) -> None:
        w = ctx.world
        ctx.client.force_login(w.alice)
        session = ctx.of("alice", "session")
        body = {
            **ctx.extras,
            "patient": str(w.bob.public_id),
            "program": str(ctx.of("bob", "program").public_id),
            **_session_body(ctx, "alice", session.performed_on),
        }
        response = _send(ctx, method, f"/api/v1/sessions/{session.public_id}/", body)
        _created(response, 200)
        logged_at = session.logged_at
        session.refresh_from_db()
        assert (session.patient, session.program) == (w.alice, ctx.of("alice", "program"))
        assert str(session.public_id) != FAKE_ID and session.logged_at == logged_at
        assert session.pain_before == 2, "the allowed fields were applied"
        # Bob's items cannot be put into alice's session.
        bad = {"entries": _session_body(ctx, "bob")["entries"]}
        if method == "PUT":
            bad = {**_session_body(ctx, "alice", session.performed_on), **bad}
        _refused(_send(ctx, method, f"/api/v1/sessions/{session.public_id}/", bad))
        assert set(session.entries.values_list("item__version__program", flat=True)) == {
            session.program_id
        }

    return case


def alert_acknowledge(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.carol)
    alert = ctx.of("alice", "alert")
    body = {**ctx.extras, "patient": str(w.heidi.public_id), "note": "Phoned her."}
    response = _send(ctx, "POST", f"/api/v1/alerts/{alert.public_id}/acknowledge/", body)
    _created(response, 200)
    alert.refresh_from_db()
    assert alert.acknowledged_by == w.carol and _recent(alert.acknowledged_at)
    assert (alert.patient, alert.clinic, alert.rule) == (w.alice, w.clinic_a, "red_flag")
    assert alert.acknowledgement_note == "Phoned her."
    heidi_alert = ctx.of("heidi", "alert")
    _refused(_send(ctx, "POST", f"/api/v1/alerts/{heidi_alert.public_id}/acknowledge/", body))
    heidi_alert.refresh_from_db()
    assert heidi_alert.acknowledged_at is None


def checkin_create(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    answers = {key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
    body = {**ctx.extras, "patient": str(w.bob.public_id), "answers": answers, "note": "x"}
    response = _send(ctx, "POST", "/api/v1/checkins/", body)
    _created(response, 201)
    checkin = RedFlagCheckin.objects.get(public_id=response.json()["id"])
    assert checkin.patient == w.alice and checkin.positive is True
    assert _recent(checkin.answered_at)
    assert set(checkin.alerts.values_list("patient", "clinic")) == {(w.alice.pk, w.clinic_a.pk)}


def notification_read(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    notification = Notification.objects.filter(recipient=w.alice, read_at=None).first()
    body = {**ctx.extras, "recipient": str(w.bob.public_id)}
    response = _send(ctx, "POST", f"/api/v1/notifications/{notification.public_id}/read/", body)
    _created(response, 200)
    notification.refresh_from_db()
    assert notification.recipient == w.alice and _recent(notification.read_at)
    bobs = Notification.objects.filter(recipient=w.bob, read_at=None).first()
    _refused(_send(ctx, "POST", f"/api/v1/notifications/{bobs.public_id}/read/", body))
    bobs.refresh_from_db()
    assert bobs.read_at is None


def outcome_create(ctx: Ctx) -> None:
    w = ctx.world
    # The patient: the server scores it; patient, clinic and entered_by are theirs.
    ctx.client.force_login(w.alice)
    body = {**ctx.extras, "measure": "pain", "inputs": {"value": 3}}
    body.pop("patient", None)
    response = _send(ctx, "POST", "/api/v1/outcomes/", body)
    _created(response, 201)
    record = OutcomeRecord.objects.get(public_id=response.json()["id"])
    assert (record.patient, record.clinic, record.entered_by) == (w.alice, w.clinic_a, w.alice)
    assert record.value == 3 and record.scoring_version != "forged-1"
    assert record.band != "none" or record.measure != "pain"
    assert "forged" not in record.detail and _recent(record.entered_at)
    assert str(record.public_id) != FAKE_ID
    before = OutcomeRecord.objects.count()
    # Someone else as the patient: refused (404), nothing stored.
    _refused(_send(ctx, "POST", "/api/v1/outcomes/", {**body, "patient": str(w.bob.public_id)}))
    # The therapist: for a caseload patient only.
    ctx.client.force_login(w.carol)
    therapist_body = {**ctx.extras, "measure": "dnf", "inputs": {"seconds": 20}}
    for foreign in (w.heidi, w.bob):
        _refused(
            _send(
                ctx,
                "POST",
                "/api/v1/outcomes/",
                {**therapist_body, "patient": str(foreign.public_id)},
            )
        )
    assert OutcomeRecord.objects.count() == before
    response = _send(
        ctx, "POST", "/api/v1/outcomes/", {**therapist_body, "patient": str(w.alice.public_id)}
    )
    _created(response, 201)
    record = OutcomeRecord.objects.get(public_id=response.json()["id"])
    assert (record.patient, record.clinic, record.entered_by) == (w.alice, w.clinic_a, w.carol)
    assert record.value == 20 and record.scoring_version != "forged-1"


def questionnaires_put(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.carol)
    body = {
        **ctx.extras,
        "patient": str(w.heidi.public_id),
        "schedules": [
            {
                "measure": "ndi",
                "every_days": 14,
                "starts_on": patient_today(w.alice).isoformat(),
                "patient": str(w.heidi.public_id),
                "created_by": str(w.erin.public_id),
            }
        ],
    }
    response = _send(ctx, "PUT", f"/api/v1/patients/{w.alice.public_id}/questionnaires/", body)
    _created(response, 200)
    schedule = QuestionnaireSchedule.objects.get(patient=w.alice, measure="ndi")
    assert schedule.created_by == w.carol
    assert not QuestionnaireSchedule.objects.filter(patient=w.heidi).exists()
    _refused(_send(ctx, "PUT", f"/api/v1/patients/{w.heidi.public_id}/questionnaires/", body))
    assert not QuestionnaireSchedule.objects.filter(patient=w.heidi).exists()


def photo_upload(ctx: Ctx) -> None:
    w = ctx.world
    fields = {
        key: value
        for key, value in ctx.extras.items()
        if not isinstance(value, dict)  # multipart: flat values
    }
    ctx.client.force_login(w.alice)
    today = patient_today(w.alice).isoformat()
    data = {**fields, "patient": str(w.bob.public_id), "side": "right", "taken_on": today}
    response = ctx.client.post("/api/v1/photos/", {**data, "image": _jpeg()})
    _created(response, 201)
    photo = PosturePhoto.objects.get(public_id=response.json()["id"])
    assert (photo.patient, photo.clinic, photo.uploaded_by) == (w.alice, w.clinic_a, w.alice)
    assert (photo.width, photo.height) == (800, 600) and _recent(photo.uploaded_at)
    assert str(photo.public_id) != FAKE_ID and photo.outcome is None
    before = PosturePhoto.objects.count()
    ctx.client.force_login(w.carol)
    for foreign in (w.heidi, w.bob):
        response = ctx.client.post(
            "/api/v1/photos/", {**data, "patient": str(foreign.public_id), "image": _jpeg()}
        )
        _refused(response)
    assert PosturePhoto.objects.count() == before
    response = ctx.client.post(
        "/api/v1/photos/", {**data, "patient": str(w.alice.public_id), "image": _jpeg()}
    )
    _created(response, 201)
    photo = PosturePhoto.objects.get(public_id=response.json()["id"])
    assert (photo.patient, photo.clinic, photo.uploaded_by) == (w.alice, w.clinic_a, w.carol)


def photo_mark(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    photo = ctx.of("alice", "therapist_photo")
    body = {
        **ctx.extras,
        "patient": str(w.bob.public_id),
        "tragus": [500.0, 200.0],
        "c7": [300.0, 450.0],
    }
    response = _send(ctx, "POST", f"/api/v1/photos/{photo.public_id}/mark/", body)
    _created(response, 200)
    photo.refresh_from_db()
    outcome = photo.outcome
    assert outcome is not None and outcome.measure == "cva"
    assert (outcome.patient, outcome.clinic, outcome.entered_by) == (w.alice, w.clinic_a, w.alice)
    assert outcome.value != 99 and outcome.scoring_version != "forged-1"
    assert 0 < outcome.value < 90
    assert (photo.patient, photo.uploaded_by, photo.width) == (w.alice, w.carol, 800)
    heidi_photo = ctx.of("heidi", "therapist_photo")
    _refused(_send(ctx, "POST", f"/api/v1/photos/{heidi_photo.public_id}/mark/", body))
    heidi_photo.refresh_from_db()
    assert heidi_photo.outcome is None


def workstation_create(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    answers = {key: index == 0 for index, (key, _) in enumerate(WORKSTATION_ITEMS)}
    body = {**ctx.extras, "patient": str(w.bob.public_id), "answers": answers}
    response = _send(ctx, "POST", "/api/v1/workstation-checks/", body)
    _created(response, 201)
    check = WorkstationCheck.objects.get(public_id=response.json()["id"])
    assert (check.patient, check.clinic, check.entered_by) == (w.alice, w.clinic_a, w.alice)
    assert (check.score, check.out_of) == (1, len(WORKSTATION_ITEMS))
    assert check.checked_on == patient_today(w.alice) and str(check.public_id) != FAKE_ID


def posture_break_create(ctx: Ctx) -> None:
    w = ctx.world
    ctx.client.force_login(w.alice)
    before = PostureBreak.objects.filter(patient=w.bob).count()
    response = _send(
        ctx, "POST", "/api/v1/posture-breaks/", {**ctx.extras, "patient": str(w.bob.public_id)}
    )
    _created(response, 201)
    done = PostureBreak.objects.filter(patient=w.alice).latest("done_at")
    assert done.done_on == patient_today(w.alice) and done.notification is None
    assert PostureBreak.objects.filter(patient=w.bob).count() == before
    # Bob's posture reminder is not alice's to answer.
    bobs = Notification.objects.filter(recipient=w.bob, kind="posture").first()
    refused = _send(ctx, "POST", "/api/v1/posture-breaks/", {"notification": str(bobs.public_id)})
    _refused(refused)
    assert not PostureBreak.objects.filter(patient=w.alice, notification=bobs).exists()


CASES: dict[tuple[str, str], Callable[[Ctx], None]] = {
    ("POST", "/api/v1/programs/"): program_create,
    ("POST", "/api/v1/programs/{id}/versions/"): program_version,
    ("POST", "/api/v1/programs/{id}/pause/"): _state_change("pause"),
    ("POST", "/api/v1/programs/{id}/resume/"): _state_change("resume"),
    ("POST", "/api/v1/programs/{id}/end/"): _state_change("end"),
    ("POST", "/api/v1/sessions/"): session_create,
    ("PUT", "/api/v1/sessions/{id}/"): _session_update("PUT"),
    ("PATCH", "/api/v1/sessions/{id}/"): _session_update("PATCH"),
    ("POST", "/api/v1/alerts/{id}/acknowledge/"): alert_acknowledge,
    ("POST", "/api/v1/checkins/"): checkin_create,
    ("POST", "/api/v1/notifications/{id}/read/"): notification_read,
    ("POST", "/api/v1/outcomes/"): outcome_create,
    ("PUT", "/api/v1/patients/{id}/questionnaires/"): questionnaires_put,
    ("POST", "/api/v1/photos/"): photo_upload,
    ("POST", "/api/v1/photos/{id}/mark/"): photo_mark,
    ("POST", "/api/v1/workstation-checks/"): workstation_create,
    ("POST", "/api/v1/posture-breaks/"): posture_break_create,
}

WRITE_METHODS = ("post", "put", "patch")


def _write_endpoints(resolver: URLResolver | None = None, prefix: str = "") -> set[tuple[str, str]]:
    """(METHOD, /path/{id}/) for every API view method that takes a body."""
    import re

    found: set[tuple[str, str]] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found |= _write_endpoints(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            view = getattr(pattern.callback, "cls", None) or getattr(
                pattern.callback, "view_class", None
            )
            methods = [m for m in WRITE_METHODS if view is not None and hasattr(view, m)]
            if view is None:
                methods = ["post"]  # a function view: assume it writes until a case says so
            path = "/" + re.sub(r"<[^>]+>", "{id}", route)
            found |= {(method.upper(), path) for method in methods}
    return found


def test_every_write_endpoint_has_a_case():
    missing = sorted(_write_endpoints() - set(CASES))
    assert missing == [], f"API write endpoints without a forbidden-fields case: {missing}"
    assert not set(CASES) - _write_endpoints(), "cases for endpoints that no longer exist"


@pytest.fixture
def ctx(client, world, everything) -> Ctx:  # noqa: F811 (everything is the fixture)
    objects = dict(everything.objects)
    from rehab.programs.models import Protocol

    for name in objects:
        patient = getattr(world, name)
        objects[name] = {
            **objects[name],
            "clinic_protocol": Protocol.objects.filter(clinic=patient.clinic).first(),
        }
    return Ctx(client=client, world=world, objects=objects, extras=forbidden_extras(world))


@pytest.mark.parametrize(
    ("method", "path"), sorted(CASES), ids=[f"{m} {p}" for m, p in sorted(CASES)]
)
def test_a_write_body_cannot_set_forbidden_fields(ctx, method, path):
    CASES[(method, path)](ctx)
