"""Session lifetime limits and the MFA requirement for therapists and staff."""

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from .models import Role

# How often the idle clock is written back to the session. Writing on every request would turn
# every authenticated read into a database write.
_TOUCH_EVERY_SECONDS = 60


class SessionLifetimeMiddleware:
    """Sign the user out after SESSION_IDLE_MINUTES without a request, and in any case
    SESSION_ABSOLUTE_HOURS after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get("auth_started")
            last_seen = session.get("last_seen", now)
            if started is None:
                session["auth_started"] = now
                session["last_seen"] = now
            elif (
                now - last_seen > settings.SESSION_IDLE_MINUTES * 60
                or now - started > settings.SESSION_ABSOLUTE_HOURS * 3600
            ):
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
            elif now - last_seen >= _TOUCH_EVERY_SECONDS:
                session["last_seen"] = now
        return self.get_response(request)


# Paths a therapist or staff member without MFA may still open: enrolment itself, sign-out,
# and things that carry no clinic data.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/favicon")


class RequireMFAMiddleware:
    """Therapists and staff must enrol an authenticator app before they see clinic data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_MFA
            and user.is_authenticated
            and user.role in (Role.THERAPIST, Role.STAFF)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up two-factor authentication before using the API."},
                    status=403,
                )
            messages.info(
                request,
                "Your clinic requires two-factor authentication. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
