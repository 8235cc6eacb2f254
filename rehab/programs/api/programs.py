"""Programs (prescribe, change, pause, resume, end, read) and the protocols they start from."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db.models import Max, Prefetch, QuerySet, prefetch_related_objects
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

from accounts.access import patients_visible_to
from accounts.models import Role, User
from exercises.selectors import exercises_visible_to
from rehab.programs import selectors, services
from rehab.programs.models import (
    Program,
    ProgramItem,
    ProgramPause,
    ProgramVersion,
    Protocol,
    ProtocolItem,
    Status,
)

from .common import (
    _JSON,
    FORBIDDEN,
    _bad_request,
    _invalid,
    _not_found,
    _require_role,
    _service_errors,
    _user,
    _validated,
)
from .serializers import (
    ProgramCreateSerializer,
    ProgramDetailSerializer,
    ProgramFilterSerializer,
    ProgramSerializer,
    ProtocolSerializer,
    StateChangeSerializer,
    VersionCreateSerializer,
)

# --- Queries and conversions --------------------------------------------------------------------


def _program_response(program: Program, code: int = status.HTTP_200_OK) -> Response:
    """The program as it is now in the database, with versions, items, pauses and adherence."""
    program = (
        Program.objects.select_related("patient__patient_profile")
        .annotate(current_version=Max("versions__number"))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProgramVersion.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ProgramItem.objects.select_related("exercise").order_by(
                            "position"
                        ),
                    )
                ),
            ),
            Prefetch("pauses", queryset=ProgramPause.objects.order_by("starts_on", "pk")),
        )
        .get(pk=program.pk)
    )
    today = services.patient_today(program.patient)
    end = min(today, program.end_date) if program.end_date else today
    days = (
        selectors.adherence_by_day(
            patient=program.patient, start=program.start_date, end=end, program=program
        )
        if program.start_date <= end
        else []
    )
    week_start = today - timedelta(days=today.weekday())
    adherence = {
        "this_week": selectors.adherence_ratio([d for d in days if d.day >= week_start]),
        "overall": selectors.adherence_ratio(days),
    }
    data = ProgramDetailSerializer(program, context={"adherence": adherence}).data
    return Response(data, status=code)


def _item_specs(viewer: User, items: list[dict[str, Any]]) -> list[services.ItemSpec]:
    """Item input with exercise UUIDs resolved (among the exercises the viewer may use)."""
    wanted = {item["exercise"] for item in items}
    ids = dict(
        exercises_visible_to(viewer).filter(public_id__in=wanted).values_list("public_id", "id")
    )
    missing = {
        f"items[{index}].exercise": ["Choose an exercise from the library."]
        for index, item in enumerate(items)
        if item["exercise"] not in ids
    }
    if missing:
        raise serializers.ValidationError(missing)
    return [
        services.ItemSpec(
            exercise_id=ids[item["exercise"]],
            **{key: value for key, value in item.items() if key != "exercise"},
        )
        for item in items
    ]


def _prescription(therapist: User, data: dict[str, Any]) -> dict[str, Any]:
    """program_create's arguments from a create request: the patient and the protocol resolved
    among those the therapist may use (else a 400 on that field), the protocol's items, title
    and notes as defaults."""
    patient = (
        patients_visible_to(therapist)
        .select_related("patient_profile")
        .filter(public_id=data["patient"])
        .first()
    )
    if patient is None:
        raise _invalid("patient", "Choose a patient on your caseload.")
    protocol = None
    if data.get("protocol"):
        protocol = (
            selectors.protocols_visible_to(therapist).filter(public_id=data["protocol"]).first()
        )
        if protocol is None:
            raise _invalid("protocol", "Choose a shared protocol or one of your clinic's.")
    if data.get("items"):
        items = _item_specs(therapist, data["items"])
    else:
        assert protocol is not None  # the serializer requires items or a protocol
        items = services.protocol_item_specs(protocol)
    return {
        "patient": patient,
        "title": data.get("title") or (protocol.name if protocol else ""),
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "notes_for_patient": data.get(
            "notes_for_patient", protocol.notes_for_patient if protocol else ""
        ),
        "items": items,
    }


# --- Programs -----------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="List programs",
        description=(
            "Therapists see their caseload's programs, staff their clinic's, patients their own. "
            "Newest start first, 20 a page."
        ),
        parameters=[
            OpenApiParameter("patient", OpenApiTypes.UUID, description="Only this patient's."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
        ],
        responses={
            200: OpenApiResponse(ProgramSerializer, description="A page of programs."),
            400: _bad_request(("Unknown status", {"status": ['"lost" is not a valid choice.']})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Prescribe a program (therapists)",
        description=(
            "Creates version 1 for a patient on your caseload, from `items` or from a "
            "`protocol` (its items, name and notes become the defaults; `items` win when both "
            "are given). A patient who is not on your caseload is a 400 on `patient`."
        ),
        request=ProgramCreateSerializer,
        responses={
            201: OpenApiResponse(ProgramDetailSerializer, description="Prescribed."),
            400: _bad_request(
                (
                    "Dosage out of range",
                    {"items[0].sets": ["Must be a whole number from 1 to 20."]},
                ),
                ("Not on your caseload", {"patient": ["Choose a patient on your caseload."]}),
            ),
            403: FORBIDDEN,
        },
    ),
)
class ProgramList(generics.ListAPIView):
    serializer_class = ProgramSerializer
    parser_classes = _JSON

    def get_queryset(self) -> QuerySet[Program]:
        params = _validated(ProgramFilterSerializer, self.request.query_params)
        programs = selectors.programs_visible_to(_user(self.request))
        if "patient" in params:
            programs = programs.filter(patient__public_id=params["patient"])
        if "status" in params:
            programs = programs.filter(status=params["status"])
        return (
            programs.select_related("patient")
            .annotate(current_version=Max("versions__number"))
            .order_by("-start_date", "-pk")
        )

    def post(self, request: Request) -> Response:
        therapist = _require_role(
            request, Role.THERAPIST, message="Only therapists prescribe programs."
        )
        data = _validated(ProgramCreateSerializer, request.data)
        with _service_errors():
            program = services.program_create(therapist=therapist, **_prescription(therapist, data))
        return _program_response(program, status.HTTP_201_CREATED)


class ProgramDetail(APIView):
    @extend_schema(
        summary="One program with its versions, pauses and adherence",
        description="Anyone who may see the patient: the patient, their therapists, clinic staff.",
        responses={
            200: OpenApiResponse(ProgramDetailSerializer, description="The program."),
            403: FORBIDDEN,
            404: _not_found("program"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        return _program_response(selectors.get_program_or_404(_user(request), id))


class ProgramVersionCreate(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary="Change a program: add a version (therapists)",
        description=(
            "The new version is in force from `effective_from` (after the current version's "
            "start); earlier versions, and the targets of sessions logged against them, stay "
            "as they were. Ended programs cannot change."
        ),
        request=VersionCreateSerializer,
        responses={
            201: OpenApiResponse(ProgramDetailSerializer, description="Version added."),
            400: _bad_request(
                ("Too early", {"effective_from": ["Choose a date after 02 Mar 2026."]}),
                ("Ended", {"detail": "An ended program cannot be changed."}),
            ),
            403: FORBIDDEN,
            404: _not_found("program"),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        therapist = _require_role(
            request, Role.THERAPIST, message="Only therapists change programs."
        )
        program = selectors.get_program_or_404(therapist, id)
        data = _validated(VersionCreateSerializer, request.data)
        items = _item_specs(therapist, data["items"])
        with _service_errors():
            services.program_revise(
                program=program,
                by=therapist,
                effective_from=data["effective_from"],
                items=items,
                change_note=data["change_note"],
            )
        return _program_response(program, status.HTTP_201_CREATED)


class _ProgramStateChange(APIView):
    parser_classes = _JSON
    change: Callable[..., None]

    def post(self, request: Request, id: str) -> Response:
        therapist = _require_role(
            request, Role.THERAPIST, message="Only therapists change programs."
        )
        program = selectors.get_program_or_404(therapist, id)
        on = _validated(StateChangeSerializer, request.data)["on"]
        with _service_errors():
            type(self).change(program=program, on=on or services.patient_today(program.patient))
        return _program_response(program)


def _state_change_schema(summary: str, description: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description
            + ' Optional body `{"on": "YYYY-MM-DD"}`; the default is the patient\'s today.',
            request=StateChangeSerializer,
            responses={
                200: OpenApiResponse(ProgramDetailSerializer, description="Done."),
                400: _bad_request(
                    ("Wrong state", {"detail": "Only an active program can be paused."})
                ),
                403: FORBIDDEN,
                404: _not_found("program"),
            },
        )
    )


@_state_change_schema(
    "Pause a program (therapists)",
    "Nothing is expected from `on` until it is resumed. Only an active program can be paused.",
)
class ProgramPauseView(_ProgramStateChange):
    change = staticmethod(services.program_pause)


@_state_change_schema(
    "Resume a paused program (therapists)",
    "Doses are expected again from `on`. Only a paused program can be resumed.",
)
class ProgramResumeView(_ProgramStateChange):
    change = staticmethod(services.program_resume)


@_state_change_schema(
    "End a program (therapists)",
    "`on` is the last day anything is expected; nothing can be logged after it. "
    "Ending an ended program changes nothing.",
)
class ProgramEndView(_ProgramStateChange):
    change = staticmethod(services.program_end)


# --- Protocols ----------------------------------------------------------------------------------


def _protocol_items() -> Prefetch:
    return Prefetch(
        "items", queryset=ProtocolItem.objects.select_related("exercise").order_by("position")
    )


_CARE_TEAM_ONLY = "Protocols are for therapists and clinic staff."


@extend_schema_view(
    get=extend_schema(
        summary="List protocols (therapists and staff)",
        description="The shared starter protocols and your clinic's own, by name, 20 a page.",
        responses={
            200: OpenApiResponse(ProtocolSerializer, description="A page of protocols."),
            403: FORBIDDEN,
        },
    )
)
class ProtocolList(generics.ListAPIView):
    serializer_class = ProtocolSerializer

    def get_queryset(self) -> QuerySet[Protocol]:
        viewer = _require_role(self.request, Role.THERAPIST, Role.STAFF, message=_CARE_TEAM_ONLY)
        return (
            selectors.protocols_visible_to(viewer)
            .prefetch_related(_protocol_items())
            .order_by("name", "pk")
        )


class ProtocolDetail(APIView):
    @extend_schema(
        summary="One protocol with its items (therapists and staff)",
        description="A shared protocol or one of your clinic's; another clinic's answers 404.",
        responses={
            200: OpenApiResponse(ProtocolSerializer, description="The protocol."),
            403: FORBIDDEN,
            404: _not_found("protocol"),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        viewer = _require_role(request, Role.THERAPIST, Role.STAFF, message=_CARE_TEAM_ONLY)
        protocol = selectors.get_protocol_or_404(viewer, id)
        prefetch_related_objects([protocol], _protocol_items())
        return Response(ProtocolSerializer(protocol).data)
