"""The dispatcher, the send task and the outbox against the real database. The tasks are called
as plain functions here: this proves the logic, not the Celery plumbing."""

from datetime import time, timedelta

import pytest
from django.core import mail

from exercises.models import Exercise
from rehab.programs import services as programs
from rehab.reminders import services, tasks
from rehab.reminders.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    Occurrence,
    Outbox,
    Schedule,
)
from rehab.reminders.schedule import local_occurrence


@pytest.fixture
def program(alice_program):
    return alice_program(times_per_day=2, started_days_ago=7)


def exercise_schedule(patient):
    services.reschedule(patient)
    return Schedule.objects.get(patient=patient, kind=Kind.EXERCISE)


def test_default_times_follow_the_program(world, program):
    prefs = services.preferences_for(world.alice)
    assert [f"{t:%H:%M}" for t in services.exercise_times(prefs)] == ["09:00", "18:00"]
    schedule = exercise_schedule(world.alice)
    local = schedule.next_due_at.astimezone(
        programs.ZoneInfo(world.alice.patient_profile.time_zone)
    )
    assert f"{local:%H:%M}" in ("09:00", "18:00")


def test_a_due_reminder_is_claimed_once_and_queued_for_each_channel(world, program):
    schedule = exercise_schedule(world.alice)
    due = schedule.next_due_at
    assert services.dispatch_one(schedule.pk, due) == "sent"
    assert services.dispatch_one(schedule.pk, due) is None, "dispatching again finds nothing"
    schedule.refresh_from_db()
    assert schedule.next_due_at > due
    Schedule.objects.filter(pk=schedule.pk).update(next_due_at=due)  # as a racing dispatcher saw it
    assert services.dispatch_one(schedule.pk, due) is None, "the claim is unique"
    notification = Notification.objects.get(recipient=world.alice, kind=Kind.EXERCISE)
    assert notification.url == "/today/" and "left for today" in notification.body
    assert set(notification.deliveries.values_list("channel", flat=True)) == {"in_app", "email"}
    # The notification row is what the bell shows: the in-app delivery is done when written, and
    # only the email goes through the outbox.
    in_app, email = (notification.deliveries.get(channel=c) for c in ("in_app", "email"))
    assert (in_app.status, in_app.attempts) == (DeliveryStatus.SENT, 1)
    assert in_app.sent_at is not None
    assert email.status == DeliveryStatus.QUEUED
    assert list(Outbox.objects.values_list("args", flat=True)) == [[email.pk]]
    assert Occurrence.objects.filter(schedule=schedule).count() == 1


def test_no_reminder_when_the_doses_are_already_logged(world, program):
    schedule = exercise_schedule(world.alice)
    day = programs.patient_today(world.alice)
    zone = programs.ZoneInfo(world.alice.patient_profile.time_zone)
    due = local_occurrence(day, time(9, 0), zone)  # this morning's reminder, found now
    Schedule.objects.filter(pk=schedule.pk).update(next_due_at=due)
    item = program.versions.get().items.get()
    for _ in range(2):
        programs.session_log_create(
            patient=world.alice,
            spec=programs.SessionSpec(
                performed_on=day,
                entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
            ),
        )
    assert services.dispatch_one(schedule.pk, due) == "skipped"
    assert Occurrence.objects.get().reason == "already done"
    assert not Notification.objects.exists()


@pytest.mark.parametrize("change", ["pause", "end", "deactivate"])
def test_nothing_for_paused_or_ended_programs_or_deactivated_accounts(world, program, change):
    schedule = exercise_schedule(world.alice)
    due = schedule.next_due_at
    today = programs.patient_today(world.alice)
    if change == "pause":
        programs.program_pause(program=program, on=today - timedelta(days=1))
    elif change == "end":
        programs.program_end(program=program, on=today - timedelta(days=1))
    else:
        world.alice.is_active = False
        world.alice.save()
    assert services.dispatch_one(schedule.pk, due) == "skipped"
    assert not Notification.objects.exists()


def test_a_reminder_found_hours_late_is_recorded_not_sent(world, program):
    schedule = exercise_schedule(world.alice)
    assert (
        services.dispatch_one(schedule.pk, schedule.next_due_at + timedelta(hours=3)) == "skipped"
    )
    assert Occurrence.objects.get().reason.startswith("late")


