"""Recording outcome measures on the web, the result page, questionnaire schedules and the due
list on Today."""

from datetime import timedelta

import pytest

from rehab.outcomes import services
from rehab.outcomes.models import OutcomeRecord, QuestionnaireSchedule
from rehab.programs.services import patient_today

NDI_17 = [2, 1, 3, 0, 2, 1, 2, 3, 1, 2]  # total 17 -> 34 %, moderate
PERSONAS = ("anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace")


def ndi_form(items):
    return {f"items_{i}": "" if answer is None else str(answer) for i, answer in enumerate(items)}


@pytest.fixture
def alice_ndi(world):
    return services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="ndi",
        recorded_on=patient_today(world.alice),
        inputs={"items": NDI_17},
    )


def _schedule_form(world, **overrides):
    today = patient_today(world.alice).isoformat()
    form = {"ndi_on": "on", "ndi_every_days": "14", "ndi_starts_on": today}
    form.update(overrides)
    return form


# --- Who may open what --------------------------------------------------------------------------

ACCESS = [
    # (method, url template, post data, codes for PERSONAS)
    ("get", "/outcomes/new/ndi/", None, (302, 200, 200, 403, 403, 403, 403, 403)),
    ("get", "/outcomes/new/dnf/", None, (302, 404, 404, 403, 403, 403, 403, 403)),
    ("post", "/outcomes/new/pain/", {"value": "3"}, (302, 302, 302, 403, 403, 403, 403, 403)),
    (
        "get",
        "/patients/{alice}/outcomes/new/dnf/",
        None,
        (302, 403, 403, 200, 404, 404, 403, 403),
    ),
    (
        "post",
        "/patients/{alice}/outcomes/new/pain/",
        {"value": "3", "recorded_on": "{today}"},
        (302, 403, 403, 302, 404, 404, 403, 403),
    ),
    ("get", "/outcomes/{record}/", None, (302, 200, 404, 200, 404, 404, 200, 404)),
    (
        "get",
        "/patients/{alice}/questionnaires/",
        None,
        (302, 403, 403, 200, 404, 404, 200, 404),
    ),
    (
        "post",
        "/patients/{alice}/questionnaires/",
        "schedule",
        (302, 403, 403, 302, 404, 404, 403, 404),
    ),
]


@pytest.mark.parametrize(("method", "url", "data", "codes"), ACCESS)
def test_each_persona_gets_the_expected_answer(client, world, alice_ndi, method, url, data, codes):
    today = patient_today(world.alice).isoformat()
    url = url.format(alice=world.alice.public_id, record=alice_ndi.public_id)
    if data == "schedule":
        data = _schedule_form(world)
    elif data:
        data = {key: value.format(today=today) for key, value in data.items()}
    for persona, expected in zip(PERSONAS, codes, strict=True):
        client.logout()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == expected, (persona, method, url)
        if persona == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_another_clinics_record_is_a_404_for_the_whole_clinic_a(client, world):
    heidis = services.outcome_record(
        patient=world.heidi,
        by=world.erin,
        measure="dnf",
        recorded_on=patient_today(world.heidi),
        inputs={"seconds": 20},
    )
    for user in (world.alice, world.carol, world.frank):
        client.force_login(user)
        assert client.get(f"/outcomes/{heidis.public_id}/").status_code == 404
        assert client.get("/outcomes/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- The patient fills in questionnaires --------------------------------------------------------


def test_a_patient_fills_in_the_ndi_and_sees_what_it_means(client, world):
    client.force_login(world.alice)
    form = client.get("/outcomes/new/ndi/").content.decode()
    assert "Headaches" in form and "I have headaches almost all the time." in form
    assert "If you don&#x27;t drive, leave this section blank." in form
    response = client.post("/outcomes/new/ndi/", ndi_form(NDI_17) | {"note": "Busy week"})
    record = OutcomeRecord.objects.get()
    assert response["Location"] == f"/outcomes/{record.public_id}/"
    assert (record.value, record.band, record.entered_by) == (34.0, "moderate", world.alice)
    assert record.recorded_on == patient_today(world.alice) and record.note == "Busy week"
    page = client.get(response["Location"]).content.decode()
    assert "34%" in page and "Moderate" in page and "ndi-1" in page
    assert "a fair amount (moderate)" in page and "10 percentage points" in page
    assert "Your result" in page and "contact your clinician" in page


def test_one_blank_section_is_scored_out_of_45_and_two_are_not_scored(client, world):
    client.force_login(world.alice)
    client.post("/outcomes/new/ndi/", ndi_form([*NDI_17[:7], None, *NDI_17[8:]]))
    one_blank = OutcomeRecord.objects.get()
    assert one_blank.value == 31.1 and one_blank.band == "moderate"  # 14/45
    page = client.get(f"/outcomes/{one_blank.public_id}/").content.decode()
    assert "Left blank: Driving." in page and "from the other nine" in page
    client.post("/outcomes/new/ndi/", ndi_form([*NDI_17[:8], None, None]))
    two_blank = OutcomeRecord.objects.exclude(pk=one_blank.pk).get()
    assert two_blank.value is None and two_blank.band == "not scored"
    assert "could not be scored" in client.get(f"/outcomes/{two_blank.public_id}/").content.decode()


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/outcomes/new/ndi/", ndi_form([6, *NDI_17[1:]]), "Select a valid choice."),
        ("/outcomes/new/ndi/", ndi_form([None] * 10), "Answer the sections that apply to you."),
        ("/outcomes/new/pain/", {"value": "11"}, "Select a valid choice."),
        ("/outcomes/new/pain/", {}, "Choose a number from 0 to 10."),
        (
            "/outcomes/new/psfs/",
            {"activity_0_name": "Reading", "activity_0_rating": "12"},
            "Rate the activity with a number from 0 (unable) to 10",
        ),
        ("/outcomes/new/psfs/", {"activity_0_name": "Reading"}, "Rate this activity from 0 to 10."),
        ("/outcomes/new/psfs/", {}, "Name at least one activity and rate it."),
    ],
)
def test_bad_answers_are_a_400_and_store_nothing(client, world, url, data, message):
    client.force_login(world.alice)
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OutcomeRecord.objects.exists()


