"""Recording outcome measures and scheduling questionnaires.

Scores come from the versioned rules in scoring.py; a `ScoringError` becomes a ValidationError
keyed by the same field paths ("items[3]", "activities[1].rating"), and nothing is stored.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery

from accounts.models import Role, User
from rehab.programs.services import patient_today

from . import scoring
from .models import (
    PATIENT_MEASURES,
    QUESTIONNAIRES,
    Measure,
    OutcomeRecord,
    QuestionnaireSchedule,
    Side,
)

BACKDATE_DAYS = 365


def _required(inputs: Mapping[str, Any], key: str) -> Any:
    if key not in inputs:
        raise ValidationError({key: "This field is required."})
    return inputs[key]


def score(measure: str, inputs: Mapping[str, Any]) -> scoring.Score:
    """Score what was entered for `measure` (the shapes are in docs/api.md)."""
    try:
        if measure == Measure.NDI:
            return scoring.score_ndi(_required(inputs, "items"))
        if measure == Measure.PAIN:
            return scoring.score_pain(_required(inputs, "value"))
        if measure == Measure.PSFS:
            activities = _required(inputs, "activities")
            if not isinstance(activities, list) or not all(
                isinstance(row, Mapping) for row in activities
            ):
                raise ValidationError({"activities": "A list of activities, each with a rating."})
            return scoring.score_psfs(
                [(row.get("name", ""), row.get("rating")) for row in activities]
            )
        if measure == Measure.DNF:
            return scoring.score_dnf_endurance(_required(inputs, "seconds"))
        if measure == Measure.CCFT:
            return scoring.score_ccft(_required(inputs, "highest_stage_held"))
        if measure == Measure.CROM:
            degrees = _required(inputs, "degrees")
            if not isinstance(degrees, Mapping):
                raise ValidationError({"degrees": "Degrees for each direction measured."})
            return scoring.score_crom(degrees)
        if measure == Measure.CVA:
            side = _required(inputs, "side")
            if side not in Side.values:
                raise ValidationError({"side": "Left or right side."})
            result = scoring.score_cva(_required(inputs, "tragus"), _required(inputs, "c7"))
            return scoring.Score(
                value=result.value,
                band=result.band,
                version=result.version,
                detail={**result.detail, "side": side},
            )
    except scoring.ScoringError as error:
        raise ValidationError(dict(error.errors)) from error
    raise ValidationError({"measure": "Not a measure we record."})


def may_record(by: User, patient: User, measure: str) -> bool:
    """Patients record their own questionnaires and pain; the clinical tests need their
    therapist. (Whether `by` may see `patient` at all is the caller's access check.)"""
    if by.pk == patient.pk:
        return measure in PATIENT_MEASURES
    return by.role == Role.THERAPIST and by.clinic_id == patient.clinic_id


@transaction.atomic
def outcome_record(
    *,
    patient: User,
    by: User,
    measure: str,
    recorded_on: date,
    inputs: Mapping[str, Any],
    note: str = "",
) -> OutcomeRecord:
    if not may_record(by, patient, measure):
        raise ValidationError({"measure": "A clinician records this measure."})
    today = patient_today(patient)
    errors = {}
    if recorded_on > today:
        errors["recorded_on"] = "The date can't be in the future."
    elif recorded_on < today - timedelta(days=BACKDATE_DAYS):
        errors["recorded_on"] = "Record measurements from the last year only."
    if len(note) > 1000:
        errors["note"] = "At most 1000 characters."
    if errors:
        raise ValidationError(errors)
    result = score(measure, inputs)
    assert patient.clinic_id is not None
    return OutcomeRecord.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        measure=measure,
        recorded_on=recorded_on,
        entered_by=by,
        inputs=dict(inputs),
        value=result.value,
        band=result.band,
        scoring_version=result.version,
        detail=result.detail,
        note=note.strip(),
    )


# --- Questionnaire schedules --------------------------------------------------------------------


@transaction.atomic
def questionnaire_set(
    *, patient: User, by: User, measure: str, every_days: int, starts_on: date
) -> QuestionnaireSchedule:
    if measure not in QUESTIONNAIRES:
        raise ValidationError({"measure": "Only questionnaires can be scheduled."})
    if not 7 <= every_days <= 90:
        raise ValidationError({"every_days": "Every 7 to 90 days."})
    schedule, _ = QuestionnaireSchedule.objects.update_or_create(
        patient=patient,
        measure=measure,
        defaults={"every_days": every_days, "starts_on": starts_on, "created_by": by},
    )
    return schedule


@dataclass(frozen=True)
class Due:
    measure: str
    label: str
    last_on: date | None


def questionnaires_due(patient: User, on: date) -> list[Due]:
    """The scheduled questionnaires the patient should fill in on `on` (one query)."""
    last = (
        OutcomeRecord.objects.filter(patient=patient, measure=OuterRef("measure"))
        .values("measure")
        .annotate(last=Max("recorded_on"))
        .values("last")
    )
    due = []
    for schedule in QuestionnaireSchedule.objects.filter(patient=patient).annotate(
        last_on=Subquery(last)
    ):
        last_on: date | None = schedule.last_on
        next_on = schedule.starts_on
        if last_on is not None and last_on >= schedule.starts_on:
            next_on = last_on + timedelta(days=schedule.every_days)
        if on >= next_on:
            due.append(Due(schedule.measure, Measure(schedule.measure).label, last_on))
    return due
