"""The programs, protocols, today and sessions API (/api/v1/...), as clients call it."""

import json
import uuid
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rehab.programs import selectors, services
from rehab.programs.models import (
    ExerciseLog,
    Program,
    ProgramVersion,
    Protocol,
    ProtocolItem,
    SessionLog,
)
from rehab.programs.services import EntrySpec, ItemSpec
from tests.factories import ExerciseFactory


def send(client, method, url, body=None, **headers):
    """A JSON request, as API clients send them."""
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data, content_type="application/json", headers=headers)


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def today(world):
    return services.patient_today(world.alice)


@pytest.fixture
def exercises(world):
    return ExerciseFactory.create_batch(2, clinic=None)


@pytest.fixture
def program(world, exercises, today):
    """Alice's program from carol: 2x10 twice a day and 1x8 once a day, started 2 days ago."""
    return services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck",
        start_date=today - timedelta(days=2),
        items=[
            ItemSpec(exercise_id=exercises[0].pk, sets=2, reps=10, hold_seconds=5, times_per_day=2),
            ItemSpec(exercise_id=exercises[1].pk, sets=1, reps=8),
        ],
    )


@pytest.fixture
def protocols(library):
    call_command("sync_protocols", stdout=StringIO())


def program_body(world, exercises, start, **overrides):
    body = {
        "patient": str(world.alice.public_id),
        "title": "Neck and shoulders",
        "start_date": start.isoformat(),
        "items": [{"exercise": str(exercises[0].public_id), "sets": 2, "reps": 10}],
    }
    body.update(overrides)
    return body


def session_body(program, on, *, sets=2, reps=10, **overrides):
    """A session doing the program's first item due on `on`."""
    item = selectors.items_due(patient=program.patient, on=on).filter(version__program=program)[0]
    body = {
        "performed_on": on.isoformat(),
        "pain_before": 4,
        "pain_after": 3,
        "entries": [{"item": item.pk, "sets_done": sets, "reps_done": reps}],
    }
    body.update(overrides)
    return body


