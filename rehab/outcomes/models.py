"""Outcome measures as recorded, with the score the versioned rules gave them (scoring.py).

One `OutcomeRecord` per measurement: what was entered (`inputs`), the headline `value` and `band`
the scoring rules computed, their `scoring_version` and working (`detail`), the date it is about,
and who entered it. Headline values are plain columns so trends and dashboards are computed in
the database.
"""

import uuid

from django.core.files.storage import storages
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
    CVA = "cva", "Craniovertebral angle"


# What a patient may record about themself (the angle only by marking their own side photo);
# the clinical tests need a clinician.
PATIENT_MEASURES = (Measure.NDI, Measure.PAIN, Measure.PSFS, Measure.CVA)
# What a therapist may schedule as a recurring questionnaire.
QUESTIONNAIRES = (Measure.NDI, Measure.PAIN, Measure.PSFS)


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


class Side(models.TextChoices):
    """Which side of the patient faces the camera in a side photo."""

    LEFT = "left", "Left side"
    RIGHT = "right", "Right side"


def _private_storage():
    """Photos live in the "private" storage: no URL, read only through a permission-checked view."""
    return storages["private"]


def _photo_path(instance: "PosturePhoto", filename: str) -> str:
    # Never the uploaded name (it may hold a patient's name); always re-encoded JPEG.
    return f"posture/{instance.clinic_id}/{uuid.uuid4().hex}.jpg"


class PosturePhoto(models.Model):
    """A side photo for the craniovertebral angle. Stored re-encoded (no EXIF), in private storage.

    Marking tragus and C7 on it creates the `outcome` (a CVA OutcomeRecord). Deleting the photo
    deletes the file; the angle measured from it stays in the record.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posture_photos")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    taken_on = models.DateField()
    side = models.CharField(max_length=5, choices=Side.choices)
    image = models.FileField(storage=_private_storage, upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    outcome = models.OneToOneField(
        OutcomeRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="photo"
    )

    class Meta:
        ordering = ["-taken_on", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} photo of {self.patient} on {self.taken_on}"


# The workstation checklist: key, question (a yes is the ergonomic answer).
WORKSTATION_ITEMS: tuple[tuple[str, str], ...] = (
    ("monitor", "The top of my screen is at eye level, about an arm's length away."),
    ("chair", "My chair lets my feet rest flat and my thighs sit level."),
    ("lumbar", "My lower back is supported (chair backrest or a small cushion)."),
    ("pillow", "My pillow keeps my neck level with the rest of my spine when I sleep."),
    ("phone", "I hold my phone up near eye level, or use a headset for long calls."),
    ("breaks", "I take a short movement break at least every 30 to 45 minutes."),
)


class WorkstationCheck(models.Model):
    """One pass through the workstation checklist; `score` is the number of yes answers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="workstation_checks")
    checked_on = models.DateField()
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(help_text="Item key to true (yes) or false (no).")
    score = models.PositiveSmallIntegerField()
    out_of = models.PositiveSmallIntegerField(default=len(WORKSTATION_ITEMS))

    class Meta:
        ordering = ["-checked_on", "-entered_at"]
        indexes = [models.Index(fields=["patient", "checked_on"])]

    def __str__(self) -> str:
        return f"Workstation {self.score}/{self.out_of} for {self.patient} on {self.checked_on}"


class PostureBreak(models.Model):
    """A posture break the patient says they took, from a nudge or on their own.

    A nudge can be answered once (`notification` is unique), so a double tap counts once.
    """

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posture_breaks")
    done_on = models.DateField(help_text="The patient's local date.")
    done_at = models.DateTimeField(default=timezone.now)
    notification = models.OneToOneField(
        "reminders.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posture_break",
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "done_on"])]

    def __str__(self) -> str:
        return f"Posture break of {self.patient} on {self.done_on}"


class CalendarFeed(models.Model):
    """A patient's private iCalendar subscription link (exports). Calendar apps cannot sign in,
    so the unguessable token in the URL is the credential; resetting it revokes the old link."""

    patient = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"
