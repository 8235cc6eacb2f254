"""Clinics (tenants), users with one role each, caseloads and invitations."""

import uuid
import zoneinfo
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. Europe/London.")


class VersionCounterField(models.PositiveBigIntegerField):
    """A counter only ever raised by `UPDATE ... SET n = n + 1`: a full `save()` of an instance
    loaded earlier (a settings form, Django admin) leaves the column as it is instead of writing
    back the old value, which would make stale cache entries keyed on an older value current
    again. An insert writes the instance's value (the default)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if add:
            return super().pre_save(model_instance, add)
        return models.F(self.attname)


class Clinic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Default time zone for new patients of this clinic.",
    )
    no_session_alert_days = models.PositiveSmallIntegerField(
        "Alert after this many days without a logged session",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Therapists are alerted when a patient with an active program logs nothing "
        "for this many days in a row (1 to 30).",
    )
    adherence_threshold_percent = models.PositiveSmallIntegerField(
        "Flag adherence below this percentage",
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="The caseload dashboard flags patients whose adherence over the last 7 days "
        "is below this (0 to 100; 0 turns the flag off).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Raised after every committed change of what the therapists' caseload page shows; part of
    # that page's cache key (rehab/outcomes/caseload_cache.py).
    caseload_version = VersionCounterField(default=0, editable=False)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    THERAPIST = "therapist", "Therapist"
    STAFF = "staff", "Clinic staff"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        """A platform operator for Django admin; not a member of any clinic."""
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.STAFF)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    `role` decides what they do in their clinic. Django's `is_staff` is unrelated: it only
    opens Django admin, for platform operators.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(clinic__isnull=False) | models.Q(is_superuser=True),
                name="user_clinic_required",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "role", "is_active"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_clinic_staff(self) -> bool:
        return self.role == Role.STAFF


class PatientProfile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="patient_profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Local wall-clock times ("08:00") at which the patient prefers exercise reminders.
    reminder_times = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    condition_notes = models.TextField(
        blank=True, help_text="For the care team: diagnosis, history, goals."
    )
    # Raised by every write that changes what the patient is prescribed (programs, versions,
    # items, pauses, the exercises in them): the key of the Today page's cached exercise cards
    # (rehab/programs/plan_cache.py).
    plan_version = VersionCounterField(default=0, editable=False)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class CaseloadAssignment(models.Model):
    """A therapist is responsible for a patient. A patient may have several therapists."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="care_team_links")
    therapist = models.ForeignKey(User, on_delete=models.CASCADE, related_name="caseload_links")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "therapist"], name="caseload_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(patient=models.F("therapist")), name="caseload_not_self"
            ),
        ]
        indexes = [models.Index(fields=["therapist", "patient"])]

    def __str__(self) -> str:
        return f"{self.therapist} -> {self.patient}"


class Invitation(models.Model):
    """An emailed, single-use, expiring link that creates an account in a clinic.

    Only a hash of the token is stored, so a database leak does not leak usable links.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices)
    therapist = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a patient: the therapist whose caseload they join.",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="invitation_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "accepted_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


# --- Audit trail ----------------------------------------------------------------------------------


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""

    def __init__(self) -> None:
        super().__init__("The audit log is append-only: events cannot be changed or deleted.")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Inserts and reads only. The PostgreSQL trigger of migration 0004 enforces the same below
    the ORM."""

    def update(self, **kwargs: object) -> int:
        raise AuditLogIsAppendOnly

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AuditLogIsAppendOnly


class AuditKind(models.TextChoices):
    READ = "read", "Read health data"
    EXPORT = "export", "Exported health data"
    LOGIN = "login", "Signed in"
    LOGOUT = "logout", "Signed out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    MFA_ADDED = "mfa_added", "Authenticator added"
    MFA_REMOVED = "mfa_removed", "Authenticator removed"
    MFA_USED = "mfa_used", "Authenticator code used"
    MFA_FAILED = "mfa_failed", "Wrong authenticator code"
    RECOVERY_CODES_GENERATED = "recovery_codes_generated", "Recovery codes generated"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    AUDIT_EXPORT = "audit_export", "Audit log exported"


def _loose_reference(to: type[models.Model]) -> "models.ForeignKey[Any, Any]":
    """A reference an audit event keeps even after its target is gone: no database constraint,
    no cascade, nullable."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )


class AuditEvent(models.Model):
    """One read of a patient's health data, one sign-in event or one audit export (changes to
    records are django-auditlog's LogEntry). Append-only.

    The people and the clinic are referenced without a database constraint and never cascade:
    the record of an access outlives the account, and `email` keeps who it was.
    """

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=32, choices=AuditKind.choices)
    actor = _loose_reference(User)
    actor_role = models.CharField(max_length=16, blank=True)
    # The actor's address at the time, or the address tried in a failed sign-in.
    email = models.CharField(max_length=254, blank=True)
    clinic = _loose_reference(Clinic)
    patient = _loose_reference(User)
    route = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=500, blank=True)
    query = models.CharField(max_length=1000, blank=True)
    object_ids = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "at"], name="auditevent_clinic_at"),
            models.Index(fields=["patient", "at"], name="auditevent_patient_at"),
            models.Index(fields=["actor", "at"], name="auditevent_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} by {self.email or self.actor_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly
