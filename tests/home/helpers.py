"""Hand-made data for the dashboard tests: programs, logs, alerts and NDI scores, written
straight to the tables (no services) so each test controls exactly what the dashboards see."""

from datetime import date, timedelta
from typing import Any

from accounts.models import User
from rehab.alerts.models import Alert, Rule
from rehab.outcomes.models import Measure, OutcomeRecord
from rehab.programs import services as programs
from rehab.programs.models import ExerciseLog, Program, ProgramItem, SessionLog
from tests import factories


def today_of(patient: User) -> date:
    return programs.patient_today(patient)


def prescribe(
    patient: User, therapist: User, *, days_ago: int = 30, times_per_day: int = 1, **item: object
) -> Program:
    exercise = factories.ExerciseFactory(clinic=None)
    return programs.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=today_of(patient) - timedelta(days=days_ago),
        items=[
            programs.ItemSpec(
                exercise_id=exercise.pk, sets=1, reps=10, times_per_day=times_per_day, **item
            )
        ],
    )


def log(
    patient: User,
    program: Program,
    days_ago: int,
    *,
    dose: float | None = 1.0,
    pain_before: int | None = None,
    pain_after: int | None = None,
) -> SessionLog:
    """A session `days_ago` local days back; with `dose`, one entry for the program's item."""
    on = today_of(patient) - timedelta(days=days_ago)
    version = program.versions.order_by("-number").first()
    assert version is not None
    session = SessionLog.objects.create(
        patient=patient,
        program=program,
        version=version,
        performed_on=on,
        pain_before=pain_before,
        pain_after=pain_after,
    )
    if dose is not None:
        item = ProgramItem.objects.filter(version=version).first()
        assert item is not None
        ExerciseLog.objects.create(
            session=session,
            item=item,
            performed_on=on,
            target_sets=item.sets,
            target_reps=item.reps,
            target_hold_seconds=item.hold_seconds,
            target_side=item.side,
            sets_done=item.sets,
            reps_done=item.reps,
            dose_fraction=dose,
        )
    return session


def log_days(patient: User, program: Program, days_ago: range, **kwargs: Any) -> None:
    for back in days_ago:
        log(patient, program, back, **kwargs)


def alert(patient: User, rule: str = Rule.PAIN_HIGH, *, open_: bool = True, by=None) -> Alert:
    from django.utils import timezone

    n = Alert.objects.count()
    return Alert.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        rule=rule,
        reason="Test alert.",
        key=f"test:{patient.pk}:{n}",
        acknowledged_at=None if open_ else timezone.now(),
        acknowledged_by=None if open_ else by,
    )


def ndi(patient: User, percent: float, days_ago: int, *, by: User) -> OutcomeRecord:
    return OutcomeRecord.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        measure=Measure.NDI,
        recorded_on=today_of(patient) - timedelta(days=days_ago),
        entered_by=by,
        inputs={},
        value=percent,
        band="",
        scoring_version="ndi-1",
    )
