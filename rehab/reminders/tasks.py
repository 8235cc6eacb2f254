"""Celery tasks: the minute dispatcher, the outbox relay, and the idempotent send task."""

import logging
import time
from collections import Counter
from datetime import datetime

from celery import Task, current_app, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from . import services
from .models import Channel, Delivery, DeliveryStatus, Outbox

logger = logging.getLogger(__name__)
ALERT_KIND = "alert"  # rehab.alerts.services.ALERT_KIND; that app builds on this one
RELAY_BATCH = 1000
# A beat run stops starting batches after this long, so runs do not pile up; the next run goes on.
RUN_SECONDS = 50.0
MAX_ATTEMPTS = 4


@shared_task(ignore_result=True)
def dispatch_reminders(now: str | None = None) -> dict[str, int]:
    """Beat runs this every minute: claim what is due, a batch at a time, and publish what each
    batch queued before taking the next (the first emails go out while later batches are being
    decided). After a broker failure it stops publishing and goes on claiming; the outbox keeps
    the rest for the relay's next run.

    `now` (ISO 8601) claims what was due at that instant rather than at this one. Beat sends
    none; bench/dispatcher.py measures the reminders it made due, however long its run lasts
    (a run crossing 03:30 UTC would also meet 09:00 reminders in Kolkata)."""
    at = datetime.fromisoformat(now) if now else None
    counts: Counter[str] = Counter()
    broker_up = True
    for batch in services.dispatch_batches(at, seconds=RUN_SECONDS):
        counts.update(batch)
        if broker_up:
            broker_up = _relay()[1]
    if broker_up and not counts:
        _relay()  # nothing was due: what requests queued
    return dict(counts)


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Publish outbox rows to the broker; returns how many."""
    return _relay()[0]


def _relay() -> tuple[int, bool]:
    """Publish unpublished outbox rows, oldest first, a batch at a time over one producer (one
    connection), until none are left, the broker fails, or RUN_SECONDS have passed. Returns how
    many were published and whether the broker took everything it was offered.

    Rows are marked with one UPDATE per batch, after their publishes succeeded; when the broker
    fails mid-batch only the rows before the failure are marked. A crash between a publish and
    its UPDATE publishes the row again, which the idempotent tasks absorb."""
    published = 0
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        rows = list(
            Outbox.objects.filter(published_at=None)
            .order_by("created_at", "pk")
            .values_list("pk", "task", "args")[:RELAY_BATCH]
        )
        if not rows:
            return published, True
        sent = 0
        try:
            with current_app.producer_or_acquire() as producer:
                for _pk, task, args in rows:
                    current_app.send_task(task, args=args, producer=producer)
                    sent += 1
        except Exception:  # the broker is down: try again on the next run
            if sent < len(rows):
                failed = rows[sent][0]
                logger.warning("Outbox relay stopped at row %s", failed, exc_info=True)
                Outbox.objects.filter(pk=failed).update(attempts=F("attempts") + 1)
        if sent:
            Outbox.objects.filter(pk__in=[pk for pk, _, _ in rows[:sent]]).update(
                published_at=timezone.now()
            )
        published += sent
        if sent < len(rows):
            return published, False
        if len(rows) < RELAY_BATCH or time.monotonic() > deadline:
            return published, True


def _claim(delivery_id: int) -> Delivery | None:
    """Mark the delivery as being sent, unless it already was."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.save(update_fields=["status", "attempts"])
        return delivery


def _send_email(delivery: Delivery) -> None:
    notification = delivery.notification
    recipient = notification.recipient
    site = settings.SITE_URL.rstrip("/")
    context = {
        "notification": notification,
        "recipient": recipient,
        "open_url": f"{site}{notification.url}",
    }
    headers = {}
    if notification.kind == ALERT_KIND:
        # To clinicians: no names or health details in the mail, only the link.
        template = "emails/alert"
        context["urgent"] = notification.title.startswith("Urgent")
    else:
        template = "emails/reminder"
        stop_url = f"{site}/reminders/stop/{services.stop_token(recipient)}/"
        context.update(settings_url=f"{site}/settings/reminders/", stop_url=stop_url)
        headers = {
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=MAX_ATTEMPTS - 1)
def deliver(self: Task, delivery_id: int) -> str:
    """Send one notification on one channel, once. Takes an id; safe to run again."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "nothing to do"
    try:
        if delivery.channel == Channel.EMAIL:
            _send_email(delivery)
    except Exception as error:
        final = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        if final:
            return "failed"
        raise self.retry(countdown=60 * delivery.attempts) from error
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"
