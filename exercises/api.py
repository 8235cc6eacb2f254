"""Read API of the exercise library: /api/v1/exercises/ and /api/v1/muscles/."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_errors import FORBIDDEN, _bad_request, _not_found, _validated

from . import selectors
from .models import Category, Exercise, Muscle


class MuscleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Muscle
        fields = ["slug", "name"]


class ExerciseLinkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Exercise
        fields = ["id", "name"]


class DosageSerializer(serializers.Serializer):
    sets = serializers.IntegerField(source="default_sets", help_text="Sets per session.")
    reps = serializers.IntegerField(source="default_reps", help_text="Repetitions per set.")
    hold_seconds = serializers.IntegerField(
        source="default_hold_seconds", help_text="Seconds each repetition is held; 0 = no hold."
    )
    rest_seconds = serializers.IntegerField(
        source="default_rest_seconds", help_text="Rest between sets, in seconds."
    )
    side = serializers.CharField(
        source="default_side", help_text="none (midline), both, left or right."
    )
    times_per_day = serializers.IntegerField(
        source="default_times_per_day", help_text="Sessions per day."
    )


class ExerciseListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    muscles = MuscleSerializer(many=True, read_only=True)
    shared = serializers.BooleanField(
        source="is_shared", read_only=True, help_text="False for the clinic's own exercises."
    )
    default_dosage = DosageSerializer(source="*", read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "category",
            "level",
            "summary",
            "equipment",
            "muscles",
            "shared",
            "default_dosage",
        ]


# The columns the list shows (the instructions, three JSON lists and two texts, are the detail's).
LISTED_COLUMNS = (
    "pk",
    "public_id",
    "slug",
    "clinic_id",
    "name",
    "category",
    "level",
    "summary",
    "equipment",
    *(f"default_{name}" for name in ("sets", "reps", "hold_seconds", "rest_seconds", "side")),
    "default_times_per_day",
)


def listed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ExerciseListSerializer's output for a page of rows from `.values(*LISTED_COLUMNS)`, with
    the muscles of all of them in one query. The library list is the most read page of the API,
    and building 20 model instances, their prefetched muscles and the nested serializers cost
    three times the queries themselves (docs/performance.md)."""
    muscles: dict[int, list[dict[str, str]]] = {row["pk"]: [] for row in rows}
    pairs = (
        Exercise.muscles.through.objects.filter(exercise_id__in=muscles)
        .order_by("muscle__name", "muscle_id")
        .values_list("exercise_id", "muscle__slug", "muscle__name")
    )
    for exercise_id, slug, name in pairs:
        muscles[exercise_id].append({"slug": slug, "name": name})
    return [
        {
            "id": str(row["public_id"]),
            "slug": row["slug"],
            "name": row["name"],
            "category": row["category"],
            "level": row["level"],
            "summary": row["summary"],
            "equipment": row["equipment"],
            "muscles": muscles[row["pk"]],
            "shared": row["clinic_id"] is None,
            "default_dosage": {
                "sets": row["default_sets"],
                "reps": row["default_reps"],
                "hold_seconds": row["default_hold_seconds"],
                "rest_seconds": row["default_rest_seconds"],
                "side": row["default_side"],
                "times_per_day": row["default_times_per_day"],
            },
        }
        for row in rows
    ]


class ExerciseDetailSerializer(ExerciseListSerializer):
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    cues = serializers.ListField(child=serializers.CharField(), read_only=True)
    common_mistakes = serializers.ListField(child=serializers.CharField(), read_only=True)
    progression = ExerciseLinkSerializer(read_only=True, allow_null=True)
    regression = ExerciseLinkSerializer(read_only=True, allow_null=True)

    class Meta(ExerciseListSerializer.Meta):
        fields = [
            *ExerciseListSerializer.Meta.fields,
            "steps",
            "cues",
            "common_mistakes",
            "precautions",
            "stop_if",
            "progression",
            "regression",
            "video_url",
        ]


class ExerciseFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Search name, summary, equipment.",
    )
    category = serializers.ChoiceField(
        choices=Category.choices, required=False, help_text="Only this category."
    )
    muscle = serializers.SlugField(
        required=False, max_length=60, help_text="A muscle slug (see /api/v1/muscles/)."
    )


@extend_schema_view(
    get=extend_schema(
        summary="List the exercise library",
        description="Shared exercises and your clinic's own, 20 a page.",
        parameters=[ExerciseFilterSerializer],
        responses={
            200: ExerciseListSerializer(many=True),
            400: _bad_request(("Bad filter", {"category": ['"x" is not a valid choice.']})),
            403: FORBIDDEN,
        },
    )
)
class ExerciseList(generics.ListAPIView):
    # The schema and the contract; the rows themselves are written out by `listed()` (a test
    # holds the two equal for the whole library).
    serializer_class = ExerciseListSerializer

    def get_queryset(self) -> QuerySet[Exercise]:
        params = _validated(ExerciseFilterSerializer, self.request.query_params)
        return selectors.exercise_search(
            viewer=self.request.user,  # type: ignore[arg-type]
            query=params.get("q", "").strip(),
            category=params.get("category", ""),
            muscle=params.get("muscle", ""),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(
            self.get_queryset().prefetch_related(None).values(*LISTED_COLUMNS)
        )
        assert page is not None  # the list is always paginated (settings: 20 a page)
        return self.get_paginated_response(listed(page))


@extend_schema_view(
    get=extend_schema(
        summary="One exercise with its instructions and safety text",
        responses={200: ExerciseDetailSerializer, 403: FORBIDDEN, 404: _not_found("exercise")},
    )
)
class ExerciseDetail(generics.RetrieveAPIView):
    serializer_class = ExerciseDetailSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_object(self) -> Exercise:
        return selectors.get_exercise_or_404(
            viewer=self.request.user,  # type: ignore[arg-type]
            public_id=self.kwargs["id"],
        )


@extend_schema_view(
    get=extend_schema(
        summary="Muscles used by the library",
        responses={200: MuscleSerializer(many=True), 403: FORBIDDEN},
    )
)
class MuscleList(generics.ListAPIView):
    serializer_class = MuscleSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Muscle]:
        return selectors.muscles_in_use()
