"""REST API for posture tracking: side photos (metadata, upload, marking), the workstation
checklist and posture breaks.

Same conventions as the programs API (rehab/programs/api/common.py): 400 with field errors and
nothing stored, 403 for a role that may not use the endpoint, 404 for what the caller may not
see. Photo bytes are never in the API: `image_url` is the permission-checked page URL
(/photos/{id}/image/). Clinic staff do not see photos (see posture.py).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import get_patient_or_404, patients_visible_to
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
from rehab.reminders.models import Notification

from . import posture
from .models import WORKSTATION_ITEMS, PostureBreak, PosturePhoto, Side, WorkstationCheck

PHOTO_ROLES = (Role.PATIENT, Role.THERAPIST)
PHOTOS_FORBIDDEN = "Photos are for the patient and their therapists."

# --- Serializers --------------------------------------------------------------------------------


# An inline enum (wrapped in allOf so the schema's enum post-processing leaves it alone): the
# `SideEnum` component is the exercises' left/right/both, and a second enum component named
# after the field would collide with it.
@extend_schema_field({"allOf": [{"type": "string", "enum": list(Side.values)}]})
class PhotoSideField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Side.choices, **kwargs)


class PointField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.FloatField(), min_length=2, max_length=2, allow_empty=False, **kwargs
        )


class CvaSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The CVA outcome record's id.")
    value = serializers.FloatField(help_text="The craniovertebral angle in degrees (0.1).")
    band = serializers.CharField(
        help_text='"forward head" below the 50-degree reference line, else "".'
    )
    recorded_on = serializers.DateField(help_text="The day the photo was taken.")
    tragus = serializers.SerializerMethodField(help_text="[x, y] in the photo's pixels.")
    c7 = serializers.SerializerMethodField(help_text="[x, y] in the photo's pixels.")
    scoring_version = serializers.CharField(help_text="The scoring rules used.")

    @extend_schema_field(PointField())
    def get_tragus(self, outcome: Any) -> list[float]:
        return list(outcome.inputs.get("tragus", []))

    @extend_schema_field(PointField())
    def get_c7(self, outcome: Any) -> list[float]:
        return list(outcome.inputs.get("c7", []))


class PhotoSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The photo's id.")
    patient = PersonSerializer(help_text="Whose photo it is.")
    uploaded_by = PersonSerializer(help_text="Who uploaded it.")
    side = PhotoSideField(help_text="Which side of the patient faces the camera.")
    image_url = serializers.SerializerMethodField(
        help_text="Where the signed-in patient or therapist reads the JPEG (never cached)."
    )
    cva = CvaSerializer(
        source="outcome", allow_null=True, help_text="The angle once marked; null before."
    )

    class Meta:
        model = PosturePhoto
        fields = [
            "id",
            "patient",
            "taken_on",
            "side",
            "width",
            "height",
            "uploaded_at",
            "uploaded_by",
            "image_url",
            "cva",
        ]

    def get_image_url(self, photo: PosturePhoto) -> str:
        return reverse("posture_photo_image", args=[photo.public_id])


class PhotoFilterSerializer(serializers.Serializer):
    patient = serializers.UUIDField(required=False, help_text="Only this patient's photos.")


class PhotoUploadSerializer(serializers.Serializer):
    patient = serializers.UUIDField(
        required=False, help_text="Therapists: the patient (on your caseload). Patients: omit."
    )
    side = PhotoSideField(help_text="Which side of the patient faces the camera.")
    taken_on = serializers.DateField(help_text="The day the photo was taken (not in the future).")
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 10 MB.")


class MarkSerializer(serializers.Serializer):
    tragus = PointField(help_text="The ear point (tragus), [x, y] in the photo's own pixels.")
    c7 = PointField(help_text="The base of the neck (C7), [x, y] in the photo's own pixels.")


class WorkstationCheckSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The check's id.")
    patient = PersonSerializer(help_text="Whose checklist.")
    answers = serializers.DictField(
        child=serializers.BooleanField(), help_text="Each item's key: true for yes."
    )
    score = serializers.IntegerField(help_text="Number of yes answers.")
    out_of = serializers.IntegerField(help_text="Number of items.")

    class Meta:
        model = WorkstationCheck
        fields = ["id", "patient", "checked_on", "entered_at", "answers", "score", "out_of"]


class WorkstationWriteSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        help_text=(
            "Every item answered, true for yes: "
            + ", ".join(f"`{key}` ({question})" for key, question in WORKSTATION_ITEMS)
        ),
    )


class WorkstationFilterSerializer(serializers.Serializer):
    patient = serializers.UUIDField(required=False, help_text="Only this patient's checks.")


class PostureBreakWriteSerializer(serializers.Serializer):
    notification = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The posture reminder this answers (optional); a reminder counts once.",
    )


class PostureBreakSerializer(serializers.ModelSerializer):
    done_on = serializers.DateField(help_text="The patient's local date.")
    done_at = serializers.DateTimeField(help_text="When it was recorded.")
    notification = serializers.SerializerMethodField(
        help_text="The posture reminder it answered, if any."
    )
    today = serializers.SerializerMethodField(help_text="Posture breaks counted today so far.")

    class Meta:
        model = PostureBreak
        fields = ["done_on", "done_at", "notification", "today"]

    def get_notification(self, done: PostureBreak) -> str | None:
        return str(done.notification.public_id) if done.notification else None

    def get_today(self, done: PostureBreak) -> int:
        return posture.posture_breaks_today(done.patient)


# --- Photos -------------------------------------------------------------------------------------


def _photo_or_404(user: User, id: str) -> PosturePhoto:
    try:
        return posture.get_photo_or_404(user, id)
    except Http404 as exc:
        raise Http404("No such photo.") from exc


@extend_schema_view(
    get=extend_schema(
        summary="Side photos (metadata only)",
        description=(
            "Patients see their own; therapists those of patients on their caseload (filter with "
            "`patient`). Clinic staff get 403. Newest first."
        ),
        parameters=[PhotoFilterSerializer],
        responses={
            200: PhotoSerializer(many=True),
            400: _bad_request(("Bad filter", {"patient": ["Must be a valid UUID."]})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Upload a side photo",
        description=(
            "multipart/form-data. The file is decoded (JPEG, PNG or WebP only; at most 10 MB "
            "and 50 megapixels; at least 200 pixels across), turned upright, shrunk to 1600 "
            "pixels and re-encoded without any metadata. A patient uploads their own; a "
            "therapist one for a patient on their caseload (`patient`)."
        ),
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={
            201: OpenApiResponse(PhotoSerializer, description="Stored; mark it next."),
            400: _bad_request(
                ("Not a photo", {"image": [posture.NOT_AN_IMAGE]}),
                ("Too big", {"image": [posture.TOO_BIG]}),
            ),
            403: FORBIDDEN,
            404: _not_found("patient"),
        },
    ),
)
class PhotoList(generics.ListAPIView):
    serializer_class = PhotoSerializer
    # JSON only so that a JSON body is answered with its field errors (no file in JSON).
    parser_classes = [MultiPartParser, *_JSON]

    def get_queryset(self) -> QuerySet[PosturePhoto]:
        user = _require_role(self.request, *PHOTO_ROLES, message=PHOTOS_FORBIDDEN)
        params = _validated(PhotoFilterSerializer, self.request.query_params)
        photos = posture.photos_visible_to(user)
        if params.get("patient"):
            photos = photos.filter(patient__public_id=params["patient"])
        return photos.order_by("-taken_on", "-uploaded_at", "-pk")

    def post(self, request: Request) -> Response:
        user = _require_role(request, *PHOTO_ROLES, message=PHOTOS_FORBIDDEN)
        data = _validated(PhotoUploadSerializer, request.data)
        if user.role == Role.PATIENT:
            patient = user
        elif data.get("patient"):
            patient = get_patient_or_404(user, data["patient"])
        else:
            raise serializers.ValidationError({"patient": ["Choose the patient."]})
        upload = data["image"]
        with _service_errors():
            photo = posture.photo_upload(
                patient=patient,
                by=user,
                side=data["side"],
                taken_on=data["taken_on"],
                upload=upload,
                size=upload.size,
            )
        photo = posture.get_photo_or_404(user, photo.public_id)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class PhotoDetail(APIView):
    @extend_schema(
        summary="One side photo's metadata and angle",
        responses={200: PhotoSerializer, 403: FORBIDDEN, 404: _not_found("photo")},
    )
    def get(self, request: Request, id: str) -> Response:
        return Response(PhotoSerializer(_photo_or_404(_user(request), id)).data)

    @extend_schema(
        summary="Delete a side photo (the patient only)",
        description=(
            "Removes the file and the photo; the angle measured from it stays in the patient's "
            "outcomes. Therapists get 403."
        ),
        responses={204: None, 403: FORBIDDEN, 404: _not_found("photo")},
    )
    def delete(self, request: Request, id: str) -> Response:
        user = _user(request)
        photo = _photo_or_404(user, id)
        if not posture.may_delete_photo(user, photo):
            raise PermissionDenied("Only the patient can delete their photo.")
        with _service_errors():
            posture.photo_delete(photo=photo, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoMark(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary="Mark the ear (tragus) and C7 on a photo: the server computes the angle",
        description=(
            "Points are [x, y] in the photo's own pixels (`width` x `height`, y pointing down) "
            "and must lie inside it. The first marking records a CVA outcome dated `taken_on`; "
            "marking again corrects that same outcome (one angle per photo). The patient or "
            "their therapist."
        ),
        request=MarkSerializer,
        examples=[
            OpenApiExample(
                "Marked", value={"tragus": [620.0, 300.0], "c7": [400.0, 560.0]}, request_only=True
            )
        ],
        responses={
            200: OpenApiResponse(PhotoSerializer, description="The photo with its angle."),
            400: _bad_request(
                ("Outside", {"tragus": ["This point is outside the photo. Mark it on the photo."]}),
                ("Ear below C7", {"tragus": ["The ear point should be above the C7 point."]}),
            ),
            403: FORBIDDEN,
            404: _not_found("photo"),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        user = _user(request)
        photo = _photo_or_404(user, id)
        data = _validated(MarkSerializer, request.data)
        with _service_errors():
            posture.photo_mark(photo=photo, by=user, tragus=data["tragus"], c7=data["c7"])
        return Response(PhotoSerializer(posture.get_photo_or_404(user, id)).data)


# --- Workstation checklist ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="Workstation checklist history",
        description=(
            "Patients see their own; therapists those of patients on their caseload (filter with "
            "`patient`). Clinic staff get 403. Newest first."
        ),
        parameters=[WorkstationFilterSerializer],
        responses={
            200: WorkstationCheckSerializer(many=True),
            400: _bad_request(("Bad filter", {"patient": ["Must be a valid UUID."]})),
            403: FORBIDDEN,
        },
    ),
    post=extend_schema(
        summary="Fill in the workstation checklist (patients)",
        description="Every item answered; the score is the number of yes answers.",
        request=WorkstationWriteSerializer,
        examples=[
            OpenApiExample(
                "All yes",
                value={"answers": {key: True for key, _ in WORKSTATION_ITEMS}},
                request_only=True,
            )
        ],
        responses={
            201: OpenApiResponse(WorkstationCheckSerializer, description="Stored."),
            400: _bad_request(("Unanswered", {"pillow": ["Please answer yes or no."]})),
            403: FORBIDDEN,
        },
    ),
)
class WorkstationCheckList(generics.ListAPIView):
    serializer_class = WorkstationCheckSerializer
    parser_classes = _JSON

    def get_queryset(self) -> QuerySet[WorkstationCheck]:
        user = _require_role(
            self.request,
            *PHOTO_ROLES,
            message="The checklist is for the patient and their therapists.",
        )
        params = _validated(WorkstationFilterSerializer, self.request.query_params)
        checks = WorkstationCheck.objects.filter(
            patient__in=patients_visible_to(user).values("pk")
        ).select_related("patient")
        if params.get("patient"):
            checks = checks.filter(patient__public_id=params["patient"])
        return checks.order_by("-checked_on", "-entered_at", "-pk")

    def post(self, request: Request) -> Response:
        patient = _require_role(
            request, Role.PATIENT, message="Patients fill in their own checklist."
        )
        data = _validated(WorkstationWriteSerializer, request.data)
        with _service_errors():
            check = posture.workstation_check_submit(
                patient=patient, by=patient, answers=data["answers"]
            )
        return Response(WorkstationCheckSerializer(check).data, status=status.HTTP_201_CREATED)


# --- Posture breaks -----------------------------------------------------------------------------


class PostureBreakCreate(APIView):
    parser_classes = _JSON

    @extend_schema(
        summary='"I took a posture break" (patients)',
        description=(
            "Counted on the patient's local date. With `notification` (one of the patient's own "
            "posture reminders) it answers that reminder and marks it read; sending it again "
            "counts nothing more and answers 200 with the break already counted."
        ),
        request=PostureBreakWriteSerializer,
        responses={
            201: OpenApiResponse(PostureBreakSerializer, description="Counted."),
            200: OpenApiResponse(
                PostureBreakSerializer, description="This reminder was already answered."
            ),
            400: _bad_request(("Bad id", {"notification": ["Must be a valid UUID."]})),
            403: FORBIDDEN,
            404: _not_found("posture reminder"),
        },
    )
    def post(self, request: Request) -> Response:
        patient = _require_role(request, Role.PATIENT, message="Only patients take posture breaks.")
        data = _validated(PostureBreakWriteSerializer, request.data)
        try:
            with _service_errors():
                done, created = posture.posture_break_record(
                    patient=patient, notification_id=data.get("notification")
                )
        except Notification.DoesNotExist as exc:
            raise Http404("No such posture reminder.") from exc
        return Response(
            PostureBreakSerializer(done).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
