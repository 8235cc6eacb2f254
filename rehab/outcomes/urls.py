"""Outcome measures, posture tracking, progress and exports. Each part keeps its own URL list."""

from . import urls_exports, urls_measures, urls_posture, urls_progress

_parts = (urls_measures, urls_posture, urls_progress, urls_exports)

urlpatterns = [pattern for part in _parts for pattern in part.urlpatterns]
api_urlpatterns = [pattern for part in _parts for pattern in part.api_urlpatterns]
