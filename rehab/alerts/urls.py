from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<uuid:public_id>/", views.alert_detail, name="alert_detail"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/<uuid:public_id>/", views.checkin_detail, name="checkin_detail"),
]
