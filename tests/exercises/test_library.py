import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import library_data
from exercises.models import Category, Exercise
from tests.factories import ExerciseFactory


def test_the_shared_library_has_35_plus_exercises_in_every_category(library):
    shared = Exercise.objects.filter(clinic=None)
    assert shared.count() >= 35
    assert set(shared.values_list("category", flat=True)) == set(Category.values)


def test_every_shared_exercise_is_complete_and_safe_to_hand_to_a_patient(library):
    for exercise in Exercise.objects.filter(clinic=None).prefetch_related("muscles"):
        assert len(exercise.steps) >= 3, exercise.slug
        assert exercise.precautions and exercise.stop_if, exercise.slug
        assert "stop" in exercise.stop_if.lower(), exercise.slug
        assert exercise.muscles.exists(), exercise.slug
        exercise.full_clean()


def test_progression_links_resolve_and_never_point_to_themselves(library):
    linked = Exercise.objects.filter(clinic=None).exclude(progression=None, regression=None)
    assert linked.count() >= 10
    for exercise in linked:
        assert exercise.progression_id != exercise.pk
        assert exercise.regression_id != exercise.pk
    expected = sum(1 for item in library_data.EXERCISES if item.get("progression"))
    assert Exercise.objects.filter(clinic=None).exclude(progression=None).count() == expected


def test_syncing_twice_changes_nothing(library):
    before = list(Exercise.objects.order_by("slug").values_list("slug", "progression__slug"))
    out = StringIO()
    call_command("sync_exercise_library", stdout=out)
    assert "0 created" in out.getvalue()
    after = list(Exercise.objects.order_by("slug").values_list("slug", "progression__slug"))
    assert before == after


def test_library_search_and_filters(client, world, library):
    client.force_login(world.alice)
    page = client.get("/library/", {"q": "chin tuck"}).content.decode()
    assert "Chin tuck" in page
    assert "Doorway" not in page
    page = client.get("/library/", {"category": "ergonomic"})
    names = [e.name for e in page.context["page"].object_list]
    assert names and all(
        Exercise.objects.get(name=n, clinic=None).category == "ergonomic" for n in names
    )
    page = client.get("/library/", {"muscle": "upper-trapezius"})
    assert all(
        e.muscles.filter(slug="upper-trapezius").exists() for e in page.context["page"].object_list
    )


