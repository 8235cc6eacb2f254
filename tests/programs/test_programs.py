from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehab.programs import selectors, services
from rehab.programs.models import ExerciseLog, SessionLog
from rehab.programs.services import EntrySpec, ItemSpec, SessionSpec
from tests.factories import ExerciseFactory

MON_WED_FRI = 0b0010101


@pytest.fixture
def today(world):
    return services.patient_today(world.alice)


@pytest.fixture
def exercise(world):
    return ExerciseFactory(clinic=None)


def prescribe(world, exercise, start, **item):
    spec = ItemSpec(exercise_id=exercise.pk, sets=2, reps=10, **item)
    return services.program_create(
        therapist=world.carol, patient=world.alice, title="Neck", start_date=start, items=[spec]
    )


def log(world, program, on, *, sets=2, reps=10, key=None, **extra):
    item = selectors.items_due(patient=world.alice, on=on).get(version__program=program)
    spec = SessionSpec(
        performed_on=on,
        entries=[EntrySpec(item_id=item.pk, sets_done=sets, reps_done=reps)],
        **extra,
    )
    return services.session_log_create(patient=world.alice, spec=spec, idempotency_key=key)


def test_a_3_times_a_day_program_with_2_sessions_done_is_67_percent_that_day(
    world, exercise, today
):
    program = prescribe(world, exercise, today - timedelta(days=3), times_per_day=3)
    log(world, program, today)
    log(world, program, today)
    (day,) = selectors.adherence_by_day(patient=world.alice, start=today, end=today)
    assert (day.expected, day.completed) == (3, 2)
    assert day.ratio is not None
    assert round(day.ratio * 100) == 67


def test_days_not_in_the_prescription_expect_nothing(world, exercise, today):
    start = today - timedelta(days=13)
    prescribe(world, exercise, start, days_of_week=MON_WED_FRI)
    days = selectors.adherence_by_day(patient=world.alice, start=start, end=today)
    for day in days:
        assert day.expected == (1 if day.day.weekday() in (0, 2, 4) else 0), day


def test_a_partial_session_counts_partially_and_extra_sessions_do_not_exceed_the_dose(
    world, exercise, today
):
    program = prescribe(world, exercise, today - timedelta(days=1), times_per_day=2)
    log(world, program, today, sets=1, reps=10)  # half of 2x10
    (day,) = selectors.adherence_by_day(patient=world.alice, start=today, end=today)
    assert day.completed == 0.5
    for _ in range(3):
        log(world, program, today)
    (day,) = selectors.adherence_by_day(patient=world.alice, start=today, end=today)
    assert (day.expected, day.completed) == (2, 2)


def test_paused_days_expect_nothing(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=5))
    services.program_pause(program=program, on=today - timedelta(days=2))
    days = selectors.adherence_by_day(
        patient=world.alice, start=today - timedelta(days=5), end=today
    )
    assert [d.expected for d in days] == [1, 1, 1, 0, 0, 0]


def test_a_later_edit_never_changes_an_old_logs_targets(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=3))
    old, _ = log(world, program, today - timedelta(days=1))
    services.program_revise(
        program=program,
        by=world.carol,
        effective_from=today,
        items=[ItemSpec(exercise_id=exercise.pk, sets=3, reps=15)],
    )
    entry = ExerciseLog.objects.get(session=old)
    assert (entry.target_sets, entry.target_reps) == (2, 10)
    assert old.version.number == 1
    new, _ = log(world, program, today, sets=3, reps=15)
    assert ExerciseLog.objects.get(session=new).target_sets == 3
    days = selectors.adherence_by_day(
        patient=world.alice, start=today - timedelta(days=1), end=today
    )
    assert [d.expected for d in days] == [1, 1], "one item in force each day, not two"


