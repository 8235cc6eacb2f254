"""Serializers of the programs API: custom fields, what responses contain (output) and what
requests may send (input). The error body's serializer lives in common.py with the error format.
"""

from datetime import date, datetime
from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import DOSAGE_LIMITS, Category, Side
from rehab.programs import services
from rehab.programs.models import ALL_DAYS, Program, Protocol, SessionLog, Status

from .common import _invalid

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Dates in program bodies stay within this many days of today: the calendar table is extended
# up to a program's end, and far-off dates would only ever be typing mistakes.
DATE_REACH_DAYS = 5 * 366


# --- Fields -------------------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": WEEKDAYS}})
class WeekdaysField(serializers.Field):
    """Days of the week as names ("mon".."sun"); stored as a bit mask, Monday first."""

    default_error_messages = {"invalid": 'Give a list of day names: "mon", "tue", ... "sun".'}

    def to_representation(self, value: int) -> list[str]:
        return [name for index, name in enumerate(WEEKDAYS) if value & (1 << index)]

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, list) or not all(
            isinstance(day, str) and day.lower() in WEEKDAYS for day in data
        ):
            self.fail("invalid")
        return services.days_mask([WEEKDAYS.index(day.lower()) for day in data])


class NearDateField(serializers.DateField):
    """A date within about five years of today."""

    def to_internal_value(self, value: Any) -> date:
        day = cast(date, super().to_internal_value(value))
        if abs((day - timezone.localdate()).days) > DATE_REACH_DAYS:
            raise serializers.ValidationError("Choose a date within five years of today.")
        return day


def _whole(help_text: str, low: int, high: int, message: str = "", **kwargs: Any) -> Any:
    """An integer field whose range errors read like the services' own."""
    message = message or f"Must be a whole number from {low} to {high}."
    return serializers.IntegerField(
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        **kwargs,
    )


def _dose(name: str, help_text: str, **kwargs: Any) -> Any:
    return _whole(help_text, *DOSAGE_LIMITS[name], **kwargs)


# --- Output serializers -------------------------------------------------------------------------


class ExerciseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The exercise's id.")
    name = serializers.CharField(help_text="The exercise's name.")


class _DosageOutput(serializers.Serializer):
    """Fields shared by program and protocol items (not a schema component of its own)."""

    position = serializers.IntegerField(help_text="Order within the list, from 0.")
    exercise = ExerciseRefSerializer(help_text="The prescribed exercise.")
    sets = serializers.IntegerField(help_text="Sets per session.")
    reps = serializers.IntegerField(help_text="Repetitions per set.")
    hold_seconds = serializers.IntegerField(help_text="Seconds each repetition is held; 0 = none.")
    rest_seconds = serializers.IntegerField(help_text="Rest between sets, in seconds.")
    side = serializers.ChoiceField(choices=Side.choices, help_text="none, both, left or right.")
    times_per_day = serializers.IntegerField(help_text="Sessions of this exercise per day.")
    days_of_week = WeekdaysField(help_text="The days it is prescribed on.")
    notes = serializers.CharField(help_text="The therapist's notes for this exercise.")
    phase_name = serializers.CharField(help_text="Name of the phase it belongs to, if any.")
    phase_start_week = serializers.IntegerField(
        allow_null=True, help_text="First week of its phase (1 = the program's first week)."
    )
    phase_end_week = serializers.IntegerField(
        allow_null=True, help_text="Last week of its phase; null = to the end."
    )


class ProgramItemSerializer(_DosageOutput):
    id = serializers.IntegerField(
        help_text="The item's id (items have no UUID); send it as `item` when logging."
    )
    active_from = serializers.DateField(help_text="First date the item is prescribed.")
    active_to = serializers.DateField(
        allow_null=True, help_text="Last date it is prescribed; null = open-ended."
    )


class ProgramVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Version number, from 1.")
    effective_from = serializers.DateField(help_text="First date this version is in force.")
    effective_to = serializers.DateField(
        allow_null=True, help_text="Last date it is in force; null for the current version."
    )
    change_note = serializers.CharField(help_text="Why the program was changed.")
    items = ProgramItemSerializer(many=True, help_text="What this version prescribes.")


