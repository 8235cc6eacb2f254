from django.urls import path

from . import views

urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.create, name="exercise_create"),
    path("library/<uuid:public_id>/", views.detail, name="exercise_detail"),
    path("library/<uuid:public_id>/edit/", views.edit, name="exercise_edit"),
    path("library/<uuid:public_id>/image/", views.image, name="exercise_image"),
]
