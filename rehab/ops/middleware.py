"""Response headers for every page and API response (cache rules for health data), and the
answer when the database is too busy to take a write."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger("django.request")

# Errors meaning "the database could not take this now", not "this request is wrong": SQLite's
# busy timeout, PostgreSQL's lock_timeout and statement_timeout (or a cancelled statement).
_BUSY_MARKERS = ("database is locked", "lock timeout", "canceling statement")
RETRY_AFTER_SECONDS = 5

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


class DatabaseBusyMiddleware:
    """A write that waited too long for a database lock answers 503 with Retry-After.

    The service's transaction was rolled back, so nothing of the request is stored; the client
    may send it again (session logs carry an idempotency key, so a retry stores them once). The
    error is still logged for operators. Other database errors stay 500s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        if not any(marker in str(exception).lower() for marker in _BUSY_MARKERS):
            return None
        logger.error(
            "Database busy: %s %s answered 503",
            request.method,
            request.path,
            exc_info=exception,
            extra={"status_code": 503, "request": request},
        )
        message = "The service is busy and nothing was saved. Please try again in a moment."
        response: HttpResponse
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html", {"message": message}, request=request), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
