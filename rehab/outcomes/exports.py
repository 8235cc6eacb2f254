"""A patient's record for download: what is in it (`patient_record`) and the CSV file.

The record is read in a fixed number of queries, however long the history (every list is joined
or prefetched), and both the CSV here and the FHIR Bundle (fhir.py) are built from it without
touching the database again.

CSV layout: one file in sections, for a person opening it in a spreadsheet. Each section starts
with a row holding only its title ("Sessions"), then a header row, then one row per entry, then
an empty row. Dates are ISO (2024-05-31), times are the patient's local time with its UTC offset.
The file is UTF-8 with a byte order mark, so Excel shows accented names correctly (without the
mark it guesses the Windows code page). Any text cell that starts with = + - @, a tab or a carriage
return gets a leading apostrophe, so a spreadsheet shows it as text instead of running it as a
formula (CSV injection); numbers are written as numbers and are never changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import PatientProfile, Role, User
from accounts.spreadsheet import Cell, safe_cell
from rehab.programs.models import (
    ALL_DAYS,
    Difficulty,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramVersion,
    SessionLog,
)

from . import scoring
from .models import WORKSTATION_ITEMS, Measure, OutcomeRecord, PosturePhoto, WorkstationCheck

BOM = "\ufeff"


@dataclass(frozen=True)
class PatientRecord:
    """Everything a download holds about one patient, oldest first within each list."""

    patient: User
    profile: PatientProfile
    programs: list[Program]
    sessions: list[SessionLog]
    outcomes: list[OutcomeRecord]
    workstation_checks: list[WorkstationCheck]
    photos: list[PosturePhoto]
    exported_at: datetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.profile.time_zone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def patient_record(patient: User, *, now: datetime | None = None) -> PatientRecord:
    """The patient's whole record, in a number of queries that does not grow with it.

    The caller has checked that the viewer may see `patient`.
    """
    profile = PatientProfile.objects.get(user=patient)
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("clinic")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProgramVersion.objects.prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ProgramItem.objects.select_related("exercise").order_by(
                            "position"
                        ),
                    )
                ).order_by("number"),
            ),
            Prefetch("pauses", queryset=ProgramPause.objects.order_by("starts_on")),
        )
        .order_by("start_date", "created_at")
    )
    sessions = list(
        SessionLog.objects.filter(patient=patient)
        .select_related("program", "version")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ExerciseLog.objects.select_related("item__exercise").order_by(
                    "item__position"
                ),
            )
        )
        .order_by("performed_on", "logged_at")
    )
    outcomes = list(
        OutcomeRecord.objects.filter(patient=patient)
        .select_related("entered_by")
        .order_by("recorded_on", "entered_at")
    )
    checks = list(WorkstationCheck.objects.filter(patient=patient).order_by("checked_on"))
    photos = list(
        PosturePhoto.objects.filter(patient=patient)
        .select_related("outcome")
        .order_by("taken_on", "uploaded_at")
    )
    return PatientRecord(
        patient=patient,
        profile=profile,
        programs=programs,
        sessions=sessions,
        outcomes=outcomes,
        workstation_checks=checks,
        photos=photos,
        exported_at=now or timezone.now(),
    )


# --- Small text helpers shared with the FHIR builder ----------------------------------------------


def number(value: float | None) -> int | float | None:
    """26.0 -> 26, 24.3 -> 24.3: whole numbers without a trailing .0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dosage_text(item: ProgramItem) -> str:
    """ "3 sets of 10 reps, hold 5 s, rest 30 s, left side, 2 times a day, Mon Wed Fri"."""
    parts = [f"{item.sets} set{'s' if item.sets != 1 else ''} of {item.reps} reps"]
    if item.hold_seconds:
        parts.append(f"hold {item.hold_seconds} s")
    if item.rest_seconds:
        parts.append(f"rest {item.rest_seconds} s")
    if item.side != "none":
        parts.append(item.get_side_display().lower() + (" side" if item.side != "both" else ""))
    parts.append(f"{item.times_per_day} time{'s' if item.times_per_day != 1 else ''} a day")
    parts.append("every day" if item.days_of_week == ALL_DAYS else f"on {item.days_label}")
    return ", ".join(parts)


def entered_by_role(record: OutcomeRecord) -> str:
    """Who entered an outcome, by role: the patient themself, or their therapist."""
    if record.entered_by_id == record.patient_id:
        return "patient"
    return Role(record.entered_by.role).label.lower()


def outcome_details(record: OutcomeRecord) -> str:
    """What lies behind an outcome's headline value, in a line a person can read."""
    detail = record.detail or {}
    if record.measure == Measure.NDI:
        answers = detail.get("answers") or []
        shown = ", ".join(
            f"{label}: {'blank' if answer is None else answer}"
            for (_key, label), answer in zip(scoring.NDI_ITEMS, answers, strict=False)
        )
        return f"total {detail.get('total')} out of {detail.get('out_of') or '-'}; {shown}"
    if record.measure == Measure.PSFS:
        return "; ".join(
            f"{row['name']}: {row['rating']}" for row in detail.get("activities") or []
        )
    if record.measure == Measure.CROM:
        degrees = detail.get("degrees") or {}
        return "; ".join(
            f"{label}: {number(degrees[key])} degrees"
            for key, label, _limit in scoring.CROM_DIRECTIONS
            if degrees.get(key) is not None
        )
    if record.measure == Measure.CVA:
        return f"{detail.get('side', '')} side".strip()
    if record.measure == Measure.CCFT:
        return f"stages passed: {detail.get('stages_passed')} of {len(scoring.CCFT_STAGES)}"
    return ""


