"""Therapist alerts and the weekly red-flag check-in.

An `Alert` is raised by a rule (services.py) with the reason in words and the data behind it. Its
`key` names the fact it is about (this session's pain, this gap since the last session, this
check-in), so evaluating the rules again, or from two processes, never raises it twice.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Clinic, User
from rehab.programs.models import SessionLog

# DESIGN.md, clinical facts: red flags. Keys are stored with each answer; never reuse one.
RED_FLAG_QUESTIONS: list[tuple[str, str]] = [
    ("arm_weakness", "New or worse weakness in an arm or hand?"),
    ("numbness", "New or worse numbness, pins and needles or tingling in an arm or hand?"),
    ("clumsy_hands", "Clumsy hands: dropping things, or trouble with buttons or writing?"),
    ("walking", "A change in your walking or balance?"),
    ("bladder_bowel", "A change in how your bladder or bowels work?"),
    ("headache", "A sudden, severe headache unlike any you've had before?"),
    ("dizziness", "Dizziness, double vision or fainting?"),
    ("fever", "A fever together with your neck pain?"),
    ("trauma", "Neck pain that started after a fall, accident or blow to the head?"),
    ("weight_loss", "Weight loss you can't explain?"),
    ("night_pain", "Pain at night that doesn't ease when you change position?"),
]
RED_FLAG_LABELS = dict(RED_FLAG_QUESTIONS)
# The same, as a clinician writes them (alert reasons).
RED_FLAG_CLINICAL = {
    "arm_weakness": "new or worsening arm/hand weakness",
    "numbness": "new or worsening arm/hand numbness or paraesthesia",
    "clumsy_hands": "clumsy hands (loss of dexterity)",
    "walking": "change in gait or balance",
    "bladder_bowel": "bladder or bowel change",
    "headache": "sudden severe headache",
    "dizziness": "dizziness, diplopia or syncope",
    "fever": "fever with neck pain",
    "trauma": "neck pain after significant trauma",
    "weight_loss": "unexplained weight loss",
    "night_pain": "unremitting night pain",
}


class Rule(models.TextChoices):
    PAIN_HIGH = "pain_high", "High pain"
    PAIN_RISE = "pain_rise", "Pain up from baseline"
    NO_SESSION = "no_session", "No sessions logged"
    RED_FLAG = "red_flag", "Red-flag answer"


class RedFlagCheckin(models.Model):
    """A patient's answers to the weekly safety questions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="red_flag_checkins")
    answered_at = models.DateTimeField(default=timezone.now)
    # {question key: true/false}, every question answered.
    answers = models.JSONField()
    positive = models.BooleanField()
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["patient", "answered_at"])]

    def __str__(self) -> str:
        return f"Check-in of {self.patient} on {self.answered_at:%Y-%m-%d}"

    @property
    def flagged(self) -> list[str]:
        return [RED_FLAG_LABELS.get(key, key) for key, yes in self.answers.items() if yes]


class Alert(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="alerts")
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=12, choices=Rule.choices)
    reason = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    # What the alert is about, so a rule evaluated twice raises it once.
    key = models.CharField(max_length=120, unique=True)
    session = models.ForeignKey(
        SessionLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    checkin = models.ForeignKey(
        RedFlagCheckin, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="alert_rule"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="alert_acknowledged_by_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "acknowledged_at"], name="alert_open_by_clinic"),
            models.Index(fields=["patient", "acknowledged_at"], name="alert_open_by_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def urgent(self) -> bool:
        return self.rule == Rule.RED_FLAG
