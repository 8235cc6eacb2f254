from accounts.access import patients_visible_to
from accounts.models import CaseloadAssignment


def test_each_role_sees_exactly_the_patients_the_rules_allow(world):
    def names(user):
        return set(patients_visible_to(user).values_list("full_name", flat=True))

    assert names(world.alice) == {"Alice Patient"}
    assert names(world.carol) == {"Alice Patient"}
    assert names(world.dave) == {"Bob Patient"}
    assert names(world.frank) == {"Alice Patient", "Bob Patient"}
    assert names(world.erin) == {"Heidi Patient"}
    assert names(world.grace) == {"Heidi Patient"}


def test_a_deactivated_therapist_sees_no_patients(world):
    world.carol.is_active = False
    assert not patients_visible_to(world.carol).exists()


def test_staff_move_a_patient_to_another_therapist(client, world):
    client.force_login(world.frank)
    response = client.post(
        f"/staff/people/{world.alice.public_id}/care-team/", {"therapists": [world.dave.pk]}
    )
    assert response.status_code == 302
    assert list(
        CaseloadAssignment.objects.filter(patient=world.alice).values_list("therapist", flat=True)
    ) == [world.dave.pk]
    assert not patients_visible_to(world.carol).filter(pk=world.alice.pk).exists()
    assert patients_visible_to(world.dave).filter(pk=world.alice.pk).exists()


def test_a_patient_may_have_two_therapists(client, world):
    client.force_login(world.frank)
    client.post(
        f"/staff/people/{world.alice.public_id}/care-team/",
        {"therapists": [world.carol.pk, world.dave.pk]},
    )
    assert CaseloadAssignment.objects.filter(patient=world.alice).count() == 2


def test_a_therapist_of_another_clinic_cannot_be_assigned(client, world):
    client.force_login(world.frank)
    client.post(
        f"/staff/people/{world.alice.public_id}/care-team/", {"therapists": [world.erin.pk]}
    )
    assert list(
        CaseloadAssignment.objects.filter(patient=world.alice).values_list("therapist", flat=True)
    ) == [world.carol.pk], "nothing changed"


def test_the_therapist_landing_page_lists_their_caseload(client, world):
    client.force_login(world.carol)
    body = client.get("/caseload/").content.decode()
    assert "Alice Patient" in body
    assert "Bob Patient" not in body and "Heidi Patient" not in body


def test_an_empty_caseload_says_what_to_do_next(client, world):
    CaseloadAssignment.objects.filter(therapist=world.carol).delete()
    client.force_login(world.carol)
    assert "Ask your clinic's staff" in client.get("/caseload/").content.decode()


def test_staff_edit_a_patients_details(client, world):
    client.force_login(world.frank)
    response = client.post(
        f"/staff/people/{world.alice.public_id}/details/",
        {
            "time_zone": "America/New_York",
            "reminder_times": "18:30, 08:00",
            "date_of_birth": "1980-04-02",
            "condition_notes": "Desk worker, forward head posture.",
        },
    )
    assert response.status_code == 302
    profile = world.alice.patient_profile
    profile.refresh_from_db()
    assert profile.time_zone == "America/New_York"
    assert profile.reminder_times == ["08:00", "18:30"]


def test_bad_patient_details_are_refused_with_messages_and_change_nothing(client, world):
    client.force_login(world.frank)
    response = client.post(
        f"/staff/people/{world.alice.public_id}/details/",
        {"time_zone": "Mars/Olympus", "reminder_times": "25:00", "date_of_birth": "2999-01-01"},
    )
    assert response.status_code == 400
    errors = response.context["details_form"].errors
    assert set(errors) == {"time_zone", "reminder_times", "date_of_birth"}
    world.alice.patient_profile.refresh_from_db()
    assert world.alice.patient_profile.time_zone == "Europe/London"
