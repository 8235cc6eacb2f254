from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import Me
from exercises.api import ExerciseDetail, ExerciseList, MuscleList
from rehab.ops.views import healthz

api_v1 = [
    path("me/", Me.as_view(), name="api_me"),
    path("exercises/", ExerciseList.as_view(), name="api_exercise_list"),
    path("exercises/<uuid:id>/", ExerciseDetail.as_view(), name="api_exercise_detail"),
    path("muscles/", MuscleList.as_view(), name="api_muscle_list"),
]

urlpatterns = [
    path("", include("rehab.home.urls")),
    path("", include("rehab.programs.urls")),
    path("", include("accounts.urls")),
    path("", include("exercises.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
