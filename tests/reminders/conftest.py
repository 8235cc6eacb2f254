from datetime import timedelta

import pytest
from django.utils import timezone

from rehab.programs import services as programs
from rehab.reminders import services
from rehab.reminders.models import Kind, Schedule
from tests.factories import ExerciseFactory, PatientFactory, assign


@pytest.fixture
def patients(world):
    """Six patients on carol's caseload, each with a program and an exercise reminder due a
    minute ago (and no other schedule due)."""
    made = [world.alice, *[PatientFactory(clinic=world.clinic_a) for _ in range(5)]]
    for patient in made[1:]:
        assign(patient, world.carol)
    exercise = ExerciseFactory(clinic=None)
    for patient in made:
        programs.program_create(
            therapist=world.carol,
            patient=patient,
            title="Neck",
            start_date=programs.patient_today(patient) - timedelta(days=7),
            items=[programs.ItemSpec(exercise_id=exercise.pk, sets=1, reps=10, times_per_day=2)],
        )
        services.reschedule(patient)
    due = timezone.now() - timedelta(minutes=1)
    Schedule.objects.update(next_due_at=None)
    Schedule.objects.filter(kind=Kind.EXERCISE).update(next_due_at=due)
    return made
