"""Reads of the library, scoped to what the viewer's clinic may see."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import Exercise, Muscle


def exercises_visible_to(viewer: User) -> QuerySet[Exercise]:
    """Shared exercises plus the viewer's clinic's own, never another clinic's."""
    if not viewer.is_authenticated:
        return Exercise.objects.none()
    visible = Q(clinic__isnull=True)
    if viewer.clinic_id is not None:
        visible |= Q(clinic_id=viewer.clinic_id)
    return Exercise.objects.filter(visible, is_archived=False)


def exercise_search(
    *, viewer: User, query: str = "", category: str = "", muscle: str = ""
) -> QuerySet[Exercise]:
    exercises = exercises_visible_to(viewer)
    if query:
        exercises = exercises.filter(
            Q(name__icontains=query) | Q(summary__icontains=query) | Q(equipment__icontains=query)
        )
    if category:
        exercises = exercises.filter(category=category)
    if muscle:
        exercises = exercises.filter(muscles__slug=muscle)
    return exercises.prefetch_related("muscles").distinct().order_by("category", "name")


def get_exercise_or_404(*, viewer: User, public_id: UUID | str) -> Exercise:
    try:
        return (
            exercises_visible_to(viewer)
            .select_related("progression", "regression", "clinic")
            .prefetch_related("muscles")
            .get(public_id=public_id)
        )
    except (Exercise.DoesNotExist, ValueError) as exc:
        raise Http404("No such exercise.") from exc


def muscles_in_use() -> QuerySet[Muscle]:
    return Muscle.objects.filter(exercises__isnull=False).distinct().order_by("name")