class PauseSerializer(serializers.Serializer):
    starts_on = serializers.DateField(help_text="First paused date.")
    ends_on = serializers.DateField(
        allow_null=True, help_text="Last paused date; null while still paused."
    )


class AdherenceSerializer(serializers.Serializer):
    this_week = serializers.FloatField(
        allow_null=True,
        help_text="Doses done / doses expected from Monday to today, 0..1; null if none expected.",
    )
    overall = serializers.FloatField(
        allow_null=True,
        help_text="Doses done / doses expected since the program started, 0..1; null if none.",
    )


class ProgramSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The program's id.")
    patient = serializers.UUIDField(source="patient.public_id", help_text="The patient's id.")
    title = serializers.CharField(help_text="The program's title.")
    status = serializers.ChoiceField(choices=Status.choices, help_text="active, paused or ended.")
    start_date = serializers.DateField(help_text="First day of the program (patient's dates).")
    end_date = serializers.DateField(allow_null=True, help_text="Last day; null = open-ended.")
    notes_for_patient = serializers.CharField(help_text="What the patient reads with it.")
    current_version = serializers.IntegerField(help_text="Number of the latest version.")


class ProgramDetailSerializer(ProgramSerializer):
    versions = ProgramVersionSerializer(many=True, help_text="Every version, oldest first.")
    pauses = PauseSerializer(many=True, help_text="Paused periods, oldest first.")
    adherence = serializers.SerializerMethodField(
        help_text="Share of this program's expected doses done, up to the patient's today."
    )

    @extend_schema_field(AdherenceSerializer)
    def get_adherence(self, program: Program) -> dict[str, float | None]:
        return cast(dict[str, float | None], self.context["adherence"])


class ProtocolItemSerializer(_DosageOutput):
    pass


class ProtocolSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The protocol's id.")
    slug = serializers.CharField(help_text="Short name, unique among shared or clinic protocols.")
    name = serializers.CharField(help_text="The protocol's name (a new program's default title).")
    summary = serializers.CharField(help_text="What it is for.")
    notes_for_patient = serializers.CharField(help_text="Notes copied into a new program.")
    shared = serializers.SerializerMethodField(
        help_text="True for the shared starter protocols, false for your clinic's own."
    )
    items = ProtocolItemSerializer(many=True, help_text="The exercises it prescribes.")

    def get_shared(self, protocol: Protocol) -> bool:
        return protocol.clinic_id is None


class TodayExerciseSerializer(ExerciseRefSerializer):
    summary = serializers.CharField(help_text="One line on what it does.")
    steps = serializers.ListField(
        child=serializers.CharField(), help_text="Step-by-step instructions, in order."
    )
    stop_if = serializers.CharField(help_text="When to stop and contact the clinician.")
    category = serializers.ChoiceField(choices=Category.choices, help_text="Kind of exercise.")


class ProgramRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The program's id.")
    title = serializers.CharField(help_text="The program's title.")


class TodayItemSerializer(ProgramItemSerializer):
    program = ProgramRefSerializer(source="version.program", help_text="Its program.")
    exercise = TodayExerciseSerializer(help_text="The exercise, with its instructions.")
    doses_done = serializers.FloatField(
        help_text="Doses logged for it that day (partial sessions count partially)."
    )
    doses_expected = serializers.IntegerField(
        source="times_per_day", help_text="Doses prescribed for the day (times per day)."
    )


class TodaySerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The local date shown.")
    today = serializers.DateField(help_text="The patient's local date now.")
    earliest_day = serializers.DateField(help_text="The earliest date that can still be logged.")
    doses_expected = serializers.IntegerField(help_text="Doses prescribed for the day, in all.")
    doses_done = serializers.FloatField(help_text="Doses done, each item capped at its dose.")
    items = TodayItemSerializer(many=True, help_text="What is due that day, in program order.")


class SessionEntrySerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id", help_text="The prescribed item's id.")
    exercise = ExerciseRefSerializer(source="item.exercise", help_text="The exercise.")
    target_sets = serializers.IntegerField(help_text="Sets prescribed when it was logged.")
    target_reps = serializers.IntegerField(help_text="Reps prescribed when it was logged.")
    target_hold_seconds = serializers.IntegerField(help_text="Hold prescribed when it was logged.")
    target_side = serializers.ChoiceField(
        choices=Side.choices, help_text="Side prescribed: none, both, left or right."
    )
    sets_done = serializers.IntegerField(help_text="Sets done.")
    reps_done = serializers.IntegerField(help_text="Repetitions done per set.")
    hold_seconds_done = serializers.IntegerField(help_text="Seconds held per repetition.")
    skipped = serializers.BooleanField(help_text="True if the exercise was skipped.")
    skip_reason = serializers.CharField(help_text="Why it was skipped.")
    dose_fraction = serializers.FloatField(
        help_text="Share of the prescribed dose done, 0..1 (sets x reps done / prescribed)."
    )


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The session's id.")
    patient = serializers.UUIDField(source="patient.public_id", help_text="The patient's id.")
    program = serializers.UUIDField(source="program.public_id", help_text="The program's id.")
    version = serializers.IntegerField(
        source="version.number", help_text="The program version it was logged against."
    )
    performed_on = serializers.DateField(help_text="The local date it was done.")
    logged_at = serializers.DateTimeField(help_text="When it was logged (UTC).")
    updated_at = serializers.DateTimeField(help_text="When it was last changed (UTC).")
    editable_until = serializers.SerializerMethodField(
        help_text="Until when the patient may change or delete it (24 hours after logging)."
    )
    pain_before = serializers.IntegerField(allow_null=True, help_text="Pain before, 0-10.")
    pain_after = serializers.IntegerField(allow_null=True, help_text="Pain after, 0-10.")
    difficulty = serializers.IntegerField(
        allow_null=True, help_text="1 very easy, 2 easy, 3 about right, 4 hard, 5 too hard."
    )
    note = serializers.CharField(help_text="The patient's note.")
    entries = SessionEntrySerializer(many=True, help_text="Each exercise done or skipped.")

    def get_editable_until(self, session: SessionLog) -> datetime:
        return session.logged_at + services.EDIT_WINDOW


_TIMESTAMP = serializers.DateTimeField()


def session_data(session: SessionLog) -> dict[str, Any]:
    """`SessionSerializer(session).data`, written out: every log, read and correction answers
    with it, and building the serializer (a deep copy of its fields and its entries' fields
    each time) cost more than the rest of the answer. `session` has its patient, program,
    version and entries (with their items' exercises) loaded. tests/programs/test_api.py holds
    the two equal; a field added to SessionSerializer must be added here."""
    return {
        "id": str(session.public_id),
        "patient": str(session.patient.public_id),
        "program": str(session.program.public_id),
        "version": session.version.number,
        "performed_on": session.performed_on.isoformat(),
        "logged_at": _TIMESTAMP.to_representation(session.logged_at),
        "updated_at": _TIMESTAMP.to_representation(session.updated_at),
        "editable_until": _TIMESTAMP.to_representation(session.logged_at + services.EDIT_WINDOW),
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "difficulty": session.difficulty,
        "note": session.note,
        "entries": [
            {
                "item": entry.item_id,
                "exercise": {
                    "id": str(entry.item.exercise.public_id),
                    "name": entry.item.exercise.name,
                },
                "target_sets": entry.target_sets,
                "target_reps": entry.target_reps,
                "target_hold_seconds": entry.target_hold_seconds,
                "target_side": entry.target_side,
                "sets_done": entry.sets_done,
                "reps_done": entry.reps_done,
                "hold_seconds_done": entry.hold_seconds_done,
                "skipped": entry.skipped,
                "skip_reason": entry.skip_reason,
                "dose_fraction": float(entry.dose_fraction),
            }
            for entry in session.entries.all()
        ],
    }


# --- Input serializers --------------------------------------------------------------------------


class ItemWriteSerializer(serializers.Serializer):
    exercise = serializers.UUIDField(help_text="The exercise's id (see /api/v1/exercises/).")
    sets = _dose("sets", "Sets per session.")
    reps = _dose("reps", "Repetitions per set.")
    hold_seconds = _dose("hold_seconds", "Seconds each repetition is held; 0 = none.", default=0)
    rest_seconds = _dose("rest_seconds", "Rest between sets, in seconds.", default=0)
    side = serializers.ChoiceField(
        choices=Side.choices, default=Side.NONE, help_text="none (midline), both, left or right."
    )
    times_per_day = _dose("times_per_day", "Sessions of this exercise per day.", default=1)
    days_of_week = WeekdaysField(default=ALL_DAYS, help_text="Days it is prescribed on; all.")
    notes = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="Notes for this exercise."
    )
    phase_name = serializers.CharField(
        max_length=60, allow_blank=True, default="", help_text="Phase name, e.g. 'Weeks 1-2'."
    )
    phase_start_week = _whole(
        "First week of the phase (1 = the program's first week).",
        1,
        104,
        allow_null=True,
        default=None,
    )
    phase_end_week = _whole(
        "Last week of the phase; null = to the end.", 1, 104, allow_null=True, default=None
    )


