"""Adherence in SQL against its definition in Python. Two queries compute expected and completed
doses per day: `adherence_by_day` (one patient: the progress page, the patient detail) and
the caseload's `daily_doses` (every patient of a therapist at once). Both sum the items in force
into bundles before meeting the calendar; here random programs (days of the week, phases,
several doses a day, revisions, pauses) and random logs, extra and partial sessions included,
are worked out day by day from the rows themselves, and both queries must agree with that."""

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from rehab.outcomes import dashboards
from rehab.programs import selectors, services
from rehab.programs.models import (
    ExerciseLog,
    ProgramItem,
    ProgramPause,
    SessionLog,
    weekday_bit,
)
from rehab.programs.services import ItemSpec
from tests import factories

DAYS = 40


def expected_by_definition(
    patient: User, start: date, end: date
) -> dict[date, tuple[float, float]]:
    """Per day: the doses of the items in force (their dates, their days of the week, their
    program not paused), and the logged dose fractions per item and day (on a day the item is
    prescribed), each item's capped at its doses a day."""
    items = list(
        ProgramItem.objects.filter(version__program__patient=patient).select_related("version")
    )
    pauses = list(ProgramPause.objects.filter(program__patient=patient))
    logged: dict[tuple[int, date], float] = defaultdict(float)
    for entry in ExerciseLog.objects.filter(session__patient=patient):
        logged[entry.item_id, entry.performed_on] += entry.dose_fraction
    by_pk = {item.pk: item for item in items}
    result = {}
    day = start
    while day <= end:
        bit = weekday_bit(day.weekday())
        expected = sum(
            item.times_per_day
            for item in items
            if item.active_from <= day
            and (item.active_to is None or item.active_to >= day)
            and item.days_of_week & bit
            and not any(
                pause.program_id == item.version.program_id
                and pause.starts_on <= day
                and (pause.ends_on is None or pause.ends_on >= day)
                for pause in pauses
            )
        )
        completed = sum(
            min(doses, by_pk[pk].times_per_day)
            for (pk, on), doses in logged.items()
            if on == day and by_pk[pk].days_of_week & bit
        )
        result[day] = (float(expected), float(completed))
        day += timedelta(days=1)
    return result


def random_spec(rng: random.Random, exercise_ids: list[int]) -> ItemSpec:
    phase = rng.random() < 0.3
    start_week = rng.randint(1, 3) if phase else None
    return ItemSpec(
        exercise_id=rng.choice(exercise_ids),
        sets=rng.randint(1, 3),
        reps=rng.randint(5, 10),
        times_per_day=rng.randint(1, 3),
        # Mostly every day, as most programs are: items of one version then share a bundle.
        days_of_week=rng.choice([0b1111111] * 4 + [0b0010101, 0b0101010, 0b1100000]),
        phase_start_week=start_week,
        phase_end_week=(start_week + rng.randint(0, 2)) if phase and start_week else None,
    )


def random_history(rng: random.Random, patient: User, therapist: User, exercise_ids: list[int]):
    today = services.patient_today(patient)
    program = services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=today - timedelta(days=rng.randint(10, DAYS - 2)),
        items=[random_spec(rng, exercise_ids) for _ in range(rng.randint(2, 5))],
    )
    if rng.random() < 0.5:
        services.program_revise(
            program=program,
            by=therapist,
            effective_from=today - timedelta(days=rng.randint(1, 6)),
            items=[random_spec(rng, exercise_ids) for _ in range(rng.randint(1, 3))],
        )
    if rng.random() < 0.4:
        services.program_pause(program=program, on=today - timedelta(days=rng.randint(4, 9)))
        services.program_resume(program=program, on=today - timedelta(days=rng.randint(0, 3)))
    day = program.start_date
    while day <= today:
        due = list(selectors.items_due(patient=patient, on=day))
        for _ in range(rng.choice([0, 1, 1, 2])):
            if not due:
                break
            version = due[0].version
            session = SessionLog.objects.create(
                patient=patient, program=program, version=version, performed_on=day
            )
            services.store_entries(
                session=session,
                items=(done := rng.sample(due, rng.randint(1, len(due)))),
                entries=[
                    services.EntrySpec(
                        item_id=item.pk,
                        sets_done=rng.randint(0, item.sets),
                        reps_done=item.reps,
                    )
                    for item in done
                ],
            )
        day += timedelta(days=1)


def test_both_adherence_queries_follow_the_definition(world):
    rng = random.Random(20261207)
    exercise_ids = [factories.ExerciseFactory(clinic=None).pk for _ in range(5)]
    patients = [world.alice]
    for zone in ("Asia/Tokyo", "America/New_York", "UTC", "Australia/Sydney", "Europe/London"):
        patient = factories.PatientFactory(clinic=world.clinic_a, profile__time_zone=zone)
        factories.assign(patient, world.carol)
        patients.append(patient)
    for patient in patients:
        random_history(rng, patient, world.carol, exercise_ids)

    now = timezone.now()
    # The calendar the queries join, as programs extend it on demand, over the whole window.
    services.ensure_calendar(now.date() - timedelta(days=DAYS + 1), now.date() + timedelta(days=9))
    scope = User.objects.filter(pk__in=[p.pk for p in patients])
    zones = {
        dashboards.zone_of(p)
        for p in User.objects.filter(pk__in=scope).select_related("patient_profile")
    }
    caseload = dashboards.daily_doses(scope, zones, DAYS, now)
    compared = shared = 0
    for patient in patients:
        today = services.patient_today(patient)
        start = today - timedelta(days=DAYS - 1)
        truth = expected_by_definition(patient, start, today + timedelta(days=7))
        one = selectors.adherence_by_day(
            patient=patient, start=start, end=today + timedelta(days=7)
        )
        assert {d.day: (d.expected, d.completed) for d in one} == truth, patient
        assert {d.day: (d.expected, d.completed) for d in caseload[patient.pk]} == {
            day: value for day, value in truth.items() if day <= today
        }, patient
        compared += sum(1 for expected, done in truth.values() if expected and done)
        shared += (
            ProgramItem.objects.filter(version__program__patient=patient)
            .values("version", "active_from", "active_to", "days_of_week")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
    assert compared > 50, "the random histories have days with doses due and done"
    assert shared >= 2, "and items that share a bundle"