def test_psfs_activities_are_named_once_then_rated_again(client, world):
    client.force_login(world.alice)
    client.post(
        "/outcomes/new/psfs/",
        {
            "activity_0_name": "Reversing the car",
            "activity_0_rating": "3",
            "activity_2_name": "Reading in bed",
            "activity_2_rating": "6",
        },
    )
    first = OutcomeRecord.objects.get()
    assert first.value == 4.5
    assert [a["name"] for a in first.detail["activities"]] == [
        "Reversing the car",
        "Reading in bed",
    ]

    again = client.get("/outcomes/new/psfs/").content.decode()
    assert "Reversing the car" in again and "activity_0_name" not in again
    response = client.post(
        "/outcomes/new/psfs/", {"activity_0_rating": "5", "activity_1_rating": "7"}
    )
    assert response.status_code == 302
    second = OutcomeRecord.objects.exclude(pk=first.pk).get()
    assert second.detail["activities"] == [
        {"name": "Reversing the car", "rating": 5},
        {"name": "Reading in bed", "rating": 7},
    ]
    missing = client.post("/outcomes/new/psfs/", {"activity_0_rating": "5"})
    assert missing.status_code == 400 and OutcomeRecord.objects.count() == 2


def test_the_therapist_sees_the_psfs_names_prefilled_and_may_change_them(client, world):
    services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="psfs",
        recorded_on=patient_today(world.alice),
        inputs={"activities": [{"name": "Reading", "rating": 4}]},
    )
    client.force_login(world.carol)
    url = f"/patients/{world.alice.public_id}/outcomes/new/psfs/"
    assert 'value="Reading"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "activity_0_name": "Reading",
            "activity_0_rating": "5",
            "activity_1_name": "Driving",
            "activity_1_rating": "2",
            "recorded_on": patient_today(world.alice).isoformat(),
        },
    )
    assert response.status_code == 302
    assert services.psfs_activities(world.alice) == ["Reading", "Driving"]


# --- The therapist records clinical tests -------------------------------------------------------


def _therapist_post(client, world, measure, data, days_ago=0):
    client.force_login(world.carol)
    day = patient_today(world.alice) - timedelta(days=days_ago)
    return client.post(
        f"/patients/{world.alice.public_id}/outcomes/new/{measure}/",
        {"recorded_on": day.isoformat(), "note": "", **data},
    )


def test_the_endurance_form_has_a_stopwatch_and_takes_typed_seconds(client, world):
    client.force_login(world.carol)
    page = client.get(f"/patients/{world.alice.public_id}/outcomes/new/dnf/").content.decode()
    assert 'src="/static/js/stopwatch.js"' in page
    assert 'data-stopwatch data-stopwatch-input="id_seconds" hidden' in page, "hidden without JS"
    assert 'type="number" name="seconds"' in page and "readonly" not in page
    response = _therapist_post(client, world, "dnf", {"seconds": "24.25"}, days_ago=3)
    record = OutcomeRecord.objects.get()
    assert response["Location"] == f"/outcomes/{record.public_id}/"
    assert record.value == 24.3 and record.entered_by == world.carol
    assert record.recorded_on == patient_today(world.alice) - timedelta(days=3)
    page = client.get(response["Location"]).content.decode()
    assert "24.3 seconds" in page and "Carol Therapist (therapist)" in page and "dnf-1" in page


@pytest.mark.parametrize("seconds", ["abc", "301", "-1", ""])
def test_bad_seconds_are_refused(client, world, seconds):
    response = _therapist_post(client, world, "dnf", {"seconds": seconds})
    assert response.status_code == 400
    assert "Enter the time held in seconds, from 0 to 300." in response.content.decode()
    assert not OutcomeRecord.objects.exists()