def test_a_missed_day_gets_a_gentle_note_the_next_day(world, program):
    services.reschedule(world.alice)
    schedule = Schedule.objects.get(patient=world.alice, kind=Kind.MISSED)
    assert services.dispatch_one(schedule.pk, schedule.next_due_at) == "sent"
    note = Notification.objects.get(kind=Kind.MISSED)
    assert "weren't logged yesterday" in note.body
    assert list(note.deliveries.values_list("channel", flat=True)) == ["in_app"]


def test_turning_reminders_off_clears_the_schedule(world, program):
    prefs = services.preferences_for(world.alice)
    prefs.exercise_on = False
    prefs.save()
    assert exercise_schedule(world.alice).next_due_at is None


def test_the_send_task_sends_once_with_a_stop_link(world, program):
    schedule = exercise_schedule(world.alice)
    services.dispatch_one(schedule.pk, schedule.next_due_at)
    email = Delivery.objects.get(channel="email")
    assert tasks.deliver.run(email.pk) == "sent"
    assert tasks.deliver.run(email.pk) == "nothing to do"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.alice.email]
    assert "/reminders/stop/" in message.extra_headers["List-Unsubscribe"]
    assert "contact your clinician" in message.body
    email.refresh_from_db()
    assert (email.status, email.attempts) == (DeliveryStatus.SENT, 1)


def test_the_stop_link_turns_everything_off(client, world, program):
    token = services.stop_token(world.alice)
    assert client.get(f"/reminders/stop/{token}/").status_code == 200
    assert client.post(f"/reminders/stop/{token}/").status_code == 200
    prefs = services.preferences_for(world.alice)
    assert not (prefs.exercise_on or prefs.posture_on or prefs.email_on)
    assert client.get("/reminders/stop/forged-token/").status_code == 404


def test_a_posture_nudge_links_to_the_chin_tuck_and_respects_work_hours(world, program, library):
    prefs = services.preferences_for(world.alice)
    prefs.posture_on, prefs.posture_every_minutes = True, 90
    prefs.work_start, prefs.work_end = time(9, 0), time(12, 0)
    prefs.save()
    services.reschedule(world.alice)
    schedule = Schedule.objects.get(patient=world.alice, kind=Kind.POSTURE)
    zone = programs.ZoneInfo(world.alice.patient_profile.time_zone)
    local = schedule.next_due_at.astimezone(zone)
    assert time(9, 0) <= local.time() < time(12, 0)
    assert services.dispatch_one(schedule.pk, schedule.next_due_at) == "sent"
    nudge = Notification.objects.get(kind=Kind.POSTURE)
    chin_tuck = Exercise.objects.get(clinic=None, slug="chin-tuck-sitting")
    assert nudge.url == f"/library/{chin_tuck.public_id}/"
    assert "chin tucks" in nudge.body and "Stop if it hurts" in nudge.body
    schedule.refresh_from_db()
    following = schedule.next_due_at.astimezone(zone)
    assert time(9, 0) <= following.time() < time(12, 0), "the next nudge is in work hours too"


def test_no_posture_nudges_unless_opted_in(world, program):
    services.reschedule(world.alice)
    assert Schedule.objects.get(patient=world.alice, kind=Kind.POSTURE).next_due_at is None


def test_the_missed_day_note_comes_at_the_first_time_outside_quiet_hours(world, program):
    prefs = services.preferences_for(world.alice)
    prefs.times = ["07:00", "18:00"]  # 07:00 is inside the default quiet hours (21:30-07:30)
    prefs.save()
    services.reschedule(world.alice)
    missed = Schedule.objects.get(patient=world.alice, kind=Kind.MISSED)
    zone = programs.ZoneInfo(world.alice.patient_profile.time_zone)
    assert f"{missed.next_due_at.astimezone(zone):%H:%M}" == "18:00"


def test_no_reminders_while_a_red_flag_awaits_the_clinician(world, program):
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS

    checkin = alerts.checkin_submit(
        patient=world.alice, answers={key: key == "headache" for key, _ in RED_FLAG_QUESTIONS}
    )
    schedule = exercise_schedule(world.alice)
    due = schedule.next_due_at
    assert services.dispatch_one(schedule.pk, due) == "skipped"
    assert Occurrence.objects.get().reason == "red flag awaiting the clinician"
    alerts.acknowledge(alert=checkin.alerts.get(), by=world.carol, note="Seen; fine to go on.")
    schedule.refresh_from_db()
    assert services.dispatch_one(schedule.pk, schedule.next_due_at) == "sent"
