"""The exercise library: shared exercises (clinic = NULL) and each clinic's own.

This app never imports patient data: programs and logs point at exercises, not the reverse.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Clinic, User


class Category(models.TextChoices):
    DEEP_NECK_FLEXOR = "deep_neck_flexor", "Deep neck flexor training"
    STRETCHING = "stretching", "Stretching"
    STRENGTHENING = "strengthening", "Strengthening"
    POSTURE = "posture", "Posture"
    RANGE_OF_MOTION = "range_of_motion", "Range of motion"
    BREATHING = "breathing", "Breathing"
    ERGONOMIC = "ergonomic", "Ergonomic task"


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Side(models.TextChoices):
    NONE = "none", "Not sided"
    BOTH = "both", "Both sides"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Muscle(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Dosage bounds shared by the library defaults and, later, prescriptions.
DOSAGE_LIMITS = {
    "sets": (1, 20),
    "reps": (1, 100),
    "hold_seconds": (0, 600),
    "rest_seconds": (0, 600),
    "times_per_day": (1, 12),
}


def _bounded(field: str) -> list[Callable[[Any], None]]:
    low, high = DOSAGE_LIMITS[field]
    return [MinValueValidator(low), MaxValueValidator(high)]


class Exercise(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80)
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="Empty for the shared library; set for a clinic's own exercise.",
    )
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=24, choices=Category.choices)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    muscles = models.ManyToManyField(Muscle, related_name="exercises", blank=True)
    summary = models.CharField(max_length=300)
    steps = models.JSONField(default=list, help_text="Step-by-step instructions, in order.")
    cues = models.JSONField(default=list, blank=True)
    common_mistakes = models.JSONField(default=list, blank=True)
    precautions = models.TextField()
    stop_if = models.TextField(help_text="When to stop and contact the clinician.")
    equipment = models.CharField(max_length=120, default="None")
    default_sets = models.PositiveSmallIntegerField(default=1, validators=_bounded("sets"))
    default_reps = models.PositiveSmallIntegerField(default=10, validators=_bounded("reps"))
    default_hold_seconds = models.PositiveSmallIntegerField(
        default=0, validators=_bounded("hold_seconds")
    )
    default_rest_seconds = models.PositiveSmallIntegerField(
        default=30, validators=_bounded("rest_seconds")
    )
    default_side = models.CharField(max_length=8, choices=Side.choices, default=Side.NONE)
    default_times_per_day = models.PositiveSmallIntegerField(
        default=1, validators=_bounded("times_per_day")
    )
    progression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    regression = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    image = models.ImageField(upload_to="exercises/", blank=True)
    video_url = models.URLField(blank=True)
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(clinic__isnull=True),
                name="exercise_shared_slug_unique",
            ),
            models.UniqueConstraint(fields=["clinic", "slug"], name="exercise_clinic_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="exercise_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(default_side__in=Side.values), name="exercise_side_valid"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(
                        **{f"default_{field}__gte": low, f"default_{field}__lte": high}
                    ),
                    name=f"exercise_default_{field}_range",
                )
                for field, (low, high) in DOSAGE_LIMITS.items()
            ],
        ]
        indexes = [models.Index(fields=["clinic", "category", "is_archived"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.clinic_id is None


# What a clinic may set on its own exercises (forms and services share the list).
EDITABLE_FIELDS = [
    "name",
    "category",
    "level",
    "summary",
    "steps",
    "cues",
    "common_mistakes",
    "precautions",
    "stop_if",
    "equipment",
    "default_sets",
    "default_reps",
    "default_hold_seconds",
    "default_rest_seconds",
    "default_side",
    "default_times_per_day",
    "image",
    "video_url",
]
