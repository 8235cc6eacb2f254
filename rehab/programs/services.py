"""Writes for programs and session logs. Rules live here and in database constraints."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.access import can_view_patient, clinic_id_of
from accounts.models import PatientProfile, Role, User
from exercises.models import DOSAGE_LIMITS, Exercise, Side
from exercises.selectors import exercises_visible_to

from . import session_insert
from .models import (
    ALL_DAYS,
    Day,
    ExerciseLog,
    Program,
    ProgramItem,
    ProgramPause,
    ProgramVersion,
    Protocol,
    ProtocolItem,
    SessionLog,
    Status,
)

BACKFILL_DAYS = 7
MAX_PHASE_WEEK = 104


@dataclass
class ItemSpec:
    """One prescribed exercise as a therapist enters it."""

    exercise_id: int
    sets: int
    reps: int
    hold_seconds: int = 0
    rest_seconds: int = 0
    side: str = Side.NONE
    times_per_day: int = 1
    days_of_week: int = ALL_DAYS
    notes: str = ""
    phase_name: str = ""
    phase_start_week: int | None = None
    phase_end_week: int | None = None


def validate_item(spec: ItemSpec, index: int = 0) -> None:
    errors: dict[str, str] = {}
    for name, (low, high) in DOSAGE_LIMITS.items():
        value = getattr(spec, name)
        if not isinstance(value, int) or not low <= value <= high:
            errors[f"items[{index}].{name}"] = f"Must be a whole number from {low} to {high}."
    if spec.side not in Side.values:
        errors[f"items[{index}].side"] = "Choose none, both, left or right."
    if not 1 <= spec.days_of_week <= ALL_DAYS:
        errors[f"items[{index}].days_of_week"] = "Choose at least one day of the week."
    for name in ("phase_start_week", "phase_end_week"):
        week = getattr(spec, name)
        if week is not None and not (isinstance(week, int) and 1 <= week <= MAX_PHASE_WEEK):
            errors[f"items[{index}].{name}"] = f"Weeks are numbered from 1 to {MAX_PHASE_WEEK}."
    if (
        f"items[{index}].phase_end_week" not in errors
        and spec.phase_end_week is not None
        and (spec.phase_start_week or 1) > spec.phase_end_week
    ):
        errors[f"items[{index}].phase_end_week"] = "The phase must end after it starts."
    for name, longest in (("notes", 300), ("phase_name", 60)):
        if len(getattr(spec, name)) > longest:
            errors[f"items[{index}].{name}"] = f"At most {longest} characters."
    if errors:
        raise ValidationError(errors)


def ensure_calendar(start: date, end: date) -> None:
    """Make sure the Day calendar covers [start, end]."""
    have = set(Day.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    missing = []
    day = start
    while day <= end:
        if day not in have:
            missing.append(Day(date=day, weekday_bit=1 << day.weekday()))
        day += timedelta(days=1)
    Day.objects.bulk_create(missing, ignore_conflicts=True)


def _item_dates(
    *, program: Program, version: ProgramVersion, spec: ItemSpec
) -> tuple[date, date | None]:
    start = version.effective_from
    ends = [d for d in (version.effective_to, program.end_date) if d is not None]
    if spec.phase_start_week:
        start = max(start, program.start_date + timedelta(weeks=spec.phase_start_week - 1))
    if spec.phase_end_week:
        ends.append(program.start_date + timedelta(weeks=spec.phase_end_week) - timedelta(days=1))
    return start, min(ends) if ends else None


def _create_items(*, program: Program, version: ProgramVersion, items: list[ItemSpec]) -> None:
    if not items:
        raise ValidationError({"items": "Add at least one exercise."})
    visible = set(exercises_visible_to(program.created_by).values_list("id", flat=True))
    rows = []
    for index, spec in enumerate(items):
        validate_item(spec, index)
        if spec.exercise_id not in visible:
            raise ValidationError(
                {f"items[{index}].exercise": "Choose an exercise from the library."}
            )
        active_from, active_to = _item_dates(program=program, version=version, spec=spec)
        rows.append(
            ProgramItem(
                version=version,
                position=index,
                active_from=active_from,
                active_to=active_to,
                **asdict(spec),
            )
        )
    ProgramItem.objects.bulk_create(rows)


@transaction.atomic
def program_create(
    *,
    therapist: User,
    patient: User,
    title: str,
    start_date: date,
    items: list[ItemSpec],
    end_date: date | None = None,
    notes_for_patient: str = "",
) -> Program:
    """Prescribe a program to a patient on the therapist's caseload (version 1)."""
    if therapist.role != Role.THERAPIST or not can_view_patient(therapist, patient):
        raise ValidationError({"patient": "Choose a patient on your caseload."})
    errors = {}
    if end_date is not None and end_date < start_date:
        errors["end_date"] = "The end date must be on or after the start date."
    if len(title.strip()) > 120:
        errors["title"] = "At most 120 characters."
    if len(notes_for_patient) > 2000:
        errors["notes_for_patient"] = "At most 2000 characters."
    if errors:
        raise ValidationError(errors)
    program = Program.objects.create(
        clinic_id=clinic_id_of(patient),
        patient=patient,
        created_by=therapist,
        title=title.strip() or "Home exercise program",
        start_date=start_date,
        end_date=end_date,
        notes_for_patient=notes_for_patient,
    )
    version = ProgramVersion.objects.create(
        program=program, number=1, effective_from=start_date, created_by=therapist
    )
    _create_items(program=program, version=version, items=items)
    ensure_calendar(start_date, end_date or start_date + timedelta(days=366))
    return program