def test_htmx_search_returns_only_the_result_list(client, world, library):
    client.force_login(world.alice)
    response = client.get("/library/", {"q": "breath"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "exercise-card" in body


def test_the_detail_page_shows_instructions_and_when_to_stop(client, world, library):
    exercise = Exercise.objects.get(clinic=None, slug=library_data.EXERCISES[0]["slug"])
    client.force_login(world.alice)
    body = client.get(f"/library/{exercise.public_id}/").content.decode()
    assert exercise.steps[0] in body
    assert "When to stop" in body
    assert exercise.stop_if in body


def test_clinic_exercises_are_seen_only_inside_that_clinic(client, world):
    own = ExerciseFactory(clinic=world.clinic_a, name="Clinic A towel stretch")
    client.force_login(world.heidi)
    assert "Clinic A towel stretch" not in client.get("/library/").content.decode()
    assert client.get(f"/library/{own.public_id}/").status_code == 404
    api = client.get("/api/v1/exercises/").json()
    assert str(own.public_id) not in {e["id"] for e in api["results"]}
    client.force_login(world.alice)
    assert "Clinic A towel stretch" in client.get("/library/").content.decode()


def test_a_therapist_adds_a_clinic_exercise(client, world, library):
    client.force_login(world.carol)
    response = client.post(
        "/library/new/",
        {
            "name": "Towel chin tuck",
            "category": "deep_neck_flexor",
            "level": "beginner",
            "summary": "A chin tuck with a towel behind the neck.",
            "steps": "Sit tall.\nHold a towel behind your neck.\nNod gently.",
            "precautions": "Keep it gentle.",
            "stop_if": "Stop if pain spreads into your arm.",
            "equipment": "Towel",
            "default_sets": 1,
            "default_reps": 10,
            "default_hold_seconds": 5,
            "default_rest_seconds": 30,
            "default_side": "none",
            "default_times_per_day": 2,
        },
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Towel chin tuck")
    assert exercise.clinic == world.clinic_a
    assert exercise.steps == ["Sit tall.", "Hold a towel behind your neck.", "Nod gently."]


def test_a_bad_dosage_is_a_form_error_and_saves_nothing(client, world):
    client.force_login(world.carol)
    response = client.post(
        "/library/new/",
        {
            "name": "Bad",
            "category": "stretching",
            "level": "beginner",
            "summary": "x",
            "steps": "a",
            "precautions": "x",
            "stop_if": "x",
            "equipment": "None",
            "default_sets": 0,
            "default_reps": 500,
            "default_hold_seconds": 5,
            "default_rest_seconds": 30,
            "default_side": "none",
            "default_times_per_day": 2,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "default_sets" in form.errors and "default_reps" in form.errors
    assert not Exercise.objects.filter(name="Bad").exists()


def test_the_api_lists_and_filters_the_library(client, world, library):
    client.force_login(world.alice)
    data = client.get("/api/v1/exercises/", {"category": "breathing"}).json()
    assert data["count"] >= 3
    assert {e["category"] for e in data["results"]} == {"breathing"}
    one = data["results"][0]
    assert set(one["default_dosage"]) == {
        "sets",
        "reps",
        "hold_seconds",
        "rest_seconds",
        "side",
        "times_per_day",
    }
    detail = client.get(f"/api/v1/exercises/{one['id']}/").json()
    assert detail["steps"] and detail["stop_if"]


def test_the_api_list_is_what_its_serializer_would_give_for_every_exercise(client, world, library):
    """The list writes its rows out for speed; ExerciseListSerializer is its schema and must
    agree with it, page after page, for shared and clinic exercises, muscles and filters."""
    from exercises.api import ExerciseListSerializer
    from exercises.models import Muscle
    from exercises.selectors import exercise_search

    own = ExerciseFactory(clinic=world.clinic_a, name="Our own chin tuck", equipment="A towel")
    own.muscles.set(Muscle.objects.order_by("-name")[:3])
    ExerciseFactory(clinic=world.clinic_a, name="Archived", is_archived=True)
    ExerciseFactory(clinic=world.clinic_b, name="Another clinic's")
    client.force_login(world.alice)
    for params in ({}, {"category": "stretching"}, {"q": "chin"}, {"muscle": "upper-trapezius"}):
        listed, url = [], "/api/v1/exercises/"
        while url:
            page = client.get(url, params if url == "/api/v1/exercises/" else None).json()
            listed += page["results"]
            url = page["next"]
        search = {"query" if name == "q" else name: value for name, value in params.items()}
        expected = ExerciseListSerializer(
            exercise_search(viewer=world.alice, **search), many=True
        ).data
        assert listed == json.loads(json.dumps(expected)), params
        assert listed, params
    names = [row["name"] for row in listed]
    assert "Archived" not in names and "Another clinic's" not in names


@pytest.mark.parametrize("url", ["/library/", "/api/v1/exercises/"])
def test_library_queries_do_not_grow_with_the_number_of_exercises(client, world, url):
    client.force_login(world.alice)
    client.get(url)  # the first request after sign-in starts the session clock (a write)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    ExerciseFactory.create_batch(3, clinic=None)
    few = count()
    ExerciseFactory.create_batch(40, clinic=None)
    assert count() == few


def test_an_exercise_picture_is_served_only_to_those_who_may_see_the_exercise(
    client, world, settings, tmp_path
):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    exercise = ExerciseFactory(clinic=world.clinic_a)
    exercise.image = SimpleUploadedFile("pic.png", buffer.getvalue(), content_type="image/png")
    exercise.save()
    client.force_login(world.alice)
    response = client.get(f"/library/{exercise.public_id}/image/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == buffer.getvalue()
    client.force_login(world.heidi)
    assert client.get(f"/library/{exercise.public_id}/image/").status_code == 404
