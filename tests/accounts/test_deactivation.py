from accounts.models import User
from tests.factories import PASSWORD


def test_a_deactivated_users_open_session_stops_working(client, world):
    patient_client = client
    assert patient_client.login(email="alice@example.org", password=PASSWORD)
    # The allauth session record is what lets staff end sessions at once.
    from allauth.usersessions.models import UserSession

    UserSession.objects.get_or_create(
        user=world.alice,
        session_key=patient_client.session.session_key,
        defaults={"ip": "127.0.0.1", "user_agent": "test"},
    )
    assert patient_client.get("/today/").status_code == 200

    from django.test import Client

    staff = Client()
    staff.force_login(world.frank)
    assert staff.post(f"/staff/people/{world.alice.public_id}/deactivate/").status_code == 302

    response = patient_client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert patient_client.get("/api/v1/me/").status_code == 403


def test_a_deactivated_user_cannot_sign_in(client, world):
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert "_auth_user_id" not in client.session


def test_the_session_is_refused_even_without_the_session_record(client, world):
    """Belt and braces: the auth backend refuses inactive users on every request."""
    client.force_login(world.alice)
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    assert client.get("/today/").status_code == 302


def test_reactivated_users_can_sign_in_again(client, world):
    staff_client = client
    staff_client.force_login(world.frank)
    staff_client.post(f"/staff/people/{world.alice.public_id}/deactivate/")
    world.alice.refresh_from_db()
    assert not world.alice.is_active and world.alice.deactivated_at
    staff_client.post(f"/staff/people/{world.alice.public_id}/reactivate/")
    world.alice.refresh_from_db()
    assert world.alice.is_active and world.alice.deactivated_at is None


def test_staff_cannot_deactivate_themselves(client, world):
    client.force_login(world.frank)
    client.post(f"/staff/people/{world.frank.public_id}/deactivate/")
    world.frank.refresh_from_db()
    assert world.frank.is_active


def test_staff_of_another_clinic_cannot_deactivate(client, world):
    client.force_login(world.grace)
    assert client.post(f"/staff/people/{world.alice.public_id}/deactivate/").status_code == 404
    world.alice.refresh_from_db()
    assert world.alice.is_active
