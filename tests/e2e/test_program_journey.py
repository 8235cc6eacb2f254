"""The core loop in a real browser: the therapist builds a program from a protocol, the patient
logs a session with the timer on a phone, the therapist sees it with adherence."""

import re

import pyotp
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from rehab.programs.models import ExerciseLog, Program, SessionLog
from tests.factories import PASSWORD, PatientFactory, TherapistFactory, assign, enable_totp

pytestmark = pytest.mark.e2e


def sign_in(page, url, user, secret=None):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if secret:
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.click("main button[type=submit]")


def test_therapist_prescribes_from_a_protocol_patient_logs_therapist_sees_adherence(
    live_server, new_page, transactional_db
):
    call_command("sync_exercise_library", verbosity=0)
    call_command("sync_protocols", verbosity=0)
    patient = PatientFactory(email="paula@example.org", full_name="Paula Patient")
    therapist = TherapistFactory(clinic=patient.clinic, email="theo@example.org")
    assign(patient, therapist)
    secret = enable_totp(therapist)

    # The therapist opens the patient from the caseload and starts a program from a protocol.
    desk = new_page()
    sign_in(desk, live_server.url, therapist, secret)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your caseload")
    desk.get_by_role("link", name="Paula Patient").click()
    desk.get_by_role("link", name="New program").click()
    desk.get_by_label("Protocol", exact=True).select_option(label="Deep neck flexor progression")
    desk.get_by_role("button", name="Load protocol").click()
    expect(desk.get_by_role("status")).to_contain_text("Loaded")
    expect(desk.locator("#id_title")).to_have_value("Deep neck flexor progression")
    rows = desk.locator("fieldset.item-row")
    loaded = rows.count()
    assert loaded >= 3

    # Adjust: a short hold on the first exercise so the patient's timer is quick, then add one.
    first = rows.nth(0)
    first.get_by_label("Sets", exact=True).fill("1")
    first.get_by_label("Reps per set", exact=True).fill("2")
    first.get_by_label("Hold (seconds)", exact=True).fill("3")
    first.get_by_label("Rest (seconds)", exact=True).fill("0")
    first.get_by_label("Times a day", exact=True).fill("1")
    desk.get_by_role("searchbox", name="Search").fill("shoulder roll")
    desk.get_by_role("button", name=re.compile(r"Add Shoulder rolls", re.I)).first.click()
    expect(rows).to_have_count(loaded + 1)
    expect(rows.nth(0).get_by_label("Hold (seconds)", exact=True)).to_have_value("3")
    desk.get_by_role("button", name="Save program").click()
    expect(desk.get_by_role("status")).to_contain_text("Program saved")
    program = Program.objects.get(patient=patient)
    first_item = program.versions.get().items.get(position=0)
    assert (first_item.sets, first_item.reps, first_item.hold_seconds) == (1, 2, 3)

    # The patient, on a phone, follows the first exercise with the timer and logs it.
    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone.clock.install()
    sign_in(phone, live_server.url, patient)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Today")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    card = phone.locator("section.exercise-do").first
    card.get_by_role("button", name="Start timer").click()
    phone.clock.run_for(10_000)
    expect(card.locator("[data-timer-display]")).to_contain_text("Done")
    expect(card.get_by_label("I did this exercise")).to_be_checked()
    phone.get_by_label("Neck pain before").select_option("5")
    phone.get_by_label("Neck pain after").select_option("3")
    phone.get_by_role("button", name="Save session").click()
    expect(phone.get_by_role("status")).to_contain_text("Session saved")
    session = SessionLog.objects.get(patient=patient)
    entry = ExerciseLog.objects.get(session=session)
    assert (entry.sets_done, entry.reps_done, entry.hold_seconds_done) == (1, 2, 3)

    # The therapist sees the session and the adherence it earned.
    desk.goto(f"{live_server.url}/patients/{patient.public_id}/")
    sessions = desk.locator("article.session")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text("Pain 5 → 3")
    expect(sessions.first).to_contain_text(first_item.exercise.name)
    week = desk.locator(".stats li").first
    expect(week).to_contain_text(re.compile(r"[1-9]\d?% adherence this week"))
    desk.get_by_role("link", name="Deep neck flexor progression").click()
    expect(desk.locator(".stats li").first).to_contain_text(re.compile(r"[1-9]\d?%"))
