from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehab.programs import selectors, services
from rehab.programs.models import SessionLog
from rehab.programs.services import EntrySpec, ItemSpec
from tests.factories import ExerciseFactory


def _program_with_logs(world, patient, therapist, sessions):
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
            patient=patient, program=program, version=version, performed_on=day, pain_before=4
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[EntrySpec(item_id=i.pk, sets_done=2, reps_done=10) for i in items],
        )
    return program


def test_the_care_team_sees_programs_sessions_and_adherence(client, world):
    _program_with_logs(world, world.alice, world.carol, 10)
    client.force_login(world.carol)
    response = client.get(f"/patients/{world.alice.public_id}/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 10
    # Every day before today fully done, today still open: 30 of 33 doses.
    assert round(response.context["adherence_overall"], 2) == round(30 / 33, 2)
    assert "Version 1" in response.content.decode()


def test_the_patient_page_runs_the_same_queries_with_10_or_300_logs(client, world):
    _program_with_logs(world, world.alice, world.carol, 10)
    _program_with_logs(world, world.bob, world.dave, 300)

    def queries(therapist, patient):
        client.force_login(therapist)
        client.get(f"/patients/{patient.public_id}/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/patients/{patient.public_id}/").status_code == 200
        return len(ctx)

    assert queries(world.carol, world.alice) == queries(world.dave, world.bob)
