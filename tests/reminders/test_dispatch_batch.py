"""The set-based dispatcher: a batch of due schedules is decided as the per-schedule rules decide
one, claimed once, written whole or not at all, with the same queries whatever its size.

The oracle is the per-schedule dispatcher the batches replaced, kept here as `reference`: it
reads each patient's day with the selectors (`items_due`, `doses_done_by_item`,
`open_red_flag`) and `next_due_for` without precomputed times. Random patients (zones, programs
active, paused, ended or not started, doses logged today and yesterday, red flags open or
acknowledged, deactivated accounts, channels, own or default times, occurrences found late) are
dispatched together in one batch, and every occurrence, notification, delivery and next due time
must be what the reference says.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from rehab.alerts.models import Alert, Rule
from rehab.alerts.selectors import open_red_flag
from rehab.programs import services as programs
from rehab.programs.selectors import doses_done_by_item, items_due
from rehab.reminders import services
from rehab.reminders.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    Occurrence,
    Outbox,
    ReminderPreferences,
    Schedule,
)
from tests.factories import ExerciseFactory, PatientFactory, TherapistFactory, assign

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]


# --- The oracle: the per-schedule dispatcher, as it was --------------------------------------


def _doses(patient: User, on) -> tuple[float, float]:
    items = list(items_due(patient=patient, on=on))
    expected = sum(item.times_per_day for item in items)
    done_by_item = doses_done_by_item(patient=patient, on=on)
    done = sum(min(done_by_item.get(item.pk, 0.0), item.times_per_day) for item in items)
    return expected, done


def _decide(schedule: Schedule, due_at: datetime) -> tuple[str, str, str] | str:
    patient = schedule.patient
    if not patient.is_active:
        return "account deactivated"
    if open_red_flag(patient) is not None:
        return "red flag awaiting the clinician"
    local = due_at.astimezone(ZoneInfo(patient.patient_profile.time_zone)).date()
    if schedule.kind == Kind.EXERCISE:
        expected, done = _doses(patient, local)
        if expected == 0:
            return "nothing due that day"
        if done >= expected:
            return "already done"
        left = expected - done
        return (
            "Time for your neck exercises",
            f"You have {left:g} exercise session{'s' if left != 1 else ''} left for today. "
            "Open Today for the instructions and the timer. Go gently, and stop if "
            "anything feels wrong.",
            "/today/",
        )
    if schedule.kind == Kind.MISSED:
        yesterday = local - timedelta(days=1)
        expected, done = _doses(patient, yesterday)
        if expected == 0 or done > 0:
            return "yesterday was not missed"
        if _doses(patient, local)[0] == 0:
            return "nothing due today"
        return (
            "A fresh start today",
            "Your exercises weren't logged yesterday. That's fine: one day doesn't undo "
            "your progress. If something got in the way, such as more pain, tell your "
            "therapist. If you did them but forgot to log them, you can still add them.",
            f"/today/?day={yesterday.isoformat()}",
        )
    if not items_due(patient=patient, on=local).exists():
        return "no active program"
    return (
        "Posture break",
        "Sit tall, let your shoulders drop, and do 5 slow chin tucks and 10 shoulder "
        "rolls. Look away from the screen for a moment too. Stop if it hurts more.",
        "/library/",  # no shared library in these tests
    )


@dataclass(frozen=True)
class Expected:
    outcome: str
    reason: str
    message: tuple[str, str, str] | None
    channels: list[str]
    next_due_at: datetime | None


def reference(schedule: Schedule, now: datetime) -> Expected:
    """What the per-schedule dispatcher did with this due schedule (read only: it writes
    nothing, so the batch finds the database as the reference saw it)."""
    patient = schedule.patient
    prefs = ReminderPreferences.objects.filter(patient=patient).first() or ReminderPreferences(
        patient=patient
    )
    due_at = schedule.next_due_at
    assert due_at is not None
    decision = (
        "late: the dispatcher was not running" if now - due_at > services.STALE_AFTER else ""
    ) or _decide(schedule, due_at)
    channels: list[str] = []
    if not isinstance(decision, str):
        wanted = [(Channel.IN_APP, prefs.in_app_on), (Channel.EMAIL, prefs.email_on)]
        if schedule.kind == Kind.MISSED:
            wanted = [(Channel.IN_APP, True)]
        channels = [channel for channel, on in wanted if on]
    return Expected(
        outcome="skipped" if isinstance(decision, str) else "sent",
        reason=decision if isinstance(decision, str) else "",
        message=None if isinstance(decision, str) else decision,
        channels=channels,
        next_due_at=services.next_due_for(schedule.kind, prefs, max(due_at, now)),
    )


# --- Random patients ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientCase:
    zone: str
    program: str  # active, paused, ended, later (starts tomorrow), none
    times_per_day: tuple[int, ...]  # one per item
    days_of_week: int
    reps_today: tuple[int, ...]  # sessions on the first item today: reps done of 10
    reps_yesterday: tuple[int, ...]
    red_flag: str  # none, open, acknowledged
    active: bool
    prefs: str  # default, missing, own times, email off, in-app off, both off
    kinds: tuple[str, ...]
    late_minutes: tuple[int, ...]  # one per kind


patient_cases = st.builds(
    PatientCase,
    zone=st.sampled_from(ZONES),
    program=st.sampled_from(["active", "active", "active", "paused", "ended", "later", "none"]),
    times_per_day=st.lists(st.integers(1, 4), min_size=1, max_size=2).map(tuple),
    days_of_week=st.sampled_from([0b1111111, 0b1111111, 0b0011111, 0b1010101]),
    reps_today=st.lists(st.sampled_from([10, 10, 5, 3]), max_size=3).map(tuple),
    reps_yesterday=st.lists(st.sampled_from([10, 5]), max_size=2).map(tuple),
    red_flag=st.sampled_from(["none", "none", "none", "open", "acknowledged"]),
    active=st.sampled_from([True, True, True, False]),
    prefs=st.sampled_from(
        ["default", "default", "missing", "own times", "email off", "in-app off", "both off"]
    ),
    kinds=st.lists(st.sampled_from(Kind.values), min_size=1, max_size=3, unique=True).map(tuple),
    late_minutes=st.lists(st.sampled_from([0, 1, 30, 119, 121, 600]), min_size=3, max_size=3).map(
        tuple
    ),
)


def log(patient: User, day, reps: int) -> None:
    item = items_due(patient=patient, on=day).first()
    if item is None:
        return  # nothing prescribed that day: nothing can be logged
    programs.session_log_create(
        patient=patient,
        spec=programs.SessionSpec(
            performed_on=day,
            entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=reps)],
        ),
    )


def make_patient(case: PatientCase, therapist: User, now: datetime) -> list[Schedule]:
    patient = PatientFactory(clinic=therapist.clinic)
    assign(patient, therapist)
    profile = patient.patient_profile
    profile.time_zone = case.zone
    profile.save()
    today = programs.patient_today(patient)
    if case.program != "none":
        program = programs.program_create(
            therapist=therapist,
            patient=patient,
            title="Neck",
            start_date=today + timedelta(days=1)
            if case.program == "later"
            else today - timedelta(7),
            items=[
                programs.ItemSpec(
                    exercise_id=ExerciseFactory(clinic=None).pk,
                    sets=1,
                    reps=10,
                    times_per_day=times,
                    days_of_week=case.days_of_week,
                )
                for times in case.times_per_day
            ],
        )
        if case.program != "later":
            for reps in case.reps_yesterday:
                log(patient, today - timedelta(days=1), reps)
            for reps in case.reps_today:
                log(patient, today, reps)
        if case.program == "paused":
            programs.program_pause(program=program, on=today)
        elif case.program == "ended":
            programs.program_end(program=program, on=today - timedelta(days=1))
    if case.red_flag != "none":
        acknowledged = case.red_flag == "acknowledged"
        Alert.objects.create(
            clinic=therapist.clinic,
            patient=patient,
            rule=Rule.RED_FLAG,
            key=f"test:red-flag:{patient.pk}",
            reason="Red flag reported.",
            acknowledged_at=now if acknowledged else None,
            acknowledged_by=therapist if acknowledged else None,
        )
    if case.prefs != "missing":
        ReminderPreferences.objects.create(
            patient=patient,
            times=["07:45", "12:00", "19:15"] if case.prefs == "own times" else [],
            email_on=case.prefs not in ("email off", "both off"),
            in_app_on=case.prefs not in ("in-app off", "both off"),
            posture_on=True,
        )
    if not case.active:
        User.objects.filter(pk=patient.pk).update(is_active=False)
    return [
        Schedule.objects.create(
            patient=patient, kind=kind, next_due_at=now - timedelta(minutes=late)
        )
        for kind, late in zip(case.kinds, case.late_minutes, strict=False)
    ]


@pytest.fixture
def therapist(db):
    return TherapistFactory()


# An active patient with one item once a day, default settings, an exercise reminder due a minute
# ago; `case(...)` changes what it names.
PLAIN = PatientCase(
    zone="Europe/London",
    program="active",
    times_per_day=(1,),
    days_of_week=0b1111111,
    reps_today=(),
    reps_yesterday=(10,),
    red_flag="none",
    active=True,
    prefs="default",
    kinds=(Kind.EXERCISE,),
    late_minutes=(1, 1, 1),
)


def case(**changes) -> PatientCase:
    return replace(PLAIN, **changes)


# One batch with each rule at work, whatever the random draw.
EVERY_RULE = [
    # Two sessions logged of an item due once, none of one due twice: 2 left, not 1.
    case(times_per_day=(1, 2), reps_today=(10, 10)),
    case(reps_today=(3, 3, 5), times_per_day=(2,), zone="Pacific/Auckland"),
    case(reps_today=(10,), kinds=(Kind.EXERCISE, Kind.POSTURE)),
    case(program="paused", kinds=(Kind.EXERCISE, Kind.MISSED, Kind.POSTURE)),
    case(program="ended", kinds=(Kind.EXERCISE, Kind.MISSED)),
    case(program="later", kinds=(Kind.EXERCISE, Kind.POSTURE)),
    case(program="none", kinds=(Kind.EXERCISE, Kind.MISSED, Kind.POSTURE)),
    case(reps_yesterday=(), kinds=(Kind.MISSED,), zone="America/New_York"),
    case(red_flag="open", kinds=(Kind.EXERCISE, Kind.MISSED)),
    case(red_flag="acknowledged", prefs="email off"),
    case(active=False, prefs="missing"),
    case(prefs="own times", late_minutes=(121, 1, 1), kinds=(Kind.EXERCISE, Kind.MISSED)),
    case(prefs="in-app off", times_per_day=(4,), days_of_week=0b1010101),
]


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=st.lists(patient_cases, min_size=1, max_size=6))
@example(cases=EVERY_RULE)
def test_a_batch_decides_every_schedule_as_the_per_schedule_dispatcher_did(
    therapist, cases: list[PatientCase]
) -> None:
    now = timezone.now()
    with transaction.atomic():
        try:
            schedules = [s for case in cases for s in make_patient(case, therapist, now)]
            expected = {
                s.pk: reference(Schedule.objects.select_related("patient").get(pk=s.pk), now)
                for s in schedules
            }
            counts = services.dispatch_due(now)

            assert counts == dict(Counter(e.outcome for e in expected.values()))
            for schedule in schedules:
                want = expected[schedule.pk]
                occurrence = Occurrence.objects.get(schedule=schedule)
                assert (occurrence.outcome, occurrence.reason) == (want.outcome, want.reason)
                assert occurrence.due_at == schedule.next_due_at
                notification = Notification.objects.filter(occurrence=occurrence).first()
                if want.message is None:
                    assert notification is None
                else:
                    assert notification is not None
                    got = (notification.title, notification.body, notification.url)
                    assert got == want.message
                    assert notification.kind == schedule.kind
                    assert notification.recipient_id == schedule.patient_id
                    deliveries = {d.channel: d for d in notification.deliveries.all()}
                    assert sorted(deliveries) == sorted(want.channels)
                    if Channel.IN_APP in deliveries:
                        assert deliveries[Channel.IN_APP].status == DeliveryStatus.SENT
                    if Channel.EMAIL in deliveries:
                        email = deliveries[Channel.EMAIL]
                        assert email.status == DeliveryStatus.QUEUED
                        assert Outbox.objects.filter(args=[email.pk]).count() == 1
                schedule.refresh_from_db()
                assert schedule.next_due_at == want.next_due_at
            emails = Delivery.objects.filter(channel=Channel.EMAIL).count()
            assert Outbox.objects.count() == emails, "one send task per email, none for in-app"
            assert services.dispatch_due(now) == {}, "nothing is claimed twice"
        finally:
            transaction.set_rollback(True)


# --- Claims, batches, transactions -------------------------------------------------------------


def test_the_queries_of_a_batch_do_not_grow_with_its_size(patients):
    def queries(schedules) -> int:
        with CaptureQueriesContext(connection) as captured:
            counts = services.dispatch_due()
        assert counts == {"sent": len(schedules)}
        return len(captured)

    all_due = list(Schedule.objects.filter(kind=Kind.EXERCISE))
    Schedule.objects.filter(pk__in=[s.pk for s in all_due[1:]]).update(next_due_at=None)
    one = queries(all_due[:1])
    Schedule.objects.filter(pk__in=[s.pk for s in all_due[1:]]).update(
        next_due_at=all_due[0].next_due_at
    )
    five = queries(all_due[1:])
    assert one == five, "the same statements for one schedule as for five"
    assert five <= 15


def test_batches_take_turns_until_nothing_is_due(patients, monkeypatch):
    monkeypatch.setattr(services, "DISPATCH_BATCH", 4)
    assert list(services.dispatch_batches()) == [{"sent": 4}, {"sent": 2}]
    assert Occurrence.objects.count() == Notification.objects.count() == 6
    assert list(services.dispatch_batches()) == []


def test_a_run_out_of_time_leaves_the_rest_to_the_next_run(patients, monkeypatch):
    monkeypatch.setattr(services, "DISPATCH_BATCH", 4)
    assert list(services.dispatch_batches(seconds=0)) == [{"sent": 4}]
    assert list(services.dispatch_batches(seconds=0)) == [{"sent": 2}]


def test_an_occurrence_claimed_before_is_skipped_and_its_schedule_moves_on(patients):
    taken = Schedule.objects.filter(patient=patients[0], kind=Kind.EXERCISE).get()
    Occurrence.objects.create(schedule=taken, due_at=taken.next_due_at, outcome="sent")
    assert services.dispatch_due() == {"sent": 5, "not claimed": 1}
    assert Occurrence.objects.filter(schedule=taken).count() == 1
    assert not Notification.objects.filter(recipient=patients[0]).exists()
    taken.refresh_from_db()
    assert taken.next_due_at is not None
    assert taken.next_due_at > timezone.now(), "a schedule left on a claimed occurrence is freed"
    assert services.dispatch_due() == {}


def test_a_schedule_changed_meanwhile_keeps_its_new_time(patients, monkeypatch):
    changed = Schedule.objects.filter(patient=patients[1], kind=Kind.EXERCISE).get()
    later = timezone.now() + timedelta(days=3)
    decide = services._decide

    def racing_reschedule(*args, **kwargs):
        # The patient saves new settings while the batch is being decided.
        Schedule.objects.filter(pk=changed.pk).update(next_due_at=later)
        return decide(*args, **kwargs)

    monkeypatch.setattr(services, "_decide", racing_reschedule)
    assert services.dispatch_due() == {"sent": 6}
    changed.refresh_from_db()
    assert changed.next_due_at == later


def test_a_crash_mid_batch_leaves_nothing_half_done(patients, monkeypatch):
    before = dict(Schedule.objects.values_list("pk", "next_due_at"))

    def crash(*args, **kwargs):
        raise RuntimeError("the process died while advancing the schedules")

    monkeypatch.setattr(services, "_advance", crash)
    with pytest.raises(RuntimeError):
        services.dispatch_due()
    for model in (Occurrence, Notification, Delivery, Outbox):
        assert not model.objects.exists(), model
    assert dict(Schedule.objects.values_list("pk", "next_due_at")) == before

    monkeypatch.undo()
    assert services.dispatch_due() == {"sent": 6}


def test_missing_preferences_are_created_with_the_defaults(patients):
    ReminderPreferences.objects.filter(patient__in=patients[:3]).delete()
    assert services.dispatch_due() == {"sent": 6}
    assert ReminderPreferences.objects.filter(patient__in=patients).count() == 6
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_take_turns_or_different_rows_and_claim_each_once(
    patients, monkeypatch
):
    """Small batches from two threads (two connections) at once: on PostgreSQL each skips the
    rows the other holds, on SQLite their transactions queue; either way every occurrence is
    claimed once and notified once."""
    monkeypatch.setattr(services, "DISPATCH_BATCH", 2)
    now = timezone.now()
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            start.wait(10)
            results.append(services.dispatch_due(now))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(result.get("sent", 0) for result in results) == len(patients), results
    assert not any(set(result) - {"sent", "not claimed"} for result in results), results
    claims = Occurrence.objects.values("schedule_id").annotate(n=Count("pk"))
    assert len(claims) == len(patients) and {claim["n"] for claim in claims} == {1}
    assert Notification.objects.count() == len(patients)
    assert not Schedule.objects.filter(next_due_at__lte=now).exists()
