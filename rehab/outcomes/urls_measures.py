"""URLs of the measures part of rehab/outcomes (pages in `urlpatterns`, API under /api/v1/ in
`api_urlpatterns`)."""

from django.urls import URLPattern, path

from . import api_measures, views_measures

urlpatterns: list[URLPattern] = [
    path("outcomes/new/<slug:measure>/", views_measures.outcome_new_self, name="outcome_new_self"),
    path(
        "patients/<uuid:public_id>/outcomes/new/<slug:measure>/",
        views_measures.patient_outcome_new,
        name="patient_outcome_new",
    ),
    path("outcomes/<uuid:public_id>/", views_measures.outcome_detail, name="outcome_detail"),
    path(
        "patients/<uuid:public_id>/questionnaires/",
        views_measures.patient_questionnaires,
        name="patient_questionnaires",
    ),
]
api_urlpatterns: list[URLPattern] = [
    path("outcomes/", api_measures.OutcomeList.as_view(), name="api_outcome_list"),
    path("outcomes/<uuid:id>/", api_measures.OutcomeDetail.as_view(), name="api_outcome_detail"),
    path(
        "patients/<uuid:id>/questionnaires/",
        api_measures.QuestionnaireSchedules.as_view(),
        name="api_patient_questionnaires",
    ),
]
