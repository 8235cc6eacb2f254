"""Celery tasks: the minute dispatcher, the outbox relay, and the idempotent send task."""

import logging

from celery import Task, current_app, shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from . import services
from .models import Channel, Delivery, DeliveryStatus, Outbox

logger = logging.getLogger(__name__)
ALERT_KIND = "alert"  # rehab.alerts.services.ALERT_KIND; that app builds on this one
RELAY_BATCH = 500
MAX_ATTEMPTS = 4


@shared_task(ignore_result=True)
def dispatch_reminders() -> dict[str, int]:
    """Beat runs this every minute: claim what is due, then publish what it queued."""
    counts = services.dispatch_due()
    relay_outbox()
    return counts


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Publish outbox rows to the broker. A row is marked only after its publish succeeded; a
    crash in between publishes it again, which the idempotent tasks absorb."""
    published = 0
    rows = list(Outbox.objects.filter(published_at=None).order_by("created_at")[:RELAY_BATCH])
    for row in rows:
        try:
            current_app.send_task(row.task, args=row.args)
        except Exception:  # the broker is down: try again on the next run
            logger.warning("Outbox relay stopped: the broker refused %s", row, exc_info=True)
            Outbox.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            break
        Outbox.objects.filter(pk=row.pk).update(published_at=timezone.now())
        published += 1
    return published


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
