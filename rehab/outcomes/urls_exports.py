"""URLs of the exports part of rehab/outcomes (pages in `urlpatterns`, API under /api/v1/ in
`api_urlpatterns`)."""

from django.urls import URLPattern, path

from . import views_exports as views

urlpatterns: list[URLPattern] = [
    path("record/", views.my_record, name="my_record"),
    path("record/export.csv", views.my_record_csv, name="my_record_csv"),
    path("record/export.fhir.json", views.my_record_fhir, name="my_record_fhir"),
    path("record/calendar/", views.my_calendar, name="my_calendar"),
    path(
        "patients/<uuid:public_id>/export.csv",
        views.patient_export_csv,
        name="patient_export_csv",
    ),
    path(
        "patients/<uuid:public_id>/export.fhir.json",
        views.patient_export_fhir,
        name="patient_export_fhir",
    ),
    # The token is the credential (calendar apps cannot sign in); see exports_calendar.py.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
api_urlpatterns: list[URLPattern] = []
