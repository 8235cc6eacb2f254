"""URLs of the posture part of rehab/outcomes (pages in `urlpatterns`, API under /api/v1/ in
`api_urlpatterns`)."""

from django.urls import URLPattern, path

from . import api_posture as api
from . import views_posture as views

urlpatterns: list[URLPattern] = [
    path("photos/", views.photo_list, name="posture_photo_list"),
    path("photos/new/", views.photo_upload, name="posture_photo_upload"),
    path("photos/<uuid:public_id>/", views.photo_detail, name="posture_photo_detail"),
    path("photos/<uuid:public_id>/image/", views.photo_image, name="posture_photo_image"),
    path("photos/<uuid:public_id>/delete/", views.photo_delete, name="posture_photo_delete"),
    path(
        "patients/<uuid:public_id>/photos/",
        views.patient_photo_list,
        name="posture_patient_photos",
    ),
    path(
        "patients/<uuid:public_id>/photos/new/",
        views.patient_photo_upload,
        name="posture_patient_photo_upload",
    ),
    path("workstation/", views.workstation, name="posture_workstation"),
    path(
        "patients/<uuid:public_id>/workstation/",
        views.patient_workstation,
        name="posture_patient_workstation",
    ),
    path("posture-breaks/", views.posture_break, name="posture_break"),
]
api_urlpatterns: list[URLPattern] = [
    path("photos/", api.PhotoList.as_view(), name="api_photo_list"),
    path("photos/<uuid:id>/", api.PhotoDetail.as_view(), name="api_photo_detail"),
    path("photos/<uuid:id>/mark/", api.PhotoMark.as_view(), name="api_photo_mark"),
    path(
        "workstation-checks/",
        api.WorkstationCheckList.as_view(),
        name="api_workstation_check_list",
    ),
    path("posture-breaks/", api.PostureBreakCreate.as_view(), name="api_posture_break_list"),
]
