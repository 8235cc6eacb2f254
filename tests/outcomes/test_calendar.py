"""The iCalendar feed of exercise days: which days, at which local times, stable UIDs, what it
must never say, and who can read it (whoever holds a live token of an active patient)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from accounts.models import PatientProfile
from rehab.outcomes import exports_calendar
from rehab.outcomes.models import CalendarFeed
from rehab.programs import services as programs
from rehab.reminders.models import ReminderPreferences
from tests.factories import ExerciseFactory

from .exports_data import EXERCISE_NAMES, FORMULA_NOTE, build_alice_record

MON_WED_FRI = 0b0010101


@pytest.fixture
def feed(world):
    return exports_calendar.calendar_feed_reset(patient=world.alice)


def fetch(client, feed) -> Calendar:
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def event_days(calendar: Calendar) -> list[date]:
    days = []
    for event in calendar.walk("VEVENT"):
        start = event.start
        days.append(start.date() if isinstance(start, datetime) else start)
    return days


def mon_wed_fri_program(world, started_days_ago=20):
    exercise = ExerciseFactory(clinic=None, name=EXERCISE_NAMES[0])
    return programs.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck rehab",
        start_date=programs.patient_today(world.alice) - timedelta(days=started_days_ago),
        items=[
            programs.ItemSpec(exercise_id=exercise.pk, sets=2, reps=10, days_of_week=MON_WED_FRI)
        ],
    )


def test_events_fall_on_program_days_and_skip_a_pause(client, world, feed):
    program = mon_wed_fri_program(world)
    today = programs.patient_today(world.alice)
    programs.program_pause(program=program, on=today - timedelta(days=6))
    programs.program_resume(program=program, on=today - timedelta(days=1))
    paused = {today - timedelta(days=n) for n in range(2, 7)}  # 6 to 2 days ago

    days = event_days(fetch(client, feed))

    window = [today + timedelta(days=n) for n in range(-14, 57)]
    expected = [d for d in window if d.weekday() in (0, 2, 4) and d not in paused]
    assert days == expected
    assert not paused & set(days)
    assert min(days) >= today - timedelta(days=14) and max(days) <= today + timedelta(days=56)


def test_an_ended_program_has_no_future_days_and_a_patient_without_one_has_none(
    client, world, feed
):
    program = mon_wed_fri_program(world)
    today = programs.patient_today(world.alice)
    programs.program_end(program=program, on=today)
    days = event_days(fetch(client, feed))
    assert days and max(days) <= today

    bobs = exports_calendar.calendar_feed_reset(patient=world.bob)
    assert event_days(fetch(client, bobs)) == []


def test_without_reminder_times_each_day_is_an_all_day_event(client, world, feed):
    mon_wed_fri_program(world)
    events = fetch(client, feed).walk("VEVENT")
    assert events
    for event in events:
        assert type(event.start) is date
        assert event.end == event.start + timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_reminder_times_are_local_times_in_the_patients_time_zone(client, world, feed):
    PatientProfile.objects.filter(user=world.alice).update(
        time_zone="America/New_York", reminder_times=["18:00", "07:30"]
    )
    mon_wed_fri_program(world)
    response = client.get(f"/calendar/{feed.token}.ics")
    text = response.content.decode()
    assert "DTSTART;TZID=America/New_York:" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/New_York" in text

    calendar = Calendar.from_ical(response.content)
    zone = ZoneInfo("America/New_York")
    events = calendar.walk("VEVENT")
    by_day: dict[date, list[time]] = {}
    for event in events:
        start = event.start
        assert isinstance(start, datetime) and start.tzinfo is not None
        local = start.astimezone(zone)
        # The same instant as that wall-clock time in New York, whatever the UTC offset that day.
        wall = datetime.combine(local.date(), local.time(), tzinfo=zone)
        assert start.astimezone(UTC) == wall.astimezone(UTC)
        assert event.end - start == timedelta(minutes=exports_calendar.EVENT_MINUTES)
        by_day.setdefault(local.date(), []).append(local.time())
    assert by_day and all(times == [time(7, 30), time(18, 0)] for times in by_day.values())
    assert all(day.weekday() in (0, 2, 4) for day in by_day)


def test_the_patients_reminder_settings_come_before_the_profile_times(client, world, feed):
    PatientProfile.objects.filter(user=world.alice).update(reminder_times=["07:30"])
    ReminderPreferences.objects.create(patient=world.alice, times=["12:15"])
    mon_wed_fri_program(world)
    events = fetch(client, feed).walk("VEVENT")
    assert {event.start.time() for event in events} == {time(12, 15)}


def test_uids_are_stable_across_fetches_and_link_resets(client, world, feed):
    mon_wed_fri_program(world)
    first = [str(e["UID"]) for e in fetch(client, feed).walk("VEVENT")]
    again = [str(e["UID"]) for e in fetch(client, feed).walk("VEVENT")]
    reset = exports_calendar.calendar_feed_reset(patient=world.alice)
    after_reset = [str(e["UID"]) for e in fetch(client, reset).walk("VEVENT")]
    assert first == again == after_reset
    assert len(set(first)) == len(first)
    assert str(world.alice.public_id) not in "".join(first)


def test_the_feed_tells_no_health_details(client, world, feed):
    build_alice_record(world)  # exercise names, pain ratings, notes, outcomes
    PatientProfile.objects.filter(user=world.alice).update(reminder_times=["08:00"])
    text = client.get(f"/calendar/{feed.token}.ics").content.decode()
    calendar = Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert events
    assert {str(e["SUMMARY"]) for e in events} == {"Neck exercises"}
    assert {str(e["URL"]) for e in events} == {exports_calendar.today_url()}
    for secret in (*EXERCISE_NAMES, "Neck rehab", "Alïce", "alice@example.org", "Felt good"):
        assert secret not in text
    assert FORMULA_NOTE[:10] not in text
    lowered = text.lower()
    for word in ("pain", "ndi", "disability", "angle", "sets", "reps", "stretch", "tuck"):
        assert word not in lowered, word


def test_an_unknown_token_answers_404(client, world, feed):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token[:-1]}.ics").status_code == 404


def test_an_inactive_patients_feed_answers_404(client, world, feed):
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


def test_the_token_is_long_and_random(world):
    first = exports_calendar.calendar_feed_reset(patient=world.alice).token
    second = exports_calendar.calendar_feed_reset(patient=world.alice).token
    assert len(first) >= 43 and first != second
    assert CalendarFeed.objects.filter(patient=world.alice).count() == 1
