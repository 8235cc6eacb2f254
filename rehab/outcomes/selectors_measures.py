"""Reads of recorded outcome measures, always scoped to the viewer (accounts/access.py rules)."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from accounts import audit
from accounts.access import patients_visible_to
from accounts.models import User

from .models import OutcomeRecord


def outcomes_visible_to(viewer: User) -> QuerySet[OutcomeRecord]:
    """The records of the patients `viewer` may see (patient: own; therapist: caseload; staff:
    clinic), with the people they show joined in."""
    return OutcomeRecord.objects.filter(
        patient__in=patients_visible_to(viewer), clinic_id=viewer.clinic_id
    ).select_related("patient", "entered_by")


def get_outcome_or_404(viewer: User, public_id: UUID | str) -> OutcomeRecord:
    try:
        return audit.noted(outcomes_visible_to(viewer).get(public_id=public_id))
    except (OutcomeRecord.DoesNotExist, ValueError) as exc:
        raise Http404("No such outcome.") from exc
