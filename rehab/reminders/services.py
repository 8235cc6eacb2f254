"""Reminder writes: preferences, schedules, the dispatcher's claims, notifications and the outbox.

Nothing here talks to the broker. Work for Celery is an `Outbox` row written in the same
transaction as the data it is about; `relay_outbox` publishes it.
"""

import functools
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic as time_now
from typing import Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import connection, transaction
from django.db.models import Max, Model, Sum
from django.utils import timezone

from accounts.models import User
from exercises.models import Exercise
from rehab.alerts.models import Alert, Rule
from rehab.programs.models import ExerciseLog, ProgramItem, ProgramPause, Status
from rehab.programs.selectors import items_due
from rehab.programs.services import patient_today

from . import schedule as maths
from .models import (
    Channel,
    Delivery,
    DeliveryStatus,
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
# Due schedules read, decided and written per transaction (the same queries whatever the size).
DISPATCH_BATCH = 1000
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


def default_times(most_times_per_day: int | None) -> list[time]:
    """The default reminder times for a program whose highest "times a day" is this."""
    return _parse(DEFAULT_TIMES[min(max(most_times_per_day or 1, 1), 4)])


def exercise_times(prefs: ReminderPreferences) -> list[time]:
    """The patient's own times, or defaults from the program's highest times per day."""
    if prefs.times:
        return _parse(prefs.times)
    return default_times(
        items_due(patient=prefs.patient, on=patient_today(prefs.patient))
        .aggregate(most=Max("times_per_day"))
        .get("most")
    )


def _zone(patient: User) -> ZoneInfo:
    return ZoneInfo(patient.patient_profile.time_zone)


def _quiet(prefs: ReminderPreferences) -> maths.QuietHours | None:
    if prefs.quiet_start == prefs.quiet_end:
        return None
    return maths.QuietHours(start=prefs.quiet_start, end=prefs.quiet_end)


def next_due_for(kind: str, prefs: ReminderPreferences, after: datetime) -> datetime | None:
    """When the next reminder of `kind` is due after `after`, or None when there is none."""
    patient = prefs.patient
    return _next_due(kind, prefs, after, active=patient.is_active, zone=_zone(patient))


def _next_due(
    kind: str,
    prefs: ReminderPreferences,
    after: datetime,
    *,
    active: bool,
    zone: ZoneInfo,
    times: list[time] | None = None,
) -> datetime | None:
    """`next_due_for` with the patient's account state and zone given, and the exercise times
    when the caller has them (the dispatcher reads all three for a whole batch); without
    `times`, `exercise_times(prefs)`."""
    if not active or not (prefs.email_on or prefs.in_app_on):
        return None
    quiet = _quiet(prefs)
    if kind == Kind.EXERCISE:
        if not prefs.exercise_on:
            return None
        return maths.next_due(
            after,
            times=exercise_times(prefs) if times is None else times,
            days=prefs.days,
            zone=zone,
            quiet=quiet,
        )
    if kind == Kind.MISSED:
        if not prefs.missed_note_on:
            return None
        # At the first time of day the patient can be reached: a first time inside quiet
        # hours would otherwise mean no note, ever.
        every = exercise_times(prefs) if times is None else times
        audible = [t for t in every if quiet is None or not quiet.contains(t)]
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
#
# Set-based: a batch of due schedules is read, decided, claimed and written in one transaction
# with the same dozen queries whatever its size (see `_dispatch_batch`). The rules are those of
# the selectors named below, applied in Python to rows read for the whole batch.


@dataclass
class Message:
    title: str
    body: str
    url: str


EXERCISE_TITLE = "Time for your neck exercises"
MISSED_TITLE = "A fresh start today"
MISSED_BODY = (
    "Your exercises weren't logged yesterday. That's fine: one day doesn't undo your progress. "
    "If something got in the way, such as more pain, tell your therapist. If you did them but "
    "forgot to log them, you can still add them."
)
POSTURE_TITLE = "Posture break"
POSTURE_BODY = (
    "Sit tall, let your shoulders drop, and do 5 slow chin tucks and 10 shoulder rolls. Look "
    "away from the screen for a moment too. Stop if it hurts more."
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


@dataclass(frozen=True)
class _Item:
    program_id: int
    position: int
    pk: int
    times_per_day: int
    days_of_week: int
    active_from: date
    active_to: date | None


class _Prescriptions:
    """What `items_due` and `doses_done_by_item` (rehab.programs.selectors) answer, for many
    patients and local dates at once: three queries, then the same rules in Python."""

    def __init__(self, patient_ids: Collection[int], dates: Collection[date]) -> None:
        first, last = min(dates), max(dates)
        self._items: dict[int, list[_Item]] = defaultdict(list)
        rows = (
            ProgramItem.objects.filter(
                version__program__patient_id__in=patient_ids,
                version__program__status__in=[Status.ACTIVE, Status.PAUSED],
                active_from__lte=last,
            )
            .exclude(active_to__lt=first)
            .values_list(
                "version__program__patient_id",
                "version__program_id",
                "position",
                "pk",
                "times_per_day",
                "days_of_week",
                "active_from",
                "active_to",
            )
        )
        # items_due's order (program, position), so the doses add up in the same order.
        for patient_id, program_id, position, pk, times, days, starts, ends in sorted(
            rows, key=lambda row: (row[1], row[2], row[3])
        ):
            self._items[patient_id].append(
                _Item(program_id, position, pk, times, days, starts, ends)
            )
        self._pauses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        programs = {item.program_id for items in self._items.values() for item in items}
        if programs:
            pauses = (
                ProgramPause.objects.filter(program_id__in=programs, starts_on__lte=last)
                .exclude(ends_on__lt=first)
                .values_list("program_id", "starts_on", "ends_on")
            )
            for program_id, starts_on, ends_on in pauses:
                self._pauses[program_id].append((starts_on, ends_on))
        self._done: dict[tuple[int, date], dict[int, float]] = defaultdict(dict)
        logged = (
            ExerciseLog.objects.filter(session__patient_id__in=patient_ids, performed_on__in=dates)
            .values("session__patient_id", "item_id", "performed_on")
            .annotate(doses=Sum("dose_fraction"))
            .values_list("session__patient_id", "item_id", "performed_on", "doses")
        )
        for patient_id, item_id, on, doses in logged:
            self._done[patient_id, on][item_id] = doses

    def _paused(self, program_id: int, on: date) -> bool:
        return any(
            starts_on <= on and (ends_on is None or ends_on >= on)
            for starts_on, ends_on in self._pauses.get(program_id, ())
        )

    def items_due(self, patient_id: int, on: date) -> list[_Item]:
        """items_due(patient=..., on=...): active or paused programs, the item's date range and
        weekdays, the program not paused that day."""
        bit = 1 << on.weekday()
        return [
            item
            for item in self._items.get(patient_id, ())
            if item.active_from <= on
            and (item.active_to is None or item.active_to >= on)
            and item.days_of_week & bit
            and not self._paused(item.program_id, on)
        ]

    def doses(self, patient_id: int, on: date) -> tuple[float, float]:
        """Doses expected and done (each item's capped at its times per day) on a local date."""
        items = self.items_due(patient_id, on)
        expected = sum(item.times_per_day for item in items)
        done_by_item = self._done.get((patient_id, on), {})
        done = sum(min(done_by_item.get(item.pk, 0.0), item.times_per_day) for item in items)
        return expected, done

    def most_times_per_day(self, patient_id: int, on: date) -> int | None:
        return max((item.times_per_day for item in self.items_due(patient_id, on)), default=None)


@dataclass
class _Due:
    """One due occurrence of a schedule, as the batch reads it."""

    schedule_id: int
    patient_id: int
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class _Patient:
    active: bool
    zone: ZoneInfo


@dataclass
class _Batch:
    """What a batch of due schedules needs, read in a few queries."""

    patients: dict[int, _Patient]
    prefs: dict[int, ReminderPreferences]
    red_flags: set[int]
    prescriptions: _Prescriptions
    today: dict[int, date]  # each patient's local date now, for the default times


def _decide(due: _Due, batch: _Batch, posture_url: Callable[[], str]) -> Message | str:
    """The message to send for this occurrence, or why none is needed."""
    patient = batch.patients[due.patient_id]
    if not patient.active:
        return "account deactivated"
    if due.patient_id in batch.red_flags:
        # The patient was told to stop and call their clinician: no prompts to exercise, and no
        # "missed yesterday" either, until a clinician has looked at it.
        return "red flag awaiting the clinician"
    local = due.due_at.astimezone(patient.zone).date()
    rx = batch.prescriptions
    if due.kind == Kind.EXERCISE:
        expected, done = rx.doses(due.patient_id, local)
        if expected == 0:
            return "nothing due that day"
        if done >= expected:
            return "already done"
        left = expected - done
        return Message(
            title=EXERCISE_TITLE,
            body=(
                f"You have {left:g} exercise session{'s' if left != 1 else ''} left for today. "
                "Open Today for the instructions and the timer. Go gently, and stop if "
                "anything feels wrong."
            ),
            url="/today/",
        )
    if due.kind == Kind.MISSED:
        yesterday = local - timedelta(days=1)
        expected, done = rx.doses(due.patient_id, yesterday)
        if expected == 0 or done > 0:
            return "yesterday was not missed"
        if rx.doses(due.patient_id, local)[0] == 0:
            return "nothing due today"
        return Message(MISSED_TITLE, MISSED_BODY, f"/today/?day={yesterday.isoformat()}")
    if not rx.items_due(due.patient_id, local):
        return "no active program"
    return Message(POSTURE_TITLE, POSTURE_BODY, posture_url())


def _channels(kind: str, prefs: ReminderPreferences) -> list[str]:
    if kind == Kind.MISSED:
        return [Channel.IN_APP]  # a gentle note, not another alarm: in the app only
    wanted = [(Channel.IN_APP, prefs.in_app_on), (Channel.EMAIL, prefs.email_on)]
    return [channel for channel, on in wanted if on]


def _due_schedules(now: datetime, limit: int, only: Collection[int] | None) -> list[_Due]:
    """The batch: due schedules, oldest first. On PostgreSQL the rows stay locked until the
    batch commits and a second dispatcher skips them and takes the next ones; SQLite ignores
    this and runs the two batches one after the other (transactions take the write lock when
    they begin)."""
    due = Schedule.objects.filter(next_due_at__lte=now)
    if only is not None:
        due = due.filter(pk__in=only)
    rows = (
        due.select_for_update(skip_locked=True)
        .order_by("next_due_at")
        .values_list("pk", "patient_id", "kind", "next_due_at")[:limit]
    )
    return [
        _Due(pk, patient_id, kind, due_at)
        for pk, patient_id, kind, due_at in rows
        if due_at is not None  # always, by the filter
    ]


def _read_batch(batch: list[_Due]) -> _Batch:
    patient_ids = {due.patient_id for due in batch}
    patients = {
        pk: _Patient(active, ZoneInfo(zone))
        for pk, active, zone in User.objects.filter(pk__in=patient_ids).values_list(
            "pk", "is_active", "patient_profile__time_zone"
        )
    }
    prefs = {row.patient_id: row for row in ReminderPreferences.objects.filter(pk__in=patients)}
    for pk in patients.keys() - prefs.keys():  # rare: preferences_for() one by one
        prefs[pk] = preferences_for(User.objects.get(pk=pk))
    # open_red_flag(patient) (rehab.alerts.selectors) for every patient of the batch.
    red_flags = set(
        Alert.objects.filter(patient_id__in=patients, rule=Rule.RED_FLAG, acknowledged_at=None)
        .order_by()
        .values_list("patient_id", flat=True)
        .distinct()
    )
    wall_clock = timezone.now()  # patient_today(), which the default times are read for
    today = {pk: wall_clock.astimezone(patient.zone).date() for pk, patient in patients.items()}
    dates = set(today.values())
    for due in batch:
        local = due.due_at.astimezone(patients[due.patient_id].zone).date()
        dates.update((local, local - timedelta(days=1)))
    return _Batch(patients, prefs, red_flags, _Prescriptions(patients.keys(), dates), today)


def _rows(
    model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> Iterator[tuple[str, list[Any]]]:
    """`rows` (values already in the database's form) as a table expression with its
    parameters: on PostgreSQL one UNNEST of an array per column (as Django's bulk_create does:
    a few parameters, so psycopg and the planner have little to do); on SQLite VALUES lists,
    as many rows per statement as its limit on parameters allows."""
    if connection.vendor == "postgresql":
        fields = [model._meta.get_field(column) for column in columns]
        types = [field.db_type(connection).split("(")[0] for field in fields]  # type: ignore[union-attr]
        arrays = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
        unnest = f"SELECT * FROM UNNEST({arrays})"  # noqa: S608 - types from model metadata
        yield unnest, [list(values) for values in zip(*rows, strict=True)]
        return
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per_statement = max(1, limit // len(columns))
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for first in range(0, len(rows), per_statement):
        chunk = rows[first : first + per_statement]
        yield "VALUES " + ", ".join([row] * len(chunk)), [value for row in chunk for value in row]


def _insert(
    model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]], suffix: str = ""
) -> list[tuple[Any, ...]]:
    """INSERT rows, values already in the database's form, with `suffix` (ON CONFLICT,
    RETURNING); returns what RETURNING returns, in row order (as bulk_create relies on). The
    ORM's bulk_create builds and converts every value of every row in Python: most of a
    batch's time."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    returned: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for values, params in _rows(model, columns, rows):
            sql = f"INSERT INTO {table} ({names}) {values}{suffix}"
            cursor.execute(sql, params)
            if "RETURNING" in suffix:
                returned += cursor.fetchall()
    return returned


def _claim(batch: list[_Due], decisions: dict[int, Message | str]) -> dict[int, int]:
    """Insert each occurrence's row unless it exists; returns {schedule id: occurrence id} of
    those inserted here. The unique (schedule, due_at) is the claim: a second dispatcher, or a
    rerun, inserts nothing for an occurrence already claimed (and on PostgreSQL waits for a
    claim still in flight, then inserts nothing)."""
    adapt, quote = connection.ops.adapt_datetimefield_value, connection.ops.quote_name
    claimed_at = adapt(timezone.now())
    rows = []
    for due in sorted(batch, key=lambda due: due.schedule_id):  # one lock order everywhere
        decision = decisions[due.schedule_id]
        skipped = isinstance(decision, str)
        rows.append(
            (
                due.schedule_id,
                adapt(due.due_at),
                claimed_at,
                Outcome.SKIPPED.value if skipped else Outcome.SENT.value,
                decision if isinstance(decision, str) else "",
            )
        )
    columns = ("schedule_id", "due_at", "claimed_at", "outcome", "reason")
    suffix = (
        f" ON CONFLICT ({quote('schedule_id')}, {quote('due_at')}) DO NOTHING"
        f" RETURNING {quote('schedule_id')}, {quote('id')}"
    )
    return dict(_insert(Occurrence, columns, rows, suffix))


def _advance(batch: list[_Due], data: _Batch, now: datetime) -> None:
    """Move each schedule past its occurrence (and past any it missed while down), in one
    UPDATE; a schedule changed meanwhile (`reschedule`) keeps its new time."""
    moves: list[tuple[int, datetime, datetime | None]] = []
    for due in batch:
        prefs, patient = data.prefs[due.patient_id], data.patients[due.patient_id]
        times = None
        if due.kind in (Kind.EXERCISE, Kind.MISSED):
            if prefs.times:
                times = _parse(prefs.times)
            else:
                rx = data.prescriptions
                times = default_times(
                    rx.most_times_per_day(due.patient_id, data.today[due.patient_id])
                )
        upcoming = _next_due(
            due.kind,
            prefs,
            max(due.due_at, now),
            active=patient.active,
            zone=patient.zone,
            times=times,
        )
        moves.append((due.schedule_id, due.due_at, upcoming))
    adapt, quote = connection.ops.adapt_datetimefield_value, connection.ops.quote_name
    table, next_due, pk = (
        quote(Schedule._meta.db_table),
        quote("next_due_at"),
        quote("id"),
    )
    columns = ("id", "next_due_at", "next_due_at")  # the id, the time seen, the time to set
    rows = [(pk_, adapt(seen), adapt(upcoming)) for pk_, seen, upcoming in moves]
    with connection.cursor() as cursor:
        for values, params in _rows(Schedule, columns, rows):
            # Only where next_due_at is still the time this batch saw.
            condition = f"{table}.{pk} = moved.id AND {table}.{next_due} = moved.seen"
            update = f"UPDATE {table} SET {next_due} = moved.upcoming"  # noqa: S608
            if connection.vendor == "postgresql":
                moved = f"FROM ({values}) AS moved (id, seen, upcoming)"
                sql = f"{update} {moved} WHERE {condition}"
            else:  # SQLite names a VALUES table's columns in a WITH only
                moved = f"WITH moved (id, seen, upcoming) AS ({values})"
                sql = f"{moved} {update} FROM moved WHERE {condition}"
            cursor.execute(sql, params)  # names from model metadata, values are parameters


def _write_notifications(notes: list[tuple[_Due, int, Message, list[str]]]) -> None:
    """For each (due occurrence, its occurrence id, message, channels): the notification, one
    delivery per channel and a send task per email, in three INSERTs (of as many rows as the
    database takes). An in-app delivery is recorded as sent: the notification row is what the
    bell shows, so there is nothing to send, and nothing to queue."""
    # Every column without a database default is given (model defaults are Python's); the
    # nullable ones left out (read_at, published_at) are NULL.
    written = connection.ops.adapt_datetimefield_value(timezone.now())
    public_id = Notification._meta.get_field("public_id")
    notification_ids = _insert(
        Notification,
        (
            "public_id",
            "recipient_id",
            "kind",
            "title",
            "body",
            "url",
            "occurrence_id",
            "created_at",
        ),
        [
            (
                public_id.get_db_prep_save(uuid.uuid4(), connection),
                due.patient_id,
                due.kind,
                message.title,
                message.body,
                message.url,
                occurrence_id,
                written,
            )
            for due, occurrence_id, message, _ in notes
        ],
        f" RETURNING {connection.ops.quote_name('id')}",
    )
    deliveries = [
        (notification_id, channel)
        for (notification_id,), (_, _, _, channels) in zip(notification_ids, notes, strict=True)
        for channel in channels
    ]
    delivery_ids = _insert(
        Delivery,
        ("notification_id", "channel", "status", "attempts", "last_error", "created_at", "sent_at"),
        [
            (notification_id, channel, DeliveryStatus.SENT.value, 1, "", written, written)
            if channel == Channel.IN_APP
            else (notification_id, channel, DeliveryStatus.QUEUED.value, 0, "", written, None)
            for notification_id, channel in deliveries
        ],
        f" RETURNING {connection.ops.quote_name('id')}",
    )
    args = Outbox._meta.get_field("args")
    _insert(
        Outbox,
        ("task", "args", "created_at", "attempts"),
        [
            (DELIVER_TASK, args.get_db_prep_save([delivery_id], connection), written, 0)
            for (delivery_id,), (_, channel) in zip(delivery_ids, deliveries, strict=True)
            if channel != Channel.IN_APP
        ],
    )


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
    """A notification with one delivery per channel and their send tasks in the outbox.
    Call inside the transaction that has the reason for it.

    Every delivery, in-app ones too, goes through the `deliver` task here (alerts, advice,
    questionnaire reminders); the reminder dispatcher records its in-app deliveries as sent when
    it writes them (`_write_notifications`)."""
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


def _dispatch_batch(
    now: datetime, *, limit: int, only: Collection[int] | None = None
) -> dict[int, str]:
    """Claim and handle up to `limit` due occurrences in one transaction. Returns each one's
    outcome by schedule id ("sent", "skipped", or "not claimed" when it was claimed before)."""
    with transaction.atomic():
        batch = _due_schedules(now, limit, only)
        if not batch:
            return {}
        data = _read_batch(batch)
        posture_url = functools.cache(_posture_exercise_url)
        decisions: dict[int, Message | str] = {
            due.schedule_id: (
                "late: the dispatcher was not running" if now - due.due_at > STALE_AFTER else ""
            )
            or _decide(due, data, posture_url)
            for due in batch
        }
        claimed = _claim(batch, decisions)
        notes = []
        for due in batch:
            decision = decisions[due.schedule_id]
            if due.schedule_id in claimed and isinstance(decision, Message):
                channels = _channels(due.kind, data.prefs[due.patient_id])
                notes.append((due, claimed[due.schedule_id], decision, channels))
        if notes:
            _write_notifications(notes)
        # Also the ones claimed before: whoever claimed them moved them on already (then this
        # changes nothing), unless a schedule was set back to an occurrence handled before.
        _advance(batch, data, now)
    return {
        due.schedule_id: (
            "not claimed"
            if due.schedule_id not in claimed
            else Outcome.SKIPPED.value
            if isinstance(decisions[due.schedule_id], str)
            else Outcome.SENT.value
        )
        for due in batch
    }


def dispatch_one(schedule_id: int, now: datetime) -> str | None:
    """Claim and handle one due occurrence. Returns its outcome, or None if not claimed here."""
    outcome = _dispatch_batch(now, limit=1, only=[schedule_id]).get(schedule_id)
    return None if outcome in (None, "not claimed") else outcome


def dispatch_batches(
    now: datetime | None = None, *, seconds: float | None = None
) -> Iterator[dict[str, int]]:
    """Handle every occurrence due by `now`, a committed batch at a time, yielding each batch's
    outcome counts. With `seconds`, no batch starts after that long (the next run goes on)."""
    now = now or timezone.now()
    deadline = None if seconds is None else time_now() + seconds
    size = DISPATCH_BATCH
    while True:
        outcomes = _dispatch_batch(now, limit=size)
        if not outcomes:
            return
        yield dict(Counter(outcomes.values()))
        if len(outcomes) < size or (deadline is not None and time_now() > deadline):
            return  # nothing more was due, or it is the next run's turn


def dispatch_due(now: datetime | None = None) -> dict[str, int]:
    """Handle every occurrence due by `now`; safe to run twice or in two processes at once."""
    counts: Counter[str] = Counter()
    for batch in dispatch_batches(now):
        counts.update(batch)
    return dict(counts)


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
