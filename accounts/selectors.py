"""Reads for accounts, always scoped to the viewer through accounts.access."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .access import clinic_members_for_staff, patients_visible_to
from .models import CaseloadAssignment, Invitation, Role, User


def clinic_people(
    *, viewer: User, role: str = "", status: str = "", query: str = ""
) -> QuerySet[User]:
    """Members of the staff viewer's clinic, with caseload sizes and care teams joined in."""
    people = clinic_members_for_staff(viewer)
    if role in Role.values:
        people = people.filter(role=role)
    if status == "active":
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return (
        people.annotate(caseload_size=Count("caseload_links"))
        .prefetch_related(
            Prefetch(
                "care_team_links",
                queryset=CaseloadAssignment.objects.select_related("therapist").order_by(
                    "therapist__full_name"
                ),
            )
        )
        .order_by("role", "full_name")
    )


def pending_invitations(*, viewer: User) -> QuerySet[Invitation]:
    clinic_id = viewer.clinic_id
    if viewer.role != Role.STAFF or clinic_id is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            clinic_id=clinic_id,
            accepted_at=None,
            revoked_at=None,
        )
        .select_related("therapist", "invited_by")
        .order_by("-created_at")
    )


def get_invitation_or_404(*, viewer: User, public_id: str) -> Invitation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(pending_invitations(viewer=viewer), public_id=public_id)


def caseload(*, therapist: User, query: str = "") -> QuerySet[User]:
    """The therapist's own patients by name, optionally only those whose name or email
    contains `query`."""
    if therapist.role != Role.THERAPIST:
        return User.objects.none()
    patients = patients_visible_to(therapist)
    query = query.strip()
    if query:
        patients = patients.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return patients.select_related("patient_profile").order_by("full_name", "pk")


def clinic_counts(*, viewer: User) -> dict[str, int]:
    """Head counts for the staff landing page, in one query."""
    now = timezone.now()
    counts = clinic_members_for_staff(viewer).aggregate(
        patients=Count("pk", filter=Q(role=Role.PATIENT, is_active=True), distinct=True),
        therapists=Count("pk", filter=Q(role=Role.THERAPIST, is_active=True), distinct=True),
        staff=Count("pk", filter=Q(role=Role.STAFF, is_active=True), distinct=True),
        inactive=Count("pk", filter=Q(is_active=False), distinct=True),
        unassigned=Count(
            "pk",
            filter=Q(role=Role.PATIENT, is_active=True, care_team_links__isnull=True),
            distinct=True,
        ),
    )
    counts["pending_invitations"] = (
        pending_invitations(viewer=viewer).filter(expires_at__gt=now).count()
    )
    return counts
