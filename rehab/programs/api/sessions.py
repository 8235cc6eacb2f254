"""Today's plan and session logs (log, list, read, correct, delete)."""

from datetime import timedelta
from typing import Any

from django.db.models import (
    FloatField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from rehab.programs import selectors, services
from rehab.programs.models import ExerciseLog, SessionLog

from .common import (
    _JSON,
    FORBIDDEN,
    ErrorDetailSerializer,
    _bad_request,
    _idempotency_key,
    _invalid,
    _not_found,
    _require_role,
    _service_errors,
    _user,
    _validated,
)
from .serializers import (
    SessionFilterSerializer,
    SessionSerializer,
    SessionWriteSerializer,
    TodayQuerySerializer,
    TodaySerializer,
    session_data,
)

# --- Queries and conversions --------------------------------------------------------------------


def _entries() -> Prefetch:
    # A fresh Prefetch each time: Django annotates the queryset it holds with the instances.
    return Prefetch(
        "entries",
        queryset=ExerciseLog.objects.select_related("item__exercise").order_by(
            "item__position", "pk"
        ),
    )


def _sessions(viewer: User) -> QuerySet[SessionLog]:
    """Sessions the viewer may see, newest first, with everything the list shows joined in."""
    return (
        selectors.sessions_visible_to(viewer)
        .select_related("patient", "program", "version")
        .prefetch_related(_entries())
        .order_by("-performed_on", "-logged_at", "-pk")
    )


def _session_response(session: SessionLog, code: int = status.HTTP_200_OK) -> Response:
    prefetch_related_objects([session], "patient", "program", "version", _entries())
    return Response(session_data(session), status=code)


def _session_spec(data: dict[str, Any]) -> services.SessionSpec:
    return services.SessionSpec(
        performed_on=data["performed_on"],
        pain_before=data["pain_before"],
        pain_after=data["pain_after"],
        difficulty=data["difficulty"],
        note=data["note"],
        entries=[
            services.EntrySpec(
                item_id=entry["item"],
                sets_done=entry["sets_done"],
                reps_done=entry["reps_done"],
                hold_seconds_done=entry["hold_seconds_done"],
                skipped=entry["skipped"],
                skip_reason=entry["skip_reason"],
            )
            for entry in data["entries"]
        ],
    )


def _session_as_input(session: SessionLog) -> dict[str, Any]:
    """A stored session in the request format, the base a PATCH is applied to."""
    return {
        "performed_on": session.performed_on.isoformat(),
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "difficulty": session.difficulty,
        "note": session.note,
        "entries": [
            {
                "item": entry.item_id,
                "sets_done": entry.sets_done,
                "reps_done": entry.reps_done,
                "hold_seconds_done": entry.hold_seconds_done,
                "skipped": entry.skipped,
                "skip_reason": entry.skip_reason,
            }
            for entry in session.entries.order_by("item__position", "pk")
        ],
    }


# --- Today --------------------------------------------------------------------------------------


class Today(APIView):
    @extend_schema(
        summary="What is due on a day (patients)",
        description=(
            "The exercises due on the patient's local date, with instructions and dosage, the "
            "doses already logged, and totals. `day` defaults to today and may go back "
            f"{services.BACKFILL_DAYS} days (the days a session can still be logged for)."
        ),
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="YYYY-MM-DD.")],
        responses={
            200: OpenApiResponse(TodaySerializer, description="The day's plan."),
            400: _bad_request(
                ("Too far back", {"day": ["Choose today or one of the last 7 days."]})
            ),
            403: FORBIDDEN,
        },
    )
    def get(self, request: Request) -> Response:
        patient = _require_role(request, Role.PATIENT, message="Today's plan is for patients.")
        local_today = services.patient_today(patient)
        earliest = local_today - timedelta(days=services.BACKFILL_DAYS)
        day = _validated(TodayQuerySerializer, request.query_params).get("day") or local_today
        if not earliest <= day <= local_today:
            raise _invalid("day", f"Choose today or one of the last {services.BACKFILL_DAYS} days.")
        done = (
            ExerciseLog.objects.filter(
                item=OuterRef("pk"), performed_on=day, session__patient=patient
            )
            .values("item")
            .annotate(doses=Sum("dose_fraction"))
            .values("doses")
        )
        items = list(
            selectors.items_due(patient=patient, on=day).annotate(
                doses_done=Coalesce(Subquery(done), Value(0.0), output_field=FloatField())
            )
        )
        data = {
            "day": day,
            "today": local_today,
            "earliest_day": earliest,
            "doses_expected": sum(item.times_per_day for item in items),
            "doses_done": sum(min(item.doses_done, item.times_per_day) for item in items),
            "items": items,
        }
        return Response(TodaySerializer(data).data)


# --- Sessions -----------------------------------------------------------------------------------

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Up to 100 characters, unique per logging attempt (a UUID). Repeating a request with "
        "the same key and body returns the first result (200) and stores nothing; the same key "
        "with a different body is a 422."
    ),
)
_PATIENT_ONLY_WRITE = "Only the patient can change their sessions."
SKIP_MESSAGE = "Tell your therapist why you skipped it."