def test_the_ccft_stage_and_a_partial_range_of_motion(client, world):
    _therapist_post(client, world, "ccft", {"highest_stage_held": "26"})
    ccft = OutcomeRecord.objects.get(measure="ccft")
    assert ccft.value == 26.0 and ccft.detail["stages_passed"] == 3
    _therapist_post(
        client, world, "crom", {"flexion": "50", "left_rotation": "70", "right_rotation": "60"}
    )
    crom = OutcomeRecord.objects.get(measure="crom")
    assert crom.value is None and crom.detail["degrees"]["flexion"] == 50.0
    page = client.get(f"/outcomes/{crom.public_id}/").content.decode()
    assert "not measured" in page and "Left minus right: rotation 10°." in page


@pytest.mark.parametrize(
    ("measure", "data", "message"),
    [
        ("crom", {}, "Measure at least one direction."),
        ("crom", {"flexion": "200"}, "Enter flexion in degrees, from 0 to 90."),
        ("ccft", {"highest_stage_held": "25"}, "Select a valid choice."),
    ],
)
def test_bad_clinical_tests_are_refused(client, world, measure, data, message):
    response = _therapist_post(client, world, measure, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not OutcomeRecord.objects.exists()


@pytest.mark.parametrize(("days_ago", "message"), [(-1, "in the future"), (366, "last year")])
def test_the_date_is_today_or_up_to_a_year_back(client, world, days_ago, message):
    response = _therapist_post(client, world, "pain", {"value": "4"}, days_ago=days_ago)
    assert response.status_code == 400 and message in response.content.decode()
    assert not OutcomeRecord.objects.exists()


def test_the_angle_is_not_typed_in(client, world):
    client.force_login(world.carol)
    assert client.get(f"/patients/{world.alice.public_id}/outcomes/new/cva/").status_code == 404
    assert client.get(f"/patients/{world.alice.public_id}/outcomes/new/xyz/").status_code == 404


# --- Questionnaire schedule ---------------------------------------------------------------------


def test_the_therapist_schedules_changes_and_removes_a_questionnaire(client, world):
    client.force_login(world.carol)
    url = f"/patients/{world.alice.public_id}/questionnaires/"
    assert client.post(url, _schedule_form(world)).status_code == 302
    schedule = QuestionnaireSchedule.objects.get()
    assert (schedule.measure, schedule.every_days, schedule.created_by) == ("ndi", 14, world.carol)
    page = client.get(url).content.decode()
    assert "Neck Disability Index" in page and "14 days" in page and ">due<" in page
    changed = _schedule_form(
        world,
        ndi_every_days="28",
        pain_on="on",
        pain_every_days="7",
        pain_starts_on=patient_today(world.alice).isoformat(),
    )
    assert client.post(url, changed).status_code == 302
    assert dict(QuestionnaireSchedule.objects.values_list("measure", "every_days")) == {
        "ndi": 28,
        "pain": 7,
    }
    assert client.post(url, {"pain_on": "on", "pain_every_days": "7"}).status_code == 400
    assert QuestionnaireSchedule.objects.count() == 2, "an invalid form changes nothing"
    assert client.post(url, {}).status_code == 302
    assert not QuestionnaireSchedule.objects.exists()


def test_a_schedule_needs_7_to_90_days_and_a_start(client, world):
    client.force_login(world.carol)
    url = f"/patients/{world.alice.public_id}/questionnaires/"
    for overrides in ({"ndi_every_days": "6"}, {"ndi_every_days": "91"}, {"ndi_every_days": ""}):
        response = client.post(url, _schedule_form(world, **overrides))
        assert response.status_code == 400
        assert "Every 7 to 90 days." in response.content.decode()
    response = client.post(url, _schedule_form(world, ndi_starts_on=""))
    assert (
        response.status_code == 400 and "Choose the first day to ask." in response.content.decode()
    )
    far = (patient_today(world.alice) + timedelta(days=400)).isoformat()
    response = client.post(url, _schedule_form(world, ndi_starts_on=far))
    assert response.status_code == 400 and "within a year" in response.content.decode()
    assert not QuestionnaireSchedule.objects.exists()


def test_unticking_removes_and_staff_only_look(client, world):
    today = patient_today(world.alice)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=today
    )
    url = f"/patients/{world.alice.public_id}/questionnaires/"
    client.force_login(world.frank)
    page = client.get(url).content.decode()
    assert "14 days" in page and "Save schedule" not in page
    client.force_login(world.carol)
    assert client.post(url, {"ndi_every_days": "14"}).status_code == 302
    assert not QuestionnaireSchedule.objects.exists()


# --- Today ------------------------------------------------------------------------------------


def test_due_questionnaires_show_on_today_until_filled_in(client, world):
    client.force_login(world.alice)
    assert "Questionnaire to fill in" not in client.get("/today/").content.decode()
    today = patient_today(world.alice)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=today
    )
    services.questionnaire_set(
        patient=world.alice,
        by=world.carol,
        measure="pain",
        every_days=7,
        starts_on=today + timedelta(days=1),
    )
    page = client.get("/today/").content.decode()
    assert "Questionnaire to fill in" in page
    assert 'href="/outcomes/new/ndi/">Neck Disability Index</a>' in page
    assert "/outcomes/new/pain/" not in page, "not due before its start"
    client.post("/outcomes/new/ndi/", ndi_form(NDI_17))
    assert "Questionnaire to fill in" not in client.get("/today/").content.decode()
