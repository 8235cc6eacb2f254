"""URLs of the progress part of rehab/outcomes (pages in `urlpatterns`, API under /api/v1/ in
`api_urlpatterns`)."""

from django.urls import URLPattern, path

from . import api_progress, views_progress

urlpatterns: list[URLPattern] = [
    path("progress/", views_progress.progress, name="progress"),
]
api_urlpatterns: list[URLPattern] = [
    path("progress/", api_progress.OwnProgress.as_view(), name="api_progress"),
    path(
        "patients/<uuid:id>/progress/",
        api_progress.PatientProgress.as_view(),
        name="api_patient_progress",
    ),
]
