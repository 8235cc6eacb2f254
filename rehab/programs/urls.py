from django.urls import path

from . import prescribe, views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("sessions/<uuid:public_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:public_id>/delete/", views.session_delete, name="session_delete"),
    path("patients/<uuid:public_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<uuid:public_id>/programs/new/", prescribe.program_new, name="program_new"),
    path("programs/exercise-picker/", prescribe.exercise_picker, name="exercise_picker"),
    path("programs/<uuid:public_id>/", prescribe.program_detail, name="program_detail"),
    path("programs/<uuid:public_id>/change/", prescribe.program_revise, name="program_revise"),
    path("programs/<uuid:public_id>/pause/", prescribe.program_pause, name="program_pause"),
    path("programs/<uuid:public_id>/resume/", prescribe.program_resume, name="program_resume"),
    path("programs/<uuid:public_id>/end/", prescribe.program_end, name="program_end"),
    path(
        "programs/<uuid:public_id>/save-as-protocol/",
        prescribe.program_save_protocol,
        name="program_save_protocol",
    ),
    path("programs/<uuid:public_id>/handout/", prescribe.program_handout, name="program_handout"),
    path("protocols/", prescribe.protocol_list, name="protocol_list"),
]
