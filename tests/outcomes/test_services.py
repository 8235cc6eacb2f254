"""Recording outcome measures (who may record what, validation, stored score and version) and
questionnaire schedules (when one is due)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from rehab.outcomes import services, tasks
from rehab.outcomes.models import OutcomeRecord, QuestionnaireSchedule
from rehab.programs.services import patient_today
from rehab.reminders.models import Notification, Outbox, ReminderPreferences

NDI_17 = [2, 1, 3, 0, 2, 1, 2, 3, 1, 2]  # total 17 -> 34 %, moderate


def test_a_patient_records_their_ndi_with_its_score_and_version(world):
    today = patient_today(world.alice)
    record = services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="ndi",
        recorded_on=today,
        inputs={"items": NDI_17},
    )
    record.refresh_from_db()
    assert (record.value, record.band, record.scoring_version) == (34.0, "moderate", "ndi-1")
    assert record.detail["total"] == 17 and record.inputs == {"items": NDI_17}
    assert record.entered_by == world.alice and record.clinic == world.clinic_a


def test_an_ndi_with_two_blanks_is_stored_unscored(world):
    items = [*NDI_17[:8], None, None]
    record = services.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="ndi",
        recorded_on=patient_today(world.alice),
        inputs={"items": items},
    )
    assert record.value is None and record.band == "not scored"


@pytest.mark.parametrize(
    ("measure", "inputs", "field"),
    [
        ("ndi", {"items": [6, *NDI_17[1:]]}, "items[0]"),
        ("pain", {"value": 11}, "value"),
        ("pain", {}, "value"),
        ("psfs", {"activities": "reading"}, "activities"),
        ("psfs", {"activities": [{"name": "Reading", "rating": 12}]}, "activities[0].rating"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(world, measure, inputs, field):
    with pytest.raises(ValidationError) as error:
        services.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure=measure,
            recorded_on=patient_today(world.alice),
            inputs=inputs,
        )
    assert field in error.value.message_dict
    assert not OutcomeRecord.objects.exists()


def test_clinical_tests_are_recorded_by_the_therapist_only(world):
    today = patient_today(world.alice)
    with pytest.raises(ValidationError):
        services.outcome_record(
            patient=world.alice, by=world.alice, measure="dnf", recorded_on=today,
            inputs={"seconds": 24},
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.outcome_record(
            patient=world.alice, by=world.erin, measure="dnf", recorded_on=today,
            inputs={"seconds": 24},
        )  # fmt: skip
    record = services.outcome_record(
        patient=world.alice, by=world.carol, measure="crom", recorded_on=today,
        inputs={"degrees": {"flexion": 50, "left_rotation": 60}},
    )  # fmt: skip
    assert record.value is None and record.detail


def test_dates_are_today_or_up_to_a_year_back(world):
    today = patient_today(world.alice)
    for day in (today + timedelta(days=1), today - timedelta(days=366)):
        with pytest.raises(ValidationError) as error:
            services.outcome_record(
                patient=world.alice, by=world.alice, measure="pain", recorded_on=day,
                inputs={"value": 3},
            )  # fmt: skip
        assert "recorded_on" in error.value.message_dict


def test_a_scheduled_questionnaire_is_due_from_its_start_then_every_n_days(world):
    today = patient_today(world.alice)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=today
    )
    assert [due.measure for due in services.questionnaires_due(world.alice, today)] == ["ndi"]
    assert services.questionnaires_due(world.alice, today - timedelta(days=1)) == []
    services.outcome_record(
        patient=world.alice, by=world.alice, measure="ndi", recorded_on=today,
        inputs={"items": NDI_17},
    )  # fmt: skip
    assert services.questionnaires_due(world.alice, today + timedelta(days=13)) == []
    (due,) = services.questionnaires_due(world.alice, today + timedelta(days=14))
    assert due.last_on == today and due.label == "Neck Disability Index"


def test_only_questionnaires_are_scheduled_every_7_to_90_days(world):
    today = patient_today(world.alice)
    with pytest.raises(ValidationError):
        services.questionnaire_set(
            patient=world.alice, by=world.carol, measure="crom", every_days=14, starts_on=today
        )
    with pytest.raises(ValidationError):
        services.questionnaire_set(
            patient=world.alice, by=world.carol, measure="ndi", every_days=3, starts_on=today
        )


def test_a_patient_rates_the_same_psfs_activities_their_therapist_changes_them(world):
    today = patient_today(world.alice)

    def psfs(by, *names):
        return services.outcome_record(
            patient=world.alice, by=by, measure="psfs", recorded_on=today,
            inputs={"activities": [{"name": name, "rating": 5} for name in names]},
        )  # fmt: skip

    psfs(world.alice, "Reading", "Driving")
    psfs(world.alice, "driving", "Reading ")  # order, case and spaces do not matter
    with pytest.raises(ValidationError) as error:
        psfs(world.alice, "Reading")
    assert "driving, Reading." in error.value.message_dict["activities"][0], "the latest names"
    psfs(world.carol, "Reading", "Gardening")
    assert services.psfs_activities(world.alice) == ["Reading", "Gardening"]
    psfs(world.alice, "Gardening", "Reading")


def test_the_schedule_is_replaced_all_or_nothing(world):
    today = patient_today(world.alice)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="pain", every_days=7, starts_on=today
    )
    with pytest.raises(ValidationError) as error:
        services.questionnaires_replace(
            patient=world.alice,
            by=world.carol,
            wanted={"ndi": (14, today), "psfs": (3, today)},
        )
    assert error.value.message_dict == {"psfs.every_days": ["Every 7 to 90 days."]}
    assert list(QuestionnaireSchedule.objects.values_list("measure", flat=True)) == ["pain"]
    services.questionnaires_replace(
        patient=world.alice, by=world.carol, wanted={"ndi": (14, today), "pain": None}
    )
    assert list(QuestionnaireSchedule.objects.values_list("measure", flat=True)) == ["ndi"]


def test_a_schedule_starts_within_a_year(world):
    far = patient_today(world.alice) + timedelta(days=366)
    with pytest.raises(ValidationError) as error:
        services.questionnaire_set(
            patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=far
        )
    assert "starts_on" in error.value.message_dict


def test_an_answer_from_before_the_start_does_not_count(world):
    today = patient_today(world.alice)
    services.outcome_record(
        patient=world.alice, by=world.alice, measure="pain",
        recorded_on=today - timedelta(days=1), inputs={"value": 3},
    )  # fmt: skip
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="pain", every_days=7, starts_on=today
    )
    (row,) = services.questionnaire_schedules(world.alice)
    assert row.next_on == today and row.last_on == today - timedelta(days=1)


# --- Questionnaire reminders (the hourly task) --------------------------------------------------


def _reminders(patient):
    return list(
        Notification.objects.filter(recipient=patient, kind="questionnaire").values_list(
            "url", flat=True
        )
    )


def test_a_due_questionnaire_is_reminded_once_per_due_date(world):
    today = patient_today(world.alice)
    started = today - timedelta(days=14)
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=started
    )
    services.questionnaire_set(
        patient=world.alice, by=world.carol, measure="pain", every_days=7,
        starts_on=today + timedelta(days=1),
    )  # fmt: skip
    assert tasks.send_questionnaire_reminders() == 1
    assert tasks.send_questionnaire_reminders() == 0
    assert _reminders(world.alice) == [f"/outcomes/new/ndi/?due={started.isoformat()}"]
    notification = Notification.objects.get()
    assert notification.title == "Time to fill in: Neck Disability Index"
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["in_app"]
    assert Outbox.objects.count() == 1

    # Filled in on the day it was due: due again 14 days later (today), a new reminder.
    services.outcome_record(
        patient=world.alice, by=world.alice, measure="ndi", recorded_on=started,
        inputs={"items": NDI_17},
    )  # fmt: skip
    assert tasks.send_questionnaire_reminders() == 1
    assert tasks.send_questionnaire_reminders() == 0
    assert _reminders(world.alice)[0] == f"/outcomes/new/ndi/?due={today.isoformat()}"


def test_no_reminder_when_muted_inactive_or_not_due(world):
    today = patient_today(world.alice)
    for patient in (world.alice, world.bob, world.heidi):
        services.questionnaire_set(
            patient=patient, by=world.carol, measure="ndi", every_days=14, starts_on=today
        )
    services.outcome_record(
        patient=world.heidi, by=world.heidi, measure="ndi", recorded_on=today,
        inputs={"items": NDI_17},
    )  # fmt: skip
    ReminderPreferences.objects.create(patient=world.alice, in_app_on=False)
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])
    assert tasks.send_questionnaire_reminders() == 0
    assert not Notification.objects.exists()
