"""Staff invites a therapist, who accepts, enrols an authenticator and browses the library."""

import re

import pyotp
import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role, User
from tests.factories import PASSWORD, StaffFactory, enable_totp

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "granite-lantern-meadow-42"


def test_staff_invites_a_therapist_who_accepts_and_browses_the_library(
    live_server, new_page, transactional_db
):
    call_command("sync_exercise_library", verbosity=0)
    staff = StaffFactory(email="sam@example.org", full_name="Sam Staff")
    staff_secret = enable_totp(staff)

    # Staff signs in with password and authenticator code.
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("input[name=code]", pyotp.TOTP(staff_secret).now())
    page.click("main button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text(staff.clinic.name)

    # ...and invites a therapist.
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("Full name").fill("Tess Newton")
    page.get_by_label("Email address").fill("tess@example.org")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to tess@example.org")
    expect(page.get_by_text("tess@example.org").last).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/invite/\S+/", mail.outbox[0].body).group(0)
    path = link[link.index("/invite/") :]

    # The therapist opens the link on their own device and chooses a password.
    therapist_page = new_page()
    therapist_page.goto(f"{live_server.url}{path}")
    expect(therapist_page.get_by_role("heading", level=1)).to_contain_text("Join")
    therapist_page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    therapist_page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    therapist_page.get_by_role("button", name="Create my account").click()

    # The clinic requires an authenticator app before any clinic data.
    expect(therapist_page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = therapist_page.input_value("#authenticator_secret")
    therapist_page.fill("input[name=code]", pyotp.TOTP(secret).now())
    therapist_page.click("main button[type=submit]")

    tess = User.objects.get(email="tess@example.org")
    assert tess.role == Role.THERAPIST and tess.clinic_id == staff.clinic_id

    # Now the library opens: search, filter and read an exercise.
    therapist_page.goto(f"{live_server.url}/caseload/")
    expect(therapist_page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    therapist_page.get_by_role("link", name="Exercise library").first.click()
    expect(therapist_page.locator(".result-count")).to_contain_text(
        re.compile(r"^\d{2,} exercises")
    )
    therapist_page.get_by_role("searchbox", name="Search").fill("chin tuck")
    # htmx swaps in the narrower result list without a page load.
    expect(therapist_page.locator(".result-count")).to_contain_text(
        re.compile(r"^[1-9] exercises?")
    )
    expect(therapist_page).to_have_url(re.compile(r"q=chin"))
    expect(therapist_page.locator(".exercise-card").first).to_contain_text(
        re.compile("chin tuck", re.I)
    )
    therapist_page.locator(".exercise-card h2 a").first.click()
    expect(therapist_page.get_by_role("heading", name="How to do it")).to_be_visible()
    expect(therapist_page.get_by_role("heading", name="When to stop")).to_be_visible()

    # The used link does not work a second time.
    again = new_page()
    response = again.goto(f"{live_server.url}{path}")
    assert response.status == 404