# --- CSV ----------------------------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class _Sections:
    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def section(self, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
        self.writer.writerow([title])
        self.writer.writerow(header)
        for row in rows:
            self.writer.writerow([safe_cell(cell) for cell in row])
        self.writer.writerow([])

    def text(self) -> str:
        return BOM + self.buffer.getvalue()


def _program_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for program in record.programs:
        for version in program.versions.all():
            for item in version.items.all():
                yield [
                    program.title,
                    program.get_status_display(),
                    _day(program.start_date),
                    _day(program.end_date),
                    version.number,
                    _day(version.effective_from),
                    _day(version.effective_to),
                    version.change_note,
                    item.exercise.name,
                    dosage_text(item),
                    item.sets,
                    item.reps,
                    item.hold_seconds,
                    item.rest_seconds,
                    item.get_side_display(),
                    item.times_per_day,
                    item.days_label,
                    item.phase_name,
                    _day(item.active_from),
                    _day(item.active_to),
                    item.notes,
                ]


def _pause_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for program in record.programs:
        for pause in program.pauses.all():
            yield [program.title, _day(pause.starts_on), _day(pause.ends_on)]


def _session_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for session in record.sessions:
        yield [
            _day(session.performed_on),
            session.program.title,
            session.version.number,
            session.pain_before,
            session.pain_after,
            session.difficulty,
            Difficulty(session.difficulty).label if session.difficulty else "",
            session.note,
            record.local(session.logged_at).isoformat(timespec="minutes"),
        ]


def _exercise_log_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for session in record.sessions:
        for entry in session.entries.all():
            yield [
                _day(session.performed_on),
                entry.item.exercise.name,
                entry.target_sets,
                entry.target_reps,
                entry.target_hold_seconds,
                entry.get_target_side_display(),
                entry.sets_done,
                entry.reps_done,
                entry.hold_seconds_done,
                "yes" if entry.skipped else "no",
                entry.skip_reason,
                round(entry.dose_fraction * 100),
            ]


def _outcome_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for outcome in record.outcomes:
        yield [
            _day(outcome.recorded_on),
            outcome.get_measure_display(),
            number(outcome.value),
            outcome.band,
            outcome.scoring_version,
            entered_by_role(outcome),
            outcome_details(outcome),
            outcome.note,
        ]


def _workstation_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for check in record.workstation_checks:
        answers = check.answers or {}
        yield [
            _day(check.checked_on),
            check.score,
            check.out_of,
            *[
                "" if answers.get(key) is None else ("yes" if answers.get(key) else "no")
                for key, _question in WORKSTATION_ITEMS
            ],
        ]


def _photo_rows(record: PatientRecord) -> Iterable[list[Cell]]:
    for photo in record.photos:
        yield [
            _day(photo.taken_on),
            photo.get_side_display(),
            number(photo.outcome.value) if photo.outcome is not None else None,
            record.local(photo.uploaded_at).isoformat(timespec="minutes"),
        ]


def record_csv(record: PatientRecord) -> str:
    """The record as CSV text in sections, starting with the byte order mark."""
    profile, patient = record.profile, record.patient
    out = _Sections()
    out.section(
        "Patient",
        ["Field", "Value"],
        [
            ["Name", patient.full_name],
            ["Email", patient.email],
            ["Date of birth", _day(profile.date_of_birth)],
            ["Time zone", profile.time_zone],
            ["Clinic", patient.clinic.name if patient.clinic else ""],
            ["Exported at", record.local(record.exported_at).isoformat(timespec="minutes")],
        ],
    )
    out.section(
        "Programs",
        [
            "Program",
            "Status",
            "Program start",
            "Program end",
            "Version",
            "Version from",
            "Version to",
            "Change note",
            "Exercise",
            "Dosage",
            "Sets",
            "Reps",
            "Hold (s)",
            "Rest (s)",
            "Side",
            "Times a day",
            "Days",
            "Phase",
            "Prescribed from",
            "Prescribed to",
            "Therapist's notes",
        ],
        _program_rows(record),
    )
    out.section("Program pauses", ["Program", "Paused from", "Paused to"], _pause_rows(record))
    out.section(
        "Sessions",
        [
            "Date",
            "Program",
            "Version",
            "Pain before (0-10)",
            "Pain after (0-10)",
            "Difficulty (1-5)",
            "Difficulty",
            "Note",
            "Logged at",
        ],
        _session_rows(record),
    )
    out.section(
        "Exercise logs",
        [
            "Session date",
            "Exercise",
            "Target sets",
            "Target reps",
            "Target hold (s)",
            "Target side",
            "Sets done",
            "Reps done",
            "Hold done (s)",
            "Skipped",
            "Reason skipped",
            "Dose done (%)",
        ],
        _exercise_log_rows(record),
    )
    out.section(
        "Outcome measures",
        [
            "Date",
            "Measure",
            "Value",
            "Band",
            "Scoring version",
            "Entered by",
            "Details",
            "Note",
        ],
        _outcome_rows(record),
    )
    out.section(
        "Workstation checks",
        ["Date", "Score", "Out of", *[key.capitalize() for key, _q in WORKSTATION_ITEMS]],
        _workstation_rows(record),
    )
    out.section(
        "Posture photos (the photos themselves are not included)",
        ["Date taken", "Side", "Angle (degrees)", "Uploaded at"],
        _photo_rows(record),
    )
    return out.text()


def export_filename(record: PatientRecord, extension: str, *, with_id: bool) -> str:
    """A download name without the patient's name: record-2024-05-31.csv, or with the start of
    the patient's opaque id for the care team, who download several patients' records."""
    day = record.local(record.exported_at).date().isoformat()
    prefix = f"record-{str(record.patient.public_id)[:8]}" if with_id else "record"
    return f"{prefix}-{day}.{extension}"
