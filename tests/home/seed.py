"""Many patients with months of logs, fast (bulk_create), for the query-count tests and the
benchmarks (bench/caseload.py, bench/endpoints.py). Every patient has a daily program (one
exercise, or 6-10 of a list given), a session on most days with pain before and after and an
entry per exercise, two NDI scores; some have open alerts or a red flag."""

from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from accounts.models import CaseloadAssignment, PatientProfile, Role, User
from exercises.models import Exercise
from rehab.alerts.models import Alert, Rule
from rehab.outcomes import caseload_cache
from rehab.outcomes.dashboards import local_today
from rehab.outcomes.models import Measure, OutcomeRecord
from rehab.programs.models import ExerciseLog, Program, ProgramItem, ProgramVersion, SessionLog
from rehab.programs.services import ensure_calendar

ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC")


def seed_caseload(
    *,
    therapist: User,
    exercise: Exercise | Sequence[Exercise],
    count: int,
    days: int = 90,
    first: int = 0,
) -> list[User]:
    """`count` patients on `therapist`'s caseload, numbered from `first`, each with `days` days
    of history up to their local today. Given a list of (at least 10) exercises, patient n's
    program has the first 6 + n % 5 of them."""
    assert therapist.clinic is not None
    if isinstance(exercise, Exercise):
        program_of: dict[int, Sequence[Exercise]] = {
            n: [exercise] for n in range(first, first + count)
        }
    else:
        assert len(exercise) >= 10, "6-10 exercises per program"
        program_of = {n: exercise[: 6 + n % 5] for n in range(first, first + count)}
    clinic = therapist.clinic
    now = timezone.now()
    numbers = range(first, first + count)
    patients = User.objects.bulk_create(
        [
            User(
                email=f"seeded{n}@example.org",
                full_name=f"Seeded Patient {n:04d}",
                role=Role.PATIENT,
                clinic=clinic,
                password="!",
            )
            for n in numbers
        ]
    )
    zone = {p.pk: ZONES[n % len(ZONES)] for n, p in zip(numbers, patients, strict=True)}
    today = {p.pk: local_today(zone[p.pk], now) for p in patients}
    ensure_calendar(min(today.values()) - timedelta(days=days), max(today.values()))
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=p, time_zone=zone[p.pk]) for p in patients]
    )
    CaseloadAssignment.objects.bulk_create(
        [CaseloadAssignment(patient=p, therapist=therapist) for p in patients]
    )
    programs = Program.objects.bulk_create(
        [
            Program(
                clinic=clinic,
                patient=p,
                created_by=therapist,
                title="Neck program",
                start_date=today[p.pk] - timedelta(days=days),
            )
            for p in patients
        ]
    )
    versions = ProgramVersion.objects.bulk_create(
        [
            ProgramVersion(
                program=program, number=1, effective_from=program.start_date, created_by=therapist
            )
            for program in programs
        ]
    )
    items = ProgramItem.objects.bulk_create(
        [
            ProgramItem(
                version=version,
                exercise=chosen,
                position=position,
                sets=2,
                reps=10,
                times_per_day=1,
                active_from=version.effective_from,
            )
            for n, version in zip(numbers, versions, strict=True)
            for position, chosen in enumerate(program_of[n], start=1)
        ]
    )
    sessions = []
    for n, patient, program, version in zip(numbers, patients, programs, versions, strict=True):
        for back in range(days, 0, -1):
            if (n + back) % 4 == 0:
                continue  # a missed day now and then
            sessions.append(
                SessionLog(
                    patient=patient,
                    program=program,
                    version=version,
                    performed_on=today[patient.pk] - timedelta(days=back),
                    # A pain spike in the last session of every seventh patient.
                    pain_before=7 if back == 1 and n % 7 == 0 else 2 + (n + back) % 3,
                    pain_after=1 + (n + back) % 3,
                )
            )
    sessions = SessionLog.objects.bulk_create(sessions, batch_size=2000)
    items_of: dict[int, list[ProgramItem]] = {}
    for item in items:
        items_of.setdefault(item.version_id, []).append(item)
    ExerciseLog.objects.bulk_create(
        [
            ExerciseLog(
                session=session,
                item=item,
                performed_on=session.performed_on,
                target_sets=2,
                target_reps=10,
                target_hold_seconds=0,
                target_side="none",
                sets_done=2,
                reps_done=10 if session.pk % 3 else 5,
                dose_fraction=1.0 if session.pk % 3 else 0.5,
            )
            for session in sessions
            for item in items_of[session.version_id]
        ],
        batch_size=2000,
    )
    OutcomeRecord.objects.bulk_create(
        [
            OutcomeRecord(
                clinic=clinic,
                patient=p,
                measure=Measure.NDI,
                recorded_on=today[p.pk] - timedelta(days=back),
                entered_by=therapist,
                inputs={},
                value=value,
                band="",
                scoring_version="ndi-1",
            )
            for n, p in zip(numbers, patients, strict=True)
            for back, value in ((days, 30.0), (7, 30.0 + (n % 4) * 4))
        ]
    )
    Alert.objects.bulk_create(
        [
            Alert(
                clinic=clinic,
                patient=p,
                rule=Rule.RED_FLAG if n % 25 == 0 else Rule.PAIN_HIGH,
                reason="Seeded alert.",
                key=f"seeded:{p.pk}",
            )
            for n, p in zip(numbers, patients, strict=True)
            if n % 10 == 0 or n % 25 == 0
        ]
    )
    # bulk_create sends no model signals: tell the caseload cache, as such writers must.
    caseload_cache.changed(clinics=[clinic.pk])
    return patients
