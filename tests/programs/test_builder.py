"""The therapist's program builder and a program's page: build, revise, pause, end, protocols."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry

from rehab.programs import services
from rehab.programs.models import Program, ProgramItem, Protocol, SessionLog, Status
from tests.factories import ExerciseFactory


def builder_data(response, **overrides):
    """What the browser would post back from a rendered builder page, plus `overrides`."""
    head, formset = response.context["head"], response.context["formset"]
    data = {name: head[name].value() or "" for name in head.fields}
    data |= {
        "item-TOTAL_FORMS": str(len(formset.forms)),
        "item-INITIAL_FORMS": "0",
        "pick_q": "",
        "pick_category": "",
    }
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form[name].value()
            data[f"item-{i}-{name}"] = "" if value is None else value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def exercise_names(response):
    return [exercise.name for _, exercise in response.context["item_forms"]]


@pytest.fixture
def therapist(client, world):
    client.force_login(world.carol)
    return client


def new_url(world):
    return f"/patients/{world.alice.public_id}/programs/new/"


def test_a_program_is_built_from_a_protocol_adjusted_and_saved(therapist, world, protocols):
    protocol = Protocol.objects.get(slug="deep-neck-flexor-progression")
    page = therapist.get(new_url(world), {"protocol": protocol.public_id})
    assert exercise_names(page) == [item.exercise.name for item in protocol.items.all()]
    assert page.context["head"]["title"].value() == protocol.name

    # Adjust the first item, drop the last, then save.
    count = len(exercise_names(page))
    data = builder_data(page, **{"item-0-sets": "3", "item-0-days": ["0", "2", "4"]})
    dropped = therapist.post(new_url(world), data | {"remove": str(count - 1)})
    assert len(exercise_names(dropped)) == count - 1
    assert Program.objects.count() == 0, "editing the rows saves nothing"

    saved = therapist.post(new_url(world), builder_data(dropped, action="save"))
    program = Program.objects.get()
    assert saved.status_code == 302 and saved.url == f"/programs/{program.public_id}/"
    items = list(program.versions.get().items.order_by("position"))
    assert len(items) == count - 1
    first = protocol.items.first()
    assert (items[0].exercise_id, items[0].sets, items[0].days_of_week) == (
        first.exercise_id,
        3,
        0b10101,
    )
    phased = [(item, item.phase_start_week) for item in items if item.phase_start_week]
    assert phased, "the protocol's phases are kept"
    item, week = phased[-1]
    assert item.active_from == program.start_date + timedelta(weeks=week - 1)


def test_add_move_and_remove_exercises_before_saving(therapist, world, library):
    page = therapist.get(new_url(world))
    assert exercise_names(page) == []
    results = page.context["results"]
    first, second = results[0], results[1]
    one = therapist.post(new_url(world), builder_data(page, add=str(first.public_id)))
    two = therapist.post(new_url(world), builder_data(one, add=str(second.public_id)))
    assert exercise_names(two) == [first.name, second.name]
    row = two.context["formset"].forms[1]
    assert row["sets"].value() == second.default_sets, "a new row starts at the default dose"
    moved = therapist.post(new_url(world), builder_data(two, up="1"))
    assert exercise_names(moved) == [second.name, first.name]
    removed = therapist.post(new_url(world), builder_data(moved, remove="0"))
    assert exercise_names(removed) == [first.name]


def test_the_library_search_filters_the_picker(therapist, world, library):
    page = therapist.post(
        new_url(world), {"pick_q": "chin tuck", "item-TOTAL_FORMS": "0", "item-INITIAL_FORMS": "0"}
    )
    found = page.context["results"]
    assert 0 < len(found) < 54
    assert all("chin tuck" in f"{e.name} {e.summary}".lower() for e in found)
    partial = therapist.get(
        "/programs/exercise-picker/", {"pick_q": "", "pick_category": "ergonomic"}
    )
    assert {e.category for e in partial.context["results"]} == {"ergonomic"}
    assert b'name="add"' in partial.content


def test_bad_dosage_shows_errors_next_to_the_field_and_saves_nothing(therapist, world, library):
    page = therapist.get(new_url(world))
    one = therapist.post(
        new_url(world), builder_data(page, add=str(page.context["results"][0].public_id))
    )
    bad_values: list[dict[str, object]] = [
        {"item-0-sets": "0"},
        {"item-0-reps": "500"},
        {"item-0-days": []},
    ]
    for bad in bad_values:
        response = therapist.post(new_url(world), builder_data(one, action="save") | bad)
        assert response.status_code == 200
        assert response.context["formset"].forms[0].errors
    no_items = therapist.post(new_url(world), builder_data(page, action="save"))
    assert "Add at least one exercise" in no_items.content.decode()
    wrong_dates = builder_data(one, action="save", end_date="2000-01-01")
    assert "end_date" in therapist.post(new_url(world), wrong_dates).context["head"].errors
    assert Program.objects.count() == 0


def test_another_clinics_exercise_cannot_be_added_or_saved(therapist, world, library):
    foreign = ExerciseFactory(clinic=world.clinic_b)
    page = therapist.get(new_url(world))
    added = therapist.post(new_url(world), builder_data(page, add=str(foreign.public_id)))
    assert exercise_names(added) == []
    forged = builder_data(page, action="save") | {
        "item-TOTAL_FORMS": "1",
        "item-0-exercise": str(foreign.public_id),
        "item-0-sets": "1",
        "item-0-reps": "5",
        "item-0-hold_seconds": "0",
        "item-0-rest_seconds": "0",
        "item-0-side": "none",
        "item-0-times_per_day": "1",
        "item-0-days": ["0"],
    }
    response = therapist.post(new_url(world), forged)
    assert response.status_code == 200 and Program.objects.count() == 0


def test_only_the_patients_own_therapists_may_build(client, world):
    for user, expected in ((world.dave, 404), (world.erin, 404), (world.frank, 403)):
        client.force_login(user)
        assert client.get(new_url(world)).status_code == expected


@pytest.fixture
def program(world, library):
    from exercises.models import Exercise

    exercises = list(Exercise.objects.filter(clinic=None)[:2])
    today = services.patient_today(world.alice)
    return services.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck strength",
        start_date=today - timedelta(days=3),
        items=[
            services.ItemSpec(exercise_id=exercises[0].pk, sets=2, reps=10),
            services.ItemSpec(exercise_id=exercises[1].pk, sets=1, reps=5, hold_seconds=10),
        ],
    )


def test_revising_makes_a_new_version_from_a_date(therapist, world, program):
    url = f"/programs/{program.public_id}/change/"
    page = therapist.get(url)
    today = services.patient_today(world.alice)
    assert page.context["head"]["effective_from"].value() == today
    assert len(exercise_names(page)) == 2
    too_early = therapist.post(
        url,
        builder_data(page, action="save", effective_from=program.start_date.isoformat()),
    )
    assert "effective_from" in too_early.context["head"].errors
    saved = therapist.post(
        url, builder_data(page, action="save", change_note="More reps", **{"item-0-reps": "15"})
    )
    assert saved.status_code == 302
    v1, v2 = program.versions.order_by("number")
    assert v1.effective_to == today - timedelta(days=1) and v2.effective_from == today
    assert v2.change_note == "More reps"
    assert v2.items.get(position=0).reps == 15 and v1.items.get(position=0).reps == 10


def test_pause_resume_and_end(therapist, world, program):
    base = f"/programs/{program.public_id}"
    therapist.post(f"{base}/pause/")
    program.refresh_from_db()
    assert program.status == Status.PAUSED
    assert therapist.post(f"{base}/pause/").status_code == 302  # twice: a message, no change
    assert program.pauses.count() == 1
    therapist.post(f"{base}/resume/")
    program.refresh_from_db()
    assert program.status == Status.ACTIVE
    today = services.patient_today(world.alice)
    therapist.post(f"{base}/end/", {"on": today.isoformat()})
    program.refresh_from_db()
    assert (program.status, program.end_date) == (Status.ENDED, today)
    revise = therapist.get(f"{base}/change/")
    assert revise.status_code == 302, "an ended program can't be changed"


def test_save_as_protocol_is_shared_within_the_clinic_only(client, world, program):
    client.force_login(world.carol)
    client.post(f"/programs/{program.public_id}/save-as-protocol/", {"name": "Carol neck plan"})
    protocol = Protocol.objects.get(clinic=world.clinic_a)
    assert protocol.items.count() == 2
    client.force_login(world.dave)
    assert "Carol neck plan" in client.get("/protocols/").content.decode()
    client.force_login(world.erin)
    assert "Carol neck plan" not in client.get("/protocols/").content.decode()
    page = client.get(f"/patients/{world.heidi.public_id}/programs/new/")
    assert str(protocol.public_id) not in page.content.decode()


def test_the_program_page_shows_versions_and_adherence(client, world, program):
    client.force_login(world.frank)
    page = client.get(f"/programs/{program.public_id}/")
    assert page.status_code == 200
    assert page.context["adherence_overall"] == 0.0
    assert not page.context["can_manage"], "staff see programs but do not prescribe"


def test_the_handout_prints_each_exercise_with_safety_text(client, world, program):
    client.force_login(world.alice)
    body = client.get(f"/programs/{program.public_id}/handout/").content.decode()
    for item in program.versions.get().items.all():
        assert item.exercise.name in body
        assert item.exercise.stop_if[:40] in body
    assert "Call emergency services" in body and "data-print" in body
    client.force_login(world.bob)
    assert client.get(f"/programs/{program.public_id}/handout/").status_code == 404


# Correcting one's own session ----------------------------------------------------------------


@pytest.fixture
def session(world, program):
    items = list(program.versions.get().items.order_by("position"))
    spec = services.SessionSpec(
        performed_on=services.patient_today(world.alice),
        pain_before=4,
        pain_after=3,
        entries=[
            services.EntrySpec(item_id=items[0].pk, sets_done=2, reps_done=10),
            services.EntrySpec(item_id=items[1].pk, sets_done=1, reps_done=5),
        ],
    )
    log, _ = services.session_log_create(patient=world.alice, spec=spec)
    return log


def edit_data(page, **overrides):
    details, entries = page.context["details"], page.context["entries"]
    data = {name: details[name].value() or "" for name in details.fields}
    data |= {"entry-TOTAL_FORMS": str(len(entries.forms)), "entry-INITIAL_FORMS": "0"}
    for i, form in enumerate(entries.forms):
        for name in form.fields:
            value = form[name].value()
            if name in ("done", "skipped"):
                if value:
                    data[f"entry-{i}-{name}"] = "on"
            else:
                data[f"entry-{i}-{name}"] = "" if value is None else value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_patient_corrects_a_session_within_24_hours_and_it_is_audited(client, world, session):
    client.force_login(world.alice)
    url = f"/sessions/{session.public_id}/edit/"
    page = client.get(url)
    data = edit_data(page, pain_after="6", **{"entry-1-done": None, "entry-0-reps_done": "5"})
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.pain_after == 6
    entries = list(session.entries.all())
    assert len(entries) == 1 and entries[0].reps_done == 5 and entries[0].dose_fraction == 0.5
    assert entries[0].target_reps == 10, "the target snapshot stays"
    changes = LogEntry.objects.get_for_object(session).filter(action=LogEntry.Action.UPDATE)
    assert changes.get().actor == world.alice


def test_after_24_hours_a_session_can_no_longer_be_changed(client, world, session):
    SessionLog.objects.filter(pk=session.pk).update(
        logged_at=session.logged_at - timedelta(hours=25)
    )
    client.force_login(world.alice)
    assert client.get(f"/sessions/{session.public_id}/edit/").status_code == 302
    client.post(f"/sessions/{session.public_id}/delete/")
    assert SessionLog.objects.filter(pk=session.pk).exists()


def test_a_patient_deletes_a_session_within_24_hours(client, world, session):
    entry_ids = list(session.entries.values_list("pk", flat=True))
    client.force_login(world.alice)
    assert client.post(f"/sessions/{session.public_id}/delete/").status_code == 302
    assert not SessionLog.objects.filter(pk=session.pk).exists()
    assert not ProgramItem.objects.filter(logs__pk__in=entry_ids).exists()
    deleted = LogEntry.objects.get_for_model(SessionLog).filter(
        action=LogEntry.Action.DELETE, object_pk=str(session.pk)
    )
    assert deleted.get().actor == world.alice


def test_nobody_else_can_change_a_patients_session(client, world, session):
    for user, expected in ((world.bob, 404), (world.carol, 403), (world.frank, 403)):
        client.force_login(user)
        assert client.get(f"/sessions/{session.public_id}/edit/").status_code == expected
        assert client.post(f"/sessions/{session.public_id}/delete/").status_code == expected
    assert SessionLog.objects.filter(pk=session.pk).exists()


def test_today_lists_the_days_sessions_with_a_change_link(client, world, session):
    client.force_login(world.alice)
    body = client.get("/today/").content.decode()
    assert f"/sessions/{session.public_id}/edit/" in body
    assert f"/programs/{session.program.public_id}/handout/" in body


@pytest.mark.parametrize("page", ["program", "handout", "builder"])
def test_program_pages_run_the_same_queries_for_5_and_50_exercises(client, world, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.carol)
    counts = []
    for size in (5, 50):
        exercises = ExerciseFactory.create_batch(size, clinic=None)
        program = services.program_create(
            therapist=world.carol,
            patient=world.alice,
            title=f"{size} exercises",
            start_date=services.patient_today(world.alice),
            items=[services.ItemSpec(exercise_id=e.pk, sets=1, reps=5) for e in exercises],
        )
        url = {
            "program": f"/programs/{program.public_id}/",
            "handout": f"/programs/{program.public_id}/handout/",
            "builder": f"/programs/{program.public_id}/change/",
        }[page]
        client.get(url)  # the first request of a session also stamps its idle clock
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