def test_the_same_idempotency_key_and_body_stores_one_row(world, exercise, today):
    program = prescribe(world, exercise, today)
    first, created = log(world, program, today, key="abc-123", pain_before=3)
    again, created_again = log(world, program, today, key="abc-123", pain_before=3)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert SessionLog.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(world, exercise, today):
    program = prescribe(world, exercise, today)
    log(world, program, today, key="abc-123", pain_before=3)
    with pytest.raises(services.IdempotencyConflict):
        log(world, program, today, key="abc-123", pain_before=4)
    assert SessionLog.objects.count() == 1


def _earlier_answers_looked_up(monkeypatch):
    """Each time session_log_create looks for an earlier answer to the key."""
    real = services._logged_with
    calls = []

    def spy(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(services, "_logged_with", spy)
    return calls


def test_a_retry_is_refused_by_the_unique_key_and_answers_with_the_first_session(
    world, exercise, today, monkeypatch
):
    """Nothing is read before the INSERT: the unique (patient, key) refuses the second session
    (a retry, or a request racing the first), and only then is the first one looked up."""
    program = prescribe(world, exercise, today)
    calls = _earlier_answers_looked_up(monkeypatch)
    first, created_first = log(world, program, today, key="race-1", pain_before=3)
    again, created = log(world, program, today, key="race-1", pain_before=3)
    assert (created_first, again.pk, created, len(calls)) == (True, first.pk, False, 1)
    assert SessionLog.objects.count() == 1
    assert ExerciseLog.objects.count() == 1


def test_the_same_key_and_another_body_is_a_conflict_whichever_check_refuses_it(
    world, exercise, today
):
    program = prescribe(world, exercise, today)
    log(world, program, today, key="race-2", pain_before=3)
    with pytest.raises(services.IdempotencyConflict):  # valid: the INSERT refuses it
        log(world, program, today, key="race-2", pain_before=4)
    with pytest.raises(services.IdempotencyConflict):  # invalid: the checks refuse it
        log(world, program, today, key="race-2", pain_before=11)
    assert SessionLog.objects.count() == 1
    assert ExerciseLog.objects.count() == 1


def test_a_retry_answers_with_the_first_session_after_the_prescription_changed(
    world, exercise, today
):
    """The first request was stored; by the time the retry comes the item is no longer due (the
    program ended yesterday). The retry still gets the first answer, not a 400."""
    program = prescribe(world, exercise, today - timedelta(days=2))
    item = selectors.items_due(patient=world.alice, on=today).get()
    spec = SessionSpec(
        performed_on=today, entries=[EntrySpec(item_id=item.pk, sets_done=2, reps_done=10)]
    )
    first, _ = services.session_log_create(patient=world.alice, spec=spec, idempotency_key="k")
    services.program_end(program=program, on=today - timedelta(days=1))
    with pytest.raises(ValidationError):  # a new request for the item is refused now
        services.session_log_create(patient=world.alice, spec=spec)
    again, created = services.session_log_create(
        patient=world.alice, spec=spec, idempotency_key="k"
    )
    assert (again.pk, created) == (first.pk, False)
    assert SessionLog.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"pain_before": 11}, "pain_before"),
        ({"pain_after": -1}, "pain_after"),
        ({"difficulty": 6}, "difficulty"),
    ],
)
def test_out_of_range_values_are_refused_and_nothing_is_stored(
    world, exercise, today, extra, field
):
    program = prescribe(world, exercise, today)
    with pytest.raises(ValidationError) as error:
        log(world, program, today, **extra)
    assert field in error.value.message_dict
    assert not SessionLog.objects.exists()


def test_counts_are_bounded(world, exercise, today):
    program = prescribe(world, exercise, today)
    with pytest.raises(ValidationError) as error:
        log(world, program, today, sets=21)
    assert "entries[0].sets_done" in error.value.message_dict


def test_no_logs_in_the_future_or_beyond_the_backfill_window(world, exercise, today):
    prescribe(world, exercise, today - timedelta(days=30))
    item = selectors.items_due(patient=world.alice, on=today).get()
    for day in (today + timedelta(days=1), today - timedelta(days=8)):
        spec = SessionSpec(
            performed_on=day, entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=1)]
        )
        with pytest.raises(ValidationError) as error:
            services.session_log_create(patient=world.alice, spec=spec)
        assert "performed_on" in error.value.message_dict


