"""A patient on a phone follows an exercise with the hold timer and logs the session."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rehab.programs import services
from rehab.programs.models import ExerciseLog, SessionLog
from rehab.programs.services import ItemSpec
from tests.factories import PASSWORD, ExerciseFactory, PatientFactory, TherapistFactory, assign

pytestmark = pytest.mark.e2e


def test_patient_uses_the_timer_and_logs_a_session_on_a_phone(
    live_server, new_page, transactional_db
):
    patient = PatientFactory(email="pia@example.org", full_name="Pia Patient")
    therapist = TherapistFactory(clinic=patient.clinic)
    assign(patient, therapist)
    exercise = ExerciseFactory(clinic=None, name="Chin tuck sitting")
    services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=services.patient_today(patient) - timedelta(days=1),
        items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=2, hold_seconds=2, times_per_day=2)],
    )

    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page.clock.install()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator(".progress-summary")).to_contain_text("0 of 2")
    # Nothing overflows a 375 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("button", name="Start timer").click()
    display = page.locator("[data-timer-display]")
    expect(display).to_contain_text("Hold")
    page.clock.run_for(10_000)
    expect(display).to_contain_text("Done")
    expect(page.get_by_label("I did this exercise")).to_be_checked()

    page.get_by_label("Neck pain before").select_option("4")
    page.get_by_label("Neck pain after").select_option("2")
    page.get_by_label("How hard was it?").select_option("3")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("status")).to_contain_text("Session saved")
    expect(page.locator(".progress-summary")).to_contain_text(re.compile(r"^1 of 2"))

    session = SessionLog.objects.get(patient=patient)
    assert (session.pain_before, session.pain_after) == (4, 2)
    entry = ExerciseLog.objects.get(session=session)
    assert (entry.sets_done, entry.reps_done, entry.hold_seconds_done) == (1, 2, 2)
