"""Reads of a patient's health data by anyone but the patient are in the audit log
(accounts/audit.py, accounts/audit_middleware.py)."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.models import AuditEvent, AuditKind
from rehab.outcomes import posture
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import PosturePhoto
from rehab.programs import selectors, services
from rehab.programs.models import SessionLog
from rehab.programs.services import EntrySpec, ItemSpec
from tests.factories import ExerciseFactory


def reads():
    return AuditEvent.objects.filter(kind__in=[AuditKind.READ, AuditKind.EXPORT]).order_by("pk")


def test_a_therapist_opening_a_patients_page_is_recorded(client, world):
    client.force_login(world.carol)
    client.get(f"/patients/{world.alice.public_id}/", HTTP_USER_AGENT="Browser/1.0")
    (event,) = reads()
    assert event.kind == AuditKind.READ
    assert event.actor == world.carol
    assert event.actor_role == "therapist"
    assert event.email == "carol@example.org"
    assert event.clinic == world.clinic_a
    assert event.patient == world.alice
    assert event.route == "patient_detail"
    assert event.method == "GET"
    assert event.path == f"/patients/{world.alice.public_id}/"
    assert event.object_ids == {"public_id": str(world.alice.public_id)}
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "Browser/1.0"


def test_the_user_agent_is_truncated(client, world):
    client.force_login(world.frank)
    client.get(f"/patients/{world.alice.public_id}/", HTTP_USER_AGENT="x" * 1000)
    assert len(reads().get().user_agent) == 300


def test_a_patient_reading_their_own_data_is_not_recorded(client, world, alice_program):
    program = alice_program()
    client.force_login(world.alice)
    for url in (
        "/today/",
        "/progress/",
        "/record/",
        "/record/export.csv",
        f"/programs/{program.public_id}/handout/",
        "/api/v1/progress/",
        f"/api/v1/programs/{program.public_id}/",
        "/api/v1/sessions/",
    ):
        assert client.get(url).status_code == 200, url
    assert not reads().exists()


def test_an_api_detail_read_is_recorded_with_its_patient(client, world, alice_program):
    program = alice_program()
    client.force_login(world.frank)
    assert client.get(f"/api/v1/programs/{program.public_id}/").status_code == 200
    event = reads().get()
    assert (event.patient, event.route, event.actor) == (
        world.alice,
        "api_program_detail",
        world.frank,
    )
    assert event.object_ids == {"id": str(program.public_id)}


def test_the_progress_api_for_a_patient_is_recorded(client, world):
    client.force_login(world.carol)
    assert client.get(f"/api/v1/patients/{world.alice.public_id}/progress/").status_code == 200
    assert reads().get().patient == world.alice


@pytest.fixture
def alice_photo(world, tmp_path, monkeypatch):
    monkeypatch.setattr(
        PosturePhoto._meta.get_field("image"),
        "storage",
        FileSystemStorage(location=tmp_path / "private"),
    )
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), "grey").save(jpeg, "JPEG")
    jpeg.seek(0)
    return posture.photo_upload(
        patient=world.alice,
        by=world.alice,
        side="right",
        taken_on=services.patient_today(world.alice),
        upload=jpeg,
    )


def test_the_photo_image_is_recorded(client, world, alice_photo):
    client.force_login(world.carol)
    response = client.get(f"/photos/{alice_photo.public_id}/image/")
    assert response.status_code == 200
    assert response.content.startswith(b"\xff\xd8")  # a JPEG
    event = reads().get()
    assert (event.route, event.patient) == ("posture_photo_image", world.alice)


def test_an_export_is_recorded_as_an_export(client, world):
    client.force_login(world.carol)
    assert client.get(f"/patients/{world.alice.public_id}/export.csv").status_code == 200
    event = reads().get()
    assert (event.kind, event.patient, event.route) == (
        AuditKind.EXPORT,
        world.alice,
        "patient_export_csv",
    )


def test_outcomes_alerts_and_checkins_are_recorded(client, world):
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS

    checkin = alerts.checkin_submit(
        patient=world.alice, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
    )
    outcome = outcomes.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="pain",
        recorded_on=services.patient_today(world.alice),
        inputs={"value": 3},
    )
    client.force_login(world.frank)
    urls = [
        f"/outcomes/{outcome.public_id}/",
        f"/api/v1/outcomes/{outcome.public_id}/",
        f"/alerts/{checkin.alerts.get().public_id}/",
        f"/checkin/{checkin.public_id}/",
        f"/patients/{world.alice.public_id}/questionnaires/",
        f"/staff/people/{world.alice.public_id}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    events = list(reads())
    assert [e.path for e in events] == urls
    assert {e.patient for e in events} == {world.alice}


def test_a_list_without_one_patient_is_recorded_once_with_its_query(client, world):
    client.force_login(world.carol)
    assert client.get("/caseload/?sort=name").status_code == 200
    event = reads().get()
    assert (event.route, event.patient, event.query) == ("caseload", None, "sort=name")


def test_failed_reads_and_writes_are_not_recorded_as_reads(client, world, alice_program):
    program = alice_program()
    client.force_login(world.dave)  # not alice's therapist: 404
    assert client.get(f"/patients/{world.alice.public_id}/").status_code == 404
    client.force_login(world.carol)
    client.post(f"/programs/{program.public_id}/pause/")
    assert not reads().exists()


def test_a_head_request_is_recorded(client, world):
    client.force_login(world.carol)
    assert client.head(f"/patients/{world.alice.public_id}/").status_code == 200
    assert reads().get().method == "HEAD"


def test_pages_that_show_no_health_data_are_not_recorded(client, world):
    client.force_login(world.carol)
    client.get("/library/")
    client.get("/protocols/")
    client.get("/api/v1/me/")
    assert not reads().exists()


def _sessions(patient, therapist, count):
    today = services.patient_today(patient)
    start = today - timedelta(days=count)
    exercise = ExerciseFactory(clinic=None)
    program = services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=start,
        items=[ItemSpec(exercise_id=exercise.pk, sets=2, reps=10)],
    )
    version = program.versions.get()
    for offset in range(count):
        day = start + timedelta(days=offset)
        items = list(selectors.items_due(patient=patient, on=day))
        session = SessionLog.objects.create(
            patient=patient, program=program, version=version, performed_on=day, pain_before=4
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[EntrySpec(item_id=i.pk, sets_done=2, reps_done=10) for i in items],
        )


def test_auditing_a_page_adds_one_query_whatever_the_page_shows(world, settings):
    """Patient detail with 5 or 50 sessions: the audit adds exactly one INSERT."""
    _sessions(world.alice, world.carol, 5)
    _sessions(world.bob, world.dave, 50)
    middleware = list(settings.MIDDLEWARE)

    def queries(therapist, patient, audited):
        settings.MIDDLEWARE = (
            middleware
            if audited
            else [
                m for m in middleware if m != "accounts.audit_middleware.HealthReadAuditMiddleware"
            ]
        )
        client = Client()  # a new handler loads the middleware list in force now
        client.force_login(therapist)
        client.get(f"/patients/{patient.public_id}/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/patients/{patient.public_id}/").status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    for therapist, patient in ((world.carol, world.alice), (world.dave, world.bob)):
        with_audit = queries(therapist, patient, audited=True)
        without = queries(therapist, patient, audited=False)
        assert len(with_audit) - len(without) == 1
        assert sum("accounts_auditevent" in sql for sql in with_audit) == 1
