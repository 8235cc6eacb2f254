"""REST API for the caller's notifications (the bell): list and mark as read."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rehab.programs.api.common import FORBIDDEN, _bad_request, _not_found, _user, _validated

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The id.")
    kind = serializers.CharField(help_text="exercise, missed, posture, alert or red_flag_advice.")
    title = serializers.CharField(help_text="The headline.")
    body = serializers.CharField(help_text="The message.")
    url = serializers.CharField(help_text="The page it points to, relative to the site.")
    created_at = serializers.DateTimeField(help_text="When it was made.")
    read_at = serializers.DateTimeField(allow_null=True, help_text="When read; null if unread.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


# --- Notifications ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="The caller's notifications (the bell)",
        description="Newest first. `unread=true` lists only unread ones.",
        parameters=[NotificationFilterSerializer],
        responses={
            200: NotificationSerializer(many=True),
            400: _bad_request(("Bad filter", {"unread": ["Must be a valid boolean."]})),
            403: FORBIDDEN,
        },
    )
)
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        params = _validated(NotificationFilterSerializer, self.request.query_params)
        notifications = Notification.objects.filter(recipient=_user(self.request)).order_by(
            "-created_at", "-pk"
        )
        if params["unread"]:
            notifications = notifications.filter(read_at=None)
        return notifications


class NotificationRead(APIView):
    @extend_schema(
        summary="Mark one of the caller's notifications as read",
        request=None,
        responses={
            200: NotificationSerializer,
            403: FORBIDDEN,
            404: _not_found("notification"),
        },
    )
    def post(self, request: Request, id: str) -> Response:
        notification = Notification.objects.filter(recipient=_user(request), public_id=id).first()
        if notification is None:
            raise Http404("No such notification.")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)
