"""Posture breaks: "I took a posture break" from a posture nudge (counted once per nudge) or on
its own, on the patient's local date; the per-day counts for the dashboard; the API."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rehab.outcomes.models import PostureBreak
from rehab.outcomes.posture import posture_break_counts, posture_break_record
from rehab.programs.services import patient_today
from rehab.reminders.models import Kind, Notification


def nudge(user, kind: str = Kind.POSTURE) -> Notification:
    return Notification.objects.create(
        recipient=user, kind=kind, title="Time for a posture break", body="Stand up and move."
    )


def test_the_patient_counts_a_break_from_the_checklist_page(client, world):
    client.force_login(world.alice)
    response = client.post("/posture-breaks/", follow=True)
    assert response.redirect_chain[-1][0] == "/workstation/"
    done = PostureBreak.objects.get()
    assert (done.patient, done.done_on, done.notification) == (
        world.alice,
        patient_today(world.alice),
        None,
    )
    assert "Posture break counted: 1 today." in response.content.decode()
    client.post("/posture-breaks/")
    assert PostureBreak.objects.count() == 2, "breaks without a nudge all count"


def test_answering_the_same_nudge_twice_counts_once_and_marks_it_read(client, world):
    notification = nudge(world.alice)
    client.force_login(world.alice)
    form = {"notification": str(notification.public_id), "next": "/notifications/"}
    first = client.post("/posture-breaks/", form)
    assert first.status_code == 302 and first["Location"] == "/notifications/"
    second = client.post("/posture-breaks/", form, follow=True)
    assert "already counted" in second.content.decode()
    assert PostureBreak.objects.get().notification == notification
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_patients_nudge_is_a_404_and_counts_nothing(client, world):
    client.force_login(world.alice)
    for other in (nudge(world.bob), nudge(world.heidi)):
        response = client.post("/posture-breaks/", {"notification": str(other.public_id)})
        assert response.status_code == 404
    assert not PostureBreak.objects.exists()


def test_a_notification_that_is_not_a_posture_nudge_is_a_404(client, world):
    client.force_login(world.alice)
    reminder = nudge(world.alice, kind=Kind.EXERCISE)
    response = client.post("/posture-breaks/", {"notification": str(reminder.public_id)})
    assert response.status_code == 404
    assert not PostureBreak.objects.exists()


def test_an_offsite_next_is_ignored(client, world):
    client.force_login(world.alice)
    response = client.post("/posture-breaks/", {"next": "https://evil.example/"})
    assert response["Location"] == "/workstation/"


def test_a_bad_notification_id_is_a_400(client, world):
    client.force_login(world.alice)
    assert client.post("/posture-breaks/", {"notification": "nope"}).status_code == 400
    assert not PostureBreak.objects.exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("anonymous", 302),
        ("alice", 302),
        ("bob", 302),
        ("carol", 403),
        ("dave", 403),
        ("erin", 403),
        ("frank", 403),
        ("grace", 403),
    ],
)
def test_only_patients_record_posture_breaks(client, world, name, code):
    user = world.persona(name)
    if user is not None:
        client.force_login(user)
    response = client.post("/posture-breaks/")
    assert response.status_code == code
    if name == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert PostureBreak.objects.count() == (1 if name in ("alice", "bob") else 0)


def test_get_is_not_allowed(client, world):
    client.force_login(world.alice)
    assert client.get("/posture-breaks/").status_code == 405


def test_the_button_shows_on_posture_nudges_only(client, world):
    posture_nudge = nudge(world.alice)
    exercise = nudge(world.alice, kind=Kind.EXERCISE)
    client.force_login(world.alice)
    page = client.get("/notifications/").content.decode()
    assert page.count("I took a posture break") == 1
    assert f'value="{posture_nudge.public_id}"' in page
    assert f'value="{exercise.public_id}"' not in page


def test_the_break_is_dated_the_patients_local_day(world, monkeypatch):
    profile = world.alice.patient_profile
    profile.time_zone = "Pacific/Kiritimati"  # UTC+14
    profile.save()
    noon_utc = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon_utc)
    done, created = posture_break_record(patient=world.alice)
    assert created
    assert done.done_on == date(2026, 3, 2)


def test_counts_per_day_in_one_query_with_every_day_present(world):
    today = patient_today(world.alice)
    for days_ago in (0, 0, 2):
        PostureBreak.objects.create(patient=world.alice, done_on=today - timedelta(days=days_ago))
    PostureBreak.objects.create(patient=world.bob, done_on=today)
    PostureBreak.objects.create(patient=world.alice, done_on=today - timedelta(days=10))
    with CaptureQueriesContext(connection) as queries:
        counts = posture_break_counts(world.alice, today - timedelta(days=3), today)
    assert len(queries) == 1
    assert counts == {
        today - timedelta(days=3): 0,
        today - timedelta(days=2): 1,
        today - timedelta(days=1): 0,
        today: 2,
    }
    assert list(counts) == sorted(counts)


# --- API ----------------------------------------------------------------------------------------


def test_api_a_nudge_counts_once_201_then_200(client, world):
    notification = nudge(world.alice)
    client.force_login(world.alice)
    body = {"notification": str(notification.public_id)}
    first = client.post("/api/v1/posture-breaks/", body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["notification"] == str(notification.public_id)
    assert first.json()["today"] == 1
    again = client.post("/api/v1/posture-breaks/", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["today"] == 1
    assert PostureBreak.objects.count() == 1


def test_api_a_break_without_a_nudge(client, world):
    client.force_login(world.alice)
    response = client.post("/api/v1/posture-breaks/", {}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["notification"] is None
    assert response.json()["done_on"] == patient_today(world.alice).isoformat()


def test_api_someone_elses_nudge_is_404(client, world):
    other = nudge(world.bob)
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/posture-breaks/",
        {"notification": str(other.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not PostureBreak.objects.exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("anonymous", 403),
        ("alice", 201),
        ("bob", 201),
        ("carol", 403),
        ("dave", 403),
        ("erin", 403),
        ("frank", 403),
        ("grace", 403),
    ],
)
def test_api_only_patients_post_breaks(client, world, name, code):
    user = world.persona(name)
    if user is not None:
        client.force_login(user)
    response = client.post("/api/v1/posture-breaks/", {}, content_type="application/json")
    assert response.status_code == code
