"""Writes to the library: syncing the shared library, and clinics' own exercises."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User

from .models import EDITABLE_FIELDS, Exercise, Muscle


@transaction.atomic
def library_sync(
    *, muscles: Iterable[tuple[str, str]], exercises: Iterable[Mapping[str, Any]]
) -> tuple[int, int]:
    """Create or update the shared library from data (exercises/library_data.py).

    Idempotent: running it twice changes nothing the second time. Returns (created, updated).
    """
    for slug, name in muscles:
        Muscle.objects.update_or_create(slug=slug, defaults={"name": name})
    muscle_ids = dict(Muscle.objects.values_list("slug", "id"))
    created = updated = 0
    items = list(exercises)
    for item in items:
        dosage = item["dosage"]
        exercise, was_created = Exercise.objects.update_or_create(
            slug=item["slug"],
            clinic=None,
            defaults={
                "name": item["name"],
                "category": item["category"],
                "level": item["level"],
                "summary": item["summary"],
                "steps": list(item["steps"]),
                "cues": list(item.get("cues", [])),
                "common_mistakes": list(item.get("common_mistakes", [])),
                "precautions": item["precautions"],
                "stop_if": item["stop_if"],
                "equipment": item.get("equipment", "None"),
                "default_sets": dosage["sets"],
                "default_reps": dosage["reps"],
                "default_hold_seconds": dosage["hold_seconds"],
                "default_rest_seconds": dosage["rest_seconds"],
                "default_side": dosage["side"],
                "default_times_per_day": dosage["times_per_day"],
            },
        )
        exercise.muscles.set([muscle_ids[slug] for slug in item["muscles"]])
        created += was_created
        updated += not was_created
    shared = dict(Exercise.objects.filter(clinic=None).values_list("slug", "id"))
    for item in items:
        Exercise.objects.filter(clinic=None, slug=item["slug"]).update(
            progression_id=shared.get(item.get("progression") or ""),
            regression_id=shared.get(item.get("regression") or ""),
        )
    return created, updated


def _unique_clinic_slug(*, clinic_id: int, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "exercise"
    slug, n = base, 2
    taken = Exercise.objects.filter(clinic_id=clinic_id)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def exercise_create(*, by: User, muscles: Iterable[Muscle], **fields: Any) -> Exercise:
    """A clinic's own exercise, seen only inside that clinic."""
    exercise = Exercise(clinic_id=by.clinic_id, created_by=by)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(exercise, name, fields[name])
    exercise.slug = _unique_clinic_slug(clinic_id=by.clinic_id, name=exercise.name)  # type: ignore[arg-type]
    exercise.full_clean()
    exercise.save()
    exercise.muscles.set(list(muscles))
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, muscles: Iterable[Muscle], **fields: Any) -> Exercise:
    if exercise.clinic_id is None:
        raise PermissionError("The shared library is edited through library_data.py.")
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(exercise, name, fields[name])
    exercise.full_clean()
    exercise.save()
    exercise.muscles.set(list(muscles))
    return exercise
