"""Sign-in, sign-out, failed sign-in, MFA and password events in the audit log
(accounts/signals.py), and the log refusing changes."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.db import DatabaseError, connection, transaction

from accounts import audit
from accounts.models import AuditEvent, AuditKind, AuditLogIsAppendOnly
from tests.factories import PASSWORD, TherapistFactory, enable_totp


def kinds(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


def test_sign_in_and_sign_out_are_recorded(client, world):
    response = client.post(
        "/accounts/login/",
        {"login": "alice@example.org", "password": PASSWORD},
        HTTP_USER_AGENT="Phone/2",
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    login, logout = AuditEvent.objects.filter(actor=world.alice).order_by("pk")
    assert (login.kind, logout.kind) == (AuditKind.LOGIN, AuditKind.LOGOUT)
    assert login.clinic == world.clinic_a
    assert login.user_agent == "Phone/2"
    assert login.ip_address == "127.0.0.1"


def test_a_failed_sign_in_records_the_address_tried_and_never_the_password(client, world):
    client.post("/accounts/login/", {"login": "alice@example.org", "password": "wrong-guess-1"})
    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-guess-2"})
    known, unknown = AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED).order_by("pk")
    assert (known.email, known.clinic, known.actor) == ("alice@example.org", world.clinic_a, None)
    # An address nobody has belongs to no clinic: only platform operators see it.
    assert (unknown.email, unknown.clinic) == ("nobody@example.org", None)
    stored = str(list(AuditEvent.objects.values()))
    assert "wrong-guess" not in stored


def test_the_second_factor_at_sign_in_is_recorded_and_a_wrong_code_too(client, world):
    therapist = TherapistFactory(clinic=world.clinic_a)
    secret = enable_totp(therapist)
    client.post("/accounts/login/", {"login": therapist.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert kinds(actor=therapist) == [AuditKind.MFA_FAILED, AuditKind.MFA_USED, AuditKind.LOGIN]
    failed = AuditEvent.objects.get(actor=therapist, kind=AuditKind.MFA_FAILED)
    assert failed.detail == {"type": "totp", "reauthentication": False}


def test_enrolling_an_authenticator_and_the_recovery_codes_are_recorded(
    client, world, django_capture_on_commit_callbacks
):
    therapist = TherapistFactory(clinic=world.clinic_a)
    client.force_login(therapist)
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert kinds(actor=therapist)[-2:] == [
        AuditKind.MFA_ADDED,
        AuditKind.RECOVERY_CODES_GENERATED,
    ]


def test_removing_an_authenticator_is_recorded(client, world, settings):
    settings.REQUIRE_MFA = False
    therapist = TherapistFactory(clinic=world.clinic_a)
    secret = enable_totp(therapist)
    client.post("/accounts/login/", {"login": therapist.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/", {})
    assert response["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=therapist, type="totp").exists()
    assert AuditKind.MFA_REMOVED in kinds(actor=therapist)


def test_a_recovery_code_used_at_sign_in_is_recorded(client, world):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    therapist = TherapistFactory(clinic=world.clinic_a)
    enable_totp(therapist)
    code = RecoveryCodes.activate(therapist).get_unused_codes()[0]
    client.post("/accounts/login/", {"login": therapist.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert kinds(actor=therapist) == [AuditKind.RECOVERY_CODE_USED, AuditKind.LOGIN]


def test_a_password_change_is_recorded(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert AuditKind.PASSWORD_CHANGED in kinds(actor=world.alice)


# --- Append-only ----------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = audit.record(AuditKind.LOGIN, actor=world.alice)
    event.kind = AuditKind.LOGOUT
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(kind=AuditKind.LOGOUT)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["kind"])
    assert AuditEvent.objects.get().kind == AuditKind.LOGIN


def test_deleting_an_account_keeps_its_events(world):
    from tests.factories import PatientFactory

    patient = PatientFactory(clinic=world.clinic_a)
    audit.record(AuditKind.LOGIN, actor=patient)
    pk, email = patient.pk, patient.email
    patient.delete()
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.email) == (pk, email)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_auditevent SET kind = 'logout'",
        "DELETE FROM accounts_auditevent",
    ],
)
def test_the_database_refuses_to_change_events(world, sql):
    audit.record(AuditKind.LOGIN, actor=world.alice)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get().kind == AuditKind.LOGIN


@postgres_only
def test_the_database_refuses_to_change_or_delete_change_records(world):
    from auditlog.models import LogEntry

    world.alice.full_name = "Alice Renamed"
    world.alice.save()
    entry = LogEntry.objects.get_for_object(world.alice).latest("pk")
    for sql in (
        "UPDATE auditlog_logentry SET changes_text = 'x' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    # Deleting the account that made a change only clears the actor (SET NULL).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auditlog_logentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk).exists()
