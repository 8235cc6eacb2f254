import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest

# A first authenticator may be enrolled without typing the password again this soon after
# signing in (the MFA policy sends therapists and staff there straight after sign-in).
FIRST_FACTOR_GRACE_SECONDS = 10 * 60


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by clinic staff invitations only (accounts.services).
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if (
            required
            and app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
        ):
            started = request.session.get("auth_started")
            fresh = started is not None and time.time() - started < FIRST_FACTOR_GRACE_SECONDS
            if fresh and not is_mfa_enabled(request.user):
                return False
        return required
