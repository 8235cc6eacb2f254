from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count (one indexed COUNT per page for signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": Notification.objects.filter(recipient=user, read_at=None).count()}
