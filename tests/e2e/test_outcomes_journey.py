"""Posture photos, progress and the caseload in a real browser.

A patient on a phone uploads a side photo, taps her ear and the base of her neck on it, and sees
the angle the server computed, first on the photo and then on her progress chart. She then logs
a painful session; her therapist, who saw her below a quiet patient on the caseload, now finds
her at the top with the reason written out.
"""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from rehab.outcomes.models import Measure, OutcomeRecord, PosturePhoto
from rehab.programs import services as programs
from tests.factories import ExerciseFactory, PatientFactory, assign

from .test_alerts_journey import PHONE, sign_in

pytestmark = pytest.mark.e2e

# Where the ear and C7 are drawn on the test photo, in its own pixels: an angle of 44.1 degrees.
TRAGUS, C7 = (560, 300), (400, 455)


def side_photo(path):
    """A plain drawing standing in for a side photo, with GPS-bearing EXIF to be stripped."""
    image = Image.new("RGB", (800, 600), "lightgrey")
    draw = ImageDraw.Draw(image)
    draw.ellipse((470, 180, 650, 380), fill="tan")  # head
    draw.rectangle((360, 380, 470, 600), fill="tan")  # neck and shoulders
    for x, y in (TRAGUS, C7):
        draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill="red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def click_at(page, image, point):
    """Tap a point given in the image's own pixels, wherever the image is drawn on screen."""
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    page.mouse.click(
        box["x"] + point[0] * box["width"] / natural[0],
        box["y"] + point[1] * box["height"] / natural[1],
    )


def daily_program(patient, therapist):
    exercise = ExerciseFactory(clinic=None, name="Chin tuck sitting")
    return programs.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=programs.patient_today(patient),
        items=[programs.ItemSpec(exercise_id=exercise.pk, sets=1, reps=10)],
    )


def test_patient_marks_a_side_photo_and_rises_on_the_caseload_after_a_pain_spike(
    live_server, new_page, transactional_db, world, tmp_path
):
    alice, carol = world.alice, world.carol
    # Both programs start today; with the adherence flag off, neither patient has a reason yet.
    world.clinic_a.adherence_threshold_percent = 0
    world.clinic_a.save(update_fields=["adherence_threshold_percent"])
    # A quiet patient whose name sorts first, with the same program and nothing logged yet.
    aaron = PatientFactory(
        clinic=world.clinic_a, full_name="Aaron Quiet", email="aaron@example.org"
    )
    assign(aaron, carol)
    daily_program(aaron, carol)
    daily_program(alice, carol)

    desk = new_page()
    sign_in(desk, live_server.url, carol)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your caseload")
    rows = desk.locator("table.caseload tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Aaron Quiet")
    expect(rows.nth(1)).to_contain_text("Alice Patient")
    expect(rows.nth(1)).to_contain_text("Nothing flagged")
    # Each row's adherence sparkline is drawn by the chart library.
    expect(desk.locator("table.caseload .sparkline canvas")).to_have_count(2)

    # The patient adds a side photo from her progress page.
    phone = new_page(**PHONE)
    sign_in(phone, live_server.url, alice)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your progress")
    phone.get_by_role("link", name="Add a side photo").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Add a side photo")
    phone.get_by_label("Right side").check()
    phone.locator("input[type=file]").set_input_files(side_photo(tmp_path / "IMG_0001.jpg"))
    phone.get_by_role("button", name="Upload photo").click()

    # She taps the ear, then C7, and the server measures the angle from those points.
    image = phone.locator("img[data-cva-image]")
    expect(image).to_be_visible()
    phone.wait_for_function("document.querySelector('img[data-cva-image]').naturalWidth > 0")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    click_at(phone, image, TRAGUS)
    click_at(phone, image, C7)
    expect(phone.locator("[data-cva-status]")).to_contain_text("44")
    phone.get_by_role("button", name="Save and measure the angle").click()
    expect(phone.get_by_role("heading", name=re.compile("Craniovertebral angle"))).to_contain_text(
        "44"
    )
    photo = PosturePhoto.objects.get(patient=alice)
    record = OutcomeRecord.objects.get(patient=alice, measure=Measure.CVA)
    assert photo.outcome == record and photo.side == "right"
    assert record.value is not None and abs(record.value - 44.1) <= 0.6, (
        "taps land within a few pixels of the drawn points"
    )
    with photo.image.open("rb") as stored, Image.open(stored) as kept:
        assert not kept.getexif(), "the stored photo carries no EXIF (no GPS)"

    # The angle is on her progress chart, against the 50-degree reference line.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    cva_chart = phone.locator("section.chart-card", has=phone.locator("#chart-cva"))
    expect(cva_chart.locator("canvas")).to_have_count(1)
    cva_chart.get_by_text("Show the figures as a table").click()
    expect(cva_chart.locator("details.chart-table table")).to_contain_text(f"{record.value:g}")
    expect(cva_chart).to_contain_text("50")

    # A painful session on Today.
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    phone.locator("section.exercise-do").first.get_by_label("I did this exercise").check()
    phone.get_by_label("Neck pain before").select_option("4")
    phone.get_by_label("Neck pain after").select_option("8")
    phone.get_by_role("button", name="Save session").click()
    expect(phone.get_by_role("status")).to_contain_text("Session saved")

    # The therapist's caseload now puts her first, saying why.
    desk.reload()
    expect(rows.nth(0)).to_contain_text("Alice Patient")
    expect(rows.nth(0).locator("ul.reasons")).to_contain_text(re.compile("alert", re.I))
    expect(rows.nth(1)).to_contain_text("Aaron Quiet")
