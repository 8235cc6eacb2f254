"""Reminders and red-flag alerts in a real browser.

Proves that an exercise reminder the dispatcher sent shows under a patient's bell on a phone
(counted in the bell's accessible name), opens Today and stops counting once read; and that a yes
to one weekly safety question shows the patient urgent advice and reaches her therapist's Alerts
page (counted in the navigation), where the therapist acknowledges it with a note. A check-in with
a question left unanswered is refused and stores nothing.
"""

import re
from datetime import timedelta

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.utils import timezone
from playwright.sync_api import expect

from rehab.alerts.models import RED_FLAG_QUESTIONS, Alert, RedFlagCheckin, Rule
from rehab.programs import services as programs
from rehab.reminders import services as reminders
from rehab.reminders.models import Kind, Notification, Schedule
from tests.factories import PASSWORD, ExerciseFactory

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
WALKING = "A change in your walking or balance?"


def sign_in(page, url, user):
    """Email and password, then a code from the authenticator app when the user has one."""
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        page.fill("input[name=code]", pyotp.TOTP(decrypt(totp.data["secret"])).now())
        page.click("main button[type=submit]")


def bell(page):
    return page.locator("header a.bell")


def test_patient_sees_a_sent_reminder_under_the_bell_and_opens_today(
    live_server, new_page, transactional_db, world
):
    alice = world.alice
    exercise = ExerciseFactory(clinic=None, name="Chin tuck sitting")
    programs.program_create(
        therapist=world.carol,
        patient=alice,
        title="Neck",
        start_date=programs.patient_today(alice) - timedelta(days=7),
        items=[programs.ItemSpec(exercise_id=exercise.pk, sets=1, reps=10, times_per_day=2)],
    )
    reminders.reschedule(alice)
    # The exercise reminder fell due a minute ago; the missed-day note is not due yet.
    exercise_schedule = Schedule.objects.get(patient=alice, kind=Kind.EXERCISE)
    Schedule.objects.filter(pk=exercise_schedule.pk).update(
        next_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert reminders.dispatch_due(timezone.now()) == {"sent": 1}

    page = new_page(**PHONE)
    sign_in(page, live_server.url, alice)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(bell(page)).to_have_accessible_name("Notifications, 1 unread")
    expect(bell(page).locator(".bell-count")).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    bell(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    reminder = page.locator("article.notification", has_text="Time for your neck exercises")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text("2 exercise sessions left for today")
    reminder.get_by_role("button", name="Open").click()

    expect(page).to_have_url(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(bell(page)).to_have_accessible_name("Notifications")
    expect(bell(page).locator(".bell-count")).to_have_count(0)
    assert Notification.objects.get(recipient=alice).read_at is not None


def test_red_flag_answer_reaches_the_therapist_who_acknowledges_it(
    live_server, new_page, transactional_db, world
):
    alice, carol = world.alice, world.carol

    phone = new_page(**PHONE)
    sign_in(phone, live_server.url, alice)
    safety_card = phone.locator("section.safety", has_text="Weekly safety check")
    safety_card.get_by_role("link", name="Start the safety check").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Weekly safety check")

    # Every question but one answered No: refused, with the unanswered question marked.
    for _, question in RED_FLAG_QUESTIONS:
        if question != WALKING:
            phone.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    walking = phone.get_by_role("group", name=WALKING)
    expect(walking).to_contain_text("Please answer yes or no.")
    expect(phone.get_by_role("alert")).to_contain_text("Please answer every question.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert not RedFlagCheckin.objects.exists()
    assert not Alert.objects.exists()

    # The answers given are kept; a Yes to the last one is sent.
    first_question = phone.get_by_role("group", name=RED_FLAG_QUESTIONS[0][1])
    expect(first_question.get_by_label("No", exact=True)).to_be_checked()
    walking.get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    advice = phone.get_by_role("alert")
    expect(advice).to_contain_text("Please contact your clinician today")
    expect(phone.locator("main li").filter(has_text=WALKING)).to_have_count(1)
    checkin = RedFlagCheckin.objects.get(patient=alice)
    assert checkin.positive and checkin.flagged == [WALKING]

    # The therapist sees one open alert in the navigation and acknowledges it.
    desk = new_page()
    sign_in(desk, live_server.url, carol)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your caseload")
    alerts_link = desk.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Alerts")
    )
    expect(alerts_link).to_have_accessible_name("Alerts 1 open")
    alerts_link.click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Alerts")
    item = desk.locator("article.alert")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Red flag reported: change in gait or balance")
    item.get_by_role("link", name="Alice Patient: Red-flag answer").click()

    expect(desk.get_by_role("heading", level=1)).to_contain_text("Red-flag answer")
    expect(desk.locator("dl.facts")).to_contain_text(WALKING)
    desk.get_by_label("What did you do or decide?").fill("Phoned Alice; GP appointment today.")
    desk.get_by_role("button", name="Acknowledge").click()

    expect(desk.get_by_role("status")).to_contain_text("Alert acknowledged.")
    done = desk.locator("section.card", has=desk.get_by_role("heading", name="Acknowledged"))
    expect(done).to_contain_text("By Carol Therapist")
    expect(done).to_contain_text("Phoned Alice; GP appointment today.")
    expect(alerts_link).to_have_accessible_name("Alerts")
    alert = Alert.objects.get(patient=alice)
    assert (alert.rule, alert.acknowledged_by) == (Rule.RED_FLAG, carol)
    assert alert.acknowledgement_note == "Phoned Alice; GP appointment today."
