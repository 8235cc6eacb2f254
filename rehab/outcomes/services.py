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
from django.urls import reverse

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


def psfs_activities(patient: User) -> list[str]:
    """The activity names of the patient's latest PSFS, in order ([] before the first)."""
    last = (
        OutcomeRecord.objects.filter(patient=patient, measure=Measure.PSFS)
        .order_by("-recorded_on", "-entered_at", "-pk")
        .values_list("detail", flat=True)
        .first()
    )
    if not last:
        return []
    return [str(row["name"]) for row in last.get("activities", [])]


def _check_same_activities(patient: User, result: scoring.Score) -> None:
    """The PSFS compares the same activities over time: after the first one, a patient rates
    the activities already chosen; only their therapist changes the list."""
    before = psfs_activities(patient)
    if not before:
        return
    activities = result.detail["activities"]
    assert isinstance(activities, list)
    now = {str(row["name"]).casefold() for row in activities}
    if now != {name.casefold() for name in before}:
        raise ValidationError(
            {
                "activities": (
                    "Rate the same activities as last time: "
                    + ", ".join(before)
                    + ". Ask your therapist if they should change."
                )
            }
        )


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
    if measure == Measure.NDI and result.detail["answered"] == 0:
        # Scoring calls it "not scored"; with nothing answered it is no record at all.
        raise ValidationError({"items": "Answer the sections that apply to you."})
    if measure == Measure.PSFS and by.pk == patient.pk:
        _check_same_activities(patient, result)
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
    today = patient_today(patient)
    if abs((starts_on - today).days) > BACKDATE_DAYS:
        raise ValidationError({"starts_on": "Start within a year of today."})
    schedule, _ = QuestionnaireSchedule.objects.update_or_create(
        patient=patient,
        measure=measure,
        defaults={"every_days": every_days, "starts_on": starts_on, "created_by": by},
    )
    return schedule


@transaction.atomic
def questionnaire_remove(*, patient: User, measure: str) -> bool:
    """Stop asking the patient for `measure`; True if there was a schedule."""
    deleted, _ = QuestionnaireSchedule.objects.filter(patient=patient, measure=measure).delete()
    return deleted > 0


@transaction.atomic
def questionnaires_replace(
    *, patient: User, by: User, wanted: Mapping[str, tuple[int, date] | None]
) -> list[QuestionnaireSchedule]:
    """Set the patient's questionnaire schedules at once: each measure in `wanted` maps to
    (every_days, starts_on), or None to remove it; measures left out are removed too. All or
    nothing: one bad row stores none."""
    for measure in wanted:
        if measure not in QUESTIONNAIRES:
            raise ValidationError({"measure": f"{measure!r} is not a questionnaire we schedule."})
    kept = []
    for measure in QUESTIONNAIRES:
        row = wanted.get(measure)
        if row is None:
            questionnaire_remove(patient=patient, measure=measure)
            continue
        every_days, starts_on = row
        try:
            kept.append(
                questionnaire_set(
                    patient=patient,
                    by=by,
                    measure=measure,
                    every_days=every_days,
                    starts_on=starts_on,
                )
            )
        except ValidationError as error:
            # Name the questionnaire, so a form or API can put the error next to it.
            raise ValidationError(
                {f"{measure}.{key}": messages for key, messages in error.message_dict.items()}
            ) from error
    return kept


@dataclass(frozen=True)
class Due:
    measure: str
    label: str
    last_on: date | None


def _last_recorded() -> Subquery:
    """The latest recorded_on of the schedule's patient and measure, for `.annotate()`."""
    return Subquery(
        OutcomeRecord.objects.filter(patient=OuterRef("patient"), measure=OuterRef("measure"))
        .values("patient", "measure")
        .annotate(last=Max("recorded_on"))
        .values("last")
    )


def next_due_on(schedule: QuestionnaireSchedule, last_on: date | None) -> date:
    """The start date, then `every_days` after the last time it was filled in (from the start
    on: an answer from before the schedule began does not count)."""
    if last_on is not None and last_on >= schedule.starts_on:
        return last_on + timedelta(days=schedule.every_days)
    return schedule.starts_on


@dataclass(frozen=True)
class ScheduleRow:
    schedule: QuestionnaireSchedule
    last_on: date | None
    next_on: date


def questionnaire_schedules(patient: User) -> list[ScheduleRow]:
    """The patient's schedules with their last answer and next due date (one query)."""
    rows = []
    for schedule in (
        QuestionnaireSchedule.objects.filter(patient=patient)
        .annotate(last_on=_last_recorded())
        .order_by("measure")
    ):
        last_on: date | None = schedule.last_on
        rows.append(ScheduleRow(schedule, last_on, next_due_on(schedule, last_on)))
    return rows


def questionnaires_due(patient: User, on: date) -> list[Due]:
    """The scheduled questionnaires the patient should fill in on `on` (one query)."""
    return [
        Due(row.schedule.measure, Measure(row.schedule.measure).label, row.last_on)
        for row in questionnaire_schedules(patient)
        if on >= row.next_on
    ]


# --- Questionnaire reminders ----------------------------------------------------------------------

QUESTIONNAIRE_KIND = "questionnaire"


def questionnaire_reminder_url(measure: str, due_on: date) -> str:
    """Where the reminder leads. The due date in it also makes it the reminder's identity: one
    notification per schedule and due date (see `questionnaire_reminders_send`)."""
    return f"{reverse('outcome_new_self', args=[measure])}?due={due_on.isoformat()}"


def questionnaire_reminders_send() -> int:
    """One in-app notification for each questionnaire that is due, once per due date.

    Safe to run again and from two workers at once: each schedule row is locked while its
    reminder is checked and written, and a reminder with the same link (measure and due date)
    means it was sent. A questionnaire left unanswered keeps its due date, so it is not repeated
    every hour. Patients who turned in-app reminders off, and inactive accounts, get none.
    Returns how many notifications were created.
    """
    from rehab.reminders.models import Channel, Notification, ReminderPreferences
    from rehab.reminders.services import notify

    muted = ReminderPreferences.objects.filter(in_app_on=False).values("patient")
    candidates = (
        QuestionnaireSchedule.objects.filter(patient__is_active=True)
        .exclude(patient__in=muted)
        .select_related("patient__patient_profile")
        .annotate(last_on=_last_recorded())
    )
    sent = 0
    for schedule in candidates.iterator(chunk_size=500):
        due_on = next_due_on(schedule, schedule.last_on)
        if patient_today(schedule.patient) < due_on:
            continue
        url = questionnaire_reminder_url(schedule.measure, due_on)
        with transaction.atomic():
            locked = QuestionnaireSchedule.objects.select_for_update().filter(pk=schedule.pk)
            if locked.first() is None:
                continue  # removed meanwhile
            if Notification.objects.filter(
                recipient=schedule.patient, kind=QUESTIONNAIRE_KIND, url=url
            ).exists():
                continue
            label = Measure(schedule.measure).label
            notify(
                recipient=schedule.patient,
                kind=QUESTIONNAIRE_KIND,
                title=f"Time to fill in: {label}",
                body=(
                    f"Your therapist asks you to fill in the {label} about every "
                    f"{schedule.every_days} days. It takes a few minutes and shows how you are "
                    "doing over time."
                ),
                url=url,
                channels=[Channel.IN_APP],
            )
            sent += 1
    return sent
