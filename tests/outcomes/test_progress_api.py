"""GET /api/v1/progress/ and GET /api/v1/patients/<id>/progress/: the progress page as JSON."""

from datetime import timedelta

import pytest

from rehab.outcomes import services as outcomes
from rehab.outcomes.models import PostureBreak
from rehab.programs.services import patient_today


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 403),
        ("alice", 200),
        ("bob", 200),
        ("carol", 403),
        ("dave", 403),
        ("erin", 403),
        ("frank", 403),
        ("grace", 403),
    ],
)
def test_own_progress_is_for_patients(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/api/v1/progress/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["patient"]["id"] == str(user.public_id)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 403),
        ("alice", 200),
        ("bob", 404),
        ("carol", 200),
        ("dave", 404),
        ("erin", 404),
        ("frank", 200),
        ("grace", 404),
    ],
)
def test_a_patients_progress_is_for_whoever_may_see_them(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/api/v1/patients/{world.alice.public_id}/progress/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["patient"]["name"] == "Alice Patient"


def test_an_unknown_patient_is_404(client, world):
    client.force_login(world.carol)
    response = client.get("/api/v1/patients/00000000-0000-0000-0000-000000000000/progress/")
    assert response.status_code == 404


def test_the_progress_json_carries_trends_cva_sides_and_counts(client, world, alice_program):
    alice_program(times_per_day=1, started_days_ago=7)
    today = patient_today(world.alice)
    for days_ago, value in ((20, 6), (1, 3)):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="pain",
            recorded_on=today - timedelta(days=days_ago),
            inputs={"value": value},
        )
    outcomes.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="cva",
        recorded_on=today,
        inputs={"side": "right", "tragus": [100, 100], "c7": [0, 200]},
    )
    PostureBreak.objects.create(patient=world.alice, done_on=today)
    client.force_login(world.carol)

    body = client.get(f"/api/v1/patients/{world.alice.public_id}/progress/").json()

    assert body["today"] == today.isoformat()
    assert len(body["adherence"]["weeks"]) == 12
    assert body["adherence"]["this_week"] == body["adherence"]["weeks"][-1]
    assert set(body["adherence"]["streak"]) == {"days", "since", "through"}
    pain = next(t for t in body["outcomes"] if t["measure"] == "pain")
    assert [(p["value"], p["change"]) for p in pain["points"]] == [(6.0, ""), (3.0, "better")]
    assert pain["meaningful_change"] == 2.0
    assert pain["summary"].startswith("Pain rating improved by 3 points since ")
    assert body["cva"]["reference_degrees"] == 50
    assert body["cva"]["left"] == []
    assert [(p["day"], p["value"]) for p in body["cva"]["right"]] == [(today.isoformat(), 45.0)]
    assert body["posture"]["posture_breaks_total"] == 1
    assert body["posture"]["weeks"][-1]["posture_breaks"] == 1
    assert body["next"]["programs"] == [{"title": "Neck", "status": "active", "end_date": None}]


def test_the_patients_own_json_speaks_to_them(client, world):
    today = patient_today(world.alice)
    for days_ago, value in ((20, 3), (1, 6)):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="pain",
            recorded_on=today - timedelta(days=days_ago),
            inputs={"value": value},
        )
    client.force_login(world.alice)

    body = client.get("/api/v1/progress/").json()

    pain = next(t for t in body["outcomes"] if t["measure"] == "pain")
    assert pain["summary"].startswith("Your pain rating got worse by 3 points")
    assert pain["summary"].endswith("If you feel worse, tell your therapist.")
