"""Recording outcome measures (who may record what, validation, stored score and version) and
questionnaire schedules (when one is due)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from rehab.outcomes import services
from rehab.outcomes.models import OutcomeRecord
from rehab.programs.services import patient_today

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