@extend_schema_view(
    get=extend_schema(
        summary="List sessions",
        description=(
            "Patients see their own sessions; therapists their caseload's; staff their clinic's. "
            "Newest first, 20 a page, each with its exercises."
        ),
        parameters=[
            OpenApiParameter("patient", OpenApiTypes.UUID, description="Only this patient's."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Performed on or after."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Performed on or before."),
        ],
        responses={
            200: OpenApiResponse(SessionSerializer, description="A page of sessions."),
            400: _bad_request(("Bad date", {"from": ["Date has wrong format."]})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Log a session (patients)",
        description=(
            "Log what was done of the exercises due on `performed_on` (today or up to "
            f"{services.BACKFILL_DAYS} days back), one program per session. Each entry's "
            "`item` is the item `id` from /api/v1/today/. Send an `Idempotency-Key` so a retry "
            "never stores the session twice."
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=SessionWriteSerializer,
        responses={
            201: OpenApiResponse(SessionSerializer, description="Logged."),
            200: OpenApiResponse(
                SessionSerializer,
                description="Already logged with this Idempotency-Key: the first result.",
            ),
            400: _bad_request(
                ("Skipped without a reason", {"entries[0].skip_reason": [SKIP_MESSAGE]}),
                (
                    "Too long a key",
                    {"detail": "The Idempotency-Key header is at most 100 characters."},
                ),
            ),
            403: OpenApiResponse(ErrorDetailSerializer, description="Only patients log sessions."),
            422: OpenApiResponse(
                ErrorDetailSerializer,
                description="The Idempotency-Key was used before with a different body.",
            ),
        },
    ),
)
class SessionList(generics.ListAPIView):
    serializer_class = SessionSerializer
    parser_classes = _JSON

    def get_queryset(self) -> QuerySet[SessionLog]:
        params = _validated(SessionFilterSerializer, self.request.query_params)
        sessions = _sessions(_user(self.request))
        if "patient" in params:
            sessions = sessions.filter(patient__public_id=params["patient"])
        if params.get("from"):
            sessions = sessions.filter(performed_on__gte=params["from"])
        if params.get("to"):
            sessions = sessions.filter(performed_on__lte=params["to"])
        return sessions

    def post(self, request: Request) -> Response:
        patient = _require_role(request, Role.PATIENT, message="Only patients log sessions.")
        key = _idempotency_key(request)
        spec = _session_spec(_validated(SessionWriteSerializer, request.data))
        with _service_errors():
            session, created = services.session_log_create(
                patient=patient, spec=spec, idempotency_key=key
            )
        return _session_response(
            session, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


_EDIT_DESCRIPTION = (
    "Only the patient, within 24 hours of logging it (later: 400 with a `detail`). The date "
    "can't change. Entries are matched by `item`: existing ones keep their target snapshot, "
    "new ones must be due that day, missing ones are removed."
)
_SESSION_WRITE_ERRORS = {
    400: _bad_request(
        (
            "Too late",
            {"detail": "A session can be changed or deleted for 24 hours after it was logged."},
        ),
        ("Date changed", {"performed_on": ["The date can't be changed."]}),
    ),
    403: OpenApiResponse(ErrorDetailSerializer, description=_PATIENT_ONLY_WRITE),
    404: _not_found("session"),
}


class SessionDetail(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary="One session with its exercises",
        description="The patient, their therapists and their clinic's staff; others get 404.",
        responses={
            200: OpenApiResponse(SessionSerializer, description="The session."),
            403: FORBIDDEN,
            404: _not_found("session"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return _session_response(selectors.get_session_or_404(_user(request), id))

    @extend_schema(
        summary="Correct a session (patients, within 24 hours)",
        description=_EDIT_DESCRIPTION + " PUT sends the whole session.",
        request=SessionWriteSerializer,
        responses={
            200: OpenApiResponse(SessionSerializer, description="Corrected."),
            **_SESSION_WRITE_ERRORS,
        },
    )
    def put(self, request: Request, id: str) -> Response:
        return self._update(request, id, partial=False)

    @extend_schema(
        summary="Correct part of a session (patients, within 24 hours)",
        description=_EDIT_DESCRIPTION
        + " PATCH sends only the top-level fields that change; `entries`, when sent, is the "
        "whole new list.",
        request=SessionWriteSerializer(partial=True),
        responses={
            200: OpenApiResponse(SessionSerializer, description="Corrected."),
            **_SESSION_WRITE_ERRORS,
        },
    )
    def patch(self, request: Request, id: str) -> Response:
        return self._update(request, id, partial=True)

    def _update(self, request: Request, id: str, *, partial: bool) -> Response:
        patient = _require_role(request, Role.PATIENT, message=_PATIENT_ONLY_WRITE)
        session = selectors.get_session_or_404(patient, id)
        body = request.data
        if partial:
            if not isinstance(body, dict):
                raise serializers.ValidationError({"detail": "Send a JSON object."})
            body = {**_session_as_input(session), **body}
        spec = _session_spec(_validated(SessionWriteSerializer, body))
        with _service_errors():
            session = services.session_log_update(patient=patient, session=session, spec=spec)
        return _session_response(session)

    @extend_schema(
        summary="Delete a session (patients, within 24 hours)",
        description="Only the patient, within 24 hours of logging it (later: 400).",
        responses={
            204: OpenApiResponse(description="Deleted, with its entries."),
            **_SESSION_WRITE_ERRORS,
        },
    )
    def delete(self, request: Request, id: str) -> Response:
        patient = _require_role(request, Role.PATIENT, message=_PATIENT_ONLY_WRITE)
        session = selectors.get_session_or_404(patient, id)
        with _service_errors():
            services.session_log_delete(patient=patient, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)
