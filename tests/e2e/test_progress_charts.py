"""The progress charts draw in a real browser on a phone: every chart with data gets a canvas,
the page breaks no CSP rule, nothing overflows 375 px, and the charts follow a wider screen."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rehab.outcomes import services as outcomes
from rehab.programs import selectors, services
from rehab.programs.models import SessionLog
from rehab.programs.services import EntrySpec, ItemSpec
from tests.factories import PASSWORD, ExerciseFactory, PatientFactory, TherapistFactory, assign

pytestmark = pytest.mark.e2e


def test_the_progress_charts_draw_on_a_phone(live_server, new_page, transactional_db):
    patient = PatientFactory(email="pia@example.org", full_name="Pia Patient")
    therapist = TherapistFactory(clinic=patient.clinic)
    assign(patient, therapist)
    today = services.patient_today(patient)
    program = services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=today - timedelta(days=20),
        items=[ItemSpec(exercise_id=ExerciseFactory(clinic=None).pk, sets=1, reps=5)],
    )
    version = program.versions.get()
    for days_ago in range(1, 20, 2):
        day = today - timedelta(days=days_ago)
        items = list(selectors.items_due(patient=patient, on=day))
        session = SessionLog.objects.create(
            patient=patient,
            program=program,
            version=version,
            performed_on=day,
            pain_before=5,
            pain_after=3,
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[EntrySpec(item_id=i.pk, sets_done=1, reps_done=5) for i in items],
        )
    for days_ago, answers in ((18, [3] * 10), (2, [2] * 10)):
        outcomes.outcome_record(
            patient=patient,
            by=patient,
            measure="ndi",
            recorded_on=today - timedelta(days=days_ago),
            inputs={"items": answers},
        )
    for side, c7 in (("left", [0, 110]), ("right", [0, 130])):
        outcomes.outcome_record(
            patient=patient,
            by=patient,
            measure="cva",
            recorded_on=today,
            inputs={"side": side, "tragus": [100, 0], "c7": c7},
        )

    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(patient.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Progress").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your progress")
    drawn = page.locator("[data-chart] canvas")
    expect(drawn).to_have_count(page.locator("[data-chart]").count())
    assert page.locator("[data-chart]").count() == 4  # adherence, pain, NDI, CVA
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    width = page.locator("#chart-cva canvas").evaluate("c => c.getBoundingClientRect().width")
    assert 250 < width <= 375
    page.get_by_text("Show the figures as a table").last.click()
    expect(page.get_by_role("cell", name="47.7°")).to_be_visible()

    canvas = page.locator("#chart-cva canvas")
    phone_width = canvas.get_attribute("width") or ""
    page.set_viewport_size({"width": 900, "height": 900})
    expect(canvas).not_to_have_attribute("width", phone_width)  # redrawn for the new width
    assert canvas.evaluate("c => c.getBoundingClientRect().width") > 500
    assert problems == []