class ProgramCreateSerializer(serializers.Serializer):
    patient = serializers.UUIDField(help_text="The patient's id; must be on your caseload.")
    protocol = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Start from this protocol: its items, name and notes are the defaults.",
    )
    title = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Required unless starting from a protocol (then defaults to its name).",
    )
    start_date = NearDateField(help_text="First day of the program (patient's local dates).")
    end_date = NearDateField(
        required=False, allow_null=True, default=None, help_text="Last day; null = open-ended."
    )
    notes_for_patient = serializers.CharField(
        required=False, allow_blank=True, help_text="What the patient reads with the program."
    )
    items = ItemWriteSerializer(
        many=True,
        required=False,
        help_text="The prescribed exercises; when given they win over the protocol's.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("protocol"):
            if not data.get("items"):
                raise _invalid("items", "Add at least one exercise, or start from a protocol.")
            if not data.get("title", "").strip():
                raise _invalid("title", "Give the program a title.")
        return data


class VersionCreateSerializer(serializers.Serializer):
    effective_from = NearDateField(help_text="First date the new version is in force.")
    change_note = serializers.CharField(
        max_length=300, allow_blank=True, default="", help_text="Why the program changes."
    )
    items = ItemWriteSerializer(many=True, help_text="Everything the new version prescribes.")


class StateChangeSerializer(serializers.Serializer):
    on = NearDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date it takes effect; defaults to the patient's today.",
    )


class EntryWriteSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1,
        help_text="The prescribed item's `id` as /api/v1/today/ lists it (items have no UUID).",
    )
    sets_done = _whole("Sets done.", 0, 20, default=0)
    reps_done = _whole("Repetitions done per set.", 0, 100, default=0)
    hold_seconds_done = _whole("Seconds held per repetition.", 0, 600, default=0)
    skipped = serializers.BooleanField(default=False, help_text="True if it was skipped.")
    skip_reason = serializers.CharField(
        max_length=200, allow_blank=True, default="", help_text="Why; required when skipped."
    )


PAIN_MESSAGE = "Pain is a number from 0 (none) to 10 (worst imaginable)."


class SessionWriteSerializer(serializers.Serializer):
    performed_on = serializers.DateField(
        help_text="Local date it was done: today or up to 7 days back. Can't be changed later."
    )
    pain_before = _whole(
        "Neck pain before, 0 (none) to 10 (worst imaginable).",
        0,
        10,
        PAIN_MESSAGE,
        allow_null=True,
        default=None,
    )
    pain_after = _whole(
        "Neck pain after, 0 to 10.", 0, 10, PAIN_MESSAGE, allow_null=True, default=None
    )
    difficulty = _whole(
        "1 very easy, 2 easy, 3 about right, 4 hard, 5 too hard.",
        1,
        5,
        "Difficulty is from 1 (very easy) to 5 (too hard).",
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(
        max_length=2000, allow_blank=True, default="", help_text="A note for the therapist."
    )
    entries = EntryWriteSerializer(many=True, help_text="Each exercise done or skipped.")


class ProgramFilterSerializer(serializers.Serializer):
    patient = serializers.UUIDField(required=False, help_text="Only this patient's programs.")
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Only programs in this status."
    )


class SessionFilterSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so the fields are listed here rather than as attributes.
        return {
            "patient": serializers.UUIDField(
                required=False, help_text="Only this patient's sessions."
            ),
            "from": serializers.DateField(required=False, help_text="Sessions on or after."),
            "to": serializers.DateField(required=False, help_text="Sessions on or before."),
        }

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise _invalid("to", "Choose a date on or after `from`.")
        return data


class TodayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="The local date to show.")
