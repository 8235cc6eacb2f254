from django.urls import path

from . import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("patients/<uuid:public_id>/", views.patient_detail, name="patient_detail"),
]
