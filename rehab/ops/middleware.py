"""Response headers for every page and API response (cache rules for health data)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Responses that never carry anyone's data and may be cached: static assets (WhiteNoise answers
# most of them before this middleware runs) and the health check (already never_cache).
_CACHEABLE_PREFIXES = ("/healthz",)


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response that can carry health data.

    That is every page and API response except static files and /healthz: signed-in pages, the
    API (always, whoever asks), and the pages opened with a token instead of a session (calendar
    feed, invitation, stop-reminders link), which carry a person's data too. A browser, a shared
    computer's back button or a proxy then keeps nothing. Directives a view already set stay
    (`max-age=0`, `must-revalidate`...); `public` is dropped, as it contradicts `private`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path_info
        if path.startswith(self.static_prefix) or path.startswith(_CACHEABLE_PREFIXES):
            return response
        # patch_cache_control keeps the view's directives and removes `public` for `private`.
        patch_cache_control(response, no_store=True, private=True)
        return response
