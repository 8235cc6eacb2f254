"""The alert rules: what raises an alert, what does not, and that each fact alerts once.

Each alert notifies the patient's therapists in the app and by email (a delivery per channel,
queued in the outbox within the same transaction); the email itself is sent by the worker.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import CaseloadAssignment
from rehab.alerts import services
from rehab.alerts.models import Alert, RedFlagCheckin, Rule
from rehab.programs import services as programs
from rehab.reminders import tasks
from rehab.reminders.models import Delivery, Notification, Outbox


def test_pain_of_seven_or_more_alerts_the_therapist_once(world, log):
    session = log(pain_before=4, pain_after=7)
    alert = Alert.objects.get()
    assert (alert.rule, alert.patient, alert.session) == (Rule.PAIN_HIGH, world.alice, session)
    assert "Pain 7/10" in alert.reason
    assert alert.data["pain_after"] == 7 and alert.data["threshold"] == 7
    notification = Notification.objects.get(recipient=world.carol)
    assert notification.url == f"/alerts/{alert.public_id}/"
    assert world.alice.full_name in notification.body
    assert world.alice.full_name not in notification.title, "email subjects carry no names"
    assert set(notification.deliveries.values_list("channel", flat=True)) == {"in_app", "email"}
    assert Outbox.objects.count() == 2
    # Evaluating again (an edit, a retry) raises nothing new.
    assert services.evaluate_session(session) == []
    assert Alert.objects.count() == 1 and Notification.objects.count() == 1


def test_pain_of_six_raises_nothing(world, log):
    log(pain_before=6, pain_after=6)
    assert not Alert.objects.exists()


def test_every_therapist_on_the_care_team_is_told(world, log):
    CaseloadAssignment.objects.create(patient=world.alice, therapist=world.dave)
    log(pain_after=8)
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        world.carol.email,
        world.dave.email,
    }


def test_a_rise_of_two_over_the_baseline_alerts(world, log):
    for days_ago, pain in ((5, 3), (4, 2), (3, 4)):  # baseline 3.0
        log(days_ago=days_ago, pain_before=pain)
    assert not Alert.objects.exists(), "the baseline sessions themselves never alert"
    log(days_ago=2, pain_before=4)  # +1: nothing
    assert not Alert.objects.exists()
    session = log(days_ago=1, pain_before=3, pain_after=5)  # +2 after exercise
    alert = Alert.objects.get(rule=Rule.PAIN_RISE)
    assert alert.session == session
    assert alert.data["baseline"] == 3.0 and alert.data["rise"] == 2.0
    assert "up 2.0 from a baseline of 3.0" in alert.reason


def test_no_baseline_until_three_sessions_recorded_pain(world, log):
    log(days_ago=3, pain_before=1)
    log(days_ago=2, pain_before=5)  # +4 over the only value so far, but no baseline yet
    assert not Alert.objects.exists()


def test_high_pain_above_baseline_raises_both_alerts(world, log):
    for days_ago in (5, 4, 3):
        log(days_ago=days_ago, pain_before=2)
    log(pain_before=8)
    assert set(Alert.objects.values_list("rule", flat=True)) == {Rule.PAIN_HIGH, Rule.PAIN_RISE}


def test_editing_a_session_to_high_pain_alerts(world, log, program):
    session = log(pain_before=2, pain_after=2)
    item = program.versions.get().items.get()
    programs.session_log_update(
        patient=world.alice,
        session=session,
        spec=programs.SessionSpec(
            performed_on=session.performed_on,
            pain_before=2,
            pain_after=9,
            entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
        ),
    )
    assert Alert.objects.get().data["pain_after"] == 9


def test_a_failed_log_leaves_no_alert(world, log, program):
    item = program.versions.get().items.get()
    with pytest.raises(ValidationError):
        programs.session_log_create(
            patient=world.alice,
            spec=programs.SessionSpec(
                performed_on=programs.patient_today(world.alice) + timedelta(days=30),
                pain_after=9,
                entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
            ),
        )
    assert not Alert.objects.exists() and not Outbox.objects.exists()


# --- No session for N days -------------------------------------------------------------------


def test_no_session_for_the_clinic_days_alerts_once_per_gap(world, log):
    world.clinic_a.no_session_alert_days = 3
    world.clinic_a.save()
    log(days_ago=3)  # two whole days since: not yet
    assert services.evaluate_daily() == 0
    log(days_ago=5)
    assert services.evaluate_daily() == 0, "the last session counts, not the first"
    Alert.objects.all().delete()
    # A day later the gap is three whole days.
    later = timezone.now() + timedelta(days=1)
    assert services.evaluate_daily(later) == 1
    alert = Alert.objects.get()
    assert alert.rule == Rule.NO_SESSION
    assert alert.data == {
        "last_session_on": (programs.patient_today(world.alice) - timedelta(days=3)).isoformat(),
        "days_without": 3,
        "clinic_setting_days": 3,
    }
    assert services.evaluate_daily(later) == 0
    assert services.evaluate_daily(later + timedelta(days=1)) == 0, "one alert per gap"
    # A new session ends the gap; a new gap alerts again.
    log()
    assert services.evaluate_daily(later + timedelta(days=4)) == 1


def test_the_clinic_setting_changes_the_threshold(world, log):
    world.clinic_a.no_session_alert_days = 7
    world.clinic_a.save()
    log(days_ago=5)
    assert services.evaluate_daily() == 0
    world.clinic_a.no_session_alert_days = 4
    world.clinic_a.save()
    assert services.evaluate_daily() == 1


def test_a_new_program_counts_from_its_start(world, program):
    world.clinic_a.no_session_alert_days = 14
    world.clinic_a.save()
    assert services.evaluate_daily() == 1  # started 14 days ago, nothing logged
    assert Alert.objects.get().data["last_session_on"] is None


def test_no_session_alert_skips_paused_and_ended_programs_and_inactive_patients(
    world, log, program
):
    log(days_ago=6)
    today = programs.patient_today(world.alice)
    programs.program_pause(program=program, on=today - timedelta(days=1))
    assert services.evaluate_daily() == 0
    programs.program_resume(program=program, on=today)
    world.alice.is_active = False
    world.alice.save()
    assert services.evaluate_daily() == 0
    world.alice.is_active = True
    world.alice.save()
    assert services.evaluate_daily() == 1
    Alert.objects.all().delete()
    programs.program_end(program=program, on=today)
    assert services.evaluate_daily(timezone.now() + timedelta(days=1)) == 0


# --- The red-flag check-in -------------------------------------------------------------------


def test_a_clear_check_in_alerts_nobody(world, all_no):
    checkin = services.checkin_submit(patient=world.alice, answers=all_no)
    assert checkin.positive is False
    assert not Alert.objects.exists() and not Notification.objects.exists()
    assert not services.checkin_due(world.alice)
    assert services.checkin_due(world.alice, timezone.now() + timedelta(days=7, seconds=1))


def test_a_yes_alerts_the_therapist_at_once_and_advises_the_patient(world, all_no):
    answers = {**all_no, "walking": True, "dizziness": True}
    checkin = services.checkin_submit(patient=world.alice, answers=answers, note="Since Tuesday")
    alert = Alert.objects.get()
    assert (alert.rule, alert.checkin, alert.urgent) == (Rule.RED_FLAG, checkin, True)
    assert (
        alert.reason
        == "Red flag reported: change in gait or balance; dizziness, diplopia or syncope."
    )
    assert alert.data["note"] == "Since Tuesday"
    to_carol = Notification.objects.get(recipient=world.carol)
    assert to_carol.title.startswith("Urgent")
    advice = Notification.objects.get(recipient=world.alice)
    assert advice.title == services.ADVICE_TITLE
    assert list(advice.deliveries.values_list("channel", flat=True)) == ["in_app"]


def test_a_check_in_must_answer_every_question(world, all_no):
    answers = dict(all_no)
    del answers["walking"]
    with pytest.raises(ValidationError) as error:
        services.checkin_submit(patient=world.alice, answers={**answers, "made_up": True})
    assert set(error.value.message_dict) == {"walking", "made_up"}
    assert not RedFlagCheckin.objects.exists()


# --- Acknowledging and the email ---------------------------------------------------------------


def test_acknowledging_needs_a_note_and_happens_once(world, log):
    log(pain_after=9)
    alert = Alert.objects.get()
    with pytest.raises(ValidationError):
        services.acknowledge(alert=alert, by=world.carol, note="  ")
    services.acknowledge(alert=alert, by=world.carol, note="Phoned her; eased by evening.")
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.carol and not alert.is_open
    with pytest.raises(ValidationError):
        services.acknowledge(alert=alert, by=world.carol, note="Again")
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Phoned her; eased by evening."


def test_the_alert_email_goes_once_and_leaves_out_health_details(world, log):
    log(pain_after=9)
    email = Delivery.objects.get(channel="email", notification__recipient=world.carol)
    assert tasks.deliver.run(email.pk) == "sent"
    assert tasks.deliver.run(email.pk) == "nothing to do"
    (message,) = mail.outbox
    assert message.to == [world.carol.email]
    assert message.subject == "New alert: high pain"
    text = message.body + message.alternatives[0][0]
    assert world.alice.full_name not in text and "9/10" not in text
    assert "/alerts/" in text
    assert "List-Unsubscribe" not in message.extra_headers
