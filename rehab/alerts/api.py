"""REST API for alerts (care team) and red-flag check-ins.

Same conventions as the programs API (rehab/programs/api/common.py): 400 with field errors and
nothing stored, 403 for a role that may not use the endpoint, 404 for what the caller may not see.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
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

from . import selectors, services
from .models import RED_FLAG_QUESTIONS, Alert, RedFlagCheckin, Rule

# --- Serializers --------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The person's id.")
    name = serializers.CharField(source="full_name", help_text="Their full name.")


class AlertSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The alert's id.")
    patient = PersonSerializer(help_text="Whom the alert is about.")
    rule = serializers.ChoiceField(choices=Rule.choices, help_text="The rule that raised it.")
    reason = serializers.CharField(help_text="Why, in words, with the figures.")
    # DRF's metaclass moves declared fields off the class, so this does not shadow `.data`.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text=(
            "The data behind it. pain_high/pain_rise: session, performed_on, pain_before, "
            "pain_after (and threshold, or baseline and rise); no_session: last_session_on, "
            "days_without, clinic_setting_days; red_flag: answers (the questions answered yes) "
            "and note."
        )
    )
    created_at = serializers.DateTimeField(help_text="When the rule raised it.")
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When a therapist acknowledged it; null while open."
    )
    acknowledged_by = PersonSerializer(allow_null=True, help_text="Who acknowledged it.")
    acknowledgement_note = serializers.CharField(help_text="What they did or decided.")

    class Meta:
        model = Alert
        fields = [
            "id",
            "patient",
            "rule",
            "reason",
            "data",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
        ]


class AlertFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["open", "acknowledged", "all"], required=False, default="open"
    )
    rule = serializers.ChoiceField(choices=Rule.choices, required=False)
    patient = serializers.UUIDField(required=False)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, help_text="What you did or decided; kept with the alert."
    )


class CheckinSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The check-in's id.")
    patient = PersonSerializer(read_only=True, help_text="Who answered.")
    answered_at = serializers.DateTimeField(read_only=True, help_text="When.")
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Every question's key with true (yes) or false (no).",
    )
    positive = serializers.BooleanField(read_only=True, help_text="True if any answer was yes.")
    note = serializers.CharField(help_text="The patient's note, if any.")
    advice = serializers.SerializerMethodField(
        help_text="What the patient should do now; null when every answer was no."
    )

    class Meta:
        model = RedFlagCheckin
        fields = ["id", "patient", "answered_at", "answers", "positive", "note", "advice"]

    def get_advice(self, checkin: RedFlagCheckin) -> str | None:
        return services.ADVICE if checkin.positive else None


class CheckinWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        help_text=(
            "Every question answered, true for yes: "
            + ", ".join(f"`{key}` ({label})" for key, label in RED_FLAG_QUESTIONS)
        ),
    )
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default="", help_text="Optional."
    )


class CheckinFilterSerializer(serializers.Serializer):
    patient = serializers.UUIDField(required=False)


# --- Alerts -----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Alerts for the caller's patients",
        description=(
            "Therapists see alerts about the patients on their caseload, clinic staff those of "
            "their clinic; patients get 403. Newest first; `status` defaults to open."
        ),
        parameters=[AlertFilterSerializer],
        responses={
            200: AlertSerializer(many=True),
            400: _bad_request(("Bad filter", {"status": ['"x" is not a valid choice.']})),
            403: FORBIDDEN,
        },
    )
)
class AlertList(generics.ListAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        _require_role(
            self.request, Role.THERAPIST, Role.STAFF, message="Alerts are for the care team."
        )
        params = _validated(AlertFilterSerializer, self.request.query_params)
        alerts = selectors.alerts_visible_to(_user(self.request)).order_by("-created_at", "-pk")
        if params["status"] == "open":
            alerts = alerts.filter(acknowledged_at=None)
        elif params["status"] == "acknowledged":
            alerts = alerts.exclude(acknowledged_at=None)
        if params.get("rule"):
            alerts = alerts.filter(rule=params["rule"])
        if params.get("patient"):
            alerts = alerts.filter(patient__public_id=params["patient"])
        return alerts


class AlertDetail(APIView):
    @extend_schema(
        summary="One alert with the data behind it",
        responses={200: AlertSerializer, 403: FORBIDDEN, 404: _not_found("alert")},
    )
    def get(self, request: Request, id: str) -> Response:
        _require_role(request, Role.THERAPIST, Role.STAFF, message="Alerts are for the care team.")
        return Response(AlertSerializer(selectors.get_alert_or_404(_user(request), id)).data)


class AlertAcknowledge(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary="Acknowledge an alert with a note",
        description=(
            "Only the patient's therapists (staff see alerts but get 403). Once: acknowledging "
            "again answers 400 and keeps the first note."
        ),
        request=AcknowledgeSerializer,
        responses={
            200: OpenApiResponse(AlertSerializer, description="The acknowledged alert."),
            400: _bad_request(
                ("No note", {"note": ["This field is required."]}),
                ("Already", {"note": ["This alert was already acknowledged."]}),
            ),
            403: FORBIDDEN,
            404: _not_found("alert"),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        user = _require_role(
            request, Role.THERAPIST, Role.STAFF, message="Alerts are for the care team."
        )
        alert = selectors.get_alert_or_404(user, id)
        _require_role(request, Role.THERAPIST, message="The patient's therapist acknowledges.")
        data = _validated(AcknowledgeSerializer, request.data)
        with _service_errors():
            alert = services.acknowledge(alert=alert, by=user, note=data["note"])
        return Response(AlertSerializer(selectors.get_alert_or_404(user, alert.public_id)).data)


# --- Red-flag check-ins -----------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Red-flag check-ins",
        description="Patients see their own; therapists and staff those of patients they see.",
        parameters=[CheckinFilterSerializer],
        responses={
            200: CheckinSerializer(many=True),
            400: _bad_request(("Bad filter", {"patient": ["Must be a valid UUID."]})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Answer the weekly red-flag check-in",
        description=(
            "Patients only. Every question must be answered. A yes alerts the patient's "
            "therapists at once (in the app, and by email through the outbox) and the response "
            "carries `advice` to show the patient."
        ),
        request=CheckinWriteSerializer,
        examples=[
            OpenApiExample(
                "All clear",
                value={"answers": {key: False for key, _ in RED_FLAG_QUESTIONS}, "note": ""},
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(CheckinSerializer, description="The stored check-in."),
            400: _bad_request(("Unanswered", {"walking": ["Please answer yes or no."]})),
            403: FORBIDDEN,
        },
    ),
)
class CheckinList(generics.ListAPIView):
    serializer_class = CheckinSerializer
    parser_classes = _JSON

    def get_queryset(self) -> QuerySet[RedFlagCheckin]:
        params = _validated(CheckinFilterSerializer, self.request.query_params)
        checkins = selectors.checkins_visible_to(_user(self.request)).order_by(
            "-answered_at", "-pk"
        )
        if params.get("patient"):
            checkins = checkins.filter(patient__public_id=params["patient"])
        return checkins

    def post(self, request: Request) -> Response:
        patient = _require_role(request, Role.PATIENT, message="Only patients answer check-ins.")
        data = _validated(CheckinWriteSerializer, request.data)
        with _service_errors():
            checkin = services.checkin_submit(
                patient=patient, answers=data["answers"], note=data["note"]
            )
        return Response(CheckinSerializer(checkin).data, status=status.HTTP_201_CREATED)