def log_session(program, on):
    """Log as the patient from a client of their own (the test's client stays who it was)."""
    response = send(
        as_user(Client(), program.patient), "POST", "/api/v1/sessions/", session_body(program, on)
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def logged(client, world, program, today):
    """A session alice logged today against her program."""
    response = send(
        as_user(client, world.alice), "POST", "/api/v1/sessions/", session_body(program, today)
    )
    assert response.status_code == 201, response.json()
    return SessionLog.objects.get(public_id=response.json()["id"])


# --- Programs -----------------------------------------------------------------------------------


def test_a_therapist_prescribes_a_program_with_exact_dosage(client, world, exercises, today):
    body = program_body(
        world,
        exercises,
        today,
        end_date=(today + timedelta(weeks=6)).isoformat(),
        notes_for_patient="Little and often.",
        items=[
            {
                "exercise": str(exercises[0].public_id),
                "sets": 3,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 30,
                "side": "left",
                "times_per_day": 2,
                "days_of_week": ["mon", "wed", "fri"],
                "notes": "Slowly.",
                "phase_name": "Weeks 1-2",
                "phase_start_week": 1,
                "phase_end_week": 2,
            },
            {"exercise": str(exercises[1].public_id), "sets": 1, "reps": 5},
        ],
    )
    response = send(as_user(client, world.carol), "POST", "/api/v1/programs/", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    program = Program.objects.get(public_id=data["id"])
    assert (program.patient, program.created_by, program.title) == (
        world.alice,
        world.carol,
        "Neck and shoulders",
    )
    assert data["patient"] == str(world.alice.public_id)
    assert (data["status"], data["current_version"]) == ("active", 1)
    assert data["notes_for_patient"] == "Little and often."
    (version,) = data["versions"]
    first, second = version["items"]
    assert first["exercise"] == {"id": str(exercises[0].public_id), "name": exercises[0].name}
    assert {k: first[k] for k in ("sets", "reps", "hold_seconds", "side", "days_of_week")} == {
        "sets": 3,
        "reps": 10,
        "hold_seconds": 10,
        "side": "left",
        "days_of_week": ["mon", "wed", "fri"],
    }
    assert first["active_to"] == (today + timedelta(weeks=2) - timedelta(days=1)).isoformat()
    assert second["days_of_week"] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    item = program.versions.get().items.get(position=0)
    assert (item.days_of_week, item.times_per_day, item.phase_name) == (0b0010101, 2, "Weeks 1-2")
    assert client.get(f"/api/v1/programs/{program.public_id}/").json() == data


def test_a_program_can_start_from_a_protocol(client, world, protocols, today):
    protocol = Protocol.objects.get(slug="desk-worker-posture-reset")
    response = send(
        as_user(client, world.carol),
        "POST",
        "/api/v1/programs/",
        {
            "patient": str(world.alice.public_id),
            "protocol": str(protocol.public_id),
            "start_date": today.isoformat(),
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == protocol.name
    assert data["notes_for_patient"] == protocol.notes_for_patient
    items = data["versions"][0]["items"]
    expected = list(protocol.items.order_by("position").select_related("exercise"))
    assert [(i["exercise"]["id"], i["sets"], i["reps"]) for i in items] == [
        (str(p.exercise.public_id), p.sets, p.reps) for p in expected
    ]


def test_items_given_with_a_protocol_win_over_the_protocols(
    client, world, protocols, exercises, today
):
    protocol = Protocol.objects.get(slug="desk-worker-posture-reset")
    body = program_body(world, exercises, today, protocol=str(protocol.public_id), title="")
    response = send(as_user(client, world.carol), "POST", "/api/v1/programs/", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == protocol.name
    assert [i["exercise"]["id"] for i in data["versions"][0]["items"]] == [
        str(exercises[0].public_id)
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b, x: b["items"][0].update(sets=0), "items[0].sets"),
        (lambda b, x: b["items"][0].update(side="up"), "items[0].side"),
        (lambda b, x: b["items"][0].update(days_of_week=["funday"]), "items[0].days_of_week"),
        # The next three pass the serializer and are refused by the service.
        (lambda b, x: b["items"][0].update(days_of_week=[]), "items[0].days_of_week"),
        (
            lambda b, x: b["items"][0].update(phase_start_week=3, phase_end_week=2),
            "items[0].phase_end_week",
        ),
        (
            lambda b, x: b.update(
                end_date=(date.fromisoformat(b["start_date"]) - timedelta(days=1)).isoformat()
            ),
            "end_date",
        ),
        (lambda b, x: b["items"][0].update(exercise=str(uuid.uuid4())), "items[0].exercise"),
        (lambda b, x: b["items"][0].update(exercise=x), "items[0].exercise"),
        (lambda b, x: b.update(title=""), "title"),
        (lambda b, x: b.update(items=[]), "items"),
        (lambda b, x: b.pop("items"), "items"),
        (lambda b, x: b.update(start_date="9999-12-31"), "start_date"),
        (lambda b, x: b.update(start_date="yesterday"), "start_date"),
        (lambda b, x: b.update(protocol=str(uuid.uuid4())), "protocol"),
    ],
)
def test_invalid_programs_are_400_with_field_paths_and_store_nothing(
    client, world, exercises, today, change, field
):
    body = program_body(world, exercises, today)
    change(body, str(ExerciseFactory(clinic=world.clinic_b).public_id))
    response = send(as_user(client, world.carol), "POST", "/api/v1/programs/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert isinstance(response.json()[field], list)
    assert not Program.objects.exists()


@pytest.mark.parametrize("patient", ["bob", "heidi", "nobody"])
def test_a_patient_off_the_caseload_is_a_400_on_patient_that_confirms_nothing(
    client, world, exercises, today, patient
):
    public_id = uuid.uuid4() if patient == "nobody" else getattr(world, patient).public_id
    body = program_body(world, exercises, today, patient=str(public_id))
    response = send(as_user(client, world.carol), "POST", "/api/v1/programs/", body)
    assert response.status_code == 400
    assert response.json() == {"patient": ["Choose a patient on your caseload."]}
    assert not Program.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "frank"])
def test_only_therapists_prescribe(client, world, exercises, today, persona):
    body = program_body(world, exercises, today)
    response = send(as_user(client, getattr(world, persona)), "POST", "/api/v1/programs/", body)
    assert response.status_code == 403
    assert not Program.objects.exists()


def test_the_program_list_is_scoped_to_the_viewer_and_filtered(client, world, exercises, today):
    def prescribe(therapist, patient):
        return services.program_create(
            therapist=therapist,
            patient=patient,
            title=f"For {patient.full_name}",
            start_date=today,
            items=[ItemSpec(exercise_id=exercises[0].pk, sets=1, reps=5)],
        )

    alices, bobs = prescribe(world.carol, world.alice), prescribe(world.dave, world.bob)
    prescribe(world.erin, world.heidi)
    services.program_pause(program=bobs, on=today)

    def ids(user, query=""):
        response = as_user(client, user).get(f"/api/v1/programs/{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(world.carol) == {str(alices.public_id)}
    assert ids(world.alice) == {str(alices.public_id)}
    assert ids(world.frank) == {str(alices.public_id), str(bobs.public_id)}
    assert ids(world.frank, f"?patient={world.bob.public_id}") == {str(bobs.public_id)}
    assert ids(world.frank, "?status=paused") == {str(bobs.public_id)}
    assert ids(world.carol, f"?patient={world.bob.public_id}") == set()
    row = client.get("/api/v1/programs/").json()["results"][0]
    assert set(row) == {
        "id",
        "patient",
        "title",
        "status",
        "start_date",
        "end_date",
        "notes_for_patient",
        "current_version",
    }
    assert client.get("/api/v1/programs/?status=lost").json() == {
        "status": ['"lost" is not a valid choice.']
    }
    assert client.get("/api/v1/programs/?patient=42").status_code == 400


def test_the_program_list_runs_the_same_queries_with_1_or_12_programs(client, world):
    def queries(therapist, patient, staff, count):
        exercise = ExerciseFactory(clinic=None)
        for _ in range(count):
            services.program_create(
                therapist=therapist,
                patient=patient,
                title="Neck",
                start_date=services.patient_today(patient),
                items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=5)],
            )
        as_user(client, staff).get("/api/v1/programs/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/programs/")
        assert response.json()["count"] == count
        return len(ctx)

    assert queries(world.carol, world.alice, world.frank, 1) == queries(
        world.erin, world.heidi, world.grace, 12
    )


def test_the_detail_shows_versions_pauses_and_adherence(client, world, program, today):
    log_session(program, today)  # the 2x10 item, once: 1 of the day's 3 doses
    # Another program in force on the same days, never done, does not count against this one.
    services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Posture",
        start_date=program.start_date,
        items=[ItemSpec(exercise_id=ExerciseFactory(clinic=None).pk, sets=1, reps=5)],
    )
    response = as_user(client, world.carol).get(f"/api/v1/programs/{program.public_id}/")
    assert response.status_code == 200
    data = response.json()
    # Three days (two before today with nothing logged), three doses a day.
    assert data["adherence"]["overall"] == pytest.approx(1 / 9)
    days_this_week = (today - max(program.start_date, today - timedelta(today.weekday()))).days + 1
    assert data["adherence"]["this_week"] == pytest.approx(1 / (3 * days_this_week))
    assert data["pauses"] == []
    (version,) = data["versions"]
    assert (version["number"], version["effective_from"], version["effective_to"]) == (
        1,
        program.start_date.isoformat(),
        None,
    )
    assert [(i["sets"], i["reps"], i["times_per_day"]) for i in version["items"]] == [
        (2, 10, 2),
        (1, 8, 1),
    ]


