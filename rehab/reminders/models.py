"""Reminders and notifications.

A patient's `ReminderPreferences` drive one `Schedule` row per kind (exercise reminder, posture
nudge, missed-day note), each with the next due instant in UTC (`next_due_at`, indexed). A
dispatcher claims each due occurrence with a unique `Occurrence` row, writes the `Notification`
and one `Delivery` per channel, and an `Outbox` row per send task, all in one transaction; a relay
publishes the outbox to the broker. Requests never talk to the broker. The dispatcher records a
reminder's in-app delivery as sent when it writes it (the notification row is what the bell
shows), so only its emails have send tasks; `notify()` (alerts and other notices) still queues
a task for each delivery.
"""

import uuid
from datetime import time

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from rehab.programs.models import ALL_DAYS

WEEKDAYS = 0b0011111  # Monday to Friday


class Kind(models.TextChoices):
    EXERCISE = "exercise", "Exercise reminder"
    MISSED = "missed", "Missed yesterday"
    POSTURE = "posture", "Posture break"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"


class ReminderPreferences(models.Model):
    """What a patient wants to be reminded of, when, and how."""

    patient = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="reminder_preferences"
    )
    exercise_on = models.BooleanField("Exercise reminders", default=True)
    # Local wall-clock times ("08:00"); empty means "from the program's times per day".
    times = models.JSONField(default=list, blank=True)
    days = models.PositiveSmallIntegerField(default=ALL_DAYS)
    missed_note_on = models.BooleanField("A gentle note the day after a missed day", default=True)
    quiet_start = models.TimeField(default=time(21, 30))
    quiet_end = models.TimeField(default=time(7, 30))
    email_on = models.BooleanField("By email", default=True)
    in_app_on = models.BooleanField("In the app", default=True)
    posture_on = models.BooleanField("Posture-break nudges", default=False)
    posture_every_minutes = models.PositiveSmallIntegerField(default=60)
    work_start = models.TimeField(default=time(9, 0))
    work_end = models.TimeField(default=time(17, 0))
    work_days = models.PositiveSmallIntegerField(default=WEEKDAYS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=0, days__lte=ALL_DAYS, work_days__gte=0)
                & Q(work_days__lte=ALL_DAYS),
                name="reminder_days_mask",
            ),
            models.CheckConstraint(
                condition=Q(posture_every_minutes__gte=15, posture_every_minutes__lte=240),
                name="reminder_posture_interval",
            ),
            models.CheckConstraint(
                condition=Q(work_end__gt=models.F("work_start")), name="reminder_work_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder preferences of {self.patient}"


class Schedule(models.Model):
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_schedules")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # NULL: nothing to send (turned off, no times, no active program).
    next_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind"], name="schedule_one_per_kind"),
        ]
        indexes = [models.Index(fields=["next_due_at"], name="schedule_next_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient}"


class Outcome(models.TextChoices):
    SENT = "sent", "Notified"
    SKIPPED = "skipped", "Not needed"


class Occurrence(models.Model):
    """The claim on one due occurrence: a second claim of the same (schedule, due_at) fails."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="occurrence_claim_once"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} at {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message to one user: shown under the bell and sent on the chosen channels."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16)
    title = models.CharField(max_length=120)
    body = models.TextField()
    url = models.CharField(max_length=200, blank=True)
    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One notification on one channel, with what happened to it."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification} by {self.channel}: {self.status}"


class Outbox(models.Model):
    """A task to publish, written in the transaction that needs it; relayed by a beat task."""

    task = models.CharField(max_length=120)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(published_at__isnull=True),
                name="outbox_unpublished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"
