"""Sign-in, sign-out, failed sign-in, MFA and password events for the audit trail
(accounts/audit.py). Connected in AccountsConfig.ready()."""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from . import audit
from .models import AuditKind, User


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(AuditKind.LOGIN, request=request, actor=user)


def _on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditKind.LOGOUT, request=request, actor=user)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The address tried, never the password. An attempt on a member's address is shown to
    their clinic's staff; one on an unknown address to platform operators only."""
    email = str(
        credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    )[:254]
    clinic_id = (
        User.objects.filter(email__iexact=email).values_list("clinic_id", flat=True).first()
        if email
        else None
    )
    audit.record(AuditKind.LOGIN_FAILED, request=request, email=email, clinic_id=clinic_id)


def _kind_of(authenticator: Authenticator, totp: str, codes: str) -> str:
    return codes if authenticator.type == Authenticator.Type.RECOVERY_CODES else totp


def _on_authenticator_added(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    kind = _kind_of(authenticator, AuditKind.MFA_ADDED, AuditKind.RECOVERY_CODES_GENERATED)
    audit.record(kind, request=request, actor=user, detail={"type": authenticator.type})


def _on_authenticator_removed(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    audit.record(
        AuditKind.MFA_REMOVED, request=request, actor=user, detail={"type": authenticator.type}
    )


def _on_authenticator_reset(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    audit.record(
        AuditKind.RECOVERY_CODES_GENERATED,
        request=request,
        actor=user,
        detail={"type": authenticator.type, "regenerated": True},
    )


def _on_authenticator_used(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    kind = _kind_of(authenticator, AuditKind.MFA_USED, AuditKind.RECOVERY_CODE_USED)
    detail = {"type": authenticator.type, "reauthenticated": bool(kw.get("reauthenticated"))}
    audit.record(kind, request=request, actor=user, detail=detail)


def _on_mfa_failed(
    sender: Any, request: HttpRequest | None, user: User, authenticator: Authenticator, **kw: Any
) -> None:
    detail = {"type": authenticator.type, "reauthentication": bool(kw.get("reauthentication"))}
    audit.record(AuditKind.MFA_FAILED, request=request, actor=user, detail=detail)


def _on_password_changed(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    audit.record(AuditKind.PASSWORD_CHANGED, request=request, actor=user)


def _on_password_reset(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit.record(AuditKind.PASSWORD_RESET, request=request, actor=user)


def connect() -> None:
    pairs = [
        (auth_signals.user_logged_in, _on_login),
        (auth_signals.user_logged_out, _on_logout),
        (auth_signals.user_login_failed, _on_login_failed),
        (mfa_signals.authenticator_added, _on_authenticator_added),
        (mfa_signals.authenticator_removed, _on_authenticator_removed),
        (mfa_signals.authenticator_reset, _on_authenticator_reset),
        (mfa_signals.authenticator_used, _on_authenticator_used),
        (mfa_signals.authentication_failed, _on_mfa_failed),
        (account_signals.password_changed, _on_password_changed),
        (account_signals.password_reset, _on_password_reset),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"accounts.audit.{receiver.__name__}")
