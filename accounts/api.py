"""/api/v1/me/: who the caller is, for clients deciding what to show; /api/v1/ping/: whether
the session is still signed in."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_errors import FORBIDDEN

from .models import User


class ClinicSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    clinic = ClinicSerializer(read_only=True, allow_null=True)
    time_zone = serializers.SerializerMethodField(
        help_text="The patient's IANA time zone; null for other roles."
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "clinic", "time_zone"]

    def get_time_zone(self, user: User) -> str | None:
        profile = getattr(user, "patient_profile", None) if user.is_patient else None
        return profile.time_zone if profile else None


class Me(APIView):
    @extend_schema(summary="The signed-in user", responses={200: MeSerializer, 403: FORBIDDEN})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class PingSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


class Ping(APIView):
    """The cheapest signed-in call: 200 while the session is valid, 403 once it is not. Clients
    use it to check their session before a long form; the benchmark (bench/http.py) uses it as
    the floor every endpoint is measured against, since it passes the same middleware,
    authentication and permission checks and does nothing else."""

    @extend_schema(
        summary="Check the session is signed in",
        responses={200: PingSerializer, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        return Response({"ok": True})
