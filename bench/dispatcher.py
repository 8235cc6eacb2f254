"""Benchmark: the reminder dispatcher against the raw publish rate of the same broker (issue 7).

    .venv/bin/python bench/dispatcher.py [--reminders 100000] [--profile FILE]
    bash .ci/with-postgres .venv/bin/python bench/dispatcher.py     # the same on PostgreSQL

Creates a database of its own (a SQLite file in a temporary VAR_DIR, or with DATABASE_URL a fresh
PostgreSQL database beside the one it names, dropped afterwards: bench/load/run.py's helper),
starts the embedded valkey-server (rehab/ops/broker.py) on a free loopback port, and runs
in-process with production settings (DEBUG off). It migrates, then bulk-seeds `reminders` due
reminders: patients in five time zones, each on a program of two exercises (twice and once a
day) started two weeks ago, with an exercise reminder due in the last ten minutes; one in five
also a posture nudge or a missed-day note due. Some patients logged today's doses already (one
in ten) or part of them (one in five), some programs are paused (3 %), some patients have a red
flag no clinician has seen yet (1 %), and one in ten turned email off.

Then it measures, each with a warm connection:

(a) the raw rate: `reminders` no-op tasks published one by one to the broker, as the relay
    publishes (`send_task` over one producer per batch of RELAY_BATCH), queued, not executed;
    half before (b) and half after, so that the machine getting busier or quieter meanwhile
    weighs on both sides alike;
(b) the dispatcher: the beat task (`dispatch_reminders`: claim a batch, publish what it queued,
    claim the next) run until nothing is due and the outbox is empty.

It prints the reminders, seconds, reminders/s, raw publishes/s and their ratio, the messages
queued (one per email; an in-app delivery is recorded as sent when written and queues nothing),
and the queries and transaction time of each dispatch batch. Then it verifies: one occurrence
per due reminder, none claimed twice, nothing left due or unpublished, and the messages on the
broker are exactly the outbox rows published and the email deliveries queued. Exits non-zero
when the ratio is under TARGET or a check fails.
"""

import argparse
import base64
import cProfile
import gc
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load.run import free_port, throwaway_postgres  # noqa: E402 - bench/ is not a package

TARGET = 0.5
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
NOOP = "bench.noop"
QUEUE = "celery"


def configure(var: Path, redis_port: int, database_url: str | None) -> None:
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.update(
        DJANGO_SETTINGS_MODULE="rehab.settings",
        VAR_DIR=str(var),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )


# --- Seeding -----------------------------------------------------------------------------------


