"""URLs of the progress part of rehab/outcomes (pages in `urlpatterns`, API under /api/v1/ in
`api_urlpatterns`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
api_urlpatterns: list[URLPattern] = []
