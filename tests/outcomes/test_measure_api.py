"""The outcome measures and questionnaire schedule API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehab.outcomes import services
from rehab.outcomes.models import OutcomeRecord, QuestionnaireSchedule
from rehab.programs.services import patient_today

NDI_17 = [2, 1, 3, 0, 2, 1, 2, 3, 1, 2]
PERSONAS = ("anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace")


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def put(client, url, body):
    return client.put(url, body, content_type="application/json")


@pytest.fixture
def alice_ndi(world):
    return services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="ndi",
        recorded_on=patient_today(world.alice),
        inputs={"items": NDI_17},
    )


def _codes(client, world, call):
    codes = []
    for persona in PERSONAS:
        client.logout()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user)
        codes.append(call().status_code)
    return tuple(codes)


def test_who_may_read_a_record(client, world, alice_ndi):
    url = f"/api/v1/outcomes/{alice_ndi.public_id}/"
    assert _codes(client, world, lambda: client.get(url)) == (
        403, 200, 404, 200, 404, 404, 200, 404,
    )  # fmt: skip


def test_who_sees_it_in_the_list(client, world, alice_ndi):
    seen = {}
    for persona in PERSONAS[1:]:
        client.force_login(world.persona(persona))
        seen[persona] = [row["id"] for row in client.get("/api/v1/outcomes/").json()["results"]]
    mine = [str(alice_ndi.public_id)]
    assert seen == {
        "alice": mine, "bob": [], "carol": mine, "dave": [], "erin": [], "frank": mine,
        "grace": [],
    }  # fmt: skip


def test_who_may_record(client, world):
    today = patient_today(world.alice).isoformat()
    body = {"patient": str(world.alice.public_id), "measure": "pain", "inputs": {"value": 3}}
    body["recorded_on"] = today
    codes = _codes(client, world, lambda: post(client, "/api/v1/outcomes/", body))
    assert codes == (403, 201, 404, 201, 404, 404, 403, 403)
    assert OutcomeRecord.objects.filter(patient=world.alice).count() == 2


def test_who_may_read_and_change_the_schedule(client, world):
    url = f"/api/v1/patients/{world.alice.public_id}/questionnaires/"
    today = patient_today(world.alice).isoformat()
    body = {"schedules": [{"measure": "ndi", "every_days": 14, "starts_on": today}]}
    assert _codes(client, world, lambda: client.get(url)) == (
        403, 200, 404, 200, 404, 404, 200, 404,
    )  # fmt: skip
    assert _codes(client, world, lambda: put(client, url, body)) == (
        403, 403, 404, 200, 404, 404, 403, 404,
    )  # fmt: skip


def test_a_patient_records_their_own_ndi_and_computed_fields_are_ignored(client, world):
    client.force_login(world.alice)
    response = post(
        client,
        "/api/v1/outcomes/",
        {
            "measure": "ndi",
            "inputs": {"items": [*NDI_17[:7], None, *NDI_17[8:]]},
            "note": "After a long drive",
            "value": 1.0,
            "band": "none",
            "scoring_version": "ndi-99",
            "detail": {"total": 0},
            "clinic": world.clinic_b.pk,
            "entered_by": str(world.carol.public_id),
            "entered_at": "2020-01-01T00:00:00Z",
            "id": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value"], body["band"], body["scoring_version"]) == (31.1, "moderate", "ndi-1")
    assert body["detail"]["missing"] == [7]
    assert body["entered_by"] == {"name": "Alice Patient", "role": "patient"}
    assert body["recorded_on"] == patient_today(world.alice).isoformat()
    assert body["patient"]["id"] == str(world.alice.public_id)
    record = OutcomeRecord.objects.get()
    assert str(record.public_id) == body["id"] != "00000000-0000-0000-0000-000000000000"
    assert record.clinic == world.clinic_a and record.entered_by == world.alice
    assert client.get(f"/api/v1/outcomes/{record.public_id}/").json() == body


def test_the_therapist_records_a_clinical_test_for_their_patient(client, world):
    client.force_login(world.carol)
    day = patient_today(world.alice) - timedelta(days=2)
    response = post(
        client,
        "/api/v1/outcomes/",
        {
            "patient": str(world.alice.public_id),
            "measure": "crom",
            "recorded_on": day.isoformat(),
            "inputs": {"degrees": {"flexion": 45, "left_rotation": 70}},
            "note": "Guarded",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["value"] is None and body["detail"]["degrees"]["flexion"] == 45.0
    assert body["entered_by"]["role"] == "therapist" and body["recorded_on"] == day.isoformat()


@pytest.mark.parametrize(
    ("user", "body", "errors"),
    [
        ("alice", {"measure": "ndi", "inputs": {"items": [6, *NDI_17[1:]]}},
         {"inputs.items[0]": ["Answer with a number from 0 to 5."]}),
        ("alice", {"measure": "ndi", "inputs": {"items": [None] * 10}},
         {"inputs.items": ["Answer the sections that apply to you."]}),
        ("alice", {"measure": "ndi", "inputs": {}},
         {"inputs.items": ["This field is required."]}),
        ("alice", {"measure": "pain", "inputs": {"value": 3}, "recorded_on": "2999-01-01"},
         {"recorded_on": ["The date can't be in the future."]}),
        ("alice", {"measure": "dnf", "inputs": {"seconds": 30}},
         {"measure": ["A clinician records this measure."]}),
        ("alice", {"measure": "cva", "inputs": {}},
         {"measure": ["The angle is measured by marking a side photo (the photos API)."]}),
        ("alice", {"measure": "walk", "inputs": {}},
         {"measure": ['"walk" is not a valid choice.']}),
        ("alice", {"measure": "pain"}, {"inputs": ["This field is required."]}),
        ("carol", {"measure": "pain", "inputs": {"value": 3}},
         {"patient": ["This field is required."]}),
        ("carol", {"patient": "{alice}", "measure": "dnf", "inputs": {"seconds": 301}},
         {"inputs.seconds": ["Enter the time held in seconds, from 0 to 300."]}),
        ("carol", {"patient": "{alice}", "measure": "psfs",
                   "inputs": {"activities": [{"name": "Reading", "rating": 11}]}},
         {"inputs.activities[0].rating": [
             "Rate the activity with a number from 0 (unable) to 10 (as before the problem)."]}),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_field_errors_and_stores_nothing(client, world, user, body, errors):
    client.force_login(world.persona(user))
    if body.get("patient") == "{alice}":
        body = {**body, "patient": str(world.alice.public_id)}
    response = post(client, "/api/v1/outcomes/", body)
    assert response.status_code == 400
    assert response.json() == errors
    assert not OutcomeRecord.objects.exists()


def test_a_patient_rates_the_same_psfs_activities_over_time(client, world):
    client.force_login(world.alice)
    first = {"measure": "psfs", "inputs": {"activities": [{"name": "Reading", "rating": 4}]}}
    assert post(client, "/api/v1/outcomes/", first).status_code == 201
    other = {"measure": "psfs", "inputs": {"activities": [{"name": "Driving", "rating": 4}]}}
    response = post(client, "/api/v1/outcomes/", other)
    assert response.status_code == 400 and "Reading" in response.json()["inputs.activities"][0]
    same = {"measure": "psfs", "inputs": {"activities": [{"name": "reading ", "rating": 6}]}}
    assert post(client, "/api/v1/outcomes/", same).status_code == 201
    client.force_login(world.carol)
    changed = {**other, "patient": str(world.alice.public_id)}
    assert post(client, "/api/v1/outcomes/", changed).status_code == 201


def test_the_list_filters_by_patient_and_measure(client, world, alice_ndi):
    services.outcome_record(
        patient=world.bob,
        by=world.dave,
        measure="pain",
        recorded_on=patient_today(world.bob),
        inputs={"value": 5},
    )
    services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="pain",
        recorded_on=patient_today(world.alice),
        inputs={"value": 2},
    )
    client.force_login(world.frank)
    rows = client.get(f"/api/v1/outcomes/?patient={world.alice.public_id}&measure=pain").json()
    assert [(r["patient"]["name"], r["value"]) for r in rows["results"]] == [("Alice Patient", 2.0)]
    assert client.get("/api/v1/outcomes/").json()["count"] == 3
    assert client.get("/api/v1/outcomes/?measure=x").status_code == 400
    client.force_login(world.grace)
    assert client.get(f"/api/v1/outcomes/?patient={world.alice.public_id}").json()["count"] == 0


def test_the_list_runs_the_same_queries_for_more_records(client, world):
    def record(value):
        services.outcome_record(
            patient=world.alice,
            by=world.carol,
            measure="pain",
            recorded_on=patient_today(world.alice),
            inputs={"value": value},
        )

    client.force_login(world.carol)
    client.get("/api/v1/outcomes/")  # the first request of a session does one-off work
    record(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/outcomes/").status_code == 200
    for value in range(2, 8):
        record(value)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/outcomes/").json()["count"] == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_schedule_is_read_replaced_and_emptied(client, world):
    url = f"/api/v1/patients/{world.alice.public_id}/questionnaires/"
    today = patient_today(world.alice)
    client.force_login(world.carol)
    body = {
        "schedules": [
            {"measure": "ndi", "every_days": 14, "starts_on": today.isoformat()},
            {
                "measure": "pain",
                "every_days": 7,
                "starts_on": (today + timedelta(days=2)).isoformat(),
            },
        ]
    }
    response = put(client, url, body)
    assert response.status_code == 200
    rows = {row["measure"]: row for row in response.json()["schedules"]}
    assert rows["ndi"]["due"] is True and rows["ndi"]["label"] == "Neck Disability Index"
    assert rows["pain"]["due"] is False and rows["pain"]["last_on"] is None
    client.force_login(world.alice)
    assert client.get(url).json() == response.json()
    client.force_login(world.carol)
    assert put(client, url, {"schedules": body["schedules"][1:]}).status_code == 200
    assert list(QuestionnaireSchedule.objects.values_list("measure", flat=True)) == ["pain"]
    assert put(client, url, {"schedules": []}).json() == {"schedules": []}
    assert not QuestionnaireSchedule.objects.exists()


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([{"measure": "ndi", "every_days": 6}],
         {"schedules[0].every_days": ["Every 7 to 90 days."]}),
        ([{"measure": "pain", "every_days": 14}, {"measure": "ndi", "every_days": 91}],
         {"schedules[1].every_days": ["Every 7 to 90 days."]}),
        ([{"measure": "crom", "every_days": 14}],
         {"schedules[0].measure": ['"crom" is not a valid choice.']}),
        ([{"measure": "ndi", "every_days": 14}, {"measure": "ndi", "every_days": 21}],
         {"schedules": ["Each questionnaire at most once."]}),
    ],
)  # fmt: skip
def test_a_bad_schedule_is_a_400_and_changes_nothing(client, world, rows, errors):
    today = patient_today(world.alice)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="psfs", every_days=30, starts_on=today
    )
    client.force_login(world.carol)
    body = {"schedules": [{"starts_on": today.isoformat(), **row} for row in rows]}
    response = put(client, f"/api/v1/patients/{world.alice.public_id}/questionnaires/", body)
    assert response.status_code == 400
    assert response.json() == errors
    assert list(QuestionnaireSchedule.objects.values_list("measure", "every_days")) == [
        ("psfs", 30)
    ]
