from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count (one indexed COUNT per page for signed-in users, unless the view
    already read it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A page that read the count along with its own data (Today does) leaves it on the request.
    count = getattr(request, "unread_count", None)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at=None).count()
    return {"unread_count": count}