def test_no_logs_before_the_program_starts_or_after_it_ends(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=2))
    item = program.versions.get().items.get()
    before = SessionSpec(
        performed_on=today - timedelta(days=3),
        entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=1)],
    )
    with pytest.raises(ValidationError):
        services.session_log_create(patient=world.alice, spec=before)
    services.program_end(program=program, on=today - timedelta(days=1))
    after = SessionSpec(
        performed_on=today, entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=1)]
    )
    with pytest.raises(ValidationError):
        services.session_log_create(patient=world.alice, spec=after)


def test_a_patient_cannot_log_for_another_patients_program(world, exercise, today):
    program = prescribe(world, exercise, today)
    item = program.versions.get().items.get()
    spec = SessionSpec(
        performed_on=today, entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=1)]
    )
    with pytest.raises(ValidationError):
        services.session_log_create(patient=world.bob, spec=spec)


def test_a_therapist_can_only_prescribe_to_their_caseload(world, exercise, today):
    with pytest.raises(ValidationError):
        services.program_create(
            therapist=world.dave,
            patient=world.alice,
            title="x",
            start_date=today,
            items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=1)],
        )


def test_dosage_is_validated(world, exercise, today):
    with pytest.raises(ValidationError) as error:
        prescribe(world, exercise, today, times_per_day=13)
    assert "items[0].times_per_day" in error.value.message_dict


def test_another_clinics_exercise_cannot_be_prescribed(world, today):
    foreign = ExerciseFactory(clinic=world.clinic_b)
    with pytest.raises(ValidationError):
        prescribe(world, foreign, today)


def test_adherence_is_one_query_whatever_the_window(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=60))
    log(world, program, today)
    for days in (7, 60):
        with CaptureQueriesContext(connection) as ctx:
            selectors.adherence_by_day(
                patient=world.alice, start=today - timedelta(days=days), end=today
            )
        assert len(ctx) == 1


def test_a_new_version_cannot_start_on_or_before_a_logged_day(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=10))
    log(world, program, today - timedelta(days=2))
    for too_early in (today - timedelta(days=5), today - timedelta(days=2)):
        with pytest.raises(ValidationError) as error:
            services.program_revise(
                program=program,
                by=world.carol,
                effective_from=too_early,
                items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=5)],
            )
        assert "effective_from" in error.value.message_dict
    assert program.versions.count() == 1
    version = services.program_revise(
        program=program,
        by=world.carol,
        effective_from=today - timedelta(days=1),
        items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=5)],
    )
    assert version.number == 2


def test_pause_and_resume_dates_are_consistent(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=10))
    services.program_pause(program=program, on=today)
    services.program_resume(program=program, on=today - timedelta(days=3))
    pause = program.pauses.get()
    assert pause.ends_on == pause.starts_on - timedelta(days=1), "an empty pause, not a negative"
    (day,) = selectors.adherence_by_day(patient=world.alice, start=today, end=today)
    assert day.expected == 1


def test_ending_a_program_drops_pauses_that_would_start_after_it(world, exercise, today):
    program = prescribe(world, exercise, today - timedelta(days=10))
    services.program_pause(program=program, on=today)
    services.program_end(program=program, on=today - timedelta(days=2))
    assert not program.pauses.exists()
    program.refresh_from_db()
    assert program.end_date == today - timedelta(days=2)


def test_text_lengths_are_checked_before_the_database(world, exercise, today):
    with pytest.raises(ValidationError) as error:
        prescribe(world, exercise, today, notes="x" * 301, phase_name="y" * 61)
    assert {"items[0].notes", "items[0].phase_name"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        prescribe(world, exercise, today, phase_start_week=1, phase_end_week=105)
    program = prescribe(world, exercise, today)
    with pytest.raises(ValidationError) as error:
        log(world, program, today, note="z" * 2001)
    assert "note" in error.value.message_dict
    assert not SessionLog.objects.exists()
