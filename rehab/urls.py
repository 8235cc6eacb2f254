from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import Me, Ping
from exercises.api import ExerciseDetail, ExerciseList, MuscleList
from rehab.alerts import api as alerts_api
from rehab.home import urls as home_urls
from rehab.ops.views import healthz
from rehab.outcomes import urls as outcomes_urls
from rehab.programs import api as programs_api
from rehab.reminders import api as reminders_api

api_v1 = [
    path("me/", Me.as_view(), name="api_me"),
    path("ping/", Ping.as_view(), name="api_ping"),
    path("exercises/", ExerciseList.as_view(), name="api_exercise_list"),
    path("exercises/<uuid:id>/", ExerciseDetail.as_view(), name="api_exercise_detail"),
    path("muscles/", MuscleList.as_view(), name="api_muscle_list"),
    path("programs/", programs_api.ProgramList.as_view(), name="api_program_list"),
    path("programs/<uuid:id>/", programs_api.ProgramDetail.as_view(), name="api_program_detail"),
    path(
        "programs/<uuid:id>/versions/",
        programs_api.ProgramVersionCreate.as_view(),
        name="api_program_versions",
    ),
    path(
        "programs/<uuid:id>/pause/",
        programs_api.ProgramPauseView.as_view(),
        name="api_program_pause",
    ),
    path(
        "programs/<uuid:id>/resume/",
        programs_api.ProgramResumeView.as_view(),
        name="api_program_resume",
    ),
    path("programs/<uuid:id>/end/", programs_api.ProgramEndView.as_view(), name="api_program_end"),
    path("protocols/", programs_api.ProtocolList.as_view(), name="api_protocol_list"),
    path("protocols/<uuid:id>/", programs_api.ProtocolDetail.as_view(), name="api_protocol_detail"),
    path("today/", programs_api.Today.as_view(), name="api_today"),
    path("sessions/", programs_api.SessionList.as_view(), name="api_session_list"),
    path("sessions/<uuid:id>/", programs_api.SessionDetail.as_view(), name="api_session_detail"),
    path("alerts/", alerts_api.AlertList.as_view(), name="api_alert_list"),
    path("alerts/<uuid:id>/", alerts_api.AlertDetail.as_view(), name="api_alert_detail"),
    path(
        "alerts/<uuid:id>/acknowledge/",
        alerts_api.AlertAcknowledge.as_view(),
        name="api_alert_acknowledge",
    ),
    path("checkins/", alerts_api.CheckinList.as_view(), name="api_checkin_list"),
    path("notifications/", reminders_api.NotificationList.as_view(), name="api_notification_list"),
    path(
        "notifications/<uuid:id>/read/",
        reminders_api.NotificationRead.as_view(),
        name="api_notification_read",
    ),
    *outcomes_urls.api_urlpatterns,
    *home_urls.api_urlpatterns,
]

urlpatterns = [
    path("", include("rehab.home.urls")),
    path("", include("rehab.programs.urls")),
    path("", include("rehab.reminders.urls")),
    path("", include("rehab.alerts.urls")),
    path("", include("rehab.outcomes.urls")),
    path("", include("accounts.urls")),
    path("", include("exercises.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# Under /api/, a URL that matches nothing (an id that is not a UUID) answers the documented JSON
# 404; pages keep the HTML one.
handler404 = "rehab.ops.schema.api_not_found"
