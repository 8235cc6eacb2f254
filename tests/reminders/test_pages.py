from datetime import time

from rehab.reminders import services
from rehab.reminders.models import Kind, Notification, Schedule


def settings_data(**overrides):
    data = {
        "exercise_on": "on",
        "reminder_times": "08:00, 19:30",
        "days_list": ["0", "1", "2", "3", "4"],
        "missed_note_on": "on",
        "in_app_on": "on",
        "email_on": "on",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "posture_every_minutes": "45",
        "work_start": "09:00",
        "work_end": "17:00",
        "work_days_list": ["0", "1", "2", "3", "4"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_patient_sets_reminder_times_and_the_schedule_follows(client, world):
    client.force_login(world.alice)
    assert client.get("/settings/reminders/").status_code == 200
    response = client.post("/settings/reminders/", settings_data(posture_on="on"))
    assert response.status_code == 302
    prefs = services.preferences_for(world.alice)
    assert prefs.times == ["08:00", "19:30"] and prefs.days == 0b11111 and prefs.posture_on
    assert prefs.quiet_start == time(22, 0)
    kinds = set(
        Schedule.objects.filter(patient=world.alice, next_due_at__isnull=False).values_list(
            "kind", flat=True
        )
    )
    assert {Kind.EXERCISE, Kind.POSTURE} <= kinds


def test_bad_reminder_settings_are_explained_and_change_nothing(client, world):
    client.force_login(world.alice)
    for bad in (
        {"reminder_times": "8 in the morning"},
        {"reminder_times": "07:00, 08:00, 09:00, 10:00, 11:00"},
        {"days_list": None},
        {"posture_on": "on", "work_end": "08:00"},
        {"posture_every_minutes": "5"},
    ):
        response = client.post("/settings/reminders/", settings_data(**bad))
        assert response.status_code == 200 and response.context["form"].errors, bad
    assert services.preferences_for(world.alice).times == []


def test_the_bell_counts_unread_and_opening_marks_read(client, world):
    notification = services.notify(
        recipient=world.alice,
        kind="exercise",
        title="Time for your neck exercises",
        body="Open Today.",
        url="/today/",
        channels=["in_app"],
    )
    client.force_login(world.alice)
    assert "1 unread" in client.get("/today/").content.decode()
    opened = client.post(f"/notifications/{notification.public_id}/read/")
    assert opened.url == "/today/"
    assert Notification.objects.get().read_at is not None
    assert "unread" not in client.get("/today/").content.decode()
