from django.urls import path

from . import views, views_audit

urlpatterns = [
    path("staff/people/", views.people, name="staff_people"),
    path("staff/people/invite/", views.invite, name="staff_invite"),
    path("staff/people/<uuid:public_id>/", views.person, name="staff_person"),
    path(
        "staff/people/<uuid:public_id>/care-team/",
        views.person_care_team,
        name="staff_person_care_team",
    ),
    path(
        "staff/people/<uuid:public_id>/details/",
        views.person_details,
        name="staff_person_details",
    ),
    path(
        "staff/people/<uuid:public_id>/deactivate/",
        views.person_deactivate,
        name="staff_person_deactivate",
    ),
    path(
        "staff/people/<uuid:public_id>/reactivate/",
        views.person_reactivate,
        name="staff_person_reactivate",
    ),
    path(
        "staff/invitations/<uuid:public_id>/resend/",
        views.invitation_resend,
        name="staff_invitation_resend",
    ),
    path(
        "staff/invitations/<uuid:public_id>/revoke/",
        views.invitation_revoke,
        name="staff_invitation_revoke",
    ),
    path("staff/audit/", views_audit.audit_log, name="staff_audit"),
    path("staff/audit/export.csv", views_audit.audit_export, name="staff_audit_export"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
