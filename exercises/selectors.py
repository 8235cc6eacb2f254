"""Reads of the library, scoped to what the viewer's clinic may see."""

from uuid import UUID

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from accounts.models import User

from .models import Category, Exercise, Muscle

# Library order: the deep neck flexor work first, ergonomic tasks last (Category's own order).
CATEGORY_ORDER = Case(
    *[When(category=value, then=Value(i)) for i, value in enumerate(Category.values)],
    output_field=IntegerField(),
)


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
        # A subquery rather than a join, so no row repeats and no DISTINCT is needed.
        exercises = exercises.filter(
            pk__in=Muscle.exercises.through.objects.filter(muscle__slug=muscle).values(
                "exercise_id"
            )
        )
    return exercises.prefetch_related("muscles").order_by(CATEGORY_ORDER, "name")


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
