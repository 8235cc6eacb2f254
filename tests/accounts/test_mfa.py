import pyotp
import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD, TherapistFactory


@pytest.mark.parametrize("persona", ["carol", "frank"])
def test_therapists_and_staff_without_an_authenticator_must_enrol_first(client, world, persona):
    user = world.persona(persona)
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    response = client.get("/home/", follow=True)
    assert "/accounts/2fa/totp/activate/" in [url for url, _ in response.redirect_chain]
    assert client.get("/library/").status_code == 302
    api = client.get("/api/v1/exercises/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]


def test_patients_are_not_asked_for_mfa(client, world):
    client.force_login(world.alice)
    assert client.get("/today/").status_code == 200


def test_the_requirement_can_be_relaxed_by_setting(client, world, settings):
    settings.REQUIRE_MFA = False
    therapist = TherapistFactory(clinic=world.clinic_a)
    client.force_login(therapist)
    assert client.get("/caseload/").status_code == 200


def test_a_therapist_enrols_totp_and_gets_recovery_codes(client, world):
    therapist = TherapistFactory(clinic=world.clinic_a)
    client.post("/accounts/login/", {"login": therapist.email, "password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post(
        "/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()}, follow=True
    )
    assert response.status_code == 200
    types = set(Authenticator.objects.filter(user=therapist).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/caseload/").status_code == 200


def test_sign_in_asks_for_the_authenticator_code(client, world):
    from tests.factories import enable_totp

    therapist = TherapistFactory(clinic=world.clinic_a)
    secret = enable_totp(therapist)
    response = client.post("/accounts/login/", {"login": therapist.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session, "not signed in before the second factor"
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(secret).now()})
    assert client.session["_auth_user_id"] == str(therapist.pk)