def seed(reminders: int, now: datetime) -> dict[str, int]:
    """Bulk-create the patients and their due reminders; returns what was made."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import Clinic, PatientProfile, Role, User
    from exercises.models import Exercise
    from rehab.alerts.models import Alert, Rule
    from rehab.programs.models import (
        ExerciseLog,
        Program,
        ProgramItem,
        ProgramPause,
        ProgramVersion,
        SessionLog,
        Status,
    )
    from rehab.programs.services import ensure_calendar
    from rehab.reminders.models import Kind, ReminderPreferences, Schedule

    call_command("sync_exercise_library", verbosity=0, stdout=io.StringIO())
    unusable = make_password(None)  # nobody signs in
    patients_n = -(-reminders * 5 // 6)  # one extra reminder for every fifth patient
    extra = reminders - patients_n
    start = (now - timedelta(days=14)).date()
    size = 2000
    with transaction.atomic():
        clinic = Clinic.objects.create(name="Bench clinic", slug="bench", time_zone="UTC")
        therapist = User.objects.create(
            email="therapist@bench.test",
            full_name="Bench Therapist",
            role=Role.THERAPIST,
            clinic=clinic,
            password=unusable,
        )
        exercises = list(Exercise.objects.filter(clinic=None).values_list("pk", flat=True)[:2])
        ensure_calendar(start, now.date() + timedelta(days=30))
        users = User.objects.bulk_create(
            [
                User(
                    email=f"patient{n}@bench.test",
                    full_name=f"Bench Patient {n}",
                    role=Role.PATIENT,
                    clinic=clinic,
                    password=unusable,
                )
                for n in range(patients_n)
            ],
            batch_size=size,
        )
        zones = [ZONES[n % len(ZONES)] for n in range(patients_n)]
        PatientProfile.objects.bulk_create(
            [
                PatientProfile(user=user, time_zone=zone)
                for user, zone in zip(users, zones, strict=True)
            ],
            batch_size=size,
        )
        # Which extra reminder each of the first `extra` patients has: posture or missed-day.
        extra_kind = {n: (Kind.POSTURE if n % 2 else Kind.MISSED) for n in range(extra)}
        ReminderPreferences.objects.bulk_create(
            [
                ReminderPreferences(
                    patient=user,
                    email_on=n % 10 != 3,
                    times=["08:00", "13:00", "19:30"] if n % 3 == 0 else [],
                    posture_on=extra_kind.get(n) == Kind.POSTURE,
                )
                for n, user in enumerate(users)
            ],
            batch_size=size,
        )
        paused = {n for n in range(patients_n) if n % 33 == 5}
        programs = Program.objects.bulk_create(
            [
                Program(
                    clinic=clinic,
                    patient=user,
                    created_by=therapist,
                    title="Neck",
                    start_date=start,
                    status=Status.PAUSED if n in paused else Status.ACTIVE,
                )
                for n, user in enumerate(users)
            ],
            batch_size=size,
        )
        ProgramPause.objects.bulk_create(
            [
                ProgramPause(program=programs[n], starts_on=start + timedelta(days=7))
                for n in paused
            ],
            batch_size=size,
        )
        versions = ProgramVersion.objects.bulk_create(
            [
                ProgramVersion(
                    program=program, number=1, effective_from=start, created_by=therapist
                )
                for program in programs
            ],
            batch_size=size,
        )
        items = ProgramItem.objects.bulk_create(
            [
                ProgramItem(
                    version=version,
                    exercise_id=exercises[position],
                    position=position,
                    sets=2,
                    reps=10,
                    times_per_day=2 - position,
                    active_from=start,
                )
                for version in versions
                for position in (0, 1)
            ],
            batch_size=size,
        )
        # Today's doses (3) logged in full by one patient in ten (two sessions), in part (2, one
        # session of both exercises) by one in five.
        sessions, entries = [], []
        for n in range(patients_n):
            if n % 10 not in (1, 2, 4):
                continue
            today = now.astimezone(ZoneInfo(zones[n])).date()
            first, second = items[2 * n], items[2 * n + 1]
            for logged in ([first, second], [first]) if n % 10 == 1 else ([first, second],):
                session = SessionLog(
                    patient=users[n], program=programs[n], version=versions[n], performed_on=today
                )
                sessions.append(session)
                entries += [(session, item, today) for item in logged]
        SessionLog.objects.bulk_create(sessions, batch_size=size)
        ExerciseLog.objects.bulk_create(
            [
                ExerciseLog(
                    session=session,
                    item=item,
                    performed_on=on,
                    target_sets=2,
                    target_reps=10,
                    target_hold_seconds=0,
                    target_side="none",
                    sets_done=2,
                    reps_done=10,
                    dose_fraction=1.0,
                )
                for session, item, on in entries
            ],
            batch_size=size,
        )
        flagged = [n for n in range(patients_n) if n % 100 == 17]
        Alert.objects.bulk_create(
            [
                Alert(
                    clinic=clinic,
                    patient=users[n],
                    rule=Rule.RED_FLAG,
                    key=f"bench:red-flag:{n}",
                    reason="Red flag reported: new numbness or tingling in the arm.",
                )
                for n in flagged
            ],
            batch_size=size,
        )
        # Every patient has its three schedule rows, as `reschedule` makes them: the exercise
        # reminder due in the last ten minutes (on a whole minute, as wall-clock times are), the
        # extra one (if any) too, the rest later.
        later = now + timedelta(hours=3)
        minute = now.replace(second=0, microsecond=0)
        schedules = []
        for n, user in enumerate(users):
            for kind in Kind.values:
                due = kind == Kind.EXERCISE or extra_kind.get(n) == kind
                at: datetime | None = minute - timedelta(minutes=n % 10) if due else later
                if kind == Kind.POSTURE and not due:
                    at = None
                schedules.append(Schedule(patient=user, kind=kind, next_due_at=at))
        Schedule.objects.bulk_create(schedules, batch_size=size)
    return {
        "patients": patients_n,
        "due": sum(1 for s in schedules if s.next_due_at is not None and s.next_due_at <= now),
    }


# --- Measuring ---------------------------------------------------------------------------------


class QueryCounter:
    """Counts the statements the default connection executes."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def publish_raw(count: int) -> float:
    """Publish `count` no-op tasks as the relay publishes outbox rows; returns the seconds."""
    from celery import current_app

    from rehab.reminders.tasks import RELAY_BATCH

    started = time.perf_counter()
    for first in range(0, count, RELAY_BATCH):
        with current_app.producer_or_acquire() as producer:
            for number in range(first, min(first + RELAY_BATCH, count)):
                current_app.send_task(NOOP, args=[number], producer=producer)
    return time.perf_counter() - started


