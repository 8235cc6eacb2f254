from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rehab.programs import services
from rehab.programs.models import ExerciseLog, SessionLog
from rehab.programs.services import ItemSpec
from tests.factories import ExerciseFactory


@pytest.fixture
def program(world):
    today = services.patient_today(world.alice)
    exercises = ExerciseFactory.create_batch(2, clinic=None)
    return services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck",
        start_date=today - timedelta(days=2),
        items=[
            ItemSpec(exercise_id=exercises[0].pk, sets=2, reps=10, hold_seconds=5, times_per_day=2),
            ItemSpec(exercise_id=exercises[1].pk, sets=1, reps=8),
        ],
    )


class _FormReader(HTMLParser):
    """The fields of the page's POST form, as a browser would send them untouched: inputs
    (checkboxes only when checked), each select's selected option, textareas."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self.select, self.textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method") == "post" and "session-form" in attrs.get("class", "")
        elif not self.inside or ("name" not in attrs and tag != "option"):
            return
        elif tag == "input" and (attrs.get("type") != "checkbox" or "checked" in attrs):
            self.data[attrs["name"]] = attrs.get("value") or (
                "on" if attrs.get("type") == "checkbox" else ""
            )
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_data(page, **overrides):
    """The Today form as the browser would submit it, read from the page, with the first
    exercise done and the session questions answered."""
    reader = _FormReader()
    reader.feed(page.content.decode())
    data = reader.data
    assert "idempotency_key" in data and "entry-TOTAL_FORMS" in data, sorted(data)
    data.update(pain_before="3", pain_after="2", difficulty="3", note="")
    data["entry-0-done"] = "on"
    data.update(overrides)
    return data


def test_today_shows_what_is_due_with_instructions_and_timers(client, world, program):
    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    for item in program.versions.get().items.all():
        assert item.exercise.name in body
    assert body.count("data-timer ") == 2
    assert "0 of 3" in body


def test_today_shows_the_exercise_picture_and_video(client, world, program):
    item = program.versions.get().items.first()
    item.exercise.image = "exercises/chin.png"
    item.exercise.video_url = "https://video.example.org/chin-tuck"
    item.exercise.save()
    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    assert f"/library/{item.exercise.public_id}/image/" in body
    assert "https://video.example.org/chin-tuck" in body


def test_a_patient_logs_a_session_from_today(client, world, program):
    client.force_login(world.alice)
    page = client.get("/today/")
    response = client.post("/today/", form_data(page))
    assert response.status_code == 302
    session = SessionLog.objects.get()
    assert (session.pain_before, session.pain_after) == (3, 2)
    entry = ExerciseLog.objects.get()
    assert entry.dose_fraction == 1.0
    assert "1 of 3" in client.get("/today/").content.decode()


def test_sending_the_same_form_twice_stores_one_session(client, world, program):
    client.force_login(world.alice)
    data = form_data(client.get("/today/"))
    client.post("/today/", data)
    client.post("/today/", data)
    assert SessionLog.objects.count() == 1


def test_a_bad_pain_value_is_a_form_error_and_stores_nothing(client, world, program):
    client.force_login(world.alice)
    response = client.post("/today/", form_data(client.get("/today/"), pain_after="12"))
    assert response.status_code == 200
    assert response.context["session_form"].errors["pain_after"]
    assert not SessionLog.objects.exists()


def test_a_patient_can_backfill_yesterday(client, world, program):
    client.force_login(world.alice)
    yesterday = services.patient_today(world.alice) - timedelta(days=1)
    page = client.get("/today/", {"day": yesterday.isoformat()})
    client.post("/today/", form_data(page))
    assert SessionLog.objects.get().performed_on == yesterday


def test_today_runs_the_same_queries_with_5_or_50_exercises(client, world):
    def queries_for(patient, therapist, count):
        today = services.patient_today(patient)
        exercises = ExerciseFactory.create_batch(count, clinic=None)
        services.program_create(
            therapist=therapist,
            patient=patient,
            title="Neck",
            start_date=today,
            items=[ItemSpec(exercise_id=e.pk, sets=1, reps=5) for e in exercises],
        )
        client.force_login(patient)
        client.get("/today/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/today/").status_code == 200
        return len(ctx)

    assert queries_for(world.alice, world.carol, 5) == queries_for(world.bob, world.dave, 50)


def test_the_doses_on_today_are_the_databases_sums(world, program):
    """Today sums the doses from the entries it loads for the session list; they must be what
    the database sums (`doses_done_by_item`), partial sessions included."""
    from rehab.programs import selectors
    from rehab.programs.services import EntrySpec, SessionSpec

    today = services.patient_today(world.alice)
    items = list(selectors.items_due(patient=world.alice, on=today))
    for sets_done in (1, 1, 2):
        services.session_log_create(
            patient=world.alice,
            spec=SessionSpec(
                performed_on=today,
                entries=[EntrySpec(item_id=items[0].pk, sets_done=sets_done, reps_done=7)],
            ),
            idempotency_key=f"partial-{sets_done}-{SessionLog.objects.count()}",
        )
    summed = selectors.doses_by_item(selectors.sessions_on(patient=world.alice, on=today))
    assert summed == selectors.doses_done_by_item(patient=world.alice, on=today)
    assert len(selectors.sessions_on(patient=world.alice, on=today)) == 3


def test_today_asks_for_the_weekly_safety_check_until_it_is_answered(client, world, program):
    from rehab.alerts.models import RED_FLAG_QUESTIONS
    from rehab.alerts.services import checkin_submit

    client.force_login(world.alice)
    assert "Weekly safety check</h2>" in client.get("/today/").content.decode()
    checkin_submit(patient=world.alice, answers={key: False for key, _ in RED_FLAG_QUESTIONS})
    body = client.get("/today/").content.decode()
    assert "Weekly safety check</h2>" not in body
    assert "Please contact your clinician before exercising" not in body


def test_an_open_red_flag_tells_the_patient_to_wait_for_the_clinician(client, world, program):
    from rehab.alerts.models import RED_FLAG_QUESTIONS, Alert
    from rehab.alerts.services import acknowledge, checkin_submit

    checkin_submit(
        patient=world.alice, answers={key: key == "headache" for key, _ in RED_FLAG_QUESTIONS}
    )
    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    assert "Please contact your clinician before exercising" in body
    raised = Alert.objects.get().created_at
    assert f"On {timezone.localtime(raised):%-d %B} you told us" in body
    acknowledge(alert=Alert.objects.get(), by=world.carol, note="Called her; GP today.")
    body = client.get("/today/").content.decode()
    assert "Please contact your clinician before exercising" not in body


def test_today_shows_the_unread_count_on_the_bell(client, world, program):
    from rehab.reminders.models import Notification

    client.force_login(world.alice)
    assert "bell-count" not in client.get("/today/").content.decode()
    for title in ("Time", "Again"):
        Notification.objects.create(recipient=world.alice, kind="exercise", title=title)
    Notification.objects.create(recipient=world.bob, kind="exercise", title="Not hers")
    body = client.get("/today/").content.decode()
    assert '<span class="bell-count">2</span>' in body
    assert 'aria-label="Notifications, 2 unread"' in body


def test_an_exercise_edit_shows_on_today_at_once(client, world, program):
    """Each exercise's instructions are rendered once and kept per process: an edit must show."""
    client.force_login(world.alice)
    exercise = program.versions.get().items.first().exercise
    assert "Stop at once if it hurts" not in client.get("/today/").content.decode()
    exercise.stop_if = "Stop at once if it hurts <more>."
    exercise.steps = ["A new first step"]
    exercise.save()
    body = client.get("/today/").content.decode()
    assert "Stop at once if it hurts &lt;more&gt;." in body
    assert "<li>A new first step</li>" in body


