"""Outcome measures as recorded, with the score the versioned rules gave them (scoring.py).

One `OutcomeRecord` per measurement: what was entered (`inputs`), the headline `value` and `band`
the scoring rules computed, their `scoring_version` and working (`detail`), the date it is about,
and who entered it. Headline values are plain columns so trends and dashboards are computed in
the database.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Clinic, User


class Measure(models.TextChoices):
    NDI = "ndi", "Neck Disability Index"
    PAIN = "pain", "Pain rating"
    PSFS = "psfs", "Patient-Specific Functional Scale"
    DNF = "dnf", "Deep neck flexor endurance"
    CCFT = "ccft", "Craniocervical flexion test"
    CROM = "crom", "Cervical range of motion"


# What a patient may record about themself; the clinical tests need a clinician.
PATIENT_MEASURES = (Measure.NDI, Measure.PAIN, Measure.PSFS)
# What a therapist may schedule as a recurring questionnaire.
QUESTIONNAIRES = PATIENT_MEASURES


class OutcomeRecord(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="outcomes")
    measure = models.CharField(max_length=8, choices=Measure.choices)
    recorded_on = models.DateField(help_text="The patient's local date the measurement is about.")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    inputs = models.JSONField(help_text="What was entered, as entered.")
    value = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    scoring_version = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-recorded_on", "-entered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(measure__in=Measure.values), name="outcome_measure"),
        ]
        indexes = [models.Index(fields=["patient", "measure", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} of {self.patient} on {self.recorded_on}"


class QuestionnaireSchedule(models.Model):
    """A therapist asks a patient to fill in a questionnaire every N days (e.g. NDI every 14)."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="questionnaires")
    measure = models.CharField(max_length=8, choices=[(m.value, m.label) for m in QUESTIONNAIRES])
    every_days = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "measure"], name="questionnaire_once"),
            models.CheckConstraint(
                condition=Q(every_days__gte=7, every_days__lte=90), name="questionnaire_every"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} every {self.every_days} days for {self.patient}"
