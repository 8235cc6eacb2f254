"""Writes for accounts: invitations, activation, caseloads. Keyword-only, atomic, validated."""

import hashlib
import logging
import secrets
from datetime import timedelta

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import CaseloadAssignment, Clinic, Invitation, PatientProfile, Role, User

logger = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation_email(*, invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "clinic": invitation.clinic,
        "url": settings.SITE_URL + reverse("invitation_accept", args=[token]),
        "days": settings.INVITATION_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=(
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You're invited to {invitation.clinic.name}"
        ),
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    try:
        message.send()
    except OSError:
        # The invitation stays valid; staff see it as pending and can resend it.
        logger.exception("Could not send invitation %s", invitation.public_id)


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    return token


@transaction.atomic
def invitation_create(
    *,
    clinic: Clinic,
    invited_by: User,
    email: str,
    full_name: str,
    role: str,
    therapist: User | None = None,
) -> Invitation:
    """Invite someone to `clinic` and email them a single-use link.

    A patient may be put on a therapist's caseload as part of the invitation.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose patient, therapist or staff."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already has an account with this email address."})
    if therapist is not None and (
        role != Role.PATIENT or therapist.clinic_id != clinic.id or not therapist.is_therapist
    ):
        raise ValidationError({"therapist": "Choose a therapist of this clinic for a patient."})
    # A new invitation replaces any pending one for the same address in this clinic.
    for pending in Invitation.objects.select_for_update().filter(
        clinic=clinic, email__iexact=email, accepted_at=None, revoked_at=None
    ):
        pending.revoked_at = timezone.now()
        pending.save(update_fields=["revoked_at"])
    invitation = Invitation(
        clinic=clinic,
        email=email,
        full_name=full_name.strip(),
        role=role,
        therapist=therapist,
        invited_by=invited_by,
    )
    token = _new_token(invitation)
    invitation.save()
    transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, token=token))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send a fresh link; the old one stops working."""
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("This invitation was already used or revoked.")
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "expires_at"])
    transaction.on_commit(lambda: _send_invitation_email(invitation=invitation, token=token))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    # Saved through the model (not queryset.update) so the audit log records the change.
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk, accepted_at=None)
    for row in locked:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link points to if it can still be used, else None."""
    return (
        Invitation.objects.select_related("clinic", "therapist")
        .filter(
            token_hash=hash_token(token),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


class InvitationUnusable(Exception):
    pass


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Create the invited account. The link works once: a concurrent second use fails."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise InvitationUnusable
    user = User(email=invitation.email, full_name=full_name.strip(), role=invitation.role)
    user.clinic = invitation.clinic
    validate_password(password, user)
    # Claim the invitation on its locked row so two concurrent accepts cannot both win (and the
    # audit log records the change, which a queryset update would skip).
    claimed = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if claimed is None:
        raise InvitationUnusable
    claimed.accepted_at = timezone.now()
    claimed.save(update_fields=["accepted_at"])
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"email": "An account with this email address already exists."}
        ) from exc
    if user.role == Role.PATIENT:
        PatientProfile.objects.create(user=user, time_zone=invitation.clinic.time_zone)
        if invitation.therapist_id and invitation.therapist and invitation.therapist.is_active:
            CaseloadAssignment.objects.create(
                patient=user, therapist=invitation.therapist, assigned_by=invitation.invited_by
            )
    claimed.accepted_user = user
    claimed.save(update_fields=["accepted_user"])
    return user


def _end_sessions(user: User) -> None:
    """End the user's sessions now (the auth backend would also refuse them on next use)."""
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> None:
    """Stop `user` from signing in; their open sessions end at once. Their records stay."""
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account.")
    # Saved through the model (not queryset.update) so the audit log records the change.
    user.is_active, user.deactivated_at = False, timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    _end_sessions(user)


def user_reactivate(*, user: User) -> None:
    user.is_active, user.deactivated_at = True, None
    user.save(update_fields=["is_active", "deactivated_at"])


# Sent by caseload_set_therapists, which adds assignments with bulk_create (no post_save).
care_team_changed = Signal()


@transaction.atomic
def caseload_set_therapists(*, patient: User, therapists: list[User], by: User) -> None:
    """Make `therapists` exactly the patient's care team (assigning, moving or removing)."""
    if not patient.is_patient:
        raise ValidationError("Only patients have a care team.")
    for therapist in therapists:
        if not therapist.is_therapist or therapist.clinic_id != patient.clinic_id:
            raise ValidationError({"therapists": "Choose therapists of the patient's clinic."})
    wanted = {t.pk for t in therapists}
    CaseloadAssignment.objects.filter(patient=patient).exclude(therapist_id__in=wanted).delete()
    existing = set(
        CaseloadAssignment.objects.filter(patient=patient).values_list("therapist_id", flat=True)
    )
    CaseloadAssignment.objects.bulk_create(
        [
            CaseloadAssignment(patient=patient, therapist_id=pk, assigned_by=by)
            for pk in wanted - existing
        ]
    )
    # bulk_create sends no post_save: say so for caches of the therapists' pages (the caseload
    # page's, rehab/outcomes/caseload_cache.py), which accounts does not know.
    care_team_changed.send(sender=CaseloadAssignment, patient=patient)


def patient_profile_for(*, patient: User) -> PatientProfile:
    """The patient's profile, created with the clinic's time zone if missing."""
    profile, _ = PatientProfile.objects.get_or_create(
        user=patient,
        defaults={"time_zone": patient.clinic.time_zone if patient.clinic else "UTC"},
    )
    return profile
