"""The workstation checklist: every item answered, scored as the number of yes answers, the
history on the same page, read-only for the patient's therapist; and its API."""

import pytest
from django.utils.html import escape

from rehab.outcomes.models import WORKSTATION_ITEMS, WorkstationCheck
from rehab.outcomes.posture import WORKSTATION_TIPS, workstation_check_submit
from rehab.programs.services import patient_today

KEYS = [key for key, _ in WORKSTATION_ITEMS]


def answers(**no: bool) -> dict[str, str]:
    """All "yes" unless named: answers(pillow=False)."""
    return {key: "yes" if no.get(key, True) else "no" for key in KEYS}


def test_every_item_has_a_plain_language_tip_on_the_page(client, world):
    client.force_login(world.alice)
    page = client.get("/workstation/").content.decode()
    for key, question in WORKSTATION_ITEMS:
        assert escape(WORKSTATION_TIPS[key]) in page
        assert escape(question) in page
    assert "I took a posture break" in page


def test_the_score_is_the_number_of_yes_answers(client, world):
    client.force_login(world.alice)
    response = client.post("/workstation/", answers(pillow=False, phone=False), follow=True)
    check = WorkstationCheck.objects.get()
    assert (check.score, check.out_of) == (4, 6)
    assert check.answers == {key: key not in ("pillow", "phone") for key in KEYS}
    assert (check.patient, check.entered_by) == (world.alice, world.alice)
    assert check.checked_on == patient_today(world.alice)
    assert check.clinic == world.clinic_a
    assert "Checklist saved: 4 out of 6." in response.content.decode()
    assert "4 out of 6" in client.get("/workstation/").content.decode(), "history on the page"


def test_all_no_scores_zero(client, world):
    client.force_login(world.alice)
    client.post("/workstation/", dict.fromkeys(KEYS, "no"))
    assert WorkstationCheck.objects.get().score == 0


def test_an_unanswered_item_stores_nothing(client, world):
    form = answers()
    del form["lumbar"]
    client.force_login(world.alice)
    response = client.post("/workstation/", form)
    assert response.status_code == 400
    assert "Please answer yes or no." in response.content.decode()
    assert not WorkstationCheck.objects.exists()


def test_an_answer_other_than_yes_or_no_stores_nothing(client, world):
    client.force_login(world.alice)
    response = client.post("/workstation/", {**answers(), "monitor": "maybe"})
    assert response.status_code == 400
    assert not WorkstationCheck.objects.exists()


def test_the_service_refuses_missing_unknown_and_non_boolean_answers(world):
    from django.core.exceptions import ValidationError

    full = dict.fromkeys(KEYS, True)
    for bad, field in (
        ({k: v for k, v in full.items() if k != "chair"}, "chair"),
        ({**full, "chair": "yes"}, "chair"),
        ({**full, "standing_desk": True}, "answers"),
    ):
        with pytest.raises(ValidationError) as error:
            workstation_check_submit(patient=world.alice, by=world.alice, answers=bad)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError):
        workstation_check_submit(patient=world.alice, by=world.carol, answers=full)
    assert not WorkstationCheck.objects.exists()


def test_the_therapist_reads_the_history_with_each_answer(client, world):
    workstation_check_submit(
        patient=world.alice, by=world.alice, answers={**dict.fromkeys(KEYS, True), "phone": False}
    )
    client.force_login(world.carol)
    page = client.get(f"/patients/{world.alice.public_id}/workstation/").content.decode()
    assert "5/6" in page
    assert page.count("answer-yes") == 5 and page.count("answer-no") == 1
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0], "read-only"


# Persona order of the codes below.
ORDER = ("anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace")
CODES = {
    "/workstation/": (302, 200, 200, 403, 403, 403, 403, 403),
    "/patients/{patient}/workstation/": (302, 403, 403, 200, 404, 404, 403, 403),
}


@pytest.mark.parametrize("url", list(CODES))
@pytest.mark.parametrize("name", ORDER)
def test_who_may_open_the_checklist_pages(client, world, url, name):
    user = world.persona(name)
    if user is not None:
        client.force_login(user)
    path = url.format(patient=world.alice.public_id)
    assert client.get(path).status_code == CODES[url][ORDER.index(name)]


@pytest.mark.parametrize("name", ["carol", "frank"])
def test_only_the_patient_posts_the_checklist_page(client, world, name):
    client.force_login(getattr(world, name))
    assert client.post("/workstation/", answers()).status_code == 403
    assert not WorkstationCheck.objects.exists()


# --- API ----------------------------------------------------------------------------------------


def test_api_the_patient_posts_and_lists_their_checks(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/api/v1/workstation-checks/",
        {"answers": {**dict.fromkeys(KEYS, True), "breaks": False}},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["out_of"]) == (5, 6)
    assert body["patient"]["id"] == str(world.alice.public_id)
    listed = client.get("/api/v1/workstation-checks/").json()
    assert [item["id"] for item in listed["results"]] == [body["id"]]


def test_api_a_missing_item_is_a_400_with_its_key(client, world):
    client.force_login(world.alice)
    partial = {key: True for key in KEYS if key != "pillow"}
    response = client.post(
        "/api/v1/workstation-checks/", {"answers": partial}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "pillow" in response.json()
    assert not WorkstationCheck.objects.exists()


@pytest.mark.parametrize(
    ("name", "get", "post", "seen"),
    [
        ("alice", 200, 201, 1),
        ("bob", 200, 201, 0),
        ("carol", 200, 403, 1),
        ("dave", 200, 403, 0),
        ("erin", 200, 403, 0),
        ("frank", 403, 403, None),
        ("grace", 403, 403, None),
    ],
)
def test_api_access_per_role(client, world, name, get, post, seen):
    workstation_check_submit(patient=world.alice, by=world.alice, answers=dict.fromkeys(KEYS, True))
    client.force_login(getattr(world, name))
    listed = client.get("/api/v1/workstation-checks/")
    assert listed.status_code == get
    if seen is not None:
        assert listed.json()["count"] == seen
    created = client.post(
        "/api/v1/workstation-checks/",
        {"answers": dict.fromkeys(KEYS, False)},
        content_type="application/json",
    )
    assert created.status_code == post


def test_api_anonymous_is_refused(client):
    assert client.get("/api/v1/workstation-checks/").status_code == 403