def earliest_revision_date(program: Program, current: ProgramVersion) -> date:
    """A new version starts after the current one started and after the last logged session,
    so every logged session keeps the version (and targets) it was done against."""
    last_logged = (
        SessionLog.objects.filter(program=program)
        .order_by("-performed_on")
        .values_list("performed_on", flat=True)
        .first()
    )
    return max(current.effective_from, last_logged or current.effective_from) + timedelta(days=1)


def _why_not_earlier(program: Program) -> str:
    if SessionLog.objects.filter(program=program).exists():
        return "sessions logged until then keep the targets they were done against."
    return "the current version starts the day before."


@transaction.atomic
def program_revise(
    *,
    program: Program,
    by: User,
    effective_from: date,
    items: list[ItemSpec],
    change_note: str = "",
) -> ProgramVersion:
    """A new version from `effective_from`; earlier versions and their logs stay as they were."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == Status.ENDED:
        raise ValidationError("An ended program cannot be changed.")
    current = program.versions.order_by("-number").first()
    assert current is not None
    earliest = earliest_revision_date(program, current)
    if effective_from < earliest:
        raise ValidationError(
            {"effective_from": f"Choose {earliest:%-d %b %Y} or later: {_why_not_earlier(program)}"}
        )
    current.effective_to = effective_from - timedelta(days=1)
    current.save(update_fields=["effective_to"])
    ProgramItem.objects.filter(version=current, active_from__gt=current.effective_to).delete()
    for item in ProgramItem.objects.filter(version=current):
        if item.active_to is None or item.active_to > current.effective_to:
            item.active_to = current.effective_to
            item.save(update_fields=["active_to"])
    version = ProgramVersion.objects.create(
        program=program,
        number=current.number + 1,
        effective_from=effective_from,
        created_by=by,
        change_note=change_note,
    )
    _create_items(program=program, version=version, items=items)
    return version


def patient_today(patient: User) -> date:
    zone = ZoneInfo(patient.patient_profile.time_zone)
    return timezone.now().astimezone(zone).date()


def _locked(program: Program) -> Program:
    """The program's row, locked until the transaction ends (concurrent changes queue)."""
    return Program.objects.select_for_update().get(pk=program.pk)


