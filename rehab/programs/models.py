"""Home exercise programs, their versions, and the sessions patients log against them.

Dates here are the patient's local calendar dates. Every item carries the absolute date range in
which it is prescribed (`active_from`..`active_to`), derived by the services from the program,
its version and its phase, so adherence is one join against the `Day` calendar table.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Clinic, User
from exercises.models import DOSAGE_LIMITS, Exercise, Side

# Days of week as bits, Monday first (date.weekday() == 0 -> bit 1).
ALL_DAYS = 0b1111111
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def weekday_bit(weekday: int) -> int:
    return 1 << weekday


class Day(models.Model):
    """A calendar table (one row per date) so day-by-day maths stays in SQL."""

    date = models.DateField(primary_key=True)
    weekday_bit = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return self.date.isoformat()


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class Program(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="programs")
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="programs")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    notes_for_patient = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="program_end_after_start",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="program_status"),
        ]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.title


class ProgramPause(models.Model):
    """Days on which nothing is expected (a paused program)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while still paused.")

    def __str__(self) -> str:
        return f"{self.program} paused {self.starts_on}"


class ProgramVersion(models.Model):
    """What was prescribed from `effective_from` on. Editing an active program adds a version;
    logs point at the version and snapshot its targets, so history is never rewritten."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["program", "effective_from"], name="version_effective_unique"
            ),
        ]
        ordering = ["program", "number"]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class Dosage(models.Model):
    """The exact dosage of one prescribed exercise, shared by program and protocol items."""

    position = models.PositiveSmallIntegerField(default=0)
    phase_name = models.CharField(max_length=60, blank=True)
    phase_start_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="First week of the phase (1 = the program's first week)."
    )
    phase_end_week = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField()
    hold_seconds = models.PositiveSmallIntegerField(default=0)
    rest_seconds = models.PositiveSmallIntegerField(default=0)
    side = models.CharField(max_length=8, choices=Side.choices, default=Side.NONE)
    times_per_day = models.PositiveSmallIntegerField(default=1)
    days_of_week = models.PositiveSmallIntegerField(default=ALL_DAYS)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                    name=f"%(class)s_{field}_range",
                )
                for field, (low, high) in DOSAGE_LIMITS.items()
            ],
            models.CheckConstraint(
                condition=Q(days_of_week__gte=1, days_of_week__lte=ALL_DAYS),
                name="%(class)s_days_of_week_range",
            ),
            models.CheckConstraint(
                condition=Q(phase_end_week__isnull=True)
                | Q(phase_end_week__gte=F("phase_start_week")),
                name="%(class)s_phase_weeks_order",
            ),
        ]

    @property
    def weekdays(self) -> list[str]:
        return [name for i, name in enumerate(WEEKDAY_NAMES) if self.days_of_week & (1 << i)]

    @property
    def days_label(self) -> str:
        return "Every day" if self.days_of_week == ALL_DAYS else " ".join(self.weekdays)


class ProgramItem(Dosage):
    """One prescribed exercise in a program version."""

    version = models.ForeignKey(ProgramVersion, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    # Derived by services from program, version and phase: the dates the item is prescribed.
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)

    class Meta(Dosage.Meta):
        ordering = ["version", "position"]
        indexes = [models.Index(fields=["active_from", "active_to"])]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.sets}x{self.reps})"


class Difficulty(models.IntegerChoices):
    VERY_EASY = 1, "Very easy"
    EASY = 2, "Easy"
    RIGHT = 3, "About right"
    HARD = 4, "Hard"
    VERY_HARD = 5, "Too hard"


class SessionLog(models.Model):
    """One exercise session a patient logged, on a local date."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="session_logs")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="session_logs")
    version = models.ForeignKey(ProgramVersion, on_delete=models.PROTECT, related_name="+")
    performed_on = models.DateField()
    logged_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    # NULL, not "", means "sent without a key": only real keys are unique per patient.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-performed_on", "-logged_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_before__isnull=True) | Q(pain_before__lte=10),
                name="session_pain_before_range",
            ),
            models.CheckConstraint(
                condition=Q(pain_after__isnull=True) | Q(pain_after__lte=10),
                name="session_pain_after_range",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__gte=1, difficulty__lte=5),
                name="session_difficulty_range",
            ),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="session_idempotency_unique",
            ),
        ]
        indexes = [models.Index(fields=["patient", "performed_on"])]

    def __str__(self) -> str:
        return f"Session of {self.patient} on {self.performed_on}"


class ExerciseLog(models.Model):
    """What was done of one prescribed item, with the targets it was done against."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ProgramItem, on_delete=models.PROTECT, related_name="logs")
    performed_on = models.DateField(help_text="Copied from the session for adherence joins.")
    target_sets = models.PositiveSmallIntegerField()
    target_reps = models.PositiveSmallIntegerField()
    target_hold_seconds = models.PositiveSmallIntegerField()
    target_side = models.CharField(max_length=8, choices=Side.choices)
    sets_done = models.PositiveSmallIntegerField(default=0)
    reps_done = models.PositiveSmallIntegerField(default=0)
    hold_seconds_done = models.PositiveSmallIntegerField(default=0)
    skipped = models.BooleanField(default=False)
    skip_reason = models.CharField(max_length=200, blank=True)
    # Share of the prescribed dose done, 0..1 (partial sessions count partially).
    dose_fraction = models.FloatField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_fraction__gte=0, dose_fraction__lte=1),
                name="entry_dose_fraction_range",
            ),
            models.CheckConstraint(
                condition=Q(sets_done__lte=20, reps_done__lte=100, hold_seconds_done__lte=600),
                name="entry_done_bounded",
            ),
            models.UniqueConstraint(fields=["session", "item"], name="entry_once_per_session"),
        ]
        indexes = [models.Index(fields=["item", "performed_on"])]

    def __str__(self) -> str:
        return f"{self.item} on {self.performed_on}"


class Protocol(models.Model):
    """A reusable program template: shared (clinic NULL) or a clinic's own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.CASCADE, null=True, blank=True, related_name="protocols"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    notes_for_patient = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="protocol_shared_slug"
            ),
            models.UniqueConstraint(fields=["clinic", "slug"], name="protocol_clinic_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class ProtocolItem(Dosage):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")

    class Meta(Dosage.Meta):
        ordering = ["protocol", "position"]

    def __str__(self) -> str:
        return f"{self.protocol}: {self.exercise}"