def test_a_form_sent_back_with_errors_keeps_the_patients_answers(client, world, program):
    """The session questions of a fresh page are rendered once per process; a form sent back
    must show the patient's own answers and the errors, and the next fresh page none of them."""
    client.force_login(world.alice)
    data = form_data(client.get("/today/"), pain_after="12", note="Stiff <b>neck</b>")
    body = client.post("/today/", data).content.decode()
    assert '<option value="3" selected>3</option>' in body
    assert "Stiff &lt;b&gt;neck&lt;/b&gt;</textarea>" in body
    assert "Select a valid choice. 12 is not one of the available choices." in body
    fresh = client.get("/today/").content.decode()
    assert " selected>3</option>" not in fresh and "Stiff" not in fresh
    assert "Select a valid choice" not in fresh


def test_today_lists_the_days_sessions_in_the_patients_time(client, world, program):
    """Each session of the day in the order logged: its time in the patient's zone, what was
    done or skipped (names escaped), the pain after, and a link to change it while it may be."""
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    from rehab.programs import selectors
    from rehab.programs.services import EntrySpec, SessionSpec

    profile = world.alice.patient_profile
    profile.time_zone = "Asia/Kolkata"  # UTC+5:30: a server-time display would be off
    profile.save()
    today = services.patient_today(world.alice)
    first, second = selectors.items_due(patient=world.alice, on=today)
    second.exercise.name = "Wall <angel>"
    second.exercise.save()

    def log(entries, pain_after, key):
        session, _ = services.session_log_create(
            patient=world.alice,
            spec=SessionSpec(performed_on=today, entries=entries, pain_after=pain_after),
            idempotency_key=key,
        )
        return session

    recent = log(
        [
            EntrySpec(item_id=first.pk, sets_done=2, reps_done=10),
            EntrySpec(item_id=second.pk, skipped=True, skip_reason="Too sore"),
        ],
        2,
        "recent",
    )
    old = log([EntrySpec(item_id=first.pk, sets_done=1, reps_done=10)], None, "old")
    SessionLog.objects.filter(pk=old.pk).update(
        logged_at=timezone.now() - services.EDIT_WINDOW - timedelta(minutes=1)
    )
    old.refresh_from_db()
    zone = ZoneInfo("Asia/Kolkata")

    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    start = body.index('<ul class="logged">')
    listed = body[start : body.index("</ul>", start)]
    items = [li.split("</li>")[0] for li in listed.split("<li>")[1:]]
    assert len(items) == 2
    assert f"{old.logged_at.astimezone(zone):%H:%M}: {first.exercise.name}</span>" in items[0]
    assert "Change or delete" not in items[0]
    assert (
        f"{recent.logged_at.astimezone(zone):%H:%M}: {first.exercise.name}, "
        "Wall &lt;angel&gt; (skipped) · pain after 2</span>"
    ) in items[1]
    assert f'href="{reverse("session_edit", args=[recent.public_id])}"' in items[1]


def test_a_session_of_an_exercise_no_longer_due_is_listed_with_its_name(client, world, program):
    """The session list names exercises from the day's cards; one logged before the program
    was paused has no card any more, and is still named."""
    from rehab.programs import selectors
    from rehab.programs.services import EntrySpec, SessionSpec

    today = services.patient_today(world.alice)
    first = selectors.items_due(patient=world.alice, on=today)[0]
    services.session_log_create(
        patient=world.alice,
        spec=SessionSpec(
            performed_on=today, entries=[EntrySpec(item_id=first.pk, sets_done=1, reps_done=5)]
        ),
    )
    services.program_pause(program=program, on=today)
    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    assert "Nothing planned" in body
    start = body.index('<ul class="logged">')
    assert f": {first.exercise.name}</span>" in body[start : body.index("</ul>", start)]
