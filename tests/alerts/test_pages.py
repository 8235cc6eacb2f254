"""Alert pages (therapist and staff), the safety check (patient), the clinic setting (staff)."""

import pytest

from rehab.alerts import services
from rehab.alerts.models import Alert, RedFlagCheckin


@pytest.fixture
def red_flag(world, all_no):
    return services.checkin_submit(patient=world.alice, answers={**all_no, "walking": True})


def test_the_safety_check_is_offered_weekly_on_today(client, world, program, all_no):
    client.force_login(world.alice)
    assert "Weekly safety check" in client.get("/today/").content.decode()
    services.checkin_submit(patient=world.alice, answers=all_no)
    assert "Start the safety check" not in client.get("/today/").content.decode()


def test_a_yes_shows_the_patient_urgent_advice(client, world, all_no):
    client.force_login(world.alice)
    form = dict.fromkeys(all_no, "no") | {"fever": "yes"}
    response = client.post("/checkin/", form, follow=True)
    page = response.content.decode()
    assert "Please contact your clinician today" in page
    assert "emergency" in page
    assert "A fever together with your neck pain?" in page
    assert Alert.objects.get().patient == world.alice


def test_all_no_thanks_the_patient(client, world, all_no):
    client.force_login(world.alice)
    response = client.post("/checkin/", dict.fromkeys(all_no, "no"), follow=True)
    assert "carry on with your program" in response.content.decode()
    assert not Alert.objects.exists()


def test_an_unanswered_question_stores_nothing(client, world, all_no):
    client.force_login(world.alice)
    form = dict.fromkeys(all_no, "no")
    del form["bladder_bowel"]
    response = client.post("/checkin/", form)
    assert response.status_code == 400
    assert "Please answer yes or no." in response.content.decode()
    assert not RedFlagCheckin.objects.exists()


def test_the_therapist_sees_the_alert_with_its_data_and_acknowledges_it(client, world, red_flag):
    client.force_login(world.carol)
    listing = client.get("/alerts/").content.decode()
    assert "Alice Patient: Red-flag answer" in listing
    assert 'aria-label="1 open"' in listing, "the nav shows the open count"
    alert = Alert.objects.get()
    page = client.get(f"/alerts/{alert.public_id}/").content.decode()
    assert "A change in your walking or balance?" in page
    response = client.post(f"/alerts/{alert.public_id}/", {"note": "Called; GP today."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.carol
    assert alert.acknowledgement_note == "Called; GP today."
    assert "No open alerts" in client.get("/alerts/").content.decode()
    assert "Called; GP today." not in client.get("/alerts/").content.decode()
    acknowledged = client.get("/alerts/?status=acknowledged").content.decode()
    assert "Alice Patient: Red-flag answer" in acknowledged
    patient_page = client.get(f"/patients/{world.alice.public_id}/").content.decode()
    assert "Open alerts" not in patient_page and "yes to a red flag" in patient_page


def test_acknowledging_without_a_note_is_refused(client, world, red_flag):
    client.force_login(world.carol)
    alert = Alert.objects.get()
    response = client.post(f"/alerts/{alert.public_id}/", {"note": ""})
    assert response.status_code == 400
    assert "for the record" in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open


def test_open_alerts_show_on_the_patient_page(client, world, red_flag):
    client.force_login(world.carol)
    page = client.get(f"/patients/{world.alice.public_id}/").content.decode()
    assert "Open alerts" in page and "Red-flag answer" in page


def test_staff_see_alerts_but_do_not_acknowledge(client, world, red_flag):
    client.force_login(world.frank)
    alert = Alert.objects.get()
    page = client.get(f"/alerts/{alert.public_id}/").content.decode()
    assert "The patient's therapist acknowledges alerts." in page
    assert client.post(f"/alerts/{alert.public_id}/", {"note": "x"}).status_code == 403


def test_other_clinics_alerts_never_list(client, world, red_flag):
    client.force_login(world.erin)
    assert "Alice" not in client.get("/alerts/?status=all").content.decode()
    client.force_login(world.dave)  # same clinic, not her therapist
    assert "Alice" not in client.get("/alerts/?status=all").content.decode()


def test_staff_set_the_days_without_a_session(client, world):
    client.force_login(world.frank)
    form = {
        "name": world.clinic_a.name,
        "time_zone": "Europe/London",
        "adherence_threshold_percent": "60",
    }
    response = client.post("/clinic/settings/", form | {"no_session_alert_days": "0"})
    assert response.status_code == 400
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.no_session_alert_days == 3
    client.post("/clinic/settings/", form | {"no_session_alert_days": "5"})
    world.clinic_a.refresh_from_db()
    assert world.clinic_a.no_session_alert_days == 5


def test_today_tells_the_patient_to_wait_for_the_clinician_until_acknowledged(
    client, world, program, red_flag
):
    client.force_login(world.alice)
    page = client.get("/today/").content.decode()
    assert "Please contact your clinician before exercising" in page
    services.acknowledge(alert=Alert.objects.get(), by=world.carol, note="Phoned, all fine.")
    assert (
        "Please contact your clinician before exercising"
        not in client.get("/today/").content.decode()
    )
