"""Reminder writes: preferences, schedules, the dispatcher's claims, notifications and the outbox.

Nothing here talks to the broker. Work for Celery is an `Outbox` row written in the same
transaction as the data it is about; `relay_outbox` publishes it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from exercises.models import Exercise
from rehab.alerts.selectors import open_red_flag
from rehab.programs.selectors import doses_done_by_item, items_due
from rehab.programs.services import patient_today

from . import schedule as maths
from .models import (
    Channel,
    Delivery,
    Kind,
    Notification,
    Occurrence,
    Outbox,
    Outcome,
    ReminderPreferences,
    Schedule,
)

# An occurrence found later than this (broker or beat down for a while) is recorded, not sent:
# a reminder hours late is noise.
STALE_AFTER = timedelta(hours=2)
DISPATCH_BATCH = 500
DELIVER_TASK = "rehab.reminders.tasks.deliver"
STOP_SALT = "reminders.stop"

# Default reminder times from the program's highest "times a day".
DEFAULT_TIMES = {
    1: ["09:00"],
    2: ["09:00", "18:00"],
    3: ["08:30", "13:00", "18:30"],
    4: ["08:00", "12:00", "15:30", "19:00"],
}


def preferences_for(patient: User) -> ReminderPreferences:
    prefs, _ = ReminderPreferences.objects.get_or_create(patient=patient)
    return prefs


def _parse(times: list[str]) -> list[time]:
    return sorted({time.fromisoformat(value) for value in times})


def exercise_times(prefs: ReminderPreferences) -> list[time]:
    """The patient's own times, or defaults from the program's highest times per day."""
    if prefs.times:
        return _parse(prefs.times)
    most = (
        items_due(patient=prefs.patient, on=patient_today(prefs.patient))
        .aggregate(most=Max("times_per_day"))
        .get("most")
    )
    return _parse(DEFAULT_TIMES[min(max(most or 1, 1), 4)])


def _zone(patient: User) -> ZoneInfo:
    return ZoneInfo(patient.patient_profile.time_zone)


def _quiet(prefs: ReminderPreferences) -> maths.QuietHours | None:
    if prefs.quiet_start == prefs.quiet_end:
        return None
    return maths.QuietHours(start=prefs.quiet_start, end=prefs.quiet_end)


def next_due_for(kind: str, prefs: ReminderPreferences, after: datetime) -> datetime | None:
    """When the next reminder of `kind` is due after `after`, or None when there is none."""
    patient = prefs.patient
    if not patient.is_active or not (prefs.email_on or prefs.in_app_on):
        return None
    zone, quiet = _zone(patient), _quiet(prefs)
    if kind == Kind.EXERCISE:
        if not prefs.exercise_on:
            return None
        return maths.next_due(
            after, times=exercise_times(prefs), days=prefs.days, zone=zone, quiet=quiet
        )
    if kind == Kind.MISSED:
        if not prefs.missed_note_on:
            return None
        # At the first time of day the patient can be reached: a first time inside quiet
        # hours would otherwise mean no note, ever.
        audible = [t for t in exercise_times(prefs) if quiet is None or not quiet.contains(t)]
        return maths.next_due(after, times=audible[:1], days=maths.ALL_DAYS, zone=zone, quiet=quiet)
    if not prefs.posture_on:
        return None
    return maths.posture_nudges(
        after,
        every_minutes=prefs.posture_every_minutes,
        work_start=prefs.work_start,
        work_end=prefs.work_end,
        days=prefs.work_days,
        zone=zone,
        quiet=quiet,
    )


@transaction.atomic
def reschedule(patient: User, now: datetime | None = None) -> None:
    """Recompute every schedule of the patient (after preferences, time zone or account change)."""
    now = now or timezone.now()
    prefs = preferences_for(patient)
    for kind in Kind.values:
        Schedule.objects.update_or_create(
            patient=patient, kind=kind, defaults={"next_due_at": next_due_for(kind, prefs, now)}
        )


# --- The dispatcher ---------------------------------------------------------------------------


@dataclass
class Message:
    title: str
    body: str
    url: str


def _doses(patient: User, on: date) -> tuple[float, float]:
    items = list(items_due(patient=patient, on=on))
    expected = sum(item.times_per_day for item in items)
    done_by_item = doses_done_by_item(patient=patient, on=on)
    done = sum(min(done_by_item.get(item.pk, 0.0), item.times_per_day) for item in items)
    return expected, done


def _decide(schedule: Schedule, prefs: ReminderPreferences, due_at: datetime) -> Message | str:
    """The message to send for this occurrence, or why none is needed."""
    patient = schedule.patient
    if not patient.is_active:
        return "account deactivated"
    if open_red_flag(patient) is not None:
        # The patient was told to stop and call their clinician: no prompts to exercise, and no
        # "missed yesterday" either, until a clinician has looked at it.
        return "red flag awaiting the clinician"
    local = due_at.astimezone(_zone(patient)).date()
    if schedule.kind == Kind.EXERCISE:
        expected, done = _doses(patient, local)
        if expected == 0:
            return "nothing due that day"
        if done >= expected:
            return "already done"
        left = expected - done
        return Message(
            title="Time for your neck exercises",
            body=(
                f"You have {left:g} exercise session{'s' if left != 1 else ''} left for today. "
                "Open Today for the instructions and the timer. Go gently, and stop if "
                "anything feels wrong."
            ),
            url="/today/",
        )
    if schedule.kind == Kind.MISSED:
        yesterday = local - timedelta(days=1)
        expected, done = _doses(patient, yesterday)
        if expected == 0 or done > 0:
            return "yesterday was not missed"
        if _doses(patient, local)[0] == 0:
            return "nothing due today"
        return Message(
            title="A fresh start today",
            body=(
                "Your exercises weren't logged yesterday. That's fine: one day doesn't undo "
                "your progress. If something got in the way, such as more pain, tell your "
                "therapist. If you did them but forgot to log them, you can still add them."
            ),
            url=f"/today/?day={yesterday.isoformat()}",
        )
    if not items_due(patient=patient, on=local).exists():
        return "no active program"
    return Message(
        title="Posture break",
        body=(
            "Sit tall, let your shoulders drop, and do 5 slow chin tucks and 10 shoulder "
            "rolls. Look away from the screen for a moment too. Stop if it hurts more."
        ),
        url=_posture_exercise_url(),
    )


POSTURE_EXERCISE = "chin-tuck-sitting"


def _posture_exercise_url() -> str:
    """The sitting chin tuck in the library (its instructions and cues), else the library."""
    found = (
        Exercise.objects.filter(clinic=None, slug=POSTURE_EXERCISE)
        .values_list("public_id", flat=True)
        .first()
    )
    return f"/library/{found}/" if found else "/library/"


def _advance(
    schedule: Schedule, prefs: ReminderPreferences, due_at: datetime, now: datetime
) -> None:
    """Move the schedule past this occurrence (and past any it missed while down)."""
    upcoming = next_due_for(schedule.kind, prefs, max(due_at, now))
    Schedule.objects.filter(pk=schedule.pk, next_due_at=due_at).update(next_due_at=upcoming)


def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str,
    url: str,
    channels: Sequence[str],
    occurrence: Occurrence | None = None,
) -> Notification:
    """A notification with one delivery per channel and its send tasks in the outbox.
    Call inside the transaction that has the reason for it."""
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, url=url, occurrence=occurrence
    )
    deliveries = Delivery.objects.bulk_create(
        [Delivery(notification=notification, channel=channel) for channel in channels]
    )
    Outbox.objects.bulk_create(
        [Outbox(task=DELIVER_TASK, args=[delivery.pk]) for delivery in deliveries]
    )
    return notification


def dispatch_one(schedule_id: int, now: datetime) -> str | None:
    """Claim and handle one due occurrence. Returns its outcome, or None if not claimed here."""
    with transaction.atomic():
        schedule = Schedule.objects.select_related("patient__patient_profile").get(pk=schedule_id)
        due_at = schedule.next_due_at
        if due_at is None or due_at > now:
            return None
        prefs = preferences_for(schedule.patient)
        decision: Message | str = (
            "late: the dispatcher was not running" if now - due_at > STALE_AFTER else ""
        ) or _decide(schedule, prefs, due_at)
        try:
            with transaction.atomic():
                occurrence = Occurrence.objects.create(
                    schedule=schedule,
                    due_at=due_at,
                    outcome=Outcome.SKIPPED if isinstance(decision, str) else Outcome.SENT,
                    reason=decision if isinstance(decision, str) else "",
                )
        except IntegrityError:
            return None  # another dispatcher claimed it
        if isinstance(decision, Message):
            wanted = [(Channel.IN_APP, prefs.in_app_on), (Channel.EMAIL, prefs.email_on)]
            if schedule.kind == Kind.MISSED:
                # A gentle note, not another alarm: in the app only.
                wanted = [(Channel.IN_APP, True)]
            channels = [channel for channel, on in wanted if on]
            notify(
                recipient=schedule.patient,
                kind=schedule.kind,
                title=decision.title,
                body=decision.body,
                url=decision.url,
                channels=channels,
                occurrence=occurrence,
            )
        _advance(schedule, prefs, due_at, now)
        return occurrence.outcome


def dispatch_due(now: datetime | None = None) -> dict[str, int]:
    """Handle every occurrence due by `now`; safe to run twice or in two processes at once."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    ids = list(
        Schedule.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .values_list("pk", flat=True)[:DISPATCH_BATCH]
    )
    for schedule_id in ids:
        outcome = dispatch_one(schedule_id, now) or "not claimed"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- Stopping reminders from an email -----------------------------------------------------------


def stop_token(patient: User) -> str:
    return signing.dumps({"patient": str(patient.public_id)}, salt=STOP_SALT)


def patient_from_stop_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=STOP_SALT, max_age=timedelta(days=365))
    except signing.BadSignature:
        return None
    return User.objects.filter(public_id=data.get("patient"), is_active=True).first()


@transaction.atomic
def stop_all(patient: User) -> None:
    """Turn every reminder off (the one-click stop in emails)."""
    prefs = preferences_for(patient)
    prefs.exercise_on = prefs.missed_note_on = prefs.posture_on = False
    prefs.email_on = False
    prefs.save()
    reschedule(patient)
