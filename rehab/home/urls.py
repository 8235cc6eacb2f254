from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("caseload/", views.caseload, name="caseload"),
    path("clinic/", views.clinic_home, name="clinic_home"),
    path("clinic/settings/", views.clinic_settings, name="clinic_settings"),
]

# Dashboard API under /api/v1/ (rehab/urls.py).
api_urlpatterns = [
    path("caseload/", api.Caseload.as_view(), name="api_caseload"),
]