@transaction.atomic
def program_pause(*, program: Program, on: date) -> None:
    """Pause from `on`: nothing is expected from that day until resumed."""
    locked = _locked(program)
    if locked.status != Status.ACTIVE:
        raise ValidationError("Only an active program can be paused.")
    # Saved through the model (not queryset.update) so the audit log records the change.
    locked.status = Status.PAUSED
    locked.save(update_fields=["status"])
    ProgramPause.objects.create(program=program, starts_on=max(on, program.start_date))
    program.status = Status.PAUSED


@transaction.atomic
def program_resume(*, program: Program, on: date) -> None:
    """Resume from `on` (the pause ends the day before; resumed the day it began, it is empty)."""
    locked = _locked(program)
    if locked.status != Status.PAUSED:
        raise ValidationError("Only a paused program can be resumed.")
    locked.status = Status.ACTIVE
    locked.save(update_fields=["status"])
    for pause in ProgramPause.objects.filter(program=program, ends_on=None):
        pause.ends_on = max(on, pause.starts_on) - timedelta(days=1)
        pause.save(update_fields=["ends_on"])
    program.status = Status.ACTIVE


@transaction.atomic
def program_end(*, program: Program, on: date) -> None:
    """End the program after `on`: nothing is expected or can be logged later."""
    locked = _locked(program)
    if locked.status == Status.ENDED:
        return
    end = max(on, program.start_date)
    locked.status, locked.end_date = Status.ENDED, end
    locked.save(update_fields=["status", "end_date"])
    for item in ProgramItem.objects.filter(version__program=program).exclude(active_to__lt=end):
        item.active_to = end
        item.save(update_fields=["active_to"])
    # Pauses that would begin after the end no longer matter; open ones close at the end.
    for pause in ProgramPause.objects.filter(program=program, starts_on__gt=end):
        pause.delete()
    for pause in ProgramPause.objects.filter(program=program, ends_on=None):
        pause.ends_on = end
        pause.save(update_fields=["ends_on"])
    program.status, program.end_date = Status.ENDED, end


@dataclass
class EntrySpec:
    """What a patient did of one prescribed item."""

    item_id: int
    sets_done: int = 0
    reps_done: int = 0
    hold_seconds_done: int = 0
    skipped: bool = False
    skip_reason: str = ""