def run_dispatcher(
    counter: QueryCounter, now: datetime
) -> tuple[float, Counter[str], list[tuple[int, float]]]:
    """The beat task until nothing due at `now` (when the reminders were seeded) is left and
    nothing is left to publish. Returns the seconds, the outcomes, and the queries and seconds of
    each dispatch batch (its transaction). At `now`, not at each run's own time: a run crossing
    some zone's reminder time would handle reminders that came due meanwhile, more than seeded."""
    from rehab.reminders import services, tasks
    from rehab.reminders.models import Outbox

    batches: list[tuple[int, float]] = []
    dispatch_batch = services._dispatch_batch

    def counted(*args: Any, **kwargs: Any) -> dict[int, str]:
        before, started = counter.count, time.perf_counter()
        outcomes = dispatch_batch(*args, **kwargs)
        if outcomes:
            batches.append((counter.count - before, time.perf_counter() - started))
        return outcomes

    services._dispatch_batch = counted  # counts only; the batch runs as it is
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    try:
        while True:
            counts = tasks.dispatch_reminders(now=now.isoformat())
            outcomes.update(counts)
            if not counts and not Outbox.objects.filter(published_at=None).exists():
                break
    finally:
        services._dispatch_batch = dispatch_batch
    return time.perf_counter() - started, outcomes, batches


def broker_delivery_ids(client: Any) -> list[int]:
    """The delivery ids in the `deliver` messages queued on the broker."""
    from rehab.reminders.services import DELIVER_TASK

    ids = []
    total = client.llen(QUEUE)
    for first in range(0, total, 10000):
        for raw in client.lrange(QUEUE, first, first + 9999):
            message = json.loads(raw)
            if message["headers"]["task"] != DELIVER_TASK:
                continue
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            ids.extend(args)
    return ids


def verify(seeded: dict[str, int], now: datetime, client: Any) -> list[str]:
    """What is wrong after the run, if anything."""
    from django.db.models import Count

    from rehab.reminders.models import (
        Channel,
        Delivery,
        DeliveryStatus,
        Occurrence,
        Outbox,
        Schedule,
    )

    problems = []
    occurrences = Occurrence.objects.count()
    claimed = Occurrence.objects.values("schedule_id").distinct().count()
    twice = Occurrence.objects.values("schedule_id").annotate(n=Count("id")).filter(n__gt=1)
    if occurrences != seeded["due"] or claimed != seeded["due"] or twice.exists():
        problems.append(
            f"{occurrences} occurrences of {claimed} schedules for {seeded['due']} due reminders"
        )
    if Schedule.objects.filter(next_due_at__lte=now).exists():
        problems.append("reminders are still due")
    if Outbox.objects.filter(published_at=None).exists():
        problems.append("outbox rows are left unpublished")
    published = {
        args[0]
        for args in Outbox.objects.exclude(published_at=None)
        .values_list("args", flat=True)
        .iterator()
    }
    emails = set(
        Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.QUEUED).values_list(
            "pk", flat=True
        )
    )
    on_broker = broker_delivery_ids(client)
    if len(on_broker) != len(set(on_broker)):
        problems.append("a delivery was published twice")
    if set(on_broker) != published or published != emails:
        problems.append(
            f"{len(on_broker)} messages on the broker, {len(published)} outbox rows published, "
            f"{len(emails)} email deliveries queued"
        )
    return problems


def bench(args: argparse.Namespace, var: Path, database_url: str | None) -> list[str]:
    import django

    from rehab.ops.broker import start_server

    port = free_port()
    configure(var, port, database_url)
    broker = start_server(port=port, data_dir=var / "broker", persist=False)
    try:
        django.setup()
        return measure(args, port)
    finally:
        from django.db import connections

        connections.close_all()
        broker.terminate()
        broker.wait(10)


