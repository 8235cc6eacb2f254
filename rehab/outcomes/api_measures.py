"""REST API for outcome measures and questionnaire schedules.

Same conventions as the programs API (rehab/programs/api/common.py): 400 with field errors and
nothing stored, 403 for a role that may not use the endpoint, 404 for what the caller may not see.
What the server computes (value, band, scoring version, detail, clinic, who entered it) is never
taken from a request body: those keys are ignored.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_patient_or_404
from accounts.models import Role, User
from rehab.alerts.api import PersonSerializer
from rehab.programs.api.common import (
    _JSON,
    FORBIDDEN,
    _bad_request,
    _not_found,
    _require_role,
    _service_errors,
    _user,
    _validated,
)
from rehab.programs.services import patient_today

from . import services
from .models import QUESTIONNAIRES, Measure, OutcomeRecord
from .selectors_measures import get_outcome_or_404, outcomes_visible_to

_TOP_LEVEL = {"recorded_on", "note", "measure", "patient", "detail"}

INPUTS_HELP = (
    "What was measured, by `measure`: "
    "`ndi` {items: ten answers 0-5 in section order, null for a section left blank}; "
    "`pain` {value: 0-10}; "
    "`psfs` {activities: [{name, rating 0-10}], 1 to 5; after the first PSFS a patient rates "
    "the same activities, only a therapist changes them}; "
    "`dnf` {seconds: 0-300}; "
    "`ccft` {highest_stage_held: 20, 22, 24, 26, 28 or 30}; "
    "`crom` {degrees: {flexion, extension, left_lateral_flexion, right_lateral_flexion, "
    "left_rotation, right_rotation}, at least one}."
)

# --- Serializers --------------------------------------------------------------------------------


class EnteredBySerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name", help_text="Who entered it.")
    role = serializers.ChoiceField(
        choices=Role.choices, help_text="`patient` (the patient themself) or `therapist`."
    )


class OutcomeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The record's id.")
    patient = PersonSerializer(help_text="Whom the measurement is about.")
    measure = serializers.ChoiceField(choices=Measure.choices, help_text="Which measure.")
    recorded_on = serializers.DateField(help_text="The patient's local date it is about.")
    inputs = serializers.DictField(help_text="What was entered, as entered.")
    value = serializers.FloatField(
        allow_null=True,
        help_text=(
            "The headline score: NDI percent, pain 0-10, PSFS mean rating, seconds, mmHg, "
            "degrees. Null for range of motion and for an NDI with 2+ blank sections."
        ),
    )
    band = serializers.CharField(
        help_text='NDI band (none, mild, moderate, severe, complete, "not scored"), '
        '"forward head" for an angle below 50; "" otherwise.'
    )
    scoring_version = serializers.CharField(help_text='The scoring rules used, e.g. "ndi-1".')
    detail = serializers.DictField(help_text="The working behind the score.")
    note = serializers.CharField(help_text="A note kept with it.")
    entered_by = EnteredBySerializer(help_text="Who entered it.")
    entered_at = serializers.DateTimeField(help_text="When it was entered.")

    class Meta:
        model = OutcomeRecord
        fields = [
            "id",
            "patient",
            "measure",
            "recorded_on",
            "inputs",
            "value",
            "band",
            "scoring_version",
            "detail",
            "note",
            "entered_by",
            "entered_at",
        ]


class OutcomeFilterSerializer(serializers.Serializer):
    patient = serializers.UUIDField(required=False, help_text="Only this patient's records.")
    measure = serializers.ChoiceField(
        choices=Measure.choices, required=False, help_text="Only this measure."
    )


class OutcomeWriteSerializer(serializers.Serializer):
    patient = serializers.UUIDField(
        required=False,
        help_text="The patient's id. Required for therapists; patients may leave it out.",
    )
    measure = serializers.ChoiceField(
        choices=Measure.choices,
        help_text="Which measure; not `cva` (the angle comes from marking a side photo).",
    )

    def validate_measure(self, measure: str) -> str:
        if measure == Measure.CVA:
            raise serializers.ValidationError(
                "The angle is measured by marking a side photo (the photos API)."
            )
        return measure

    recorded_on = serializers.DateField(
        required=False,
        help_text="The patient's local date; today or up to a year back. Default: today.",
    )
    inputs = serializers.DictField(help_text=INPUTS_HELP)
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default="", help_text="Optional."
    )


# A plain string in the schema: a second "measure" enum (3 of the 7 values) makes
# drf-spectacular's enum naming collide with the full one; the values are in the help text.
@extend_schema_field(OpenApiTypes.STR)
class QuestionnaireField(serializers.ChoiceField):
    pass


class ScheduleSerializer(serializers.Serializer):
    measure = QuestionnaireField(
        choices=[(m.value, m.label) for m in QUESTIONNAIRES],
        help_text="Which questionnaire: " + ", ".join(f"`{m.value}`" for m in QUESTIONNAIRES) + ".",
    )
    every_days = serializers.IntegerField(help_text="Every how many days, 7 to 90.")
    starts_on = serializers.DateField(help_text="The first day it is due.")


class ScheduleRowSerializer(ScheduleSerializer):
    label = serializers.CharField(help_text="The questionnaire's name.")  # type: ignore[assignment]
    last_on = serializers.DateField(
        allow_null=True, help_text="When it was last filled in (from the start date on)."
    )
    next_on = serializers.DateField(help_text="When it is next due (due now if today or past).")
    due = serializers.BooleanField(help_text="Due today in the patient's time zone.")


class SchedulesSerializer(serializers.Serializer):
    schedules = ScheduleRowSerializer(many=True)


class SchedulesWriteSerializer(serializers.Serializer):
    schedules = ScheduleSerializer(
        many=True,
        help_text="Every questionnaire the patient should be asked for; any left out is removed.",
    )

    def validate_schedules(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        measures = [row["measure"] for row in rows]
        if len(set(measures)) != len(measures):
            raise serializers.ValidationError("Each questionnaire at most once.")
        return rows


def _schedules_body(patient: User) -> dict[str, Any]:
    today = patient_today(patient)
    rows = [
        {
            "measure": row.schedule.measure,
            "label": Measure(row.schedule.measure).label,
            "every_days": row.schedule.every_days,
            "starts_on": row.schedule.starts_on,
            "last_on": row.last_on,
            "next_on": row.next_on,
            "due": today >= row.next_on,
        }
        for row in services.questionnaire_schedules(patient)
    ]
    return SchedulesSerializer({"schedules": rows}).data


# --- Outcomes -----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Recorded outcome measures",
        description=(
            "Patients see their own, therapists those of their caseload, clinic staff those of "
            "their clinic. Newest first."
        ),
        parameters=[OutcomeFilterSerializer],
        responses={
            200: OutcomeSerializer(many=True),
            400: _bad_request(("Bad filter", {"measure": ['"x" is not a valid choice.']})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Record an outcome measure",
        description=(
            "Patients record their own questionnaires (ndi, pain, psfs); a patient's therapists "
            "record any measure for them. Staff get 403. The server scores it: value, band, "
            "scoring_version and detail in the body are ignored, as are clinic and entered_by."
        ),
        request=OutcomeWriteSerializer,
        examples=[
            OpenApiExample(
                "NDI with one section blank",
                value={
                    "measure": "ndi",
                    "recorded_on": "2026-03-02",
                    "inputs": {"items": [2, 1, 3, 0, 2, 1, 2, None, 1, 2]},
                },
                request_only=True,
            ),
            OpenApiExample(
                "Endurance, by the therapist",
                value={
                    "patient": "7d1c4f0e-3f5a-4c55-9b8e-2b7d6c3a9e10",
                    "measure": "dnf",
                    "inputs": {"seconds": 24.5},
                    "note": "Chin poked at the end.",
                },
                request_only=True,
            ),
        ],
        responses={
            201: OpenApiResponse(OutcomeSerializer, description="The stored, scored record."),
            400: _bad_request(
                ("Bad answer", {"inputs.items[3]": ["Answer with a number from 0 to 5."]}),
                ("Future date", {"recorded_on": ["The date can't be in the future."]}),
            ),
            403: FORBIDDEN,
            404: _not_found("patient"),
        },
    ),
)
class OutcomeList(generics.ListAPIView):
    serializer_class = OutcomeSerializer
    parser_classes = _JSON

    def get_queryset(self) -> QuerySet[OutcomeRecord]:
        params = _validated(OutcomeFilterSerializer, self.request.query_params)
        records = outcomes_visible_to(_user(self.request)).order_by(
            "-recorded_on", "-entered_at", "-pk"
        )
        if params.get("patient"):
            records = records.filter(patient__public_id=params["patient"])
        if params.get("measure"):
            records = records.filter(measure=params["measure"])
        return records

    def post(self, request: Request) -> Response:
        user = _require_role(
            request,
            Role.PATIENT,
            Role.THERAPIST,
            message="Patients and their therapists record outcome measures.",
        )
        data = _validated(OutcomeWriteSerializer, request.data)
        if "patient" in data:
            patient = get_patient_or_404(user, data["patient"])
        elif user.role == Role.PATIENT:
            patient = user
        else:
            raise serializers.ValidationError({"patient": ["This field is required."]})
        try:
            with _service_errors():
                record = services.outcome_record(
                    patient=patient,
                    by=user,
                    measure=data["measure"],
                    recorded_on=data.get("recorded_on") or patient_today(patient),
                    inputs=data["inputs"],
                    note=data["note"],
                )
        except serializers.ValidationError as error:
            # Scoring names the parts of `inputs`; say so, to match the request body.
            assert isinstance(error.detail, dict)
            raise serializers.ValidationError(
                {
                    (key if key in _TOP_LEVEL else f"inputs.{key}"): value
                    for key, value in error.detail.items()
                }
            ) from error
        return Response(
            OutcomeSerializer(get_outcome_or_404(user, record.public_id)).data,
            status=status.HTTP_201_CREATED,
        )


class OutcomeDetail(APIView):
    @extend_schema(
        summary="One recorded outcome measure with its score",
        responses={200: OutcomeSerializer, 403: FORBIDDEN, 404: _not_found("outcome")},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(OutcomeSerializer(get_outcome_or_404(_user(request), id)).data)


# --- Questionnaire schedules --------------------------------------------------------------------


class QuestionnaireSchedules(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary="A patient's questionnaire schedule",
        description=(
            "Which questionnaires the patient is asked for, how often, and when each is next "
            "due. The patient themself, their therapists and clinic staff may read it."
        ),
        responses={200: SchedulesSerializer, 403: FORBIDDEN, 404: _not_found("patient")},
    )
    def get(self, request: Request, id: str) -> Response:
        patient = get_patient_or_404(_user(request), id)
        return Response(_schedules_body(patient))

    @extend_schema(
        summary="Replace a patient's questionnaire schedule",
        description=(
            "The patient's therapists only (others 403). The list replaces the schedule: a "
            "questionnaire left out is no longer asked for; an empty list removes them all."
        ),
        request=SchedulesWriteSerializer,
        examples=[
            OpenApiExample(
                "NDI every two weeks",
                value={
                    "schedules": [{"measure": "ndi", "every_days": 14, "starts_on": "2026-03-02"}]
                },
                request_only=True,
            )
        ],
        responses={
            200: SchedulesSerializer,
            400: _bad_request(("Too often", {"schedules[0].every_days": ["Every 7 to 90 days."]})),
            403: FORBIDDEN,
            404: _not_found("patient"),
        },
    )
    def put(self, request: Request, id: str) -> Response:
        user = _user(request)
        patient = get_patient_or_404(user, id)
        _require_role(request, Role.THERAPIST, message="The patient's therapist sets this.")
        rows = _validated(SchedulesWriteSerializer, request.data)["schedules"]
        index = {row["measure"]: i for i, row in enumerate(rows)}
        try:
            with _service_errors():
                services.questionnaires_replace(
                    patient=patient,
                    by=user,
                    wanted={row["measure"]: (row["every_days"], row["starts_on"]) for row in rows},
                )
        except serializers.ValidationError as error:
            # "ndi.every_days" -> "schedules[0].every_days", the path in the request body.
            assert isinstance(error.detail, dict)
            detail = {}
            for key, value in error.detail.items():
                measure, _, field = key.partition(".")
                detail[f"schedules[{index[measure]}].{field}" if measure in index else key] = value
            raise serializers.ValidationError(detail) from error
        return Response(_schedules_body(patient))
