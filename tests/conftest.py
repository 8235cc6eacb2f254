"""Personas shared by the suite.

Clinic A: alice (patient, on carol's caseload), bob (patient, on dave's caseload),
carol and dave (therapists), frank (staff). Clinic B: erin (therapist), grace (staff),
heidi (patient, on erin's caseload). Therapists and staff have an authenticator app enrolled,
as the MFA policy requires.
"""

from dataclasses import dataclass

import pytest
from django.core.management import call_command

from accounts.models import Clinic, User

from . import factories


@dataclass
class World:
    clinic_a: Clinic
    clinic_b: Clinic
    alice: User
    bob: User
    carol: User
    dave: User
    frank: User
    erin: User
    grace: User
    heidi: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db) -> World:
    clinic_a = factories.ClinicFactory(name="Clinic A", slug="clinic-a")
    clinic_b = factories.ClinicFactory(name="Clinic B", slug="clinic-b")
    w = World(
        clinic_a=clinic_a,
        clinic_b=clinic_b,
        alice=factories.PatientFactory(
            clinic=clinic_a, full_name="Alice Patient", email="alice@example.org"
        ),
        bob=factories.PatientFactory(
            clinic=clinic_a, full_name="Bob Patient", email="bob@example.org"
        ),
        carol=factories.TherapistFactory(
            clinic=clinic_a, full_name="Carol Therapist", email="carol@example.org"
        ),
        dave=factories.TherapistFactory(
            clinic=clinic_a, full_name="Dave Therapist", email="dave@example.org"
        ),
        frank=factories.StaffFactory(
            clinic=clinic_a, full_name="Frank Staff", email="frank@example.org"
        ),
        erin=factories.TherapistFactory(
            clinic=clinic_b, full_name="Erin Therapist", email="erin@example.org"
        ),
        grace=factories.StaffFactory(
            clinic=clinic_b, full_name="Grace Staff", email="grace@example.org"
        ),
        heidi=factories.PatientFactory(
            clinic=clinic_b, full_name="Heidi Patient", email="heidi@example.org"
        ),
    )
    factories.assign(w.alice, w.carol)
    factories.assign(w.bob, w.dave)
    factories.assign(w.heidi, w.erin)
    for user in (w.carol, w.dave, w.frank, w.erin, w.grace):
        factories.enable_totp(user)
    return w


@pytest.fixture
def library(db) -> None:
    """The shared exercise library, as production loads it."""
    call_command("sync_exercise_library", verbosity=0)


@pytest.fixture
def alice_program(world):
    """Make alice a daily one-exercise program from carol:
    alice_program(times_per_day=1, started_days_ago=7)."""
    from datetime import timedelta

    from rehab.programs import services as programs

    def make(times_per_day: int = 1, started_days_ago: int = 7):
        exercise = factories.ExerciseFactory(clinic=None)
        return programs.program_create(
            therapist=world.carol,
            patient=world.alice,
            title="Neck",
            start_date=programs.patient_today(world.alice) - timedelta(days=started_days_ago),
            items=[
                programs.ItemSpec(
                    exercise_id=exercise.pk, sets=1, reps=10, times_per_day=times_per_day
                )
            ],
        )

    return make
