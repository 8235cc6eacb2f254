from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views

urlpatterns = [
    path("settings/reminders/", views.reminder_settings, name="reminder_settings"),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<uuid:public_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    # Mail clients post the one-click unsubscribe without a CSRF token (RFC 8058); the signed
    # token in the URL is the authorisation, and stopping reminders is the only thing it can do.
    path("reminders/stop/<str:token>/", csrf_exempt(views.stop), name="reminder_stop"),
]
