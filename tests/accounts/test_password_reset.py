import re

from django.core import mail

from tests.factories import PASSWORD


def test_a_patient_resets_their_password_by_email(client, world):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link[link.index("/accounts/") :]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new = "a-brand-new-long-passphrase"
    done = client.post(action, {"password1": new, "password2": new})
    assert done.status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)
    assert not world.alice.check_password(PASSWORD)


def test_reset_does_not_reveal_whether_an_address_has_an_account(client, world):
    known = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
