from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import CaseloadAssignment, Invitation, Role, User

GOOD_PASSWORD = "a-long-and-unusual-passphrase"


def _invite(world, django_capture_on_commit_callbacks, **kwargs):
    params = {
        "clinic": world.clinic_a,
        "invited_by": world.frank,
        "email": "Newbie@Example.org",
        "full_name": "Nina Newbie",
        "role": Role.THERAPIST,
    }
    params.update(kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(**params)
    token = mail.outbox[-1].body.split("/invite/")[1].split("/")[0]
    return invitation, token


def test_staff_invites_by_email_and_the_link_creates_the_account(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.frank)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/people/invite/",
            {"full_name": "Nina Newbie", "email": "nina@example.org", "role": "therapist"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.org"]
    assert "Clinic A" in message.subject
    assert "expires in 7 days" in message.body
    assert message.alternatives, "an HTML version is sent too"
    link = next(line for line in message.body.splitlines() if "/invite/" in line)
    path = link[link.index("/invite/") :]

    client.logout()
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {"full_name": "Nina Newbie", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    nina = User.objects.get(email="nina@example.org")
    assert (nina.role, nina.clinic) == (Role.THERAPIST, world.clinic_a)
    assert nina.check_password(GOOD_PASSWORD)
    assert Invitation.objects.get(email="nina@example.org").accepted_user == nina
    # The new user is signed in.
    assert client.get("/home/").status_code == 302


def test_an_invitation_link_works_only_once(client, world, django_capture_on_commit_callbacks):
    _, token = _invite(world, django_capture_on_commit_callbacks)
    form = {"full_name": "Nina", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    assert client.post(f"/invite/{token}/", form).status_code == 302
    client.logout()
    response = client.post(f"/invite/{token}/", form)
    assert response.status_code == 404
    assert "doesn't work any more" in response.content.decode()
    assert User.objects.filter(email="newbie@example.org").count() == 1


def test_an_expired_invitation_link_is_refused(client, world, django_capture_on_commit_callbacks):
    invitation, token = _invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(
        f"/invite/{token}/",
        {"full_name": "Nina", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="newbie@example.org").exists()


def test_resending_invalidates_the_old_link(world, django_capture_on_commit_callbacks):
    invitation, old_token = _invite(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation)
    new_token = mail.outbox[-1].body.split("/invite/")[1].split("/")[0]
    assert new_token != old_token
    assert services.invitation_for_token(old_token) is None
    assert services.invitation_for_token(new_token) == invitation


def test_a_revoked_invitation_cannot_be_used(client, world, django_capture_on_commit_callbacks):
    invitation, token = _invite(world, django_capture_on_commit_callbacks)
    client.force_login(world.frank)
    client.post(f"/staff/invitations/{invitation.public_id}/revoke/")
    client.logout()
    assert client.get(f"/invite/{token}/").status_code == 404


def test_a_weak_password_is_refused_and_nothing_is_created(
    client, world, django_capture_on_commit_callbacks
):
    invitation, token = _invite(world, django_capture_on_commit_callbacks)
    response = client.post(
        f"/invite/{token}/",
        {"full_name": "Nina", "password1": "password123", "password2": "password123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None, "the link still works after a failed attempt"


def test_inviting_an_existing_email_is_a_form_error(client, world):
    client.force_login(world.frank)
    response = client.post(
        "/staff/people/invite/",
        {"full_name": "Alice again", "email": "ALICE@example.org", "role": "patient"},
    )
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_patient_invited_with_a_therapist_joins_their_caseload(
    client, world, django_capture_on_commit_callbacks
):
    _, token = _invite(
        world, django_capture_on_commit_callbacks, role=Role.PATIENT, therapist=world.carol
    )
    client.post(
        f"/invite/{token}/",
        {"full_name": "Nina", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    nina = User.objects.get(email="newbie@example.org")
    assert CaseloadAssignment.objects.filter(patient=nina, therapist=world.carol).exists()
    assert nina.patient_profile.time_zone == world.clinic_a.time_zone


def test_staff_cannot_invite_a_patient_onto_another_clinics_therapist(world):
    with pytest.raises(ValidationError):
        services.invitation_create(
            clinic=world.clinic_a,
            invited_by=world.frank,
            email="x@example.org",
            full_name="X",
            role=Role.PATIENT,
            therapist=world.erin,
        )


def test_the_invite_form_only_offers_own_clinics_therapists(client, world):
    client.force_login(world.frank)
    page = client.get("/staff/people/invite/").content.decode()
    assert "Carol Therapist" in page
    assert "Erin Therapist" not in page


def test_only_a_hash_of_the_token_is_stored(world, django_capture_on_commit_callbacks):
    invitation, token = _invite(world, django_capture_on_commit_callbacks)
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.hash_token(token)