def test_a_program_that_has_not_started_has_no_adherence(client, world, exercises, today):
    program = services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Later",
        start_date=today + timedelta(days=3),
        items=[ItemSpec(exercise_id=exercises[0].pk, sets=1, reps=5)],
    )
    data = as_user(client, world.alice).get(f"/api/v1/programs/{program.public_id}/").json()
    assert data["adherence"] == {"this_week": None, "overall": None}


def test_a_new_version_never_changes_the_targets_of_an_earlier_log(
    client, world, program, exercises, today
):
    yesterday = today - timedelta(days=1)
    old = log_session(program, yesterday)
    response = send(
        as_user(client, world.carol),
        "POST",
        f"/api/v1/programs/{program.public_id}/versions/",
        {
            "effective_from": today.isoformat(),
            "change_note": "Progressing",
            "items": [{"exercise": str(exercises[0].public_id), "sets": 3, "reps": 15}],
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["current_version"] == 2
    first, second = data["versions"]
    assert first["effective_to"] == yesterday.isoformat()
    assert (second["number"], second["change_note"]) == (2, "Progressing")
    assert [(i["sets"], i["reps"]) for i in second["items"]] == [(3, 15)]
    entry = as_user(client, world.alice).get(f"/api/v1/sessions/{old['id']}/").json()
    assert (entry["version"], entry["entries"][0]["target_sets"]) == (1, 2)
    assert entry["entries"][0]["target_reps"] == 10
    new = log_session(program, today)
    assert (new["version"], new["entries"][0]["target_sets"]) == (2, 3)


def test_a_version_must_start_after_the_current_one(client, world, program, exercises):
    response = send(
        as_user(client, world.carol),
        "POST",
        f"/api/v1/programs/{program.public_id}/versions/",
        {
            "effective_from": program.start_date.isoformat(),
            "items": [{"exercise": str(exercises[0].public_id), "sets": 3, "reps": 15}],
        },
    )
    assert response.status_code == 400
    assert "effective_from" in response.json()
    assert ProgramVersion.objects.filter(program=program).count() == 1


def test_pause_resume_and_end(client, world, program, today, exercises):
    as_user(client, world.carol)
    base = f"/api/v1/programs/{program.public_id}"
    response = send(client, "POST", f"{base}/pause/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paused"
    assert response.json()["pauses"] == [{"starts_on": today.isoformat(), "ends_on": None}]

    again = send(client, "POST", f"{base}/pause/")
    assert again.status_code == 400
    assert again.json() == {"detail": "Only an active program can be paused."}

    resume_on = today + timedelta(days=2)
    response = send(client, "POST", f"{base}/resume/", {"on": resume_on.isoformat()})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    assert response.json()["pauses"][0]["ends_on"] == (resume_on - timedelta(days=1)).isoformat()

    end_on = today + timedelta(days=10)
    response = send(client, "POST", f"{base}/end/", {"on": end_on.isoformat()})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_date"]) == ("ended", end_on.isoformat())

    revise = send(
        client,
        "POST",
        f"{base}/versions/",
        {
            "effective_from": (today + timedelta(days=1)).isoformat(),
            "items": [{"exercise": str(exercises[0].public_id), "sets": 1, "reps": 1}],
        },
    )
    assert revise.status_code == 400
    assert revise.json() == {"detail": "An ended program cannot be changed."}
    assert ProgramVersion.objects.filter(program=program).count() == 1


def test_resuming_an_active_program_is_a_400_and_a_bad_date_too(client, world, program):
    as_user(client, world.carol)
    base = f"/api/v1/programs/{program.public_id}"
    response = send(client, "POST", f"{base}/resume/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Only a paused program can be resumed."}
    response = send(client, "POST", f"{base}/pause/", {"on": "soon"})
    assert response.status_code == 400
    assert "on" in response.json()
    program.refresh_from_db()
    assert program.status == "active"


@pytest.mark.parametrize("persona", ["bob", "dave", "erin", "grace"])
def test_a_foreign_program_is_404(client, world, program, persona):
    as_user(client, getattr(world, persona))
    response = client.get(f"/api/v1/programs/{program.public_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such program."}


@pytest.mark.parametrize("persona", ["dave", "erin"])
def test_another_therapists_program_cannot_be_changed_and_is_404(client, world, program, persona):
    as_user(client, getattr(world, persona))
    for action in ("pause", "end", "versions"):
        response = send(client, "POST", f"/api/v1/programs/{program.public_id}/{action}/", {})
        assert response.status_code == 404
    program.refresh_from_db()
    assert program.status == "active"


@pytest.mark.parametrize("persona", ["alice", "frank"])
def test_patients_and_staff_cannot_change_programs(client, world, program, persona):
    as_user(client, getattr(world, persona))
    for action in ("pause", "end", "versions"):
        response = send(client, "POST", f"/api/v1/programs/{program.public_id}/{action}/", {})
        assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == "active"


# --- Protocols ----------------------------------------------------------------------------------


def test_protocols_are_the_shared_ones_and_the_clinics_own(client, world, protocols):
    def own(clinic, slug):
        protocol = Protocol.objects.create(clinic=clinic, slug=slug, name=slug.title())
        ProtocolItem.objects.create(
            protocol=protocol, exercise=ExerciseFactory(clinic=None), sets=2, reps=8
        )
        return protocol

    clinic_a, clinic_b = own(world.clinic_a, "a-own"), own(world.clinic_b, "b-own")
    shared = set(Protocol.objects.filter(clinic=None).values_list("slug", flat=True))

    def slugs(user):
        response = as_user(client, user).get("/api/v1/protocols/")
        assert response.status_code == 200
        return {row["slug"] for row in response.json()["results"]}

    assert slugs(world.carol) == shared | {"a-own"}
    assert slugs(world.frank) == shared | {"a-own"}
    assert slugs(world.grace) == shared | {"b-own"}
    detail = as_user(client, world.carol).get(f"/api/v1/protocols/{clinic_a.public_id}/").json()
    assert detail["shared"] is False
    assert [(i["sets"], i["reps"]) for i in detail["items"]] == [(2, 8)]
    assert client.get(f"/api/v1/protocols/{clinic_b.public_id}/").status_code == 404
    assert as_user(client, world.alice).get("/api/v1/protocols/").status_code == 403


# --- Today --------------------------------------------------------------------------------------


def test_today_lists_what_is_due_with_instructions_and_doses(
    client, world, program, exercises, today
):
    log_session(program, today)  # a full dose of the first item, due twice a day
    body = session_body(program, today, sets=1, reps=10)  # half a dose more
    send(as_user(client, world.alice), "POST", "/api/v1/sessions/", body)
    response = client.get("/api/v1/today/")
    assert response.status_code == 200
    data = response.json()
    assert (data["day"], data["today"]) == (today.isoformat(), today.isoformat())
    assert data["earliest_day"] == (today - timedelta(days=7)).isoformat()
    first, second = data["items"]
    assert first["exercise"]["id"] == str(exercises[0].public_id)
    assert first["exercise"]["steps"] == exercises[0].steps
    assert first["exercise"]["stop_if"] == exercises[0].stop_if
    assert (first["sets"], first["reps"], first["hold_seconds"]) == (2, 10, 5)
    assert (first["doses_done"], first["doses_expected"]) == (1.5, 2)
    assert (second["doses_done"], second["doses_expected"]) == (0, 1)
    assert first["program"] == {"id": str(program.public_id), "title": "Neck"}
    assert (data["doses_done"], data["doses_expected"]) == (1.5, 3)


def test_today_can_look_back_over_the_backfill_window_only(client, world, program, today):
    as_user(client, world.alice)
    yesterday = client.get(f"/api/v1/today/?day={(today - timedelta(days=1)).isoformat()}")
    assert yesterday.status_code == 200
    assert yesterday.json()["day"] == (today - timedelta(days=1)).isoformat()
    week_ago = client.get(f"/api/v1/today/?day={(today - timedelta(days=7)).isoformat()}")
    assert week_ago.status_code == 200
    for day in (today - timedelta(days=8), today + timedelta(days=1), "not-a-date"):
        response = client.get(f"/api/v1/today/?day={day}")
        assert response.status_code == 400
        assert "day" in response.json()


@pytest.mark.parametrize("persona", ["carol", "frank"])
def test_today_is_for_patients(client, world, persona):
    assert as_user(client, getattr(world, persona)).get("/api/v1/today/").status_code == 403


# --- Logging sessions ---------------------------------------------------------------------------


def test_a_patient_logs_a_session_with_a_snapshot_of_the_targets(client, world, program, today):
    body = session_body(program, today, difficulty=3, note="Felt fine.")
    response = send(as_user(client, world.alice), "POST", "/api/v1/sessions/", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    session = SessionLog.objects.get()
    assert data["id"] == str(session.public_id)
    assert (data["pain_before"], data["pain_after"], data["difficulty"]) == (4, 3, 3)
    assert (data["program"], data["version"]) == (str(program.public_id), 1)
    (entry,) = data["entries"]
    assert (entry["target_sets"], entry["target_reps"], entry["target_hold_seconds"]) == (2, 10, 5)
    assert (entry["sets_done"], entry["reps_done"], entry["dose_fraction"]) == (2, 10, 1.0)


def test_the_answer_to_a_new_session_is_the_session_as_stored(
    client, world, program, exercises, today
):
    """The new session is answered from memory (nothing is read back): it must be exactly what
    reading it gives, entries in item order whatever order they were sent in."""
    items = list(
        selectors.items_due(patient=world.alice, on=today).filter(version__program=program)
    )
    body = {
        "performed_on": today.isoformat(),
        "pain_before": 2,
        "difficulty": 4,
        "note": "Both.",
        "entries": [
            {"item": items[1].pk, "sets_done": 1, "reps_done": 8},
            {
                "item": items[0].pk,
                "sets_done": 0,
                "reps_done": 0,
                "skipped": True,
                "skip_reason": "Sore.",
            },
        ],
    }
    created = send(as_user(client, world.alice), "POST", "/api/v1/sessions/", body)
    assert created.status_code == 201, created.json()
    read = client.get(f"/api/v1/sessions/{created.json()['id']}/")
    assert created.json() == read.json()
    assert [e["exercise"]["id"] for e in created.json()["entries"]] == [
        str(exercises[0].public_id),
        str(exercises[1].public_id),
    ]


def test_sessions_are_answered_as_the_serializer_documents_them(
    client, world, program, exercises, today
):
    """session_data writes out SessionSerializer (the schema's component) by hand: the two must
    agree for every kind of session, field for field and in the same order."""
    from django.db.models import prefetch_related_objects
    from rest_framework.renderers import JSONRenderer

    from rehab.programs.api.serializers import SessionSerializer, session_data
    from rehab.programs.api.sessions import _entries

    items = list(
        selectors.items_due(patient=world.alice, on=today).filter(version__program=program)
    )
    bodies = [
        {
            "performed_on": today.isoformat(),
            "pain_before": 2,
            "pain_after": 0,
            "difficulty": 5,
            "note": 'Felt <b>odd</b> & "stiff".',
            "entries": [
                {"item": items[1].pk, "sets_done": 1, "reps_done": 3, "hold_seconds_done": 4},
                {
                    "item": items[0].pk,
                    "sets_done": 0,
                    "reps_done": 0,
                    "skipped": True,
                    "skip_reason": "Sore.",
                },
            ],
        },
        {
            "performed_on": (today - timedelta(days=1)).isoformat(),
            "pain_before": None,
            "pain_after": None,
            "entries": [{"item": items[0].pk, "sets_done": 2, "reps_done": 10}],
        },
    ]
    as_user(client, world.alice)
    for body in bodies:
        created = send(client, "POST", "/api/v1/sessions/", body)
        assert created.status_code == 201, created.json()
        session = SessionLog.objects.get(public_id=created.json()["id"])
        prefetch_related_objects([session], "patient", "program", "version", _entries())
        # As rendered: the serializer leaves editable_until a datetime for the renderer.
        documented = JSONRenderer().render(SessionSerializer(session).data)
        assert JSONRenderer().render(session_data(session)) == documented
        assert created.content == documented


def test_the_same_idempotency_key_twice_stores_one_session(client, world, program, today):
    as_user(client, world.alice)
    body = session_body(program, today)
    first = send(client, "POST", "/api/v1/sessions/", body, idempotency_key="tap-1")
    again = send(client, "POST", "/api/v1/sessions/", body, idempotency_key="tap-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert SessionLog.objects.count() == 1
    assert ExerciseLog.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_422(client, world, program, today):
    as_user(client, world.alice)
    send(client, "POST", "/api/v1/sessions/", session_body(program, today), idempotency_key="k")
    other = session_body(program, today, pain_after=1)
    response = send(client, "POST", "/api/v1/sessions/", other, idempotency_key="k")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert SessionLog.objects.get().pain_after == 3


def test_without_a_key_each_request_is_a_new_session(client, world, program, today):
    as_user(client, world.alice)
    for _ in range(2):
        send(client, "POST", "/api/v1/sessions/", session_body(program, today))
    assert SessionLog.objects.count() == 2


def test_an_idempotency_key_is_at_most_100_characters(client, world, program, today):
    as_user(client, world.alice)
    body = session_body(program, today)
    response = send(client, "POST", "/api/v1/sessions/", body, idempotency_key="k" * 101)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not SessionLog.objects.exists()
    response = send(client, "POST", "/api/v1/sessions/", body, idempotency_key="k" * 100)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b, d: b.update(pain_after=11), "pain_after"),
        (lambda b, d: b.update(difficulty=0), "difficulty"),
        (lambda b, d: b["entries"][0].update(sets_done=21), "entries[0].sets_done"),
        (lambda b, d: b["entries"][0].update(skipped=True), "entries[0].skip_reason"),
        (lambda b, d: b["entries"][0].update(item=10**6), "entries[0].item"),
        (lambda b, d: b["entries"][0].pop("item"), "entries[0].item"),
        (lambda b, d: b.update(entries=[]), "entries"),
        (lambda b, d: b.update(performed_on=(d + timedelta(days=1)).isoformat()), "performed_on"),
        (lambda b, d: b.update(performed_on=(d - timedelta(days=8)).isoformat()), "performed_on"),
        (lambda b, d: b.update(note="x" * 2001), "note"),
    ],
)
def test_invalid_sessions_are_400_with_field_paths_and_store_nothing(
    client, world, program, today, change, field
):
    body = session_body(program, today)
    change(body, today)
    response = send(as_user(client, world.alice), "POST", "/api/v1/sessions/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not SessionLog.objects.exists()


def test_a_patient_cannot_log_another_patients_program_items(client, world, program, today):
    body = session_body(program, today)
    response = send(as_user(client, world.bob), "POST", "/api/v1/sessions/", body)
    assert response.status_code == 400
    assert "entries[0].item" in response.json()
    assert not SessionLog.objects.exists()


@pytest.mark.parametrize("persona", ["carol", "frank"])
def test_only_patients_log_sessions(client, world, program, today, persona):
    body = session_body(program, today)
    response = send(as_user(client, getattr(world, persona)), "POST", "/api/v1/sessions/", body)
    assert response.status_code == 403
    assert not SessionLog.objects.exists()


# --- Reading, correcting and deleting sessions --------------------------------------------------


def test_a_patient_corrects_a_session_within_24_hours(client, world, program, logged, today):
    url = f"/api/v1/sessions/{logged.public_id}/"
    response = send(client, "PATCH", url, {"pain_after": 1, "note": "Better"})
    assert response.status_code == 200, response.json()
    assert (response.json()["pain_after"], response.json()["note"]) == (1, "Better")
    assert response.json()["pain_before"] == 4, "fields not sent are kept"
    assert len(response.json()["entries"]) == 1

    second = selectors.items_due(patient=world.alice, on=today)[1]
    body = session_body(program, today, sets=1, reps=10)
    body["entries"].append({"item": second.pk, "sets_done": 1, "reps_done": 8})
    response = send(client, "PUT", url, body)
    assert response.status_code == 200, response.json()
    entries = response.json()["entries"]
    assert [(e["sets_done"], e["dose_fraction"]) for e in entries] == [(1, 0.5), (1, 1.0)]
    assert response.json()["pain_after"] == 3
    logged.refresh_from_db()
    assert logged.entries.count() == 2


def test_the_date_of_a_session_cannot_change(client, world, program, logged, today):
    yesterday = (today - timedelta(days=1)).isoformat()
    url = f"/api/v1/sessions/{logged.public_id}/"
    response = send(client, "PATCH", url, {"performed_on": yesterday})
    assert response.status_code == 400
    assert "performed_on" in response.json()
    logged.refresh_from_db()
    assert logged.performed_on == today


def test_a_patient_deletes_a_session_within_24_hours(client, world, logged):
    response = send(client, "DELETE", f"/api/v1/sessions/{logged.public_id}/")
    assert response.status_code == 204
    assert not SessionLog.objects.exists()
    assert not ExerciseLog.objects.exists()


def test_after_24_hours_a_session_can_no_longer_be_changed_or_deleted(client, world, logged):
    SessionLog.objects.filter(pk=logged.pk).update(
        logged_at=timezone.now() - timedelta(hours=24, minutes=1)
    )
    url = f"/api/v1/sessions/{logged.public_id}/"
    response = send(client, "PATCH", url, {"pain_after": 0})
    assert response.status_code == 400
    assert "24 hours" in response.json()["detail"]
    assert send(client, "DELETE", url).status_code == 400
    logged.refresh_from_db()
    assert logged.pain_after == 3


def test_a_session_logged_23_hours_ago_can_still_be_corrected(client, world, logged):
    # Moving logged_at, not the clock: a patched clock would also expire the login session.
    logged_at = timezone.now() - timedelta(hours=23)
    SessionLog.objects.filter(pk=logged.pk).update(logged_at=logged_at)
    response = send(client, "PATCH", f"/api/v1/sessions/{logged.public_id}/", {"note": "ok"})
    assert response.status_code == 200
    editable_until = logged_at + timedelta(hours=24)
    assert response.json()["editable_until"] == editable_until.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("persona", ["alice", "carol", "frank"])
def test_the_patient_and_their_care_team_read_a_session(client, world, logged, persona):
    response = as_user(client, getattr(world, persona)).get(f"/api/v1/sessions/{logged.public_id}/")
    assert response.status_code == 200
    assert response.json()["patient"] == str(world.alice.public_id)


@pytest.mark.parametrize("persona", ["bob", "heidi", "dave", "erin", "grace"])
def test_a_foreign_session_is_404(client, world, logged, persona):
    as_user(client, getattr(world, persona))
    url = f"/api/v1/sessions/{logged.public_id}/"
    assert client.get(url).status_code == 404
    if persona in ("bob", "heidi"):
        assert send(client, "PATCH", url, {"note": "mine now"}).status_code == 404
        assert send(client, "DELETE", url).status_code == 404
    assert SessionLog.objects.get().note == ""


@pytest.mark.parametrize("persona", ["carol", "dave", "frank"])
def test_the_care_team_cannot_change_sessions(client, world, logged, persona):
    as_user(client, getattr(world, persona))
    url = f"/api/v1/sessions/{logged.public_id}/"
    assert send(client, "PATCH", url, {"note": "edited"}).status_code == 403
    assert send(client, "PUT", url, {"note": "edited"}).status_code == 403
    assert send(client, "DELETE", url).status_code == 403
    assert SessionLog.objects.get().note == ""


# --- Session list -------------------------------------------------------------------------------


def _program_with_logs(patient, therapist, sessions):
    today = services.patient_today(patient)
    start = today - timedelta(days=sessions)
    exercises = ExerciseFactory.create_batch(3, clinic=None)
    program = services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=start,
        items=[ItemSpec(exercise_id=e.pk, sets=2, reps=10) for e in exercises],
    )
    version = program.versions.get()
    for offset in range(sessions):
        day = start + timedelta(days=offset)
        items = list(selectors.items_due(patient=patient, on=day))
        session = SessionLog.objects.create(
            patient=patient, program=program, version=version, performed_on=day
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[EntrySpec(item_id=i.pk, sets_done=2, reps_done=10) for i in items],
        )
    return program


def test_the_session_list_is_scoped_newest_first_and_filtered(client, world):
    _program_with_logs(world.alice, world.carol, 5)
    _program_with_logs(world.bob, world.dave, 3)
    today = services.patient_today(world.alice)

    def dates(user, query=""):
        response = as_user(client, user).get(f"/api/v1/sessions/{query}")
        assert response.status_code == 200, response.json()
        return [row["performed_on"] for row in response.json()["results"]]

    alices = [(today - timedelta(days=n)).isoformat() for n in range(1, 6)]
    assert dates(world.alice) == alices
    assert dates(world.carol) == alices
    assert len(dates(world.dave)) == 3
    assert len(dates(world.frank)) == 8
    assert dates(world.grace) == []
    assert dates(world.frank, f"?patient={world.alice.public_id}") == alices
    window = f"?from={alices[3]}&to={alices[1]}"
    assert dates(world.alice, window) == alices[1:4]
    response = client.get(f"/api/v1/sessions/?from={alices[1]}&to={alices[3]}")
    assert response.status_code == 400
    assert "to" in response.json()
    row = client.get("/api/v1/sessions/").json()["results"][0]
    assert len(row["entries"]) == 3
    assert set(row["entries"][0]["exercise"]) == {"id", "name"}


def test_the_session_list_runs_the_same_queries_with_10_or_300_logs(client, world):
    _program_with_logs(world.alice, world.carol, 10)
    _program_with_logs(world.bob, world.dave, 300)

    def queries(user, patient):
        as_user(client, user).get("/api/v1/sessions/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/sessions/?patient={patient.public_id}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(20, response.json()["count"])
        return len(ctx), ctx

    (few, _), (many, many_ctx) = (
        queries(world.alice, world.alice),
        queries(world.bob, world.bob),
    )
    assert few == many, "\n".join(q["sql"] for q in many_ctx.captured_queries)
    assert queries(world.frank, world.alice)[0] == queries(world.frank, world.bob)[0]
