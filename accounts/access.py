"""Who may see which person. Every view, API and selector that touches a patient asks here.

Rules (DESIGN.md):
- a user never sees another clinic's data;
- a patient sees only themself;
- a therapist sees the patients on their caseload;
- clinic staff see every patient and member of their clinic.
Anything outside those rules answers 404, so ids of other clinics are not even confirmed.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from . import audit
from .models import Role, User


class AuthedRequest(HttpRequest):
    """A request behind login: `user` is a real User (for type checking views)."""

    user: User
    htmx: Any  # django_htmx.middleware.HtmxDetails


def clinic_id_of(user: User) -> int:
    """The user's clinic id; platform operators without a clinic are refused."""
    if user.clinic_id is None:
        raise PermissionDenied
    return user.clinic_id


def patients_visible_to(viewer: User) -> QuerySet[User]:
    """The patients `viewer` may see, as a queryset to filter further."""
    patients = User.objects.filter(role=Role.PATIENT)
    if not viewer.is_authenticated or not viewer.is_active or viewer.clinic_id is None:
        return patients.none()
    if viewer.role == Role.PATIENT:
        return patients.filter(pk=viewer.pk)
    patients = patients.filter(clinic_id=viewer.clinic_id)
    if viewer.role == Role.THERAPIST:
        return patients.filter(care_team_links__therapist=viewer)
    if viewer.role == Role.STAFF:
        return patients
    return patients.none()


def can_view_patient(viewer: User, patient: User) -> bool:
    return patients_visible_to(viewer).filter(pk=patient.pk).exists()


def get_patient_or_404(viewer: User, public_id: UUID | str) -> User:
    """The patient with `public_id` if `viewer` may see them, else 404."""
    try:
        return audit.noted(
            patients_visible_to(viewer).select_related("patient_profile").get(public_id=public_id)
        )
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404("No such patient.") from exc


def clinic_members_for_staff(viewer: User) -> QuerySet[User]:
    """Members of the staff user's own clinic (every role)."""
    if viewer.role != Role.STAFF or viewer.clinic_id is None:
        return User.objects.none()
    return User.objects.filter(clinic_id=viewer.clinic_id)


def get_member_or_404(viewer: User, public_id: UUID | str) -> User:
    try:
        return audit.noted(clinic_members_for_staff(viewer).get(public_id=public_id))
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404("No such person.") from exc


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator for views only some roles may open (others get 403, anonymous the login page)."""
    from django.contrib.auth.views import redirect_to_login

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles or request.user.clinic_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