@dataclass
class SessionSpec:
    performed_on: date
    entries: list[EntrySpec] = field(default_factory=list)
    pain_before: int | None = None
    pain_after: int | None = None
    difficulty: int | None = None
    note: str = ""


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used before with a different request."""


def _fingerprint(spec: SessionSpec) -> str:
    payload = json.dumps(asdict(spec), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _dose_fraction(item: ProgramItem, entry: EntrySpec) -> float:
    if entry.skipped:
        return 0.0
    prescribed = item.sets * item.reps
    return min(1.0, (entry.sets_done * entry.reps_done) / prescribed)


def _validate_session(*, patient: User, spec: SessionSpec) -> None:
    errors: dict[str, str] = {}
    today = patient_today(patient)
    if spec.performed_on > today:
        errors["performed_on"] = "You can't log a session in the future."
    elif spec.performed_on < today - timedelta(days=BACKFILL_DAYS):
        errors["performed_on"] = f"You can log sessions from the last {BACKFILL_DAYS} days only."
    errors |= _value_errors(spec)
    if errors:
        raise ValidationError(errors)


def _value_errors(spec: SessionSpec) -> dict[str, str]:
    """Pain, difficulty and entry counts: the same bounds the database enforces."""
    errors: dict[str, str] = {}
    for name in ("pain_before", "pain_after"):
        value = getattr(spec, name)
        if value is not None and not (isinstance(value, int) and 0 <= value <= 10):
            errors[name] = "Pain is a number from 0 (none) to 10 (worst imaginable)."
    if spec.difficulty is not None and spec.difficulty not in range(1, 6):
        errors["difficulty"] = "Difficulty is from 1 (very easy) to 5 (too hard)."
    if not spec.entries:
        errors["entries"] = "Log at least one exercise."
    for index, entry in enumerate(spec.entries):
        for name, high in (("sets_done", 20), ("reps_done", 100), ("hold_seconds_done", 600)):
            value = getattr(entry, name)
            if not isinstance(value, int) or not 0 <= value <= high:
                errors[f"entries[{index}].{name}"] = f"Must be a whole number from 0 to {high}."
        if entry.skipped and not entry.skip_reason.strip():
            errors[f"entries[{index}].skip_reason"] = "Tell your therapist why you skipped it."
        if len(entry.skip_reason) > 200:
            errors[f"entries[{index}].skip_reason"] = "At most 200 characters."
    if len(spec.note) > 2000:
        errors["note"] = "At most 2000 characters."
    return errors


def session_log_create(
    *, patient: User, spec: SessionSpec, idempotency_key: str | None = None
) -> tuple[SessionLog, bool]:
    """Log a session. Returns (log, created).

    With an idempotency key, repeating the same request returns the first result and stores
    nothing new; the same key with a different request raises IdempotencyConflict.

    The reads (the patient's profile, the items due that day) come before the transaction,
    which holds only the writes: on SQLite writers take turns, so every millisecond in the
    transaction is one no other log can use. What the reads saw may change before the writes,
    as under PostgreSQL's READ COMMITTED anyway. An earlier answer to the key is looked for only
    when this request cannot be stored: the unique (patient, idempotency key) refuses a second
    session with one key, and so does the check of the request when the first one has since
    become invalid (the day no longer in reach, the prescription changed); either way the
    retry answers with the first request's result.
    """
    fingerprint = _fingerprint(spec)
    # Afresh, once: the patient's time zone (their today) and the version of their prescription
    # the items due are cached under (a task or command may hold `patient` across changes). On
    # PostgreSQL with what the one-statement write needs (rehab/programs/session_insert.py).
    reserved = None
    if session_insert.supported():
        patient.patient_profile, reserved = session_insert.read_profile(patient)
    else:
        patient.patient_profile = PatientProfile.objects.get(user_id=patient.pk)
    try:
        items = _items_logged(patient, spec)
    except ValidationError:
        existing = _logged_with(patient, idempotency_key, fingerprint) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    first = items[0]
    session = SessionLog(
        patient=patient,
        program_id=first.version.program_id,
        version_id=first.version_id,
        performed_on=spec.performed_on,
        pain_before=spec.pain_before,
        pain_after=spec.pain_after,
        difficulty=spec.difficulty,
        note=spec.note,
        idempotency_key=idempotency_key or None,
        request_fingerprint=fingerprint,
    )
    entries = entry_rows(session=session, items=items, entries=spec.entries)
    try:
        if reserved is None or not session_insert.insert(
            session=session, entries=entries, reserved=reserved
        ):
            with transaction.atomic():
                session.save(force_insert=True)
                ExerciseLog.objects.bulk_create(entries)
                _evaluate_alerts(session)
    except IntegrityError:
        # Logged before with this key (a retry, or a concurrent one that won the race).
        existing = _logged_with(patient, idempotency_key, fingerprint) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    _keep_in_memory(session, first, entries)
    return session, True


def _items_logged(patient: User, spec: SessionSpec) -> list[ProgramItem]:
    """The checked request's items, in the order of its entries: all due that day, of one
    program, each once."""
    _validate_session(patient=patient, spec=spec)
    from .plan_cache import items_due

    due = {
        item.pk: item
        for item in items_due(
            patient, spec.performed_on, version=patient.patient_profile.plan_version
        )
    }
    items = []
    for index, entry in enumerate(spec.entries):
        item = due.get(entry.item_id)
        if item is None:
            raise ValidationError(
                {f"entries[{index}].item": "That exercise isn't in your program for that day."}
            )
        items.append(item)
    programs = {item.version.program_id for item in items}
    if len(programs) != 1:
        raise ValidationError({"entries": "Log one program at a time."})
    if len({entry.item_id for entry in spec.entries}) != len(spec.entries):
        raise ValidationError({"entries": "Each exercise once per session."})
    return items


def _logged_with(patient: User, idempotency_key: str, fingerprint: str) -> SessionLog | None:
    """The session an earlier request with this key logged, if the request was the same."""
    existing = SessionLog.objects.filter(patient=patient, idempotency_key=idempotency_key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict
    return existing


def _keep_in_memory(session: SessionLog, first: ProgramItem, entries: list[ExerciseLog]) -> None:
    """Attach what was just stored and what items_due joined in (the program, the version, each
    entry's item and exercise) to the new session, as a prefetch would, so answering with it reads
    nothing back. The entries in the order the API lists them (item position, then id)."""
    session.version = first.version
    session.program = first.version.program
    # What prefetch_related stores for a reverse relation: a queryset holding its results.
    listed = session.entries.all()
    listed._result_cache = sorted(entries, key=lambda entry: (entry.item.position, entry.pk))
    listed._prefetch_done = True  # type: ignore[attr-defined]
    session._prefetched_objects_cache = {"entries": listed}  # type: ignore[attr-defined]


def _evaluate_alerts(session: SessionLog) -> None:
    """The alert rules for a saved session, in its transaction: alerts, notifications and their
    outbox rows commit with the log or not at all, and nothing waits on the broker."""
    from rehab.alerts.services import evaluate_session  # the alerts app builds on this one

    evaluate_session(session)


def _entry_fields(item: ProgramItem, entry: EntrySpec) -> dict[str, Any]:
    return {
        "sets_done": entry.sets_done,
        "reps_done": entry.reps_done,
        "hold_seconds_done": entry.hold_seconds_done,
        "skipped": entry.skipped,
        "skip_reason": entry.skip_reason.strip(),
        "dose_fraction": _dose_fraction(item, entry),
    }


def entry_rows(
    *, session: SessionLog, items: list[ProgramItem], entries: list[EntrySpec]
) -> list[ExerciseLog]:
    """The session's exercise entries, each with a snapshot of the targets it was done against
    (not saved)."""
    return [
        ExerciseLog(
            session=session,
            item=item,
            performed_on=session.performed_on,
            target_sets=item.sets,
            target_reps=item.reps,
            target_hold_seconds=item.hold_seconds,
            target_side=item.side,
            **_entry_fields(item, entry),
        )
        for item, entry in zip(items, entries, strict=True)
    ]


def store_entries(
    *, session: SessionLog, items: list[ProgramItem], entries: list[EntrySpec]
) -> list[ExerciseLog]:
    """The session's exercise entries, each with a snapshot of the targets it was done against."""
    return ExerciseLog.objects.bulk_create(
        entry_rows(session=session, items=items, entries=entries)
    )


EDIT_WINDOW = timedelta(hours=24)


def _check_edit_window(session: SessionLog) -> None:
    if timezone.now() - session.logged_at > EDIT_WINDOW:
        raise ValidationError(
            "A session can be changed or deleted for 24 hours after it was logged. "
            "Ask your therapist if something needs correcting."
        )


@transaction.atomic
def session_log_update(*, patient: User, session: SessionLog, spec: SessionSpec) -> SessionLog:
    """Correct one's own session within 24 hours of logging it (the change is audited).

    The date stays as logged. Entries are matched by item: existing ones are updated in
    place (their target snapshot is kept), new ones must be due that day, missing ones
    are removed.
    """
    session = SessionLog.objects.select_for_update().get(pk=session.pk, patient=patient)
    _check_edit_window(session)
    if spec.performed_on != session.performed_on:
        raise ValidationError(
            {"performed_on": "The date can't be changed. Delete the session and log it again."}
        )
    errors = _value_errors(spec)
    if errors:
        raise ValidationError(errors)
    if len({entry.item_id for entry in spec.entries}) != len(spec.entries):
        raise ValidationError({"entries": "Each exercise once per session."})
    from .selectors import items_due

    existing = {entry.item_id: entry for entry in session.entries.select_related("item")}
    due = {
        item.pk: item
        for item in items_due(patient=patient, on=session.performed_on)
        if item.version.program_id == session.program_id
    }
    new_items, new_entries = [], []
    for index, entry in enumerate(spec.entries):
        if entry.item_id in existing:
            row = existing.pop(entry.item_id)
            changed = _entry_fields(row.item, entry)
            if any(getattr(row, name) != value for name, value in changed.items()):
                for name, value in changed.items():
                    setattr(row, name, value)
                row.save(update_fields=[*changed])
        elif entry.item_id in due:
            new_items.append(due[entry.item_id])
            new_entries.append(entry)
        else:
            raise ValidationError(
                {f"entries[{index}].item": "That exercise isn't in this session's program."}
            )
    for row in existing.values():
        row.delete()
    store_entries(session=session, items=new_items, entries=new_entries)
    session.pain_before, session.pain_after = spec.pain_before, spec.pain_after
    session.difficulty, session.note = spec.difficulty, spec.note
    session.save(update_fields=["pain_before", "pain_after", "difficulty", "note", "updated_at"])
    _evaluate_alerts(session)
    return session


@transaction.atomic
def session_log_delete(*, patient: User, session: SessionLog) -> None:
    """Delete one's own session within 24 hours of logging it (audited, entries included)."""
    session = SessionLog.objects.select_for_update().get(pk=session.pk, patient=patient)
    _check_edit_window(session)
    for entry in session.entries.all():
        entry.delete()
    session.delete()


ITEM_FIELDS = [
    "sets",
    "reps",
    "hold_seconds",
    "rest_seconds",
    "side",
    "times_per_day",
    "days_of_week",
    "notes",
    "phase_name",
    "phase_start_week",
    "phase_end_week",
]


def days_mask(days: list[int]) -> int:
    """[0, 2, 4] (Monday, Wednesday, Friday) -> bit mask."""
    return sum(1 << day for day in set(days))


@transaction.atomic
def protocol_sync(*, protocols: list[dict[str, Any]]) -> int:
    """Create or update the shared protocols from protocol_data.py. Idempotent."""
    exercise_ids = dict(Exercise.objects.filter(clinic=None).values_list("slug", "id"))
    for data in protocols:
        protocol, _ = Protocol.objects.update_or_create(
            slug=data["slug"],
            clinic=None,
            defaults={
                "name": data["name"],
                "summary": data["summary"],
                "notes_for_patient": data["notes_for_patient"],
            },
        )
        protocol.items.all().delete()
        ProtocolItem.objects.bulk_create(
            [
                ProtocolItem(
                    protocol=protocol,
                    position=index,
                    exercise_id=exercise_ids[item["exercise"]],
                    days_of_week=days_mask(item["days_of_week"]),
                    **{k: item[k] for k in ITEM_FIELDS if k != "days_of_week"},
                )
                for index, item in enumerate(data["items"])
            ]
        )
    return len(protocols)


def protocol_item_specs(protocol: Protocol) -> list[ItemSpec]:
    return [
        ItemSpec(exercise_id=item.exercise_id, **{k: getattr(item, k) for k in ITEM_FIELDS})
        for item in protocol.items.all()
    ]


@transaction.atomic
def protocol_save_from_program(*, program: Program, by: User, name: str) -> Protocol:
    """Keep the program's current version as a clinic protocol others can start from."""
    version = program.versions.order_by("-number").first()
    assert version is not None
    base = slugify(name)[:70] or "protocol"
    slug, n = base, 2
    while Protocol.objects.filter(clinic_id=program.clinic_id, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    protocol = Protocol.objects.create(
        clinic_id=program.clinic_id,
        slug=slug,
        name=name.strip(),
        notes_for_patient=program.notes_for_patient,
        created_by=by,
    )
    ProtocolItem.objects.bulk_create(
        [
            ProtocolItem(
                protocol=protocol,
                position=item.position,
                exercise_id=item.exercise_id,
                **{k: getattr(item, k) for k in ITEM_FIELDS},
            )
            for item in version.items.all()
        ]
    )
    return protocol
