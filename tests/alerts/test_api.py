"""The alerts, check-ins and notifications API."""

import pytest

from rehab.alerts import services
from rehab.alerts.models import Alert, RedFlagCheckin


@pytest.fixture
def red_flag(world, all_no):
    return services.checkin_submit(patient=world.alice, answers={**all_no, "walking": True})


def test_a_patient_answers_the_check_in(client, world, all_no):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/checkins/",
        {"answers": {**all_no, "headache": True}, "note": "Woke up with it"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["positive"] is True and "emergency" in body["advice"]
    assert Alert.objects.get().data["note"] == "Woke up with it"
    clear = client.post("/api/v1/checkins/", {"answers": all_no}, content_type="application/json")
    assert clear.json()["advice"] is None
    assert [c["positive"] for c in client.get("/api/v1/checkins/").json()["results"]] == [
        False,
        True,
    ]


def test_a_partial_check_in_is_a_400_with_the_missing_questions(client, world, all_no):
    client.force_login(world.alice)
    answers = dict(all_no)
    del answers["trauma"]
    response = client.post(
        "/api/v1/checkins/", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"trauma": ["Please answer yes or no."]}
    assert not RedFlagCheckin.objects.exists()


def test_the_therapist_lists_reads_and_acknowledges(client, world, red_flag):
    client.force_login(world.carol)
    (row,) = client.get("/api/v1/alerts/").json()["results"]
    assert row["rule"] == "red_flag" and row["patient"]["id"] == str(world.alice.public_id)
    assert row["data"]["answers"] == ["A change in your walking or balance?"]
    url = f"/api/v1/alerts/{row['id']}/acknowledge/"
    done = client.post(url, {"note": "Seen in clinic."}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["acknowledged_by"]["id"] == str(world.carol.public_id)
    again = client.post(url, {"note": "Twice"}, content_type="application/json")
    assert again.status_code == 400 and "already" in again.json()["note"][0]
    assert client.get("/api/v1/alerts/").json()["results"] == []
    assert len(client.get("/api/v1/alerts/?status=all").json()["results"]) == 1


def test_alert_lists_never_hold_foreign_ids(client, world, red_flag):
    for persona in (world.dave, world.erin, world.grace):
        client.force_login(persona)
        assert client.get("/api/v1/alerts/?status=all").json()["results"] == []
        assert client.get("/api/v1/checkins/").json()["results"] == []
    client.force_login(world.bob)
    assert client.get("/api/v1/checkins/").json()["results"] == []


def test_notifications_list_and_mark_read(client, world, red_flag):
    client.force_login(world.alice)
    (advice,) = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert advice["kind"] == "red_flag_advice"
    read = client.post(f"/api/v1/notifications/{advice['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []
    client.force_login(world.carol)
    assert client.post(f"/api/v1/notifications/{advice['id']}/read/").status_code == 404