def measure(args: argparse.Namespace, port: int) -> list[str]:
    import redis
    from celery import current_app
    from django.core.management import call_command
    from django.db import connection

    from rehab.reminders.services import DISPATCH_BATCH

    @current_app.task(name=NOOP)
    def noop(*args: Any) -> None:
        """Published, never run: the broker's cost of a message."""

    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"== dispatcher on {vendor}: {args.reminders} due reminders, valkey on port {port}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    now = datetime.now(UTC)
    seeded = seed(args.reminders, now)
    print(
        f"seeded {seeded['patients']} patients with {seeded['due']} due reminders "
        f"(migrated and seeded in {time.perf_counter() - started:.0f} s)"
    )
    client = redis.Redis(port=port, socket_timeout=30)

    # The raw publishes in two halves, before and after the dispatcher, so that a machine
    # getting busier or quieter meanwhile weighs on both sides alike.
    gc.collect()
    publish_raw(min(2000, args.reminders))  # a warm connection and code paths
    client.delete(QUEUE)
    first_half = args.reminders // 2
    raw_seconds = publish_raw(first_half)
    queued_raw = client.llen(QUEUE)
    client.delete(QUEUE)

    gc.collect()
    counter = QueryCounter()
    profile = cProfile.Profile() if args.profile else None
    with ExitStack() as stack:
        stack.enter_context(connection.execute_wrapper(counter))
        if profile is not None:
            profile.enable()
            stack.callback(profile.disable)
        seconds, outcomes, batches = run_dispatcher(counter, now)
    if profile is not None:
        profile.dump_stats(args.profile)
    messages = client.llen(QUEUE)
    gc.collect()
    raw_seconds += publish_raw(args.reminders - first_half)
    queued_raw += client.llen(QUEUE) - messages
    raw_rate = args.reminders / raw_seconds
    reminders = sum(outcomes.values())
    rate = reminders / seconds
    ratio = rate / raw_rate
    queries = sorted(count for count, _ in batches)
    took = sorted(seconds for _, seconds in batches)
    print(
        f"raw publish: {args.reminders} no-op tasks in {raw_seconds:.1f} s = "
        f"{raw_rate:.0f} publishes/s"
    )
    print(
        f"dispatcher: {reminders} reminders in {seconds:.1f} s = {rate:.0f} reminders/s "
        f"({outcomes['sent']} sent, {outcomes['skipped']} skipped); "
        f"{messages} messages queued ({messages / max(reminders, 1):.2f} a reminder)"
    )
    print(
        f"{len(batches)} batches of up to {DISPATCH_BATCH}: {queries[0]} to {queries[-1]} queries "
        f"each (by what the batch holds, not its size), transaction {took[len(took) // 2]:.2f} s "
        f"median, {took[-1]:.2f} s max; the relay and the last look: "
        f"{counter.count - sum(queries)} queries"
    )
    print(f"ratio: {ratio:.2f} (target >= {TARGET})")

    problems = verify(seeded, now, client)
    if queued_raw != args.reminders:
        problems.append(f"{queued_raw} of {args.reminders} raw publishes reached the broker")
    if reminders != seeded["due"]:
        problems.append(f"{reminders} reminders handled, {seeded['due']} were due")
    if outcomes["not claimed"]:
        problems.append(f"{outcomes['not claimed']} reminders found claimed already")
    if ratio < TARGET:
        problems.append(f"the ratio {ratio:.2f} is under {TARGET}")
    if not problems:
        print(
            f"verified: {seeded['due']} occurrences, each due reminder claimed once; "
            f"{messages} messages on the broker = the outbox rows published = the emails queued"
        )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=100_000, help="due reminders to seed")
    parser.add_argument("--profile", help="write a cProfile of the dispatcher phase here")
    args = parser.parse_args()

    started = time.perf_counter()
    var = Path(tempfile.mkdtemp(prefix="rehab-dispatcher-"))
    try:
        database_url = os.environ.get("DATABASE_URL")
        if database_url:
            with throwaway_postgres(database_url) as url:
                problems = bench(args, var, url)
        else:
            problems = bench(args, var, None)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    if problems:
        sys.exit("DISPATCHER BENCH FAILED: " + "; ".join(problems))
    print(f"dispatcher bench passed ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
