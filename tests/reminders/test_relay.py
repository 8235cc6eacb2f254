"""The outbox relay and the beat task, with the broker replaced by a recorder (the real broker
and worker are in test_worker.py): one producer per batch, one UPDATE per batch after the
publishes, only what was published marked when the broker fails mid-batch, and each dispatch
batch published before the next is claimed."""

from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rehab.reminders import services, tasks
from rehab.reminders.models import Kind, Outbox, Schedule

# --- The relay ---------------------------------------------------------------------------------


class FakeBroker:
    """Stands in for the Celery app's publishing: records each publish and the producer it came
    through; refuses the publish numbered `fail_at` (1-based), like a broker going away."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.published: list[tuple[str, list[int]]] = []
        self.producers: list[object] = []
        self.acquired = 0

    def producer_or_acquire(self, producer=None):
        self.acquired += 1
        return nullcontext(object())

    def send_task(self, name, args=None, producer=None, **options):
        if self.fail_at is not None and len(self.published) + 1 == self.fail_at:
            raise ConnectionError("the broker went away")
        assert producer is not None, "published over the batch's producer"
        self.published.append((name, args))
        self.producers.append(producer)


@pytest.fixture
def broker(monkeypatch):
    fake = FakeBroker()
    monkeypatch.setattr(tasks, "current_app", fake)
    return fake


def outbox_rows(count: int) -> list[Outbox]:
    return Outbox.objects.bulk_create(
        [Outbox(task=services.DELIVER_TASK, args=[n]) for n in range(1, count + 1)]
    )


def test_the_relay_publishes_a_batch_over_one_producer_and_marks_it_in_one_update(db, broker):
    outbox_rows(7)
    with CaptureQueriesContext(connection) as captured:
        assert tasks.relay_outbox() == 7
    assert [args for _, args in broker.published] == [[n] for n in range(1, 8)]
    assert broker.acquired == 1 and len(set(map(id, broker.producers))) == 1
    updates = [q["sql"] for q in captured if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1, updates
    assert not Outbox.objects.filter(published_at=None).exists()
    assert tasks.relay_outbox() == 0


def test_the_relay_goes_on_batch_after_batch_until_the_outbox_is_empty(db, broker, monkeypatch):
    monkeypatch.setattr(tasks, "RELAY_BATCH", 3)
    outbox_rows(7)
    assert tasks.relay_outbox() == 7
    assert broker.acquired == 3, "one producer per batch"
    assert not Outbox.objects.filter(published_at=None).exists()


def test_a_broker_failure_mid_batch_marks_only_what_was_published(db, broker):
    rows = outbox_rows(5)
    broker.fail_at = 3
    assert tasks.relay_outbox() == 2
    published = dict(Outbox.objects.values_list("pk", "published_at"))
    assert [pk for pk, at in published.items() if at is not None] == [r.pk for r in rows[:2]]
    attempts = dict(Outbox.objects.values_list("pk", "attempts"))
    assert [attempts[r.pk] for r in rows] == [0, 0, 1, 0, 0], "the refused row counts a try"

    broker.fail_at = None  # the broker is back
    assert tasks.relay_outbox() == 3
    assert [args for _, args in broker.published] == [[n] for n in range(1, 6)]


def test_the_beat_task_publishes_each_batch_before_claiming_the_next(patients, broker, monkeypatch):
    monkeypatch.setattr(services, "DISPATCH_BATCH", 4)
    unpublished_when_claiming: list[int] = []
    claim = services._claim

    def claim_and_look(*args, **kwargs):
        unpublished_when_claiming.append(Outbox.objects.filter(published_at=None).count())
        return claim(*args, **kwargs)

    monkeypatch.setattr(services, "_claim", claim_and_look)
    assert tasks.dispatch_reminders() == {"sent": 6}
    assert unpublished_when_claiming == [0, 0]
    assert len(broker.published) == 6, "one email each"
    assert not Outbox.objects.filter(published_at=None).exists()


def test_the_beat_task_goes_on_claiming_when_the_broker_is_down(patients, broker, monkeypatch):
    monkeypatch.setattr(services, "DISPATCH_BATCH", 4)
    broker.fail_at = 1
    assert tasks.dispatch_reminders() == {"sent": 6}
    assert Outbox.objects.filter(published_at=None).count() == 6, "kept for the relay"
    broker.fail_at = None
    assert tasks.relay_outbox() == 6


def test_the_beat_task_can_claim_what_was_due_at_an_earlier_instant(patients, broker):
    """bench/dispatcher.py dispatches as of the instant it seeded: a reminder that came due
    after it waits for a run at its own time."""
    later = timezone.now() + timedelta(minutes=5)
    Schedule.objects.filter(patient=patients[0], kind=Kind.EXERCISE).update(next_due_at=later)
    assert tasks.dispatch_reminders(now=timezone.now().isoformat()) == {"sent": 5}
    assert Schedule.objects.get(patient=patients[0], kind=Kind.EXERCISE).next_due_at == later
    assert tasks.dispatch_reminders(now=later.isoformat()) == {"sent": 1}
