"""Who sees which alerts and check-ins (accounts.access rules: care team and clinic staff)."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from accounts import audit
from accounts.access import patients_visible_to
from accounts.models import Role, User

from .models import Alert, RedFlagCheckin, Rule


def alerts_visible_to(viewer: User) -> QuerySet[Alert]:
    """Alerts are for clinicians: the patient's therapists and their clinic's staff."""
    if viewer.role not in (Role.THERAPIST, Role.STAFF):
        return Alert.objects.none()
    return Alert.objects.filter(patient__in=patients_visible_to(viewer)).select_related(
        "patient", "acknowledged_by", "session", "checkin"
    )


def get_alert_or_404(viewer: User, public_id: UUID | str) -> Alert:
    try:
        return audit.noted(alerts_visible_to(viewer).get(public_id=public_id))
    except (Alert.DoesNotExist, ValueError) as exc:
        raise Http404("No such alert.") from exc


def open_alert_count(viewer: User) -> int:
    return alerts_visible_to(viewer).filter(acknowledged_at=None).count()


def checkins_visible_to(viewer: User) -> QuerySet[RedFlagCheckin]:
    return RedFlagCheckin.objects.filter(patient__in=patients_visible_to(viewer)).select_related(
        "patient"
    )


def get_checkin_or_404(viewer: User, public_id: UUID | str) -> RedFlagCheckin:
    try:
        return audit.noted(checkins_visible_to(viewer).get(public_id=public_id))
    except (RedFlagCheckin.DoesNotExist, ValueError) as exc:
        raise Http404("No such check-in.") from exc


def open_red_flag(patient: User) -> Alert | None:
    """The patient's red flag that no clinician has acknowledged yet (for the patient's own
    advice banner and for pausing their exercise reminders)."""
    return (
        Alert.objects.filter(patient=patient, rule=Rule.RED_FLAG, acknowledged_at=None)
        .order_by("-created_at")
        .first()
    )
